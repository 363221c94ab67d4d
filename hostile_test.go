package fullstory_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

const (
	hostileKey   = "fs-KEY-d6a1c0ffee"
	hostileEmail = "Jane.Secret@example.com"
	hostileUID   = "uid-secret-4242"
)

// hostileServer answers every request with the raw bytes that answer
// returns, built from what the request carried: its Authorization value, and
// the email and uid of its query.
func hostileServer(t *testing.T, answer func(key, email, uid string) string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				q := req.URL.Query()
				key := strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
				io.WriteString(c, answer(key, q.Get("email"), q.Get("uid")))
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return "http://" + ln.Addr().String()
}

// assertNoSecret fails if text holds the key, the email or the uid, in any
// letter case, raw or query-escaped.
func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	lower := strings.ToLower(text)
	for _, s := range []string{hostileKey, hostileEmail, hostileUID, url.QueryEscape(hostileEmail)} {
		assert.NotContains(t, lower, strings.ToLower(s), "%s leaks a secret: %s", what, text)
	}
}

// Servers that echo the secrets where net/http quotes what a server sent, in
// transport errors: no error and no log line, at any level, holds them.
func TestSecretsEchoedInMalformedResponsesStayOut(t *testing.T) {
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
			c, err := fullstory.NewClient(hostileKey, fullstory.WithBaseURL(hostileServer(t, tc.answer)),
				fullstory.WithLogger(logger), fullstory.WithMaxRetries(1), fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: hostileEmail, UID: hostileUID})
			require.Error(t, err)
			assertNoSecret(t, "the error", err.Error())
			assert.NotEmpty(t, logs.String(), "nothing was logged at Debug")
			assertNoSecret(t, "the log", logs.String())
		})
	}
}

// Unicode format characters from a server (text-direction overrides,
// zero-width characters, a byte-order mark, a soft hyphen) never reach an
// error's text: they could reorder or hide parts of a log line.
func TestErrorsAreOnePrintableLine(t *testing.T) {
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
			raw := strings.Replace(head, "%d", itoaLen(body), 1) + "\r\n\r\n" + body
			c, err := fullstory.NewClient(hostileKey, fullstory.WithBaseURL(hostileServer(t, func(_, _, _ string) string { return raw })),
				fullstory.WithMaxRetries(0))
			require.NoError(t, err)
			_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: hostileUID})
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

func itoaLen(s string) string { return strconv.Itoa(len(s)) }
