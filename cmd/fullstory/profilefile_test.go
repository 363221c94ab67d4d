package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The examples keep a copy of the profile file they define in Go, so that
// an example copied alone still tests; the copies are the files -f takes.
func TestExampleProfilesAreTheFilesTheCLITakes(t *testing.T) {
	for copyPath, file := range map[string]string{
		"../../examples/quickstart/testdata/support.json":  "../../examples/profiles/support.json",
		"../../examples/concierge/testdata/concierge.json": "../../examples/profiles/concierge.json",
	} {
		got, err := os.ReadFile(copyPath)
		require.NoError(t, err)
		want, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got), "%s is not %s", copyPath, file)
	}
}
