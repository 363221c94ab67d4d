package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestCapture(t *testing.T) {
	boom := errors.New("boom")
	run := func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
		fmt.Fprintf(stdout, "args %q, key %q, url %q", args, getenv("FULLSTORY_API_KEY"), getenv("FULLSTORY_BASE_URL"))
		fmt.Fprint(stderr, "warning")
		return boom
	}
	srv := fullstorytest.NewServer()
	defer srv.Close()

	stdout, stderr, err := Capture(run, []string{"-n", "2"}, EnvFor(srv))
	assert.Equal(t, fmt.Sprintf(`args ["-n" "2"], key %q, url %q`, srv.APIKey, srv.URL), stdout)
	assert.Equal(t, "warning", stderr)
	assert.Same(t, boom, err)

	stdout, _, _ = Capture(run, nil, nil)
	assert.Equal(t, `args [], key "", url ""`, stdout, "a nil environment is empty")
}
