package fullstory_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	fullstory "github.com/summarykit/fullstory-go"
)

// The rows of the fault matrix (faults_test.go): every way Fullstory, a
// proxy or the network can misbehave. Each row says what every attempt
// meets (fail, a status or a fail constant of ops_test.go), from which the
// retry oracle gives the requests the server must receive per operation,
// and checks the error the caller gets. The servers echo the key, email and
// uid the request carried in their error bodies, proxy pages, junk 200s and
// redirect Locations.

// faultCase is one row of the matrix.
type faultCase struct {
	name  string
	setup func(run *faultRun) // starts run.srv; may add options or change the context
	// fail is what every attempt meets: a status, or failRefused, failLost,
	// failTimeout or failDone.
	fail int
	// recovers says that the second attempt succeeds.
	recovers bool
	// once says why the call returns after one attempt whatever its class.
	once string
	// never says that no request reaches the server; noConn, that the call
	// does not even take a connection.
	never, noConn bool
	// dialRace says that a fresh connection may break before the client
	// has it, so that the call may take no connection.
	dialRace bool
	// hops is how many requests one attempt makes (redirects); 0 means 1.
	hops int
	// okAll says that every operation ends well; noBodyOK, that Delete and
	// Update, which read no body, succeed where the others fail.
	okAll, noBodyOK bool
	// check asserts the error of a failed call, given the requests seen.
	check func(t *testing.T, run *faultRun, err error, seen int)
	// after asserts anything else, whatever the outcome.
	after func(t *testing.T, run *faultRun)
	// heavy rows (32 MiB bodies) are slow: on a reused connection they run
	// on one operation per class.
	heavy bool
	// freshOnly says why the row cannot run on a reused connection;
	// reusedOnly, why it runs only on one.
	freshOnly, reusedOnly string
}

// want returns the requests the server must receive when op meets fc, and
// whether the call ends well.
func (fc faultCase) want(op testOp) (sent int, ok bool) {
	if fc.never {
		return 0, false
	}
	isRetried := fc.once == "" && retried(op.class, fc.fail)
	attempts := op.attempts(faultRetries, isRetried)
	ok = fc.okAll || (op.noBody && fc.noBodyOK)
	if fc.recovers && attempts > 1 {
		attempts, ok = 2, true
	}
	return attempts * max(fc.hops, 1), ok
}

