package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := runCLI(t, env{}, "completion", shell)
		requireOK(t, r)
		for _, word := range []string{"profiles", "sessions", "summarize", "fake", "completion", "email", "against", "json", "max-activations", "session-uid"} {
			assert.Contains(t, r.stdout, word, shell)
		}
		if path, err := exec.LookPath(shell); err == nil {
			script := filepath.Join(t.TempDir(), "fullstory."+shell)
			require.NoError(t, os.WriteFile(script, []byte(r.stdout), 0o600))
			out, err := exec.Command(path, "-n", script).CombinedOutput()
			assert.NoError(t, err, "%s -n: %s", shell, out)
		}
	}
	requireFailure(t, runCLI(t, env{}, "completion", "tcsh"), exitUsage, `unknown shell "tcsh"`)
	requireFailure(t, runCLI(t, env{}, "completion"), exitUsage, "needs one shell")
}

// TestBashCompletion runs the bash script's function on command lines.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	r := runCLI(t, env{}, "completion", "bash")
	requireOK(t, r)
	script := filepath.Join(t.TempDir(), "fullstory.bash")
	require.NoError(t, os.WriteFile(script, []byte(r.stdout), 0o600))
	complete := func(words ...string) string {
		t.Helper()
		cmd := exec.Command(bash, "--norc", "-c", `source "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(($# - 1)); _fullstory; echo "${COMPREPLY[*]}"`, script)
		cmd.Args = append(cmd.Args, words...)
		out, err := cmd.Output()
		require.NoError(t, err)
		return strings.TrimSpace(string(out))
	}
	assert.Equal(t, "profiles", complete("fullstory", "pro"))
	assert.Equal(t, "create get list update delete try", complete("fullstory", "profiles", ""))
	assert.Equal(t, "sessions", complete("fullstory", "--region", "eu1", "sess"), "a global flag's value is not a command")
	assert.Equal(t, "--email", complete("fullstory", "summarize", "--em"))
	assert.Equal(t, "--against", complete("fullstory", "profiles", "try", "-f", "x.json", "--ag"))
	assert.Equal(t, "bash", complete("fullstory", "completion", "ba"))
	assert.Contains(t, complete("fullstory", "--"), "--version")
	assert.Empty(t, complete("fullstory", "summarize", "x"), "file names, from -o default")
	assert.Equal(t, "--session-uid", complete("fullstory", "sessions", "list", "--sess"))
	assert.Equal(t, "--max-activations", complete("fullstory", "profiles", "try", "--max"))
	assert.Equal(t, "json", complete("fullstory", "help", "js"))
	assert.Equal(t, "--verbose --version", complete("fullstory", "--ver"))
	assert.Equal(t, "--verbose", complete("fullstory", "summarize", "--ver"), "--version goes before the command only")
	assert.Equal(t, "--fault", complete("fullstory", "fake", "--fa"), "fake takes no --fake")
}
