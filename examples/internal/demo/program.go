package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// RunFunc is the whole of an example program, with its inputs passed in so
// that tests can call it: args are the command-line arguments without the
// program name, and getenv reads the environment.
type RunFunc func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error

// Main runs run as the program called name, until it returns or an
// interrupt cancels its context, and exits as a command does: 0 on success or
// -h, 2 on a UsageError, which the flag set has already printed, and 1 on any
// other error, after printing "name: error" on stderr.
func Main(name string, run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	if code := exitCode(name, err, os.Stderr); code != 0 {
		os.Exit(code)
	}
}

// exitCode returns the exit status for the result of run, and prints on
// stderr the errors that nothing has printed yet.
func exitCode(name string, err error, stderr io.Writer) int {
	var usage UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		return 2
	default:
		fmt.Fprintln(stderr, name+":", err)
		return 1
	}
}
