package fullstory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// The boundary: every error a call returns leaves through redactor.exit, and
// every log line it writes through the logger that redactor.logger returns.
// Both take out the API key and the call's private values (a user's email
// or uid), which a server can echo anywhere: in a message, a header that
// net/http quotes in a transport error, the path of a redirect. Both also
// keep the text on one printable line.

// redactor knows the secrets of one call.
type redactor struct {
	apiKey  string
	private []string // values to keep out of errors and logs: emails, uids
}

// minRedactLen is the shortest private value that is redacted: a shorter
// uid (say "u") would garble every message it occurs in, and identifies
// nobody.
const minRedactLen = 3

// redact replaces the API key and the private values (raw or query-escaped,
// in any letter case, as servers may lowercase an email) in s.
func (red *redactor) redact(s string) string {
	s = replaceFold(s, red.apiKey)
	for _, p := range red.private {
		if len(p) < minRedactLen {
			continue
		}
		s = replaceFold(s, p)
		if esc := url.QueryEscape(p); esc != p {
			s = replaceFold(s, esc)
		}
	}
	return s
}

// sample returns s redacted, then cut to one line of n runes. Redacting
// first leaves no part of a secret where the cut falls.
func (red *redactor) sample(s string, n int) string {
	return shared.OneLine(red.redact(s), n)
}

// line returns s redacted and printable.
func (red *redactor) line(s string) string {
	return shared.Printable(red.redact(s))
}

// exit is the one way out for a call's error. An *APIError keeps its type,
// with its server-given text cleaned in place; any other error whose text
// needed cleaning is wrapped, so that errors.Is and errors.As still see it.
func (red *redactor) exit(err error) error {
	if err == nil {
		return nil
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Code, apiErr.Message = red.line(apiErr.Code), red.line(apiErr.Message)
	}
	msg := err.Error()
	if clean := red.line(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// redactedError is an error whose text had secrets or unprintable characters
// taken out; errors.Is and errors.As still see the error it wraps.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// logger returns l behind a handler that redacts every message and value,
// or nil when l is nil.
func (red *redactor) logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(&redactHandler{next: l.Handler(), red: red})
}

// redactHandler cleans each record on its way to the caller's handler.
type redactHandler struct {
	next slog.Handler
	red  *redactor
}

func (h *redactHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	clean := slog.NewRecord(rec.Time, rec.Level, h.red.line(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		clean.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, clean)
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.red.line(v.String()))
	case slog.KindAny:
		return slog.String(a.Key, h.red.line(fmt.Sprint(v.Any())))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]any, len(attrs))
		for i, g := range attrs {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), red: h.red}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), red: h.red}
}

// withoutQuery removes the query string, which may hold an email or uid,
// from the URL in a *url.Error, keeping the error chain for errors.Is.
func withoutQuery(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	safe := *ue
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.ForceQuery, u.Fragment, u.User = "", false, "", nil
		safe.URL = u.String()
	} else {
		safe.URL = "[redacted]"
	}
	if ue == err {
		return &safe
	}
	// The *url.Error is wrapped: describe it afresh, keeping the chain.
	return fmt.Errorf("%s: %w", strings.Replace(err.Error(), ue.Error(), safe.Error(), 1), ue.Err)
}

// replaceFold replaces every occurrence of secret in s, ignoring ASCII case,
// with "[redacted]".
func replaceFold(s, secret string) string {
	lower, lowerSecret := strings.ToLower(s), strings.ToLower(secret)
	if len(lower) != len(s) || len(lowerSecret) != len(secret) {
		// Lowercasing changed byte offsets (non-ASCII): match exactly.
		return strings.ReplaceAll(s, secret, "[redacted]")
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lowerSecret)
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString("[redacted]")
		s, lower = s[i+len(secret):], lower[i+len(secret):]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s)
	return b.String()
}
