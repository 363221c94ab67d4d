package engine

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A failed attempt counts as never sent only on evidence: the error of a
// dial (to the server or a proxy), ErrUnprocessed, a failed TLS handshake
// with no connection after it, or, on net/http's own Transport, no
// connection at all. Silence from a RoundTripper of the caller's is no
// evidence.
func TestNeverSentNeedsEvidence(t *testing.T) {
	dial := &url.Error{Op: "Get", URL: "https://h/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	proxy := &net.OpError{Op: "proxyconnect", Net: "tcp", Err: syscall.ECONNREFUSED}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	for _, tc := range []struct {
		name                     string
		err                      error
		gotConn, handshakeFailed bool
		traceable, want          bool
	}{
		{"dial error", dial, false, false, false, true},
		{"proxy connect error", proxy, false, false, false, true},
		{"refused HTTP/2 stream", fmt.Errorf("wrapped: %w", ErrUnprocessed), true, false, true, true},
		{"text that looks like a dial error", errors.New("dial tcp: refused"), true, false, true, false},
		{"reset after a connection", reset, true, false, true, false},
		{"handshake failed", reset, false, true, false, true},
		{"no connection on net/http's Transport", reset, false, false, true, true},
		{"no connection reported by another RoundTripper", reset, false, false, false, false},
		{"replay refused after sending", errNoReplay, true, false, true, false},
	} {
		var tr connTrace
		tr.gotConn.Store(tc.gotConn)
		tr.handshakeFailed.Store(tc.handshakeFailed)
		assert.Equal(t, tc.want, tr.neverSent(tc.err, tc.traceable), tc.name)
	}
}
