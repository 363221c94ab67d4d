package demo

import (
	"errors"
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlags(t *testing.T) {
	require.NoError(t, parseError(t, "-v"))

	err := parseError(t, "-x")
	var usage UsageError
	require.ErrorAs(t, err, &usage)
	assert.ErrorContains(t, err, "flag provided but not defined: -x")

	err = parseError(t, "-help")
	require.ErrorAs(t, err, &usage)
	assert.ErrorIs(t, err, flag.ErrHelp)

	err = parseError(t, "-v", "a", "b")
	assert.EqualError(t, err, `unexpected arguments ["a" "b"]`)
	assert.False(t, errors.As(err, &usage), "the flag set has not printed a stray argument")
}
