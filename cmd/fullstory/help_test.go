package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		r := runCLI(t, env{}, args...)
		requireOK(t, r)
		assert.Empty(t, r.stderr)
		assert.Contains(t, r.stdout, "Usage:\n  fullstory [global flags] COMMAND")
		assert.Contains(t, r.stdout, "Exit status:\n  0    success\n")
		assert.Contains(t, r.stdout, "  4    no such profile or session (404)\n")
		assert.Contains(t, r.stdout, "--fake")
		for _, c := range commands() {
			assert.Contains(t, r.stdout, "  "+c.name+" ")
		}
	}

	for _, c := range commands() {
		for _, args := range [][]string{append(strings.Fields(c.name), "--help"), append([]string{"help"}, strings.Fields(c.name)...)} {
			r := runCLI(t, env{}, args...)
			requireOK(t, r)
			assert.Empty(t, r.stderr)
			assert.True(t, strings.HasPrefix(r.stdout, "Usage: fullstory "+c.name), "%v: %s", args, r.stdout)
			assert.NotRegexp(t, `(?m) $`, r.stdout, "%v: a line ends in a space", args)
			if c.noClient {
				assert.Contains(t, r.stdout, "Global flags: --verbose, --json (")
				assert.NotContains(t, r.stdout, "--base-url", "%v: flags that choose an API mean nothing here", args)
				assert.NotContains(t, r.stdout, "--region")
			} else {
				assert.Contains(t, r.stdout, "Global flags: --base-url")
			}
			if c.name != "help" && c.name != "version" {
				assert.Contains(t, r.stdout, "Example", "%v has no examples", args)
			}
		}
	}

	for _, group := range []string{"profiles", "sessions"} {
		r := runCLI(t, env{}, group, "--help")
		requireOK(t, r)
		assert.True(t, strings.HasPrefix(r.stdout, "Usage: fullstory "+group+" COMMAND"))
	}
	r := runCLI(t, env{}, "profiles", "--help")
	assert.Contains(t, r.stdout, "examples/profiles/*.json")

	r = runCLI(t, env{}, "profiles", "try", "--help")
	assert.Contains(t, r.stdout, "[--against FILE] [--out FILE]\n", "the synopsis and the flags name --out's value alike")
	for _, flag := range []string{"-f FILE", "--against FILE", "--out FILE", "--email EMAIL", "--latest N"} {
		assert.Contains(t, r.stdout, "  "+flag+"\n")
	}
	assert.NotContains(t, r.stdout, "  --base-url", "global flags are listed once, in fullstory --help")
}

// TestCommandHelpReadsTheDeclarations: a command's help lists its flags
// in the order it declares them, with the defaults that the run uses, and
// sends nothing: help runs no command.
func TestCommandHelpReadsTheDeclarations(t *testing.T) {
	r := runCLI(t, env{}, "profiles", "try", "--help")
	requireOK(t, r)
	at := -1
	for _, flag := range []string{"-f FILE", "--against FILE", "--out FILE", "--email EMAIL", "--uid UID", "--latest N", "--concurrency C", "--preview", "--max-activations N"} {
		next := strings.Index(r.stdout, "\n  "+flag+"\n")
		require.Greater(t, next, at, "%s missing or out of order:\n%s", flag, r.stdout)
		at = next
	}
	assert.Contains(t, r.stdout, "write at most C summaries at once (default 4)")
	assert.Contains(t, r.stdout, "summarize the user's latest N sessions (default 3)")

	r = runCLI(t, env{}, "summarize", "--help")
	assert.Contains(t, r.stdout, "write at most C summaries at once (default 4)")
	assert.Contains(t, r.stdout, "\n  --max-activations N\n      spend at most N Activations: a summary past them fails before it is sent\n")
	assert.Contains(t, r.stdout, "\nWith --json (the fields: fullstory help json):\n  with SESSION: a Summary\n  with --email or --uid: {\"summaries\": [Summary], \"activations\": Activations}\n")

	srv, e := fakeEnv(t)
	srv.ResetRequests()
	for _, c := range commands() {
		requireOK(t, runCLI(t, e, append([]string{"help"}, strings.Fields(c.name)...)...))
		requireOK(t, runCLI(t, e, append(strings.Fields(c.name), "--help")...))
	}
	assert.Empty(t, srv.Requests(), "help sends nothing")

	r = runCLI(t, env{}, "--help")
	assert.Contains(t, r.stdout, "Activations: each summary spends one of the account's Activations.")
	assert.Contains(t, r.stdout, "\n  completion        Print a shell completion script\n")
}
