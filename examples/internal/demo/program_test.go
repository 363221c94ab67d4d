package demo

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// parseError returns what ParseFlags returns for args, with the flag set's
// own output dropped.
func parseError(t *testing.T, args ...string) error {
	t.Helper()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Bool("v", false, "a flag")
	return ParseFlags(fs, args)
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{name: "success", err: nil, code: 0},
		{name: "-h", err: parseError(t, "-h"), code: 0},
		{name: "unknown flag, already printed", err: parseError(t, "-x"), code: 2},
		{name: "stray argument", err: parseError(t, "extra"), code: 1, stderr: "demo: unexpected arguments [\"extra\"]\n"},
		{name: "other error", err: errors.New("no sessions"), code: 1, stderr: "demo: no sessions\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			assert.Equal(t, tc.code, exitCode("demo", tc.err, &stderr))
			assert.Equal(t, tc.stderr, stderr.String())
		})
	}
}
