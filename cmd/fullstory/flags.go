package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"
)

// flagValueError is a flag value of the wrong form. Its message says the
// form wanted: invalid value "5" for --timeout: want a duration such as 30s
// or 2m. The flag package's own message names neither the "--" nor the
// form, and it does not wrap the value's error, so a flagForm keeps it.
type flagValueError struct{ name, value, want string }

func (e *flagValueError) Error() string {
	return fmt.Sprintf("invalid value %q for --%s: want %s", e.value, e.name, e.want)
}

// flagForm is a flag.Value that knows the form it wants, and on a bad value
// stores the flagValueError in *bad for parse to report.
type flagForm struct {
	name string
	set  func(string) (want string) // "" if the value was good and is stored
	get  func() string
	bad  **flagValueError
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
	if f.bad != nil {
		*f.bad = &flagValueError{f.name, s, want}
	}
	return errors.New(want)
}

// intFlag defines an int flag whose bad values say what is wanted.
func (a *app) intFlag(fs *flag.FlagSet, name string, def int, usage string) *int {
	p := &def
	fs.Var(&flagForm{
		name: name, bad: &a.badFlag,
		set: func(s string) string {
			n, err := strconv.Atoi(s)
			if err != nil {
				return "a whole number such as 5"
			}
			*p = n
			return ""
		},
		get: func() string { return strconv.Itoa(*p) },
	}, name, usage)
	return p
}

// durationFlag defines a positive duration flag, stored in *p.
func durationFlag(fs *flag.FlagSet, p *time.Duration, name, usage string, bad **flagValueError) {
	fs.Var(&flagForm{
		name: name, bad: bad,
		set: func(s string) string {
			d, err := time.ParseDuration(s)
			switch {
			case err != nil:
				return "a duration such as 30s or 2m"
			case d <= 0:
				return "a positive duration such as 30s or 2m"
			}
			*p = d
			return ""
		},
		get: func() string {
			if *p == 0 {
				return ""
			}
			return p.String()
		},
	}, name, usage)
}

// isSet reports whether the flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
