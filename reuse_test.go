package fullstory_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// reuseServer answers the first request of the test with ok, keeping the
// connection alive so that the Client pools it, and every later request by
// reading it in full and then closing (or resetting) the connection without
// an answer: what a server does that drops a request it has read.
type reuseServer struct {
	ln       net.Listener
	ok       string // the first answer's body
	reset    bool   // RST instead of FIN
	received atomic.Int64
	conns    atomic.Int64
	wg       sync.WaitGroup
}

func newReuseServer(t *testing.T, ok string, reset bool) *reuseServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &reuseServer{ln: ln, ok: ok, reset: reset}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *reuseServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.conns.Add(1)
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *reuseServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		if s.received.Add(1) > 1 {
			if tc, ok := c.(*net.TCPConn); ok && s.reset {
				tc.SetLinger(0)
			}
			return // read in full, then gone
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(s.ok))+"\r\n\r\n"+s.ok)
	}
}

// reusedTrace returns a context whose requests report whether they went
// over a reused connection.
func reusedTrace(ctx context.Context, reused *atomic.Int64) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if i.Reused {
			reused.Add(1)
		}
	}})
}

// net/http's Transport re-sends a request by itself when it fails on a
// reused connection after it was written, if the request looks replayable:
// any GET, and a request with an Idempotency-Key whose body it can rewind.
// The Client's retry policy must be the only thing that sends a request
// again: a summary that reached the server is never sent twice, and no call
// reaches the server more than 1 + WithMaxRetries times.
func TestNothingIsReplayedOnAReusedConnection(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   string // the answer to the first call, which pools the connection
		call func(ctx context.Context, c *fullstory.Client) error
		want int64 // requests the faulted call may reach the server with
	}{
		{"summary (GET)", `{"summary":"s"}`, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Summarize(ctx, fullstory.NewSessionID("1", "2"), nil)
			return err
		}, 1},
		{"read with WithMaxRetries(0)", `{"sessions":[]}`, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u-1"}, fullstory.WithMaxRetries(0))
			return err
		}, 1},
		{"keyed create with WithMaxRetries(2)", `{"id":"p1"}`, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "n"}, fullstory.WithIdempotencyKey("k-1"), fullstory.WithMaxRetries(2))
			return err
		}, 3},
		{"unkeyed create", `{"id":"p1"}`, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "n"})
			return err
		}, 1},
	} {
		for _, reset := range []bool{false, true} {
			name := tc.name + "/close"
			if reset {
				name = tc.name + "/reset"
			}
			t.Run(name, func(t *testing.T) {
				s := newReuseServer(t, tc.ok, reset)
				c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL("http://"+s.ln.Addr().String()),
					fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond))
				require.NoError(t, err)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()

				require.NoError(t, tc.call(ctx, c), "the first call pools the connection")
				var reused atomic.Int64
				err = tc.call(reusedTrace(ctx, &reused), c)
				require.Error(t, err, "the server never answered")
				assert.GreaterOrEqual(t, reused.Load(), int64(1), "the faulted call did not go over the pooled connection")
				assert.Equal(t, 1+tc.want, s.received.Load(), "requests the server received, the first call's included")
			})
		}
	}
}

// Requests keep reusing connections: what keeps net/http from replaying them
// must not cost a connection per call.
func TestConnectionsAreStillReused(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.Header.Get("Transfer-Encoding"), "a GET is sent without a body")
		assert.Zero(t, r.ContentLength)
		io.WriteString(w, `{"summary":"s"}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL))
	require.NoError(t, err)
	for range 20 {
		_, err := c.Sessions.Summarize(t.Context(), fullstory.NewSessionID("1", "2"), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), conns.Load(), "20 calls in a row on one connection")
}

// Over HTTP/2, a GET goes out without a body too, and a POST with its body.
func TestHTTP2RequestsAreWellFormed(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, 2, r.ProtoMajor)
		body, _ := io.ReadAll(r.Body)
		if r.Method == http.MethodGet {
			assert.Empty(t, body)
			io.WriteString(w, `{"summary":"s"}`)
			return
		}
		assert.JSONEq(t, `{"name":"n"}`, string(body))
		io.WriteString(w, `{"id":"p1"}`)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.ForceAttemptHTTP2 = true
	tr.TLSClientConfig = &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL), fullstory.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	_, err = c.Sessions.Summarize(t.Context(), fullstory.NewSessionID("1", "2"), nil)
	require.NoError(t, err)
	id, err := c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: "n"})
	require.NoError(t, err)
	assert.Equal(t, fullstory.ProfileID("p1"), id)
}
