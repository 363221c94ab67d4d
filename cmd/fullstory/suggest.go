package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// unknownCommand is the usage error for a command name that is not one,
// with the closest command if a typo explains it: "sumarize" for summarize,
// "profile list" for profiles list. rest is what followed the name, whose
// first word may be the subcommand of a mistyped group.
func unknownCommand(name string, rest []string) error {
	// The two words first: at equal distance, they say more.
	var candidates []string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") && !strings.Contains(name, " ") {
		candidates = append(candidates, name+" "+rest[0])
	}
	candidates = append(candidates, name)
	typed, best, bestDist := name, "", 0
	for _, c := range candidates {
		for _, known := range commandWords() {
			d := shared.EditDistance(c, known)
			if d <= maxTypos(c) && (best == "" || d < bestDist) {
				typed, best, bestDist = c, known, d
			}
		}
	}
	if best == "" {
		return usagef("unknown command %q", name)
	}
	// The suggestion is the help wanted; no pointer to --help after it.
	return &usageError{msg: fmt.Sprintf("unknown command %q; did you mean %q?", typed, best)}
}

// undefinedFlag returns the name of the flag that Parse found undefined, if
// that is what err says. The flag package has no error type for it, only
// this message, which the Go 1 promise keeps.
func undefinedFlag(err error) (string, bool) {
	return strings.CutPrefix(err.Error(), "flag provided but not defined: -")
}

// unknownFlag is the usage error for a flag that f does not define, with the
// nearest one that it does if a typo explains it: --emial for --email.
func unknownFlag(f *flagSet, name string) error {
	best, bestDist := "", 0
	f.declared(func(fl *flag.Flag) {
		d := shared.EditDistance(name, fl.Name)
		if d <= maxTypos(name) && d < len(fl.Name) && (best == "" || d < bestDist) {
			best, bestDist = fl.Name, d
		}
	})
	if best == "" {
		return usagef("unknown flag %s", dashed(name))
	}
	// The suggestion is the help wanted; no pointer to --help after it.
	return &usageError{msg: fmt.Sprintf("unknown flag %s; did you mean %s?", dashed(name), dashed(best))}
}

// commandWords is what may follow "fullstory": every command, and each
// group alone.
func commandWords() []string {
	var words []string
	seen := map[string]bool{}
	for _, c := range commands() {
		group, _, ok := strings.Cut(c.name, " ")
		if ok && !seen[group] {
			seen[group] = true
			words = append(words, group)
		}
		words = append(words, c.name)
	}
	return words
}

// maxTypos is how far a name may be from a command to suggest it: one slip
// in a short name, two in a longer one, so that "dance" suggests nothing.
func maxTypos(s string) int {
	if len(s) < 6 {
		return 1
	}
	return 2
}
