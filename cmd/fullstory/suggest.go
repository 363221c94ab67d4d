package main

import (
	"fmt"
	"strings"
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
			d := editDistance(c, known)
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

// editDistance is the Levenshtein distance between a and b, in bytes:
// command names are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
