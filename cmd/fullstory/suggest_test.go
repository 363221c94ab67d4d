package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// TestFlagTypos: a mistyped flag gets the nearest one the command takes,
// global flags included; one that is no typo gets a pointer to --help.
func TestFlagTypos(t *testing.T) {
	_, e := fakeEnv(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"summarize", "--emial", "x"}, "fullstory summarize: unknown flag --emial; did you mean --email?"},
		{[]string{"summarize", "--email", demoEmail, "--lates", "2"}, "unknown flag --lates; did you mean --latest?"},
		{[]string{"summarize", "x", "-profile=p", "--jsno"}, "unknown flag --jsno; did you mean --json?"},
		{[]string{"summarize", "x", "--max-activation", "1"}, "unknown flag --max-activation; did you mean --max-activations?"},
		{[]string{"profiles", "try", "-f", "x.json", "--agaisnt", "y.json"}, "unknown flag --agaisnt; did you mean --against?"},
		{[]string{"sessions", "list", "--session_uid", "u"}, "unknown flag --session_uid; did you mean --session-uid?"},
		{[]string{"--verbos", "sessions", "list"}, "fullstory: unknown flag --verbos; did you mean --verbose?"},
		{[]string{"sessions", "list", "--emial=" + demoEmail}, "unknown flag --emial; did you mean --email?"},
		{[]string{"summarize", "--dance"}, "fullstory summarize: unknown flag --dance; see 'fullstory summarize --help'"},
		{[]string{"summarize", "-x"}, "unknown flag -x; see 'fullstory summarize --help'"},
		{[]string{"fake", "--fake"}, "unknown flag --fake; see 'fullstory fake --help'"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, e, tc.args...)
			line := requireFailure(t, r, exitUsage, tc.want)
			assert.NotContains(t, line, "flag provided but not defined")
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"email", "email", 0},
		{"emial", "email", 1}, // neighbours swapped
		{"emal", "email", 1},
		{"emaill", "email", 1},
		{"enail", "email", 1},
		{"sumarize", "summarize", 1},
		{"", "abc", 3},
		{"abc", "", 3},
		{"ca", "abc", 3}, // the optimal string alignment, not Damerau's 2
		{"dance", "fake", 3},
	} {
		assert.Equal(t, tc.d, shared.EditDistance(tc.a, tc.b), "%q %q", tc.a, tc.b)
	}
}
