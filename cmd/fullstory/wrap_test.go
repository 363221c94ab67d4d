package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrapText(t *testing.T) {
	assert.Equal(t, "short line\n\nstays", wrapText("short line\n\nstays", 20))
	assert.Equal(t, "one two\nthree four\nfive", wrapText("one two three four five", 10))
	assert.Equal(t, "a unbreakablewordhere\nb", wrapText("a unbreakablewordhere b", 10), "never inside a word; one too long for any line is not moved")
	assert.Equal(t, "URL  https://example.com/a/long/path\n     next", wrapText("URL  https://example.com/a/long/path next", 20))
	assert.Equal(t, "  indented text\n  goes on here", wrapText("  indented text goes on here", 16))
	assert.Equal(t, "  fullstory summarize \\\n      --email x \\\n      --latest 3", wrapText("  fullstory summarize --email x --latest 3", 23),
		"examples stay pasteable")
	assert.Equal(t, "  name   a description\n         that hangs", wrapText("  name   a description that hangs", 22), "columns stay aligned")
	assert.Equal(t, "  contexts [PreviewContext]  what each profile would send, in\n                             the order of profiles",
		wrapText("  contexts [PreviewContext]  what each profile would send, in the order of profiles", 64), "a name as wide as help json's column hangs too")
	assert.Equal(t, "as it is, however long", wrapText("as it is, however long", 0))

	long := strings.Repeat("word ", 40)
	for _, width := range []int{20, 40, 80} {
		for line := range strings.SplitSeq(wrapText(long, width), "\n") {
			assert.LessOrEqual(t, utf8.RuneCountInString(line), width)
			assert.False(t, strings.HasSuffix(line, " "), "%q", line)
		}
	}
}

// requireFits checks that each line of got fits width unless it is one
// word, and that got has the words of want, in order: wrapped, not cut.
func requireFits(t *testing.T, got, want string, width int) {
	t.Helper()
	for line := range strings.SplitSeq(got, "\n") {
		if len(strings.Fields(line)) > 1 {
			assert.LessOrEqual(t, utf8.RuneCountInString(line), width, "%q", line)
		}
	}
	words := func(s string) []string {
		var out []string
		for _, w := range strings.Fields(s) {
			if w != `\` {
				out = append(out, w)
			}
		}
		return out
	}
	assert.Equal(t, words(want), words(got))
}

func TestSummariesAndHelpFitTheTerminal(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID().String()
	plain := runCLI(t, e, "summarize", id)
	requireOK(t, plain)
	require.Greater(t, maxLineWidth(plain.stdout), 60, "the demo summary has long lines")
	for _, width := range []int{60, 100} {
		r := runOnTerminal(t, e, width, "summarize", id)
		requireOK(t, r)
		requireFits(t, r.stdout, plain.stdout, width)
	}

	for _, args := range [][]string{{"--help"}, {"profiles", "try", "--help"}, {"sessions", "list", "--help"}, {"profiles", "--help"}} {
		plain := runCLI(t, env{}, args...)
		for _, width := range []int{50, 80} {
			r := runOnTerminal(t, env{}, width, args...)
			requireOK(t, r)
			requireFits(t, r.stdout, plain.stdout, width)
		}
		for line := range strings.SplitSeq(plain.stdout, "\n") {
			assert.LessOrEqual(t, utf8.RuneCountInString(line), 80, "%v: 80 columns when the width is unknown: %q", args, line)
		}
	}
}

func maxLineWidth(s string) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n = max(n, utf8.RuneCountInString(line))
	}
	return n
}
