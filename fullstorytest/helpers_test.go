package fullstorytest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// newServer starts a server that the test closes when it ends.
func newServer(t *testing.T, opts ...fullstorytest.ServerOption) *fullstorytest.Server {
	t.Helper()
	srv := fullstorytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// rawResponse is what a request sent without the library got back.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
	Code   string // the error body's code
}

// raw sends a request as written, authenticated unless the first of
// header is "-", to test what the library would refuse to send. header is
// the Authorization header, if not the server's key, then pairs of other
// headers.
func raw(t *testing.T, srv *fullstorytest.Server, method, uri, body string, header ...string) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+uri, strings.NewReader(body))
	require.NoError(t, err)
	req.Close = true // no idle connection left behind
	switch {
	case len(header) == 0:
		req.Header.Set("Authorization", "Basic "+srv.APIKey)
	case header[0] != "-":
		req.Header.Set("Authorization", header[0])
	}
	for i := 1; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: data}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &e) == nil {
		out.Code = e.Code
		if resp.StatusCode >= 400 {
			require.NotEmpty(t, e.Message, "an error body has a message")
		}
	}
	return out
}

// apiError returns err as an *APIError, failing the test if it is not one.
func apiError(t *testing.T, err error) *fullstory.APIError {
	t.Helper()
	var ae *fullstory.APIError
	require.ErrorAs(t, err, &ae)
	return ae
}
