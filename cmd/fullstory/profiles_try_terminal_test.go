package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTryOnTerminal: on a terminal, profiles try prints a view to read, not
// Markdown: side by side when two columns of prose fit, else one after the
// other; every line fits, and words are broken only when longer than a line.
func TestTryOnTerminal(t *testing.T) {
	srv, e := fakeEnv(t)
	sessions := demoSessions(t, srv)[:2]
	generic := make([]string, len(sessions))
	for i, s := range sessions {
		sum, err := srv.Client().Sessions.Summarize(context.Background(), s.ID(), nil)
		require.NoError(t, err)
		generic[i] = sum.Text
	}
	args := []string{"profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "2"}

	for _, width := range []int{120, 80} {
		r := runOnTerminal(t, e, width, args...)
		requireOK(t, r)
		out := r.stdout
		assert.True(t, strings.HasPrefix(out, "Profile comparison: A: Support assistant vs B: API generic synopsis\n"), out)
		for _, md := range []string{"<br>", "|---", "# ", "| "} {
			assert.NotContains(t, out, md, "width %d: Markdown on a terminal", width)
		}
		for line := range strings.SplitSeq(out, "\n") {
			if len(strings.Fields(line)) > 1 { // a URL stays whole, so that the terminal can open it
				assert.LessOrEqual(t, utf8.RuneCountInString(line), width, "width %d: %q", width, line)
			}
			assert.False(t, strings.HasSuffix(line, " "), "width %d: a line ends in a space: %q", width, line)
		}
		for i, s := range sessions {
			assert.Contains(t, out, "Session "+string(rune('1'+i))+" of 2: "+s.ID().String()+"\nCreated "+formatTime(s.CreatedTime)+"\n"+s.URL+"\n")
		}

		sideBySide := width == 120
		assert.Equal(t, sideBySide, strings.Contains(out, "A: Support assistant"+strings.Repeat(" ", 38)+" │ B: API generic synopsis\n"), "width %d:\n%s", width, out)
		assert.Equal(t, sideBySide, strings.Contains(out, "│"), "width %d", width)
		for i := range sessions {
			b := sideText(t, out, i, sideBySide)
			col := width
			if sideBySide {
				col = (width - 3) / 2
			}
			requireWords(t, b, generic[i], col)
		}
	}

	// Narrow: each profile's settings in turn, defaults left out.
	r := runOnTerminal(t, e, 80, args...)
	assert.Contains(t, r.stdout, "Profiles\n\nA: Support assistant\n  File         ../../examples/profiles/support.json\n  Slice        LAST, 200 events\n")
	assert.Contains(t, r.stdout, "help pages, list them.\n\nB: API generic synopsis\n  (the API's defaults)\n")
	assert.NotContains(t, r.stdout, "(default)")
	// Wide: a row per setting.
	r = runOnTerminal(t, e, 120, args...)
	assert.Contains(t, r.stdout, "\nSlice           │ LAST, 200 events")

	// --out gets the Markdown report, even from a terminal.
	file := filepath.Join(t.TempDir(), "report.md")
	r = runOnTerminal(t, e, 120, append(args, "--out", file)...)
	requireOK(t, r)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "# Profile comparison: "), string(data))
	assert.Contains(t, string(data), "<br>")

	// The preview too is plain text on a terminal.
	r = runOnTerminal(t, e, 100, append(args, "--preview")...)
	requireOK(t, r)
	assert.True(t, strings.HasPrefix(r.stdout, "Profile preview: A: Support assistant vs B: API generic synopsis\n"), r.stdout)
	assert.NotContains(t, r.stdout, "```")
	assert.Contains(t, r.stdout, "\n  Pre-prompt:\n  You are a support assistant.")
	assert.Contains(t, r.stdout, "\n  Session data:\n  Session   ")
}

// sideText returns B's summary of session i as the terminal view shows it:
// the right-hand column, or the text under B's heading.
func sideText(t *testing.T, out string, i int, sideBySide bool) string {
	t.Helper()
	sections := strings.Split(out, "\nSession ")
	require.Greater(t, len(sections), i+1)
	section := sections[i+1]
	var lines []string
	if sideBySide {
		_, body, ok := strings.Cut(section, " │ B: API generic synopsis\n")
		require.True(t, ok, section)
		_, body, _ = strings.Cut(body, "\n") // the rule
		for line := range strings.SplitSeq(body, "\n") {
			if line == "" {
				break
			}
			_, right, _ := strings.Cut(line, " │ ")
			lines = append(lines, right)
		}
	} else {
		_, body, ok := strings.Cut(section, "\nB: API generic synopsis\n")
		require.True(t, ok, section)
		for line := range strings.SplitSeq(body, "\n") {
			if line == "" {
				break
			}
			lines = append(lines, strings.TrimPrefix(line, "  "))
		}
	}
	return strings.Join(lines, "\n")
}

// requireWords checks that got has the words of want, in order, and that
// each word that fits a line of width was not broken.
func requireWords(t *testing.T, got, want string, width int) {
	t.Helper()
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	assert.Equal(t, squeeze(want), squeeze(got), "the text, whatever its breaks")
	gotWords := map[string]bool{}
	for _, w := range strings.Fields(got) {
		gotWords[w] = true
	}
	for _, w := range strings.Fields(want) {
		if utf8.RuneCountInString(w) <= width-2 {
			assert.True(t, gotWords[w], "%q was broken", w)
		}
	}
}
