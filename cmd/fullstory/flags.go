package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"
)

// flagSet is the flags of one command line: the global ones its command
// takes and those its options declare. It never prints: help and errors are
// the command's to show.
type flagSet struct {
	*flag.FlagSet
	order []*flag.Flag    // as declared, which flag.FlagSet forgets: help and completion list them so
	bad   *flagValueError // the last flag value of the wrong form, for parse's message
}

func newFlagSet(name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs}
}

// declared calls fn for each flag, in the order they were declared.
func (f *flagSet) declared(fn func(*flag.Flag)) {
	for _, fl := range f.order {
		fn(fl)
	}
}

// note records the flag just defined, for declared.
func (f *flagSet) note(name string) { f.order = append(f.order, f.Lookup(name)) }

// stringVar defines a string flag stored in *p, whose default is *p.
func (f *flagSet) stringVar(p *string, name, usage string) {
	f.StringVar(p, name, *p, usage)
	f.note(name)
}

// boolVar defines a bool flag stored in *p, whose default is *p.
func (f *flagSet) boolVar(p *bool, name, usage string) {
	f.BoolVar(p, name, *p, usage)
	f.note(name)
}

// given reports whether the flag was on the command line.
func (f *flagSet) given(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// flagValueError is a flag value of the wrong form. Its message says the
// form wanted: invalid value "5" for --timeout: want a duration such as 30s
// or 2m. The flag package's own message names neither the "--" nor the
// form, and it does not wrap the value's error, so a flagForm keeps it.
type flagValueError struct{ name, value, want string }

func (e *flagValueError) Error() string {
	return fmt.Sprintf("invalid value %q for --%s: want %s", e.value, e.name, e.want)
}

// flagForm is a flag.Value that knows the form it wants, and on a bad value
// stores the flagValueError in its flagSet for parse to report.
type flagForm struct {
	name  string
	set   func(string) (want string) // "" if the value was good and is stored
	get   func() string
	owner *flagSet
}

func (f *flagForm) String() string {
	if f.get == nil { // the zero value that flag.PrintDefaults probes
		return ""
	}
	return f.get()
}

func (f *flagForm) Set(s string) error {
	want := f.set(s)
	if want == "" {
		return nil
	}
	if f.owner != nil {
		f.owner.bad = &flagValueError{f.name, s, want}
	}
	return errors.New(want)
}

// formVar defines a flag whose bad values say what is wanted: set stores a
// good value and returns "", or returns the form wanted; get prints the
// value, "" for none.
func (f *flagSet) formVar(name, usage string, set func(string) string, get func() string) {
	f.Var(&flagForm{name: name, set: set, get: get, owner: f}, name, usage)
	f.note(name)
}

// intVar defines an int flag stored in *p, whose default is *p.
func (f *flagSet) intVar(p *int, name, usage string) {
	f.formVar(name, usage, func(s string) string {
		n, err := strconv.Atoi(s)
		if err != nil {
			return "a whole number such as 5"
		}
		*p = n
		return ""
	}, func() string { return strconv.Itoa(*p) })
}

// durationVar defines a positive duration flag stored in *p; 0 is unset.
func (f *flagSet) durationVar(p *time.Duration, name, usage string) {
	f.formVar(name, usage, func(s string) string {
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			return "a duration such as 30s or 2m"
		case d <= 0:
			return "a positive duration such as 30s or 2m"
		}
		*p = d
		return ""
	}, func() string {
		if *p == 0 {
			return ""
		}
		return p.String()
	})
}

// parse parses args into f, accepting flags before, between and after the
// positional arguments, which it returns; "--" ends the flags. It returns
// flag.ErrHelp for -h or --help, and a usage error for anything else wrong.
func parse(f *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			return nil, f.parseError(err)
		}
		rest := f.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// parseError is the usage error for a command line that Parse refused: with
// the form wanted for a value of the wrong form, and the nearest flag for an
// unknown one.
func (f *flagSet) parseError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if bad := f.bad; bad != nil {
		f.bad = nil
		return usagef("%v", bad)
	}
	if name, ok := undefinedFlag(err); ok {
		return unknownFlag(f, name)
	}
	return usagef("%v", err)
}
