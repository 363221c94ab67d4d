package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// Exit statuses. Scripts branch on them, so they are decided from the
// error's type, never from its text, and a kind keeps its status.
const (
	exitOK           = 0
	exitFailure      = 1
	exitUsage        = 2
	exitAuth         = 3
	exitNotFound     = 4
	exitRateLimited  = 5
	exitNothingFound = 6
	exitBudget       = 7
	exitInterrupted  = 130 // 128 + SIGINT, as shells report it
)

// exitStatus is one row of the table of exit statuses.
type exitStatus struct {
	code    int
	kinds   []string // the "kind" of --json's error object
	meaning string
}

// exitStatuses is the one table of exit statuses: help prints it, and the
// README's table is this one. classify decides a kind; the status is the
// kind's row.
var exitStatuses = []exitStatus{
	{exitOK, nil, "success"},
	{exitFailure, []string{"server_error", "api_error", "timeout", "budget_unavailable", "error"}, "a failure not listed below (network, server error, …)"},
	{exitUsage, []string{"usage", "invalid_argument"}, "usage error: the command line or an input file; nothing was sent"},
	{exitAuth, []string{"unauthorized", "forbidden"}, "the API refused the key (401, 403)"},
	{exitNotFound, []string{"not_found"}, "no such profile or session (404)"},
	{exitRateLimited, []string{"rate_limited"}, "still rate limited (429) after the retries"},
	{exitNothingFound, []string{"nothing_found"}, "nothing to work on: the user has no sessions"},
	{exitBudget, []string{"budget_exhausted"}, "--max-activations reached: a summary was refused before it was sent"},
	{exitInterrupted, []string{"interrupted"}, "interrupted (Ctrl-C)"},
}

// exitCode is the status of a kind.
func exitCode(kind string) int {
	for _, s := range exitStatuses {
		if slices.Contains(s.kinds, kind) {
			return s.code
		}
	}
	return exitFailure
}

// exitTable is the table as help prints it.
func exitTable() string {
	var b strings.Builder
	for _, s := range exitStatuses {
		fmt.Fprintf(&b, "  %-4d %s\n", s.code, s.meaning)
	}
	return b.String()
}

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

// nothingFoundError is a search that found nothing to work on, such as a
// user without sessions to summarize: exit status 6, apart from a failure.
type nothingFoundError struct{ msg string }

func (e *nothingFoundError) Error() string { return e.msg }

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
// mid-sentence. A summary that the budget refused is said in the terms of
// the command line: the budget is --max-activations. It only presents;
// nothing is decided from it.
func errText(err error) string {
	var composed *causeError // which quotes its cause's errText already
	var budget *fullstory.BudgetExhaustedError
	if !errors.As(err, &composed) && errors.As(err, &budget) {
		return fmt.Sprintf("not sent: --max-activations %d allows no more Activations", budget.Limit)
	}
	return strings.TrimPrefix(err.Error(), "fullstory: ")
}

// classify decides the kind and exit status of err from its type. ctx is the
// run's: a call cut short because it ended was interrupted, whatever the
// command made of it.
func classify(ctx context.Context, err error) jsonError {
	f := jsonError{Message: strings.Join(strings.Fields(errText(err)), " "), Kind: "error"}
	var apiErr *fullstory.APIError
	if errors.As(err, &apiErr) {
		f.Status = apiErr.StatusCode
	}
	var ue *usageError
	var nf *nothingFoundError
	switch {
	case errors.Is(err, errInterrupted):
		f.Kind = "interrupted"
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		f.Kind = "interrupted"
		f.Message = "interrupted: " + f.Message
	case errors.As(err, &ue):
		f.Kind = "usage"
	case errors.Is(err, fullstory.ErrInvalidArgument):
		f.Kind = "invalid_argument"
	case errors.As(err, &nf):
		f.Kind = "nothing_found"
	case errors.Is(err, fullstory.ErrBudgetExhausted):
		f.Kind = "budget_exhausted"
	case errors.Is(err, fullstory.ErrBudgetUnavailable):
		f.Kind = "budget_unavailable"
	case errors.Is(err, fullstory.ErrUnauthorized):
		f.Kind = "unauthorized"
	case errors.Is(err, fullstory.ErrForbidden):
		f.Kind = "forbidden"
	case errors.Is(err, fullstory.ErrNotFound):
		f.Kind = "not_found"
	case errors.Is(err, fullstory.ErrRateLimited):
		f.Kind = "rate_limited"
	case errors.Is(err, fullstory.ErrServer):
		f.Kind = "server_error"
	case apiErr != nil:
		f.Kind = "api_error"
	case errors.Is(err, context.DeadlineExceeded):
		f.Kind = "timeout"
	}
	f.ExitCode = exitCode(f.Kind)
	return f
}

// exit prints err on stderr, as one line or with --json as one JSON object
// {"error": {...}}, and returns the exit status. After Ctrl-C it also says
// what the run spent and cleaned up.
func (a *app) exit(ctx context.Context, err error) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	f := classify(ctx, err)
	if ctx.Err() != nil {
		// spentNote waits for the summaries in flight to end: first.
		if spent := a.spentNote(); spent != "" {
			f.Message += "; " + spent
		}
		f.Activations = a.activations()
	}
	if a.g.json {
		shared.EncodeJSON(a.stderr, jsonFailure{Error: f}, "")
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
