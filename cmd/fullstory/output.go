package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// Exit statuses.
const (
	exitOK    = 0
	exitAPI   = 1 // an API or network error, or work left undone
	exitUsage = 2 // a mistake in the command line or its input files
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

// exit prints err as one line on stderr and returns the exit status.
func (a *app) exit(err error) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	name := "fullstory"
	if a.cmd != nil {
		name += " " + a.cmd.name
	}
	msg := errText(err)
	code := exitAPI
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		code = exitUsage
		if ue.hint {
			msg += fmt.Sprintf("; see '%s --help'", name)
		}
	case errors.Is(err, fullstory.ErrInvalidArgument):
		code = exitUsage
	}
	fmt.Fprintf(a.stderr, "%s: %s\n", name, strings.Join(strings.Fields(msg), " "))
	return code
}

// errText is err's message without the "fullstory: " that starts the
// library's, which reads doubled after the command's name or mid-sentence.
func errText(err error) string {
	return strings.TrimPrefix(err.Error(), "fullstory: ")
}

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

// printJSON writes v as the one JSON document of the run, indented and
// without HTML escaping, so that prompts read as written.
func (a *app) printJSON(v any) error {
	return shared.EncodeJSON(a.stdout, v, "  ")
}

// field is a labelled value in human-readable output.
type field struct{ label, value string }

// writeFields writes aligned "label  value" lines, skipping empty values and
// indenting the continuation lines of multi-line values.
func writeFields(w io.Writer, fields []field) {
	width := 0
	for _, f := range fields {
		if f.value != "" {
			width = max(width, len(f.label))
		}
	}
	for _, f := range fields {
		if f.value == "" {
			continue
		}
		indent := "\n" + strings.Repeat(" ", width+2)
		fmt.Fprintf(w, "%-*s  %s\n", width, f.label, strings.ReplaceAll(strings.TrimRight(f.value, "\n"), "\n", indent))
	}
}

// formatTime prints a session time in UTC, the same on every machine.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}
