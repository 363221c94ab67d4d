package fullstory_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The secrets a failure must never show.
const (
	secretKey   = "SECRET-KEY-123"
	secretEmail = "pii@example.com"
	secretUID   = "uid-4242"
)

// secretForms are the spellings of the secrets that an error or a log line
// could carry: raw and query-escaped.
func secretForms() []string {
	forms := []string{secretKey, secretEmail, secretUID}
	for _, s := range []string{secretKey, secretEmail, secretUID} {
		if esc := url.QueryEscape(s); esc != s {
			forms = append(forms, esc)
		}
		if esc := url.PathEscape(s); esc != s {
			forms = append(forms, esc)
		}
	}
	return append(forms, "pii%40example.com", "pii@example")
}

// assertNoSecrets checks that s holds none of the secrets.
func assertNoSecrets(t *testing.T, s, what string) {
	t.Helper()
	for _, form := range secretForms() {
		assert.NotContains(t, s, form, "%s leaks %q: %s", what, form, s)
	}
}

// syncBuffer is a log sink that handlers on other goroutines may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// echoSecrets is an error body that repeats everything it was sent, as
// careless servers and proxies do.
func echoSecrets(status int) wireReply {
	msg := fmt.Sprintf("no user with email %s or uid %s (key %s)", secretEmail, secretUID, secretKey)
	return wireJSON(status, `{"code":"user_not_found","message":"`+msg+`"}`)
}

func TestFailuresNeverShowTheKeyEmailOrUID(t *testing.T) {
	list := &fullstory.ListSessionsOptions{Email: secretEmail, UID: secretUID, Limit: 5}
	htmlEcho := "<html><head><title>Blocked " + secretEmail + "</title></head><body>uid=" + secretUID + "&key=" + secretKey + "</body></html>"

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) (baseURL string, ctx context.Context, opts []fullstory.Option)
	}{
		{"400 echoing the email", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(echoSecrets(http.StatusBadRequest))).URL, context.Background(), nil
		}},
		{"404 echoing the email in the code", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			body := `{"code":"` + secretEmail + `","message":"unknown"}`
			return newTestServer(t, wireReplies(wireJSON(http.StatusNotFound, body))).URL, context.Background(), nil
		}},
		{"500s until retries run out", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(echoSecrets(http.StatusInternalServerError))).URL, context.Background(), []fullstory.Option{fullstory.WithMaxRetries(2)}
		}},
		{"429 above the Retry-After cap", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			r := echoSecrets(http.StatusTooManyRequests)
			r.Header["Retry-After"] = "3600"
			return newTestServer(t, wireReplies(r)).URL, context.Background(), nil
		}},
		{"HTML error page echoing everything", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(wireReply{Status: http.StatusForbidden, Body: htmlEcho})).URL, context.Background(), nil
		}},
		{"non-JSON 200", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			return newTestServer(t, wireReplies(wireReply{Status: http.StatusOK, Body: "ok " + secretEmail + " " + secretUID + " " + secretKey})).URL, context.Background(), nil
		}},
		{"200 of the wrong type", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			body := `{"sessions":[{"userId":"` + secretUID + `","createdTime":"` + secretEmail + `"}]}`
			return newTestServer(t, wireReplies(wireJSON(http.StatusOK, body))).URL, context.Background(), nil
		}},
		{"connection refused", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			return closedListenerURL(t), context.Background(), nil
		}},
		{"per-attempt timeout", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			return newBlockingServer(t).URL, context.Background(), []fullstory.Option{fullstory.WithTimeout(20 * time.Millisecond)}
		}},
		{"context deadline", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			t.Cleanup(cancel)
			return newBlockingServer(t).URL, ctx, nil
		}},
		{"cancelled before the call", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`))).URL, ctx, nil
		}},
		{"cancelled during the backoff", func(t *testing.T) (string, context.Context, []fullstory.Option) {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			r := echoSecrets(http.StatusServiceUnavailable)
			r.Header["Retry-After"] = "30"
			logger := slog.New(wireCancelOnRetry{cancel: cancel, seen: new(atomic.Int64)})
			return newTestServer(t, wireReplies(r)).URL, ctx, []fullstory.Option{fullstory.WithLogger(logger)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			baseURL, ctx, opts := tc.setup(t)
			logs := &syncBuffer{}
			logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			all := append([]fullstory.Option{
				fullstory.WithBaseURL(baseURL),
				fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond),
				fullstory.WithLogger(logger),
			}, opts...)
			c, err := fullstory.NewClient(secretKey, all...)
			require.NoError(t, err)

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
			assertNoSecrets(t, logs.String(), "the log")
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
