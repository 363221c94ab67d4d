package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressOnlyOnTerminals(t *testing.T) {
	var buf strings.Builder
	assert.False(t, isTerminal(&buf))
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a file is not a terminal")
	assert.Nil(t, (&app{stderr: f}).newProgress(3))

	p := &progress{w: &buf, total: 2}
	p.step()
	p.step()
	p.finish()
	assert.Equal(t, "\rSummarizing: 1 of 2 done\rSummarizing: 2 of 2 done\r\x1b[K", buf.String())
	var none *progress
	none.step() // a nil progress, for output that is not a terminal, does nothing
	none.finish()
}
