package engine

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"time"
)

// logAttempt writes the Debug line of the last attempt of out.
func logAttempt(r *Request, out *Outcome) {
	if r.Log == nil {
		return
	}
	attrs := []any{"method", r.Method, "path", r.Path, "attempt", out.Attempts, "status", out.Status, "duration", out.Duration}
	switch {
	case out.End == EndBodyTooLarge:
		attrs = append(attrs, "error", "body too large")
	case out.Err != nil:
		attrs = append(attrs, "error", Describe(out.Err))
	}
	r.Log.Log(context.Background(), slog.LevelDebug, "fullstory: attempt", attrs...)
}

// logRetry writes the Info line of one retry.
func logRetry(r *Request, out *Outcome, reason string, wait time.Duration) {
	if r.Log == nil {
		return
	}
	r.Log.Log(context.Background(), slog.LevelInfo, "fullstory: retrying",
		"method", r.Method, "path", r.Path, "attempt", out.Attempts, "status", out.Status, "reason", reason, "wait", wait)
}

// Describe returns a short description of a transport error for logs,
// without the URL that a *url.Error carries.
func Describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
