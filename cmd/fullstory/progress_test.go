package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runOnTerminal runs the command as if stdout and stderr were a terminal of
// the given width.
func runOnTerminal(t *testing.T, e env, width int, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runOn(context.Background(), nil, args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return e[k] }, console{stderrTTY: true, stdoutTTY: true, width: width})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func TestDetectConsole(t *testing.T) {
	noEnv := func(string) string { return "" }
	var buf strings.Builder
	assert.Equal(t, console{}, detectConsole(&buf, &buf, noEnv))

	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, console{}, detectConsole(f, f, noEnv), "a file is not a terminal")
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, detectConsole(null, null, noEnv).stderrTTY, "a character device that is not a terminal is not one")

	columns := func(v string) func(string) string {
		return func(k string) string { return map[string]string{"COLUMNS": v}[k] }
	}
	assert.Equal(t, 120, detectConsole(&buf, &buf, columns("120")).width, "COLUMNS counts even for a pipe")
	assert.Equal(t, 0, detectConsole(&buf, &buf, columns("wide")).width)
	assert.Equal(t, 80, (&app{}).width(), "80 when unknown")
	assert.Equal(t, 0, (&app{}).proseWidth(), "summaries are not wrapped for a pipe")
}

func TestProgressOnTerminal(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID().String()

	// One summary: what it may spend, then a spinner from the start,
	// cleared before the summary.
	r := runOnTerminal(t, e, 80, "summarize", id)
	requireOK(t, r)
	spend, spin, _ := strings.Cut(r.stderr, "\n")
	assert.Equal(t, "fullstory summarize: may spend 1 Activation", spend)
	assert.True(t, strings.HasPrefix(spin, "\r\x1b[K⠋ Summarizing "+id+"…"), "%q", r.stderr)
	assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "the line is cleared: %q", r.stderr)
	assert.NotContains(t, r.stdout, "Summarizing")

	// Several: counts, from none to all.
	r = runOnTerminal(t, e, 80, "summarize", "--email", demoEmail, "--latest", "3")
	requireOK(t, r)
	assert.Contains(t, r.stderr, "Listing the user's sessions…")
	assert.Contains(t, r.stderr, "0/3 sessions summarized")
	assert.Contains(t, r.stderr, "3/3 sessions summarized")
	assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "%q", r.stderr)

	r = runOnTerminal(t, e, 80, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "2")
	requireOK(t, r)
	assert.Contains(t, r.stderr, "0/4 summaries written")
	assert.Contains(t, r.stderr, "4/4 summaries written")

	// --verbose logs each request instead; the two would cut into each other.
	r = runOnTerminal(t, e, 80, "--verbose", "summarize", id)
	requireOK(t, r)
	assert.NotContains(t, r.stderr, "Summarizing")
}

func TestNoProgressOffTerminal(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID().String()
	for _, args := range [][]string{
		{"summarize", id},
		{"summarize", "--email", demoEmail, "--latest", "2"},
		{"profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "1"},
	} {
		r := runCLI(t, e, args...)
		requireOK(t, r)
		assert.Empty(t, r.stderr, "%v", args)
	}
	var none *progress
	none.say("x") // a nil progress, for output that is not a terminal, does nothing
	none.counting(2, "x")
	none.step()
	none.finish()
}