func faultCases() []faultCase {
	return []faultCase{
		{
			name: "connection refused",
			setup: func(run *faultRun) {
				var dialer fullstory.Option
				run.srv, dialer = newRefusedServer(run.t)
				run.opts = append(run.opts, dialer)
				run.dials = true
			},
			fail:      failRefused,
			noConn:    true,
			freshOnly: "no server accepts, so there is no connection to reuse",
			check:     faultTransport(syscall.ECONNREFUSED),
		},
		{
			// The connection may fail while the client still dials, or
			// once it has written: either way no request reaches the
			// server, so the retries the client makes are not counted.
			name: "reset at once (accept, then close)",
			setup: func(run *faultRun) {
				run.srv = newRawServer(run.t, func(_ *wireServer, c net.Conn, _ *bufio.Reader) { faultReset(c) })
			},
			never:    true,
			dialRace: true,
			check:    faultBroken,
			// No request is read, so none is counted: count connections.
			// The first attempt took one (on a reused connection, the
			// warm-up's); each retry, one more; a retry comes only after a
			// connection broke before the client had it, which sent
			// nothing, so that any class may retry it.
			after: func(t *testing.T, run *faultRun) {
				conns := int(run.srv.conns.Load())
				assert.GreaterOrEqual(t, conns, 1, "connections the server accepted")
				assert.LessOrEqual(t, conns, run.op.attempts(faultRetries, true), "connections the server accepted")
			},
		},
		{
			name: "reset before the response (read the request, then close)",
			setup: func(run *faultRun) {
				run.srv = newRawServer(run.t, func(ws *wireServer, c net.Conn, br *bufio.Reader) {
					defer faultReset(c)
					faultReadRequest(ws, br)
				})
			},
			fail:  failLost,
			check: faultBroken,
		},
		{
			name: "closed before the response (read the request, then close)",
			setup: func(run *faultRun) {
				run.srv = newRawServer(run.t, func(ws *wireServer, c net.Conn, br *bufio.Reader) {
					defer c.Close()
					faultReadRequest(ws, br)
				})
			},
			fail:  failLost,
			check: faultBroken,
		},
		{
			name: "reset before the response (hijack, then close)",
			setup: func(run *faultRun) {
				run.serveCut("", faultReset)
			},
			fail:  failLost,
			check: faultBroken,
		},
		{
			name: "reset once, then 200",
			setup: func(run *faultRun) {
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, n int64) {
					if n == 1 {
						if c, _ := faultHijack(run.t, w); c != nil {
							faultReset(c)
						}
						return
					}
					faultOK(w, r)
				})
			},
			fail: failLost, recovers: true,
			check: faultBroken,
		},
		{
			name: "reset mid-body (chunked, connection cut)",
			setup: func(run *faultRun) {
				run.serveCut(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(faultPartialJSON), faultPartialJSON), faultReset)
			},
			fail:  failLost,
			check: faultBroken,
		},
		{
			name: "body truncated mid-JSON (Content-Length larger than sent)",
			setup: func(run *faultRun) {
				run.serveCut(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(okBody), faultPartialJSON), net.Conn.Close)
			},
			fail:  failLost,
			check: faultTransport(io.ErrUnexpectedEOF),
		},
		junk200("200 with a non-JSON body", "text/html", func(run *faultRun, r *http.Request) string {
			return "<html><body><h1>Welcome to nginx!</h1>" + run.taint(r) + "</body></html>"
		}),
		junk200("200 with JSON of the wrong types", "application/json", func(run *faultRun, r *http.Request) string {
			return fmt.Sprintf(`{"id":4242,"name":[%q],"profiles":"none","sessions":42,"events":{},"context_data":[],"summary":7,"response_schema":%q}`, run.taint(r), run.taint(r))
		}),
		{
			// net/http decompresses a gzip body itself: one that is not
			// gzip fails the same way on every attempt.
			name: "200 with Content-Encoding: gzip that is not gzip",
			setup: func(run *faultRun) {
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Encoding", "gzip")
					io.WriteString(w, okBody+run.taint(r))
				})
			},
			fail: http.StatusOK,
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				faultInvalid(t, run, err, seen)
				assert.Contains(t, err.Error(), "gzip")
			},
		},
		junk200("200 with an empty body", "application/json", func(*faultRun, *http.Request) string { return "" }),
		junk200("200 with a JSON null", "application/json", func(*faultRun, *http.Request) string { return "null\n" }),
		// A proxy's 5xx means the request never reached the API.
		proxyPageRow("502 HTML page from a proxy", 502, fullstory.ErrServer),
		proxyPageRow("503 HTML page from a proxy", 503, fullstory.ErrServer),
		proxyPageRow("504 HTML page from a proxy", 504, fullstory.ErrServer),
		{
			name: "500 with {code, message}",
			setup: func(run *faultRun) {
				run.serveError(true, 500, "internal", "the summarizer crashed", nil)
			},
			fail: http.StatusInternalServerError,
			check: faultAPI(500, fullstory.ErrServer, func(t *testing.T, _ *faultRun, e *fullstory.APIError) {
				assert.Equal(t, "internal", e.Code)
				if !strings.HasPrefix(e.Message, "the summarizer crashed") {
					t.Errorf("Message = %q", e.Message)
				}
			}),
		},
		{
			name: "500 once, then 200",
			setup: func(run *faultRun) {
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, n int64) {
					if n == 1 {
						run.jsonError(w, r, 500, "internal", "try again")
						return
					}
					faultOK(w, r)
				})
			},
			fail: http.StatusInternalServerError, recovers: true,
			check: faultAPI(500, fullstory.ErrServer),
		},
		{
			name: "400 with {code, message}",
			setup: func(run *faultRun) {
				run.serveError(false, 400, "invalid_argument", "bad slice", nil)
			},
			fail:  http.StatusBadRequest,
			check: faultAPI(400, fullstory.ErrBadRequest),
		},
		proxyPageRow("401 HTML page", 401, fullstory.ErrUnauthorized),
		oversizedRow("200 body over 32 MiB (chunked)", false),
		oversizedRow("200 Content-Length over 32 MiB", true),
		{
			name: "headers never arrive (per-attempt timeout)",
			setup: func(run *faultRun) {
				// Long enough for the request to reach the server while
				// the rest of the matrix runs.
				run.opts = append(run.opts, fullstory.WithTimeout(timeScale*250*time.Millisecond))
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) { <-r.Context().Done() })
			},
			fail: failTimeout,
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				faultTransport(context.DeadlineExceeded)(t, run, err, seen)
				assert.NoError(t, run.ctx.Err(), "the caller's context is not done")
				assert.Contains(t, err.Error(), "timed out")
			},
		},
		{
			name: "context cancelled before sending",
			setup: func(run *faultRun) {
				run.cancel()
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) { faultOK(w, r) })
			},
			never:  true,
			noConn: true,
			check:  faultTransport(context.Canceled),
		},
		{
			name: "context cancelled while waiting for headers",
			setup: func(run *faultRun) {
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					run.cancel()
					<-r.Context().Done()
				})
			},
			fail:  failDone,
			check: faultTransport(context.Canceled),
		},
		{
			name: "context cancelled while reading the body",
			setup: func(run *faultRun) {
				tr := &http.Transport{}
				run.t.Cleanup(tr.CloseIdleConnections)
				run.opts = append(run.opts, fullstory.WithHTTPClient(&http.Client{Transport: faultCancelAfterHeaders{tr, run.cancel}}))
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, faultPartialJSON)
					http.NewResponseController(w).Flush()
					<-r.Context().Done()
				})
			},
			fail:  failDone,
			check: faultTransport(context.Canceled),
		},
		{
			name: "context cancelled during a backoff wait",
			setup: func(run *faultRun) {
				run.logs.cancelOnRetry(run.cancel)
				run.opts = append(run.opts, fullstory.WithRetryWait(time.Hour, time.Hour))
				run.t.Cleanup(func() {
					if run.op.zeroRetries {
						assert.Zero(run.t, run.logs.retries(), "WithMaxRetries(0) logged a retry")
						return
					}
					assert.Positive(run.t, run.logs.retries(), "the client never logged a retry")
				})
				run.serveError(false, 429, "rate_limited", "slow down", nil)
			},
			fail: http.StatusTooManyRequests, once: "the caller cancels during the backoff wait",
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				if run.op.zeroRetries { // no retry, so no backoff wait to cancel
					assert.NotErrorIs(t, err, context.Canceled)
				} else {
					assert.ErrorIs(t, err, context.Canceled)
				}
				faultAPI(429, fullstory.ErrRateLimited)(t, run, err, seen)
			},
		},
		{
			name: "context deadline while waiting for headers",
			setup: func(run *faultRun) {
				run.deadline = timeScale * 250 * time.Millisecond
				run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) { <-r.Context().Done() })
			},
			fail:  failDone,
			check: faultTransport(context.DeadlineExceeded),
		},
		{
			name: "302 to another host",
			setup: func(run *faultRun) {
				run.other = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) { faultOK(w, r) })
				run.srv = newRecordingServer(run.t, false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					loc := run.other.URL + "/elsewhere" + run.taintPath(r)
					if r.URL.RawQuery != "" {
						loc += "?" + r.URL.RawQuery
					}
					w.Header().Set("Location", loc)
					w.WriteHeader(http.StatusFound)
				})
			},
			fail:  http.StatusFound,
			check: faultAPI(302, nil),
			after: func(t *testing.T, run *faultRun) {
				assert.Zero(t, run.other.hits(), "the other host must never see a request, nor the key")
			},
		},
		{
			name: "307 to the same host",
			setup: func(run *faultRun) {
				run.srv = newRecordingServer(run.t, false, func(w http.ResponseWriter, r *http.Request, n int64) {
					if !strings.HasPrefix(r.URL.Path, "/moved/") {
						w.Header().Set("Location", "/moved"+r.URL.RequestURI())
						w.WriteHeader(http.StatusTemporaryRedirect)
						return
					}
					run.srv.apply(n)
					faultOK(w, r)
				})
			},
			fail: http.StatusTemporaryRedirect, hops: 2, okAll: true,
			after: func(t *testing.T, run *faultRun) {
				reqs := run.srv.requests()
				if !assert.Len(t, reqs, 2) {
					return
				}
				assert.Equal(t, "/moved"+reqs[0].RequestURI, reqs[1].RequestURI)
				assert.Equal(t, reqs[0].Method, reqs[1].Method, "a 307 keeps the method")
				assert.Equal(t, reqs[0].Body, reqs[1].Body, "a 307 keeps the body")
				for _, r := range reqs {
					assert.Equal(t, "Basic "+secretKey, r.Header.Get("Authorization"), "Authorization stays on the same host")
				}
			},
		},
		{
			name: "redirect loop on the same host",
			setup: func(run *faultRun) {
				run.srv = newRecordingServer(run.t, false, func(w http.ResponseWriter, r *http.Request, n int64) {
					w.Header().Set("Location", fmt.Sprintf("/loop/%d%s", n, run.taintPath(r)))
					w.WriteHeader(http.StatusTemporaryRedirect)
				})
			},
			// The first request and 9 redirects, all in one attempt: a
			// loop is permanent and never retried.
			fail: http.StatusTemporaryRedirect, hops: 10,
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				faultTransport()(t, run, err, seen)
				assert.Contains(t, err.Error(), "redirects")
			},
		},
		{
			name: "429 storm without Retry-After",
			setup: func(run *faultRun) {
				run.serveError(false, 429, "rate_limited", "too many requests", nil)
			},
			fail:  http.StatusTooManyRequests,
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(0)),
		},
		{
			name: "429 storm with Retry-After: 0",
			setup: func(run *faultRun) {
				run.serveError(false, 429, "rate_limited", "too many requests", fixed("0"))
			},
			fail:  http.StatusTooManyRequests,
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(0)),
		},
		{
			name: "429 with Retry-After: 120 over the default 60s cap",
			setup: func(run *faultRun) {
				run.serveError(false, 429, "rate_limited", "too many requests", fixed("120"))
			},
			fail: http.StatusTooManyRequests, once: "Retry-After is over the cap",
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(120*time.Second)),
		},
		{
			name: "429 with Retry-After: 2 over WithMaxRetryAfter(1s)",
			setup: func(run *faultRun) {
				run.opts = append(run.opts, fullstory.WithMaxRetryAfter(time.Second))
				run.serveError(false, 429, "rate_limited", "too many requests", fixed("2"))
			},
			fail: http.StatusTooManyRequests, once: "Retry-After is over the cap",
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(2*time.Second)),
		},
		{
			name: "429 with Retry-After as an HTTP date an hour ahead",
			setup: func(run *faultRun) {
				run.serveError(false, 429, "rate_limited", "too many requests", func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) })
			},
			fail: http.StatusTooManyRequests, once: "Retry-After is over the cap",
			check: faultAPI(429, fullstory.ErrRateLimited, func(t *testing.T, _ *faultRun, e *fullstory.APIError) {
				assert.Greater(t, e.RetryAfter, 58*time.Minute)
				assert.LessOrEqual(t, e.RetryAfter, time.Hour)
			}),
		},
		{
			name: "429 with Retry-After: 30 beyond the context deadline",
			setup: func(run *faultRun) {
				run.deadline = 5 * time.Second
				run.serveError(false, 429, "rate_limited", "too many requests", fixed("30"))
			},
			fail: http.StatusTooManyRequests, once: "Retry-After is beyond the deadline",
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(30*time.Second))(t, run, err, seen)
				assert.NoError(t, run.ctx.Err(), "the call returned before the deadline, without waiting")
			},
		},
		{
			// The server refused it and said when to come back: nothing
			// was made, so a summary is sent again too.
			name: "503 with Retry-After: 0",
			setup: func(run *faultRun) {
				run.serveError(false, 503, "unavailable", "busy", fixed("0"))
			},
			fail:  fail503RetryAfter,
			check: faultAPI(503, fullstory.ErrServer, faultRetryAfter(0)),
		},
		gatewayRow("gateway times out in front of a slow API (HTTP/1.1)", false),
		gatewayRow("gateway times out in front of a slow API (HTTP/2)", true),
		{
			// Nothing of the request was sent: every class retries it.
			name: "TLS handshake reset",
			setup: func(run *faultRun) {
				run.srv = newHandshakeResetServer(run.t)
				run.dials = true
			},
			fail:      failRefused,
			noConn:    true,
			freshOnly: "no handshake succeeds, so there is no connection to reuse",
			check:     faultTransport(syscall.ECONNRESET),
		},
		refusedStreamRow(),
		{
			name: "503 with Retry-After: 120 over the cap",
			setup: func(run *faultRun) {
				run.serveError(false, 503, "unavailable", "maintenance", fixed("120"))
			},
			fail: http.StatusServiceUnavailable, once: "Retry-After is over the cap",
			check: faultAPI(503, fullstory.ErrServer, faultRetryAfter(120*time.Second)),
		},
	}
}

