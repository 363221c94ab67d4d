package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// Exit statuses, as the README lists them. Scripts branch on them, so they
// are decided from the error's type, never from its text.
const (
	exitOK          = 0
	exitFailure     = 1   // any other failure: network, server, work left undone
	exitUsage       = 2   // a mistake in the command line or its input files
	exitAuth        = 3   // the API refused the key: 401 or 403
	exitNotFound    = 4   // the API has no such profile or session: 404
	exitRateLimited = 5   // still rate limited (429) after the retries
	exitInterrupted = 130 // Ctrl-C: 128 + SIGINT, as shells report it
)

// usageError is a mistake in the command line or its input: exit status 2.
type usageError struct {
	msg  string
	hint bool // point to the command's --help
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError that points to the command's help.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: true}
}

// inputf returns a usageError about an input file, where help would not help.
func inputf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errInterrupted is what a command stopped by Ctrl-C returns: exit status 130.
var errInterrupted = errors.New("interrupted")

// interrupted is the error of a command stopped by Ctrl-C. It reads
// "interrupted"; "context canceled" would say nothing more to a person.
func interrupted(ctx context.Context) error {
	return &interruptError{ctx.Err()}
}

type interruptError struct{ cause error }

func (e *interruptError) Error() string   { return errInterrupted.Error() }
func (e *interruptError) Unwrap() []error { return []error{errInterrupted, e.cause} }

// reportedError is a failure whose details the command already printed on
// stderr, such as each profile that profiles delete could not delete: exit
// prints it only as --json's error object, so that nothing is said twice.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

// causeError is an error message that quotes, and wraps, its cause, so that
// the exit status follows the cause.
type causeError struct {
	msg   string
	cause error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.cause }

// wrapf returns an error that reads format, then cause's errText.
func wrapf(cause error, format string, args ...any) error {
	return &causeError{msg: fmt.Sprintf(format, args...) + errText(cause), cause: cause}
}

// errText is err's message for people: without the "fullstory: " that
// starts the library's, which reads doubled after the command's name or
// mid-sentence. It only presents; nothing is decided from it.
func errText(err error) string {
	return strings.TrimPrefix(err.Error(), "fullstory: ")
}

// failure is how a run failed, as exit prints it and --json's error object
// holds it.
type failure struct {
	Message  string `json:"message"`
	Kind     string `json:"kind"`             // usage, unauthorized, not_found, rate_limited, …
	Status   int    `json:"status,omitempty"` // the HTTP status of an API error
	ExitCode int    `json:"exit_code"`
}

// classify decides the kind and exit status of err from its type. ctx is the
// run's: a call cut short because it ended was interrupted, whatever the
// command made of it.
func classify(ctx context.Context, err error) failure {
	f := failure{Message: strings.Join(strings.Fields(errText(err)), " "), Kind: "error", ExitCode: exitFailure}
	var apiErr *fullstory.APIError
	if errors.As(err, &apiErr) {
		f.Status = apiErr.StatusCode
	}
	var ue *usageError
	switch {
	case errors.Is(err, errInterrupted):
		f.Kind, f.ExitCode = "interrupted", exitInterrupted
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		f.Kind, f.ExitCode = "interrupted", exitInterrupted
		f.Message = "interrupted: " + f.Message
	case errors.As(err, &ue):
		f.Kind, f.ExitCode = "usage", exitUsage
	case errors.Is(err, fullstory.ErrInvalidArgument):
		f.Kind, f.ExitCode = "invalid_argument", exitUsage
	case errors.Is(err, fullstory.ErrUnauthorized):
		f.Kind, f.ExitCode = "unauthorized", exitAuth
	case errors.Is(err, fullstory.ErrForbidden):
		f.Kind, f.ExitCode = "forbidden", exitAuth
	case errors.Is(err, fullstory.ErrNotFound):
		f.Kind, f.ExitCode = "not_found", exitNotFound
	case errors.Is(err, fullstory.ErrRateLimited):
		f.Kind, f.ExitCode = "rate_limited", exitRateLimited
	case errors.Is(err, fullstory.ErrServer):
		f.Kind = "server_error"
	case apiErr != nil:
		f.Kind = "api_error"
	case errors.Is(err, context.DeadlineExceeded):
		f.Kind = "timeout"
	}
	return f
}

// exit prints err on stderr, as one line or with --json as one JSON object
// {"error": {...}}, and returns the exit status.
func (a *app) exit(ctx context.Context, err error) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	f := classify(ctx, err)
	if a.g.json {
		shared.EncodeJSON(a.stderr, map[string]failure{"error": f}, "")
		return f.ExitCode
	}
	var reported *reportedError
	if errors.As(err, &reported) {
		return f.ExitCode
	}
	name := "fullstory"
	if a.cmd != nil {
		name += " " + a.cmd.name
	}
	var ue *usageError
	if errors.As(err, &ue) && ue.hint {
		f.Message += fmt.Sprintf("; see '%s --help'", name)
	}
	a.notef("%s: %s", name, f.Message)
	return f.ExitCode
}

// notef writes a message on stderr: one line for scripts, or on a terminal
// lines broken between words to fit.
func (a *app) notef(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if a.con.stderrTTY {
		line = wrapText(line, a.width())
	}
	fmt.Fprintln(a.stderr, line)
}
