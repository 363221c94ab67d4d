package demo

import (
	"bytes"
	"context"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// Capture runs run as the examples' tests do: with a background context,
// args, an environment that holds only env, and buffers for stdout and
// stderr, whose text it returns with run's error.
func Capture(run RunFunc, args []string, env map[string]string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
	return out.String(), errOut.String(), err
}

// EnvFor returns the environment that makes an example take srv for the
// real API: srv's key in FULLSTORY_API_KEY and its URL in FULLSTORY_BASE_URL.
func EnvFor(srv *fullstorytest.Server) map[string]string {
	return map[string]string{"FULLSTORY_API_KEY": srv.APIKey, "FULLSTORY_BASE_URL": srv.URL}
}