// junk200 is a row whose server acts on each request and answers 200 with
// a body of contentType that no operation can use.
func junk200(name, contentType string, body func(run *faultRun, r *http.Request) string) faultCase {
	return faultCase{
		name: name,
		setup: func(run *faultRun) {
			run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) {
				w.Header().Set("Content-Type", contentType)
				io.WriteString(w, body(run, r))
			})
		},
		fail:     http.StatusOK,
		noBodyOK: true,
		check:    faultInvalid,
	}
}

// proxyPageRow is a row whose server answers status with a proxy's HTML
// page: the message is the page's title.
func proxyPageRow(name string, status int, sentinel error) faultCase {
	return faultCase{
		name:  name,
		setup: func(run *faultRun) { run.serveProxyPage(status) },
		fail:  status,
		check: faultAPI(status, sentinel, faultMessage(fmt.Sprintf("%d %s", status, http.StatusText(status)))),
	}
}

// gatewayRow is a row where a gateway with an upstream timeout stands in
// front of a slow API, over HTTP/2 when h2: the API takes (and bills) each
// request and goes on writing, the gateway gives up first and answers its
// 504 page. Only a read may be sent again.
func gatewayRow(name string, h2 bool) faultCase {
	return faultCase{
		name: name,
		setup: func(run *faultRun) {
			run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) {
				// The LLM writes until the gateway has given up and hung
				// up; the work is done (and billed) all the same.
				<-r.Context().Done()
			})
			gw, client := newGateway(run.t, run.srv.URL, h2, func(w http.ResponseWriter, r *http.Request) { run.proxyPage(w, r, http.StatusGatewayTimeout) })
			run.clientURL = gw
			if client != nil {
				run.opts = append(run.opts, fullstory.WithHTTPClient(client))
			}
		},
		fail:  http.StatusGatewayTimeout,
		check: faultAPI(http.StatusGatewayTimeout, fullstory.ErrServer, faultMessage("504 Gateway Timeout")),
	}
}

