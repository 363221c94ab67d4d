package engine

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type captureTransport struct{ got *http.Request }

func (c *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.got = r
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

// What net/http's Transport receives is never replayable by its own rules:
// a body without GetBody, or for a bodiless request an empty in-memory body
// sent as none. The caller's request is left as it was.
func TestNoReplayHandsOnlyUnreplayableRequests(t *testing.T) {
	for _, tc := range []struct {
		method string
		body   []byte
		key    bool
	}{
		{http.MethodGet, nil, false},
		{http.MethodDelete, nil, true},
		{http.MethodPost, []byte(`{"name":"n"}`), true},
	} {
		req, err := http.NewRequest(tc.method, "http://127.0.0.1/x", nil)
		require.NoError(t, err)
		if tc.body != nil {
			req.Body = io.NopCloser(bytes.NewReader(tc.body))
			req.ContentLength = int64(len(tc.body))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(tc.body)), nil }
		}
		if tc.key {
			req.Header.Set("Idempotency-Key", "k")
		}
		base := &captureTransport{}
		_, err = noReplay{base: base, h2: new(sync.Map)}.RoundTrip(req)
		require.NoError(t, err)

		got := base.got
		assert.Nil(t, got.GetBody, tc.method)
		require.NotNil(t, got.Body, tc.method)
		assert.NotEqual(t, http.NoBody, got.Body, tc.method)
		sent, _ := io.ReadAll(got.Body)
		assert.Equal(t, string(tc.body), string(sent), tc.method)
		if tc.body == nil {
			assert.Equal(t, []string{"identity"}, got.TransferEncoding, "no chunking, no probe")
			assert.Nil(t, req.Body, "the caller's request changed")
		} else {
			assert.NotNil(t, req.GetBody, "the caller's request changed")
		}
	}
}
