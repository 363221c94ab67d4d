package fullstory_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// How a call's outcome becomes its error (failure.go): the API's error bodies and
// the ones proxies send, the bounded body an *APIError keeps, and unusable
// success responses.

func TestAPIErrorKeepsAtMost64KiBOfTheBody(t *testing.T) {
	big := `{"code":"required_field","message":"` + strings.Repeat("x", 100<<10) + `"}`
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusBadRequest, big)))
	c := wireClient(t, ws)

	_, err := c.Profiles.Get(context.Background(), "p1")
	ae := requireAPIError(t, err)
	assert.Len(t, ae.Body, 64<<10)
	assert.True(t, bytes.Equal([]byte(big[:64<<10]), ae.Body))
	assert.Less(t, len(err.Error()), 2048, "the message is a short sample, not the whole body")
}

func TestAPIErrorWithoutTheUsualJSON(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		wantCode, wantMessage   string
	}{
		{
			name: "an HTML proxy page", status: http.StatusBadGateway, contentType: "text/html",
			body:        "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n",
			wantMessage: "502 Bad Gateway",
		},
		{
			name: "HTML without a title", status: http.StatusServiceUnavailable, contentType: "text/html",
			body:        "<html><body><h1>Service Unavailable</h1>\n<p>Try again\tlater.</p></body></html>",
			wantMessage: "Service Unavailable Try again later.",
		},
		{
			name: "plain text", status: http.StatusGatewayTimeout, contentType: "text/plain",
			body:        "upstream request timeout\n",
			wantMessage: "upstream request timeout",
		},
		{name: "empty", status: http.StatusForbidden, contentType: "text/plain", body: ""},
		{
			name: "an error field", status: http.StatusBadRequest, contentType: "application/json",
			body: `{"error":"limit must be positive"}`, wantMessage: "limit must be positive",
		},
		{
			name: "a numeric code", status: http.StatusNotFound, contentType: "application/json",
			body: `{"code":404,"message":"no such profile"}`, wantCode: "404", wantMessage: "no such profile",
		},
		{
			name: "a multi-line message", status: http.StatusBadRequest, contentType: "application/json",
			body: `{"code":"required_field","message":"line one\nline two"}`, wantCode: "required_field", wantMessage: "line one line two",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(wireReply{Status: tc.status, Body: tc.body, Header: map[string]string{"Content-Type": tc.contentType}}))
			c := wireClient(t, ws, fullstory.WithMaxRetries(0))

			_, err := c.Profiles.Get(context.Background(), "p1")
			ae := requireAPIError(t, err)
			assert.Equal(t, tc.status, ae.StatusCode)
			assert.Equal(t, tc.wantCode, ae.Code)
			assert.Equal(t, tc.wantMessage, ae.Message)
			assert.Equal(t, tc.body, string(ae.Body))
			assert.NotContains(t, err.Error(), "<")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestInvalidSuccessResponses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply wireReply
		call  func(context.Context, *fullstory.Client) error
	}{
		{"Get: not JSON", wireReply{Status: http.StatusOK, Body: "<html>login</html>"}, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Get(ctx, "p1")
			return err
		}},
		{"Get: wrong types", wireJSON(http.StatusOK, `{"id":5,"name":["x"]}`), func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Get(ctx, "p1")
			return err
		}},
		{"Get: empty body", wireReply{Status: http.StatusOK}, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Get(ctx, "p1")
			return err
		}},
		{"Get: null", wireJSON(http.StatusOK, `null`), func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Get(ctx, "p1")
			return err
		}},
		{"List: wrong types", wireJSON(http.StatusOK, `{"profiles":{"id":"p1"}}`), func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.List(ctx, nil)
			return err
		}},
		{"Create: not JSON", wireReply{Status: http.StatusOK, Body: "created"}, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Create(ctx, supportAssistant())
			return err
		}},
		{"Sessions.List: wrong types", wireJSON(http.StatusOK, `{"sessions":[{"userId":true}]}`), func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"})
			return err
		}},
		{"Events: wrong types", wireJSON(http.StatusOK, `{"events":"none"}`), func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Events(ctx, quickStartSessionID)
			return err
		}},
		{"Events: empty body", wireReply{Status: http.StatusOK}, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Events(ctx, quickStartSessionID)
			return err
		}},
		{"Context: truncated JSON", wireJSON(http.StatusOK, `{"context_data":{"pages":[`), func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Context(ctx, quickStartSessionID, nil)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(tc.reply))
			c := wireClient(t, ws)
			err := tc.call(context.Background(), c)
			require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
			_, isAPI := errorsAsAPI(err)
			assert.False(t, isAPI, "a 200 is not an APIError")
			assert.Equal(t, 1, ws.hits())
		})
	}
}

// A huge id (10 MB of profile id or user id, which the escaped path
// carries) must not make a huge error or log line: the text is bounded,
// while APIError.Path keeps the whole path. The server takes the whole
// request. It does not run in parallel: copying and parsing 10 MB URLs
// keeps the CPUs busy (seconds under -race), which would starve the timed
// rows of the fault matrix (a gateway's 250ms upstream timeout).
func TestErrorTextIsBoundedForHugeIDs(t *testing.T) {
	huge := strings.Repeat("p", 10<<20)
	const maxError, maxLog = 4 << 10, 16 << 10
	var hits atomic.Int64
	var longest atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		longest.Store(max(longest.Load(), int64(len(r.RequestURI))))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"code":"resource_not_found","message":"no such thing"}`)
	}))
	srv.Config.MaxHeaderBytes = 64 << 20
	srv.Start()
	t.Cleanup(srv.Close)
	refused := closedListenerURL(t)

	for _, tc := range []struct {
		name string
		base string
		call func(ctx context.Context, c *fullstory.Client) error
		path string // the escaped path, when the server answered
	}{
		{"Profiles.Get", srv.URL, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Get(ctx, fullstory.ProfileID(huge))
			return err
		}, "/v2/visit_profile/" + huge},
		{"Sessions.Summarize", srv.URL, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Summarize(ctx, fullstory.NewSessionID(huge, "1"), nil)
			return err
		}, "/v2/sessions/" + huge + "%3A1/summary"},
		{"Sessions.Events, connection refused", refused, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Events(ctx, fullstory.NewSessionID(huge, "1"))
			return err
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := newLogRecorder()
			c := newTestClient(t, secretKey, tc.base, fullstory.WithLogger(logs.logger()), fullstory.WithMaxRetries(1))
			before := hits.Load()
			err := tc.call(boundedContext(t, 20*time.Second), c)
			require.Error(t, err)
			assert.Less(t, len(err.Error()), maxError, "Error() is bounded")
			assert.Less(t, len(fmt.Sprintf("%+v", err)), maxError, "%%+v is bounded")
			assert.Contains(t, err.Error(), "pppp", "the text still shows the start of the id")
			text := logs.text()
			assert.NotEmpty(t, text)
			assert.Less(t, len(text), maxLog, "the log lines are bounded")
			if tc.path != "" {
				ae := requireAPIError(t, err)
				assert.Equal(t, tc.path, ae.Path, "APIError.Path keeps the whole path")
				assert.Equal(t, before+1, hits.Load(), "the server received the request once")
				assert.Greater(t, longest.Load(), int64(len(huge)))
			}
		})
	}
}
