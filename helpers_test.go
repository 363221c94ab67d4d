package fullstory_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// Assertions and transports that tests in several files share. The test
// servers are in testserver_test.go, the operations and the retry oracle in
// ops_test.go, the secret-leak checker in secrets_test.go and the slog
// recorder in logrecorder_test.go.

// wireAttemptCounter counts the attempts that pass through it to a
// transport of its own.
type wireAttemptCounter struct {
	base *http.Transport
	n    atomic.Int64
}

func newAttemptCounter(t *testing.T) *wireAttemptCounter {
	ac := &wireAttemptCounter{base: &http.Transport{}}
	t.Cleanup(ac.base.CloseIdleConnections)
	return ac
}

func (ac *wireAttemptCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	ac.n.Add(1)
	return ac.base.RoundTrip(req)
}

// client returns an http.Client that sends through ac.
func (ac *wireAttemptCounter) client() *http.Client { return &http.Client{Transport: ac} }

// attempts is how many attempts went through ac.
func (ac *wireAttemptCounter) attempts() int { return int(ac.n.Load()) }

// wireHostRecorder answers every request itself, without any network, and
// records the URL each one was sent to.
type wireHostRecorder struct {
	body string

	mu   sync.Mutex
	urls []*url.URL
}

func (hr *wireHostRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	u := *req.URL
	hr.mu.Lock()
	hr.urls = append(hr.urls, &u)
	hr.mu.Unlock()
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(hr.body)),
		ContentLength: int64(len(hr.body)),
		Request:       req,
	}, nil
}

// lastURL is the URL of the last request.
func (hr *wireHostRecorder) lastURL(t *testing.T) *url.URL {
	t.Helper()
	hr.mu.Lock()
	defer hr.mu.Unlock()
	require.NotEmpty(t, hr.urls, "no request was sent")
	return hr.urls[len(hr.urls)-1]
}

// assertWireHeaders checks the headers every request carries, and
// Content-Type exactly when the request has a body.
func assertWireHeaders(t *testing.T, r wireRecorded, withBody bool) {
	t.Helper()
	assert.Equal(t, "Basic "+wireAPIKey, r.Header.Get("Authorization"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "fullstory-go/"+fullstory.Version+" ("), "User-Agent %q", r.Header.Get("User-Agent"))
	if withBody {
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.NotEmpty(t, r.Body)
	} else {
		assert.Empty(t, r.Header.Values("Content-Type"))
		assert.Empty(t, r.Body)
	}
	assert.Empty(t, r.Header.Values("Idempotency-Key"))
	assert.Empty(t, r.Header.Values("Integration-Source"))
}

// requireInvalidArgument checks that err is a *ValidationError matching
// ErrInvalidArgument.
func requireInvalidArgument(t *testing.T, err error) *fullstory.ValidationError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, fullstory.ErrInvalidArgument)
	var ve *fullstory.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.NotEmpty(t, ve.Field)
	assert.NotEmpty(t, ve.Reason)
	return ve
}

// requireAPIError checks that err holds an *APIError and returns it.
func requireAPIError(t *testing.T, err error) *fullstory.APIError {
	t.Helper()
	require.Error(t, err)
	var ae *fullstory.APIError
	require.ErrorAs(t, err, &ae, "error %v", err)
	return ae
}

// wireNoGivingUp checks that err is not go-retryablehttp's bare error.
func wireNoGivingUp(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "giving up")
}

// errorsAsAPI reports whether err holds an *APIError, for assertions that
// must not stop the test.
func errorsAsAPI(err error) (*fullstory.APIError, bool) {
	var ae *fullstory.APIError
	ok := errors.As(err, &ae)
	return ae, ok
}