// refusedStreamRow is a row whose HTTP/2 server refuses every stream
// unprocessed (RST_STREAM REFUSED_STREAM) after answering the warm-up: the
// API received nothing, so every class sends it again, and a summary spends
// nothing.
func refusedStreamRow() faultCase {
	return faultCase{
		name: "HTTP/2 stream refused unprocessed",
		setup: func(run *faultRun) {
			var client *http.Client
			run.srv, client = newRefusingH2Server(run.t)
			run.opts = append(run.opts, fullstory.WithHTTPClient(client))
		},
		fail:       failRefused,
		never:      true,
		reusedOnly: "the client knows a host speaks HTTP/2 from an earlier request; a refused stream on a first request counts as possibly processed",
		check: func(t *testing.T, _ *faultRun, err error, _ int) {
			faultTransport()(t, nil, err, 0)
			assert.Contains(t, err.Error(), "refused the HTTP/2 stream")
		},
		after: func(t *testing.T, run *faultRun) {
			assert.EqualValues(t, run.op.attempts(faultRetries, true), run.srv.served.Load(), "streams the server refused")
		},
	}
}

// oversizedRow is a heavy row whose server acts on each request and
// streams a 40 MiB body, announcing its length when withLength.
func oversizedRow(name string, withLength bool) faultCase {
	return faultCase{
		name: name,
		setup: func(run *faultRun) {
			run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) {
				faultStream(w, 40<<20, withLength)
			})
		},
		fail:  http.StatusOK,
		check: faultTooLarge,
		heavy: true,
	}
}
