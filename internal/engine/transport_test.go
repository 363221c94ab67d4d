package engine

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
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

// NewTransport never proxies plain http, whatever the proxy function it
// started from says, and keeps proxying https as that says.
func TestNewTransportNeverProxiesPlainHTTP(t *testing.T) {
	tr := NewTransport()
	proxyURL := &url.URL{Scheme: "http", Host: "proxy.example:3128", User: url.UserPassword("u", "secret-pass")}
	base := tr.Proxy
	require.NotNil(t, base)
	for _, raw := range []string{"http://LOCALHOST:8080/x", "http://Localhost/x", "http://127.0.0.1:1/x", "http://[::1]/x"} {
		req, err := http.NewRequest(http.MethodGet, raw, nil)
		require.NoError(t, err)
		p, err := tr.Proxy(req)
		require.NoError(t, err)
		assert.Nil(t, p, raw)
	}

	// The caller's transport with a proxy: plain http is refused, https
	// goes on, and the proxy's credentials are known for redaction.
	caller := &http.Transport{Proxy: http.ProxyURL(proxyURL)}
	hc := WrapHTTPClient(&http.Client{Transport: caller}, tr)
	req, err := http.NewRequest(http.MethodGet, "http://LOCALHOST:8080/x", nil)
	require.NoError(t, err)
	_, err = hc.Transport.RoundTrip(req)
	assert.ErrorIs(t, err, ErrPlainHTTPProxy)
	assert.Equal(t, []string{"u:secret-pass", "u:secret-pass", "dTpzZWNyZXQtcGFzcw==", "u", "secret-pass"}, ProxyCredentials(hc, "https://api.fullstory.com/v2/visit_profile"))
}
