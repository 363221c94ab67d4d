package demo

import (
	"flag"
	"fmt"
)

// UsageError is a command-line error that the flag set has already printed,
// with the usage, so that Main only has to exit.
type UsageError struct {
	// Err is the error of flag.FlagSet.Parse.
	Err error
}

// Error returns the message of the flag set's error.
func (e UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the flag set's error, so that errors.Is finds flag.ErrHelp.
func (e UsageError) Unwrap() error { return e.Err }

// ParseFlags parses args with fs, which should be made with
// flag.ContinueOnError, and returns its error as a UsageError. The examples
// take no arguments besides their flags, so it refuses any that are left.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return nil
}
