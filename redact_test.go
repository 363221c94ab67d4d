package fullstory_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// Secrecy at the one redacting exit (redact.go): the API key, and the email
// and uid of a session list, are never in an error, a log line or the
// printed client. The fault matrix (faults_test.go) checks the same on every
// fault, at Debug level.

func TestFailuresNeverShowTheKeyEmailOrUID(t *testing.T) {
	list := &fullstory.ListSessionsOptions{Email: secretEmail, UID: secretUID, Limit: 5}
	htmlEcho := "<html><head><title>Blocked " + secretEmail + "</title></head><body>uid=" + secretUID + "&key=" + secretKey + "</body></html>"

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, logs *logRecorder) (baseURL string, ctx context.Context, opts []fullstory.Option)
	}{
		{"400 echoing the email", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(echoSecrets(http.StatusBadRequest))).URL, context.Background(), nil
		}},
		{"404 echoing the email in the code", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			body := `{"code":"` + secretEmail + `","message":"unknown"}`
			return newTestServer(t, wireReplies(wireJSON(http.StatusNotFound, body))).URL, context.Background(), nil
		}},
		{"500s until retries run out", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(echoSecrets(http.StatusInternalServerError))).URL, context.Background(), []fullstory.Option{fullstory.WithMaxRetries(2)}
		}},
		{"429 above the Retry-After cap", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			r := echoSecrets(http.StatusTooManyRequests)
			r.Header["Retry-After"] = "3600"
			return newTestServer(t, wireReplies(r)).URL, context.Background(), nil
		}},
		{"HTML error page echoing everything", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(wireReply{Status: http.StatusForbidden, Body: htmlEcho})).URL, context.Background(), nil
		}},
		{"non-JSON 200", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(wireReply{Status: http.StatusOK, Body: "ok " + secretEmail + " " + secretUID + " " + secretKey})).URL, context.Background(), nil
		}},
		{"200 of the wrong type", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			body := `{"sessions":[{"userId":"` + secretUID + `","createdTime":"` + secretEmail + `"}]}`
			return newTestServer(t, wireReplies(wireJSON(http.StatusOK, body))).URL, context.Background(), nil
		}},
		{"connection refused", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			return closedListenerURL(t), context.Background(), nil
		}},
		{"per-attempt timeout", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			return newBlockingServer(t).URL, context.Background(), []fullstory.Option{fullstory.WithTimeout(20 * time.Millisecond)}
		}},
		{"context deadline", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			t.Cleanup(cancel)
			return newBlockingServer(t).URL, ctx, nil
		}},
		{"cancelled before the call", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`))).URL, ctx, nil
		}},
		{"cancelled during the backoff", func(t *testing.T, logs *logRecorder) (string, context.Context, []fullstory.Option) {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			r := echoSecrets(http.StatusServiceUnavailable)
			r.Header["Retry-After"] = "30"
			logs.cancelOnRetry(cancel)
			return newTestServer(t, wireReplies(r)).URL, ctx, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := newLogRecorder()
			baseURL, ctx, opts := tc.setup(t, logs)
			c := newTestClient(t, secretKey, baseURL, append([]fullstory.Option{fullstory.WithLogger(logs.logger())}, opts...)...)

			sessions, err := c.Sessions.List(ctx, list)
			require.Error(t, err)
			assert.Nil(t, sessions)
			assertNoSecrets(t, err.Error(), "the error")
			assertNoSecrets(t, fmt.Sprintf("%+v", err), "the error with %+v")
			if ae, ok := errorsAsAPI(err); ok {
				assertNoSecrets(t, ae.Code, "APIError.Code")
				assertNoSecrets(t, ae.Message, "APIError.Message")
				assertNoSecrets(t, ae.Path, "APIError.Path")
			}
			assertNoSecrets(t, logs.text(), "the log")
			assertNoSecrets(t, c.String(), "the client")
		})
	}
}

func TestValidationErrorsNeverShowTheSecrets(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{}`)))
	c, err := fullstory.NewClient(secretKey, fullstory.WithBaseURL(ws.URL))
	require.NoError(t, err)
	ctx := context.Background()

	_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: secretEmail + "\n", Limit: -1})
	requireInvalidArgument(t, err)
	assertNoSecrets(t, err.Error(), "the error")
	_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: secretUID + "\x7f"})
	requireInvalidArgument(t, err)
	assertNoSecrets(t, err.Error(), "the error")

	for _, key := range []string{secretKey + " ", "Basic " + secretKey, secretKey + "\n"} {
		_, err := fullstory.NewClient(key)
		requireInvalidArgument(t, err)
		assertNoSecrets(t, err.Error(), "the error")
	}
	_, err = fullstory.NewClient(secretKey, fullstory.WithBaseURL("http://"+secretUID+".example.com/"+secretEmail))
	requireInvalidArgument(t, err)
	assertNoSecrets(t, err.Error(), "the error")

	_, err = fullstory.NewClient(secretKey + " x")
	requireInvalidArgument(t, err)
	assertNoSecrets(t, err.Error(), "NewClient error")
	_, err = fullstory.NewClient(secretKey, fullstory.WithBaseURL("http://user:"+secretKey+"@127.0.0.1/?email="+secretEmail))
	requireInvalidArgument(t, err)
	assertNoSecrets(t, err.Error(), "WithBaseURL error")
	_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: secretEmail + "\n", UID: secretUID + "\x00"})
	requireInvalidArgument(t, err)
	assertNoSecrets(t, err.Error(), "Sessions.List validation error")
	assert.Equal(t, 0, ws.hits())
}

func TestSecretsStillReachTheServer(t *testing.T) {
	// The redaction is for errors and logs only: the request itself must
	// carry the key and the query the caller asked for.
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`)))
	c, err := fullstory.NewClient(secretKey, fullstory.WithBaseURL(ws.URL))
	require.NoError(t, err)

	_, err = c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: secretEmail, UID: secretUID})
	require.NoError(t, err)
	r := ws.only(t)
	assert.Equal(t, "Basic "+secretKey, r.Header.Get("Authorization"))
	assert.Equal(t, "/sessions/v2?email=pii%40example.com&uid=uid-4242", r.RequestURI)
	assert.False(t, strings.Contains(r.RequestURI, secretKey))
}

// TestSecrecyCutSamples puts the secrets where the client cuts an error body
// to a short sample, so that a secret straddles the cut: no part of the key
// long enough to matter may be left behind.
func TestSecrecyCutSamples(t *testing.T) {
	t.Parallel()
	const minPart = 6 // "SECRET"; a shorter part says little about a key
	bodies := map[string]func(pad int, secret string) (status int, contentType, body string){
		"error message": func(pad int, secret string) (int, string, string) {
			return 500, "application/json", fmt.Sprintf(`{"code":"internal","message":%q}`, strings.Repeat("x", pad)+secret)
		},
		"error code": func(pad int, secret string) (int, string, string) {
			return 400, "application/json", fmt.Sprintf(`{"code":%q,"message":"bad"}`, strings.Repeat("x", pad)+secret)
		},
		"proxy page": func(pad int, secret string) (int, string, string) {
			return 502, "text/html", "<html><body>" + strings.Repeat("x", pad) + secret + "</body></html>"
		},
		"plain text error": func(pad int, secret string) (int, string, string) {
			return 404, "text/plain", strings.Repeat("x", pad) + secret
		},
		"junk 200": func(pad int, secret string) (int, string, string) {
			return 200, "text/plain", strings.Repeat("x", pad) + secret
		},
	}
	secrets := map[string]string{"key": secretKey, "email": secretEmail, "uid": secretUID}
	tried := 0
	for name, body := range bodies {
		for what, secret := range secrets {
			t.Run(name+"/"+what, func(t *testing.T) {
				var pad int
				srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
					status, ct, b := body(pad, secret)
					w.Header().Set("Content-Type", ct)
					w.WriteHeader(status)
					fmt.Fprint(w, b)
				})
				c := newTestClient(t, secretKey, srv.URL, fullstory.WithMaxRetries(0))
				// The samples are cut at 120, 200 and 500 characters: put
				// the secret across each cut.
				var pads []int
				for _, cut := range []int{120, 200, 500} {
					for p := cut - len(secret) - 2; p <= cut+1; p++ {
						pads = append(pads, p)
					}
				}
				for _, pad = range pads {
					tried++
					_, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{UID: secretUID, Email: secretEmail})
					require.Error(t, err)
					msg := err.Error()
					for n := len(secret); n >= minPart; n-- {
						if strings.Contains(msg, strings.Repeat("x", 10)+secret[:n]+"…") {
							t.Fatalf("with %d characters before it, the first %d characters of the %s are left where the sample is cut: %q",
								pad, n, what, msg[max(0, len(msg)-80):])
						}
					}
				}
			})
		}
	}
	t.Logf("cut samples: %d error bodies tried", tried)
}

// A transport error's URL keeps the path but loses the query, which holds
// the email or uid of a session list, in the text and in the *url.Error.
func TestTransportErrorURLHasNoQuery(t *testing.T) {
	for name, o := range map[string]*fullstory.ListSessionsOptions{
		"email": {Email: "jane@doe.com", Limit: 10},
		"uid":   {UID: "user-4711", Limit: 10},
	} {
		t.Run(name, func(t *testing.T) {
			c := wireClientAt(t, closedListenerURL(t), fullstory.WithMaxRetries(1))

			_, err := c.Sessions.List(boundedContext(t, 5*time.Second), o)
			require.Error(t, err)
			_, isAPI := errorsAsAPI(err)
			require.False(t, isAPI, "connection refused is not an API error: %v", err)
			msg := err.Error()
			assert.Contains(t, msg, "/sessions/v2")
			for _, part := range []string{"?", "email=", "uid=", "limit=", "jane", "user-4711"} {
				assert.NotContains(t, msg, part)
			}

			var ue *url.Error
			require.ErrorAs(t, err, &ue)
			assert.NotContains(t, ue.URL, "?")
			u, perr := url.Parse(ue.URL)
			require.NoError(t, perr)
			assert.Empty(t, u.RawQuery)
			assert.False(t, u.ForceQuery)
			assert.Equal(t, "/sessions/v2", u.Path)
			var op *net.OpError
			require.ErrorAs(t, err, &op, "the cause is still in the chain")
			assert.Equal(t, "dial", op.Op)
		})
	}
}

// hostileServer answers each request with the raw bytes that answer
// returns, built from what the request carried: its Authorization value, and
// the email and uid of its query.
func hostileServer(t *testing.T, answer func(key, email, uid string) string) string {
	return newRawServer(t, func(_ *wireServer, c net.Conn, br *bufio.Reader) {
		defer c.Close()
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		q := req.URL.Query()
		key := strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
		_, _ = io.WriteString(c, answer(key, q.Get("email"), q.Get("uid")))
	}).URL
}

// Servers that echo the secrets where net/http quotes what a server sent, in
// transport errors: no error and no log line, at any level, holds them.
func TestSecretsEchoedInMalformedResponsesStayOut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		answer func(key, email, uid string) string
	}{
		{"unparsable Location", func(k, e, u string) string {
			return "HTTP/1.1 302 Found\r\nLocation: http://[::1%zz/" + k + "/" + e + "/" + u + "\r\nContent-Length: 0\r\n\r\n"
		}},
		{"malformed status line", func(k, e, u string) string {
			return "HTTP/1.1 " + k + " " + e + " " + u + "\r\nContent-Length: 0\r\n\r\n"
		}},
		{"status line without a code", func(k, e, u string) string {
			return k + " " + e + " " + u + "\r\n\r\n"
		}},
		{"header line without a colon", func(k, e, u string) string {
			return "HTTP/1.1 200 OK\r\n" + k + " " + e + " " + u + "\r\nContent-Length: 2\r\n\r\n{}"
		}},
		{"bad Content-Length", func(k, e, u string) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: " + k + e + u + "\r\n\r\n{}"
		}},
		{"bad Transfer-Encoding", func(k, e, u string) string {
			return "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + k + "," + e + "," + u + "\r\n\r\n{}"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := fullstory.NewClient(secretKey, fullstory.WithBaseURL(hostileServer(t, tc.answer)),
				fullstory.WithLogger(logger), fullstory.WithMaxRetries(1), fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: secretEmail, UID: secretUID})
			require.Error(t, err)
			assertNoSecrets(t, err.Error(), "the error")
			assert.NotEmpty(t, logs.String(), "nothing was logged at Debug")
			assertNoSecrets(t, logs.String(), "the Debug log")
		})
	}
}

// Unicode format characters from a server (text-direction overrides,
// zero-width characters, a byte-order mark, a soft hyphen) never reach an
// error's text: they could reorder or hide parts of a log line.
func TestErrorsAreOnePrintableLine(t *testing.T) {
	t.Parallel()
	format := "\u202Eevil\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200B\u200C\u200D\uFEFF\u00ADx"
	for _, tc := range []struct {
		name   string
		answer string
	}{
		{"JSON message and code", "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" +
			`{"code":"bad` + format + `","message":"line1\nline2` + format + `"}`},
		{"HTML title", "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" +
			"<html><title>Proxy" + format + "</title></html>"},
		{"plain text", "HTTP/1.1 403 Forbidden\r\nContent-Length: %d\r\n\r\n" + "denied" + format + "\x00\x1b[31m"},
		{"success body that is not JSON", "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" + "oops" + format},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head, body, _ := strings.Cut(tc.answer, "\r\n\r\n")
			raw := strings.Replace(head, "%d", strconv.Itoa(len(body)), 1) + "\r\n\r\n" + body
			c, err := fullstory.NewClient(secretKey, fullstory.WithBaseURL(hostileServer(t, func(_, _, _ string) string { return raw })),
				fullstory.WithMaxRetries(0))
			require.NoError(t, err)
			_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: secretUID})
			require.Error(t, err)
			msg := err.Error()
			for _, r := range msg {
				assert.False(t, unicode.Is(unicode.Cf, r) || unicode.IsControl(r), "%U in %q", r, msg)
			}
			assert.Contains(t, msg, "x", "the text around the characters stays")
			var apiErr *fullstory.APIError
			if errors.As(err, &apiErr) {
				for _, field := range []string{apiErr.Code, apiErr.Message} {
					assert.False(t, strings.ContainsFunc(field, func(r rune) bool { return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) }), "%q", field)
				}
			}
		})
	}
	// An APIError built by hand prints clean too.
	e := &fullstory.APIError{StatusCode: 400, Code: "c\u202E", Message: "m\u200B\n"}
	assert.Equal(t, "fullstory:  : 400 Bad Request (c): m ", e.Error())
}

// TestSecretsAcrossEveryCut puts each secret across every place where the
// client cuts what a server sent (an error body at 64 KiB, the 4096 bytes
// it samples of an unusable 200, and the samples of 100, 120, 200 and 500
// characters), after runs of spaces, letters, newlines or tags, which
// collapse or vanish before a sample is cut, or after one large tag that
// fills the space up to the cut. No start of a secret of 4 characters or
// more may be left in the error. Its 1,380 bodies of up to 64 KiB keep the
// CPUs busy for seconds under -race: it does not run in parallel, so that it
// does not starve the timed rows of the fault matrix.
func TestSecretsAcrossEveryCut(t *testing.T) {
	padded := func(pad int, fill string) string { return strings.Repeat(fill, pad/len(fill)+1)[:pad] }
	bigTag := func(pad int) string { return `<div title="` + strings.Repeat("y", max(pad-14, 0)) + `">` }
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	allFills := []string{" ", "x", "\n", "<p>"}
	type shape func(pad int, fill, secret string) (status int, contentType, body string)
	shapes := []struct {
		name  string
		cuts  []int
		fills []string
		body  shape
	}{
		{"error body", []int{64 << 10, 200}, allFills, func(pad int, fill, secret string) (int, string, string) {
			return 400, "text/plain", padded(pad, fill) + secret
		}},
		{"proxy page with one large tag", []int{64 << 10}, []string{""}, func(pad int, _, secret string) (int, string, string) {
			return 502, "text/html", bigTag(pad) + secret + "</div>"
		}},
		{"JSON message", []int{64 << 10, 500}, allFills, func(pad int, fill, secret string) (int, string, string) {
			return 500, "application/json", `{"code":"internal","message":` + quote(padded(pad, fill)+secret) + `}`
		}},
		{"JSON code", []int{100}, allFills, func(pad int, fill, secret string) (int, string, string) {
			return 404, "application/json", `{"code":` + quote(padded(pad, fill)+secret) + `,"message":"unknown"}`
		}},
		{"unusable 200", []int{4096, 120}, allFills, func(pad int, fill, secret string) (int, string, string) {
			return 200, "text/plain", padded(pad, fill) + secret
		}},
		{"unusable 200 with one large tag", []int{4096}, []string{""}, func(pad int, _, secret string) (int, string, string) {
			return 200, "text/html", bigTag(pad) + secret + "</div>"
		}},
	}
	secrets := map[string]string{"key": secretKey, "email": secretEmail, "uid": secretUID}
	var tried atomic.Int64
	t.Cleanup(func() { t.Logf("%d error bodies tried", tried.Load()) })
	for _, sh := range shapes {
		for what, secret := range secrets {
			t.Run(sh.name+"/"+what, func(t *testing.T) {
				var cur atomic.Pointer[[3]string]
				srv := newCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					in := cur.Load()
					w.Header().Set("Content-Type", in[0])
					status, _ := strconv.Atoi(in[1])
					w.WriteHeader(status)
					io.WriteString(w, in[2])
				}))
				c := newTestClient(t, secretKey, srv.URL, fullstory.WithMaxRetries(0))
				for _, cut := range sh.cuts {
					for _, fill := range sh.fills {
						// From the whole secret just before the cut to its
						// first character just after it.
						for pad := cut - len(secret) - 1; pad <= cut+1; pad++ {
							status, ct, body := sh.body(pad, fill, secret)
							cur.Store(&[3]string{ct, strconv.Itoa(status), body})
							tried.Add(1)
							_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: secretUID, Email: secretEmail})
							require.Error(t, err)
							where := fmt.Sprintf("cut %d, fill %q, pad %d: the error", cut, fill, pad)
							ok := assertNoSecretPart(t, err.Error(), secret, where)
							if ae, isAPI := errorsAsAPI(err); isAPI {
								ok = assertNoSecretPart(t, ae.Message, secret, where+"'s Message") && ok
								ok = assertNoSecretPart(t, ae.Code, secret, where+"'s Code") && ok
							}
							if !ok {
								return
							}
						}
					}
				}
			})
		}
	}
}

// Case-insensitive redaction holds in text with characters whose lower
// case has another length in bytes (İ, ẞ, the Kelvin sign), for the ASCII
// key and for a UTF-8 email, and the key spelled with a Kelvin sign for its
// K is the key too (strings.EqualFold says so).
func TestRedactionFoldsCaseAroundNonASCIIText(t *testing.T) {
	t.Parallel()
	const email = "jürgen.strauß@exämple.com"
	upperEmail := "JÜRGEN.STRAUẞ@EXÄMPLE.COM"
	require.True(t, strings.EqualFold(email, upperEmail))
	kelvinKey := strings.Replace(secretKey, "K", "\u212A", 1)
	require.True(t, strings.EqualFold(secretKey, kelvinKey))
	for _, msg := range []string{
		"İstanbul edge: bad key " + strings.ToUpper(secretKey),
		"\u212A (the Kelvin sign) edge: bad key " + strings.ToLower(secretKey),
		"bad key " + kelvinKey,
		"Straße ẞ: bad key " + strings.ToLower(secretKey) + " İ",
		"İstanbul: no user " + upperEmail,
		"İstanbul: no user " + strings.ToUpper(url.QueryEscape(email)),
		"\u212A: no user " + strings.ToLower(url.QueryEscape(email)) + " or " + strings.ToLower(email),
	} {
		t.Run(msg, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, wireReplies(wireJSON(http.StatusBadRequest, `{"code":"bad_request","message":`+strconv.Quote(msg)+`}`)))
			logs := newLogRecorder()
			c := newTestClient(t, secretKey, srv.URL, fullstory.WithLogger(logs.logger()))

			_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: email})
			ae := requireAPIError(t, err)
			assert.Equal(t, 1, srv.hits())
			for what, s := range map[string]string{"the error": err.Error(), "Message": ae.Message, "the log": logs.text()} {
				for _, secret := range []string{secretKey, email, url.QueryEscape(email)} {
					assert.False(t, foldContains(s, secret), "%s holds %q in some letter case: %q", what, secret, s)
				}
			}
			assert.Contains(t, ae.Message, "[redacted]")
		})
	}
}
