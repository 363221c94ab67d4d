package fullstory_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestRequestHeaders(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws, fullstory.WithUserAgent("support-console/1.2"), fullstory.WithIntegrationSource("zendesk-app"))
	ctx := context.Background()

	_, err := c.Profiles.Create(ctx, supportAssistant(), fullstory.WithIdempotencyKey("6f1c2a9e-3b7d-4e0a-9c4f-1d2e3f405162"))
	require.NoError(t, err)
	_, err = c.Profiles.Create(ctx, supportAssistant())
	require.NoError(t, err)
	_, err = c.Profiles.Get(ctx, "p1", fullstory.WithUserAgent("per-call/2"), fullstory.WithIntegrationSource("other"))
	require.NoError(t, err)

	reqs := ws.requests()
	require.Len(t, reqs, 3)
	ourUA := "fullstory-go/" + fullstory.Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	for i, r := range reqs {
		assert.Equal(t, "Basic "+wireAPIKey, r.Header.Get("Authorization"), "request %d: the raw key, not base64", i)
		assert.Equal(t, "application/json", r.Header.Get("Accept"), "request %d", i)
		assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "fullstory-go/0.1.0 ("), "request %d: %q", i, r.Header.Get("User-Agent"))
	}

	withKey := reqs[0]
	assert.Equal(t, ourUA+" support-console/1.2", withKey.Header.Get("User-Agent"))
	assert.Equal(t, "zendesk-app", withKey.Header.Get("Integration-Source"))
	assert.Equal(t, "6f1c2a9e-3b7d-4e0a-9c4f-1d2e3f405162", withKey.Header.Get("Idempotency-Key"))
	assert.Equal(t, "application/json", withKey.Header.Get("Content-Type"))

	withoutKey := reqs[1]
	assert.Empty(t, withoutKey.Header.Values("Idempotency-Key"), "a per-call option leaked into the next call")
	assert.Equal(t, "zendesk-app", withoutKey.Header.Get("Integration-Source"))
	assert.Equal(t, withKey.Body, withoutKey.Body)

	get := reqs[2]
	assert.Equal(t, ourUA+" per-call/2", get.Header.Get("User-Agent"))
	assert.Equal(t, "other", get.Header.Get("Integration-Source"))
	assert.Empty(t, get.Header.Values("Content-Type"), "a GET has no body, so no Content-Type")
	assert.Empty(t, get.Header.Values("Idempotency-Key"))
}

func TestDefaultUserAgent(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws)

	_, err := c.Profiles.Get(context.Background(), "p1")
	require.NoError(t, err)
	r := ws.only(t)
	assert.Equal(t, "fullstory-go/"+fullstory.Version+" ("+runtime.Version()+"; "+runtime.GOOS+"/"+runtime.GOARCH+")", r.Header.Get("User-Agent"))
	assertWireHeaders(t, r, false)
}

func TestBaseURLSelection(t *testing.T) {
	for _, tc := range []struct {
		name    string
		key     string
		opts    []fullstory.Option
		perCall []fullstory.Option
		want    string // scheme, host and path prefix
	}{
		{name: "na1 key", key: "na1.abc", want: fullstory.DefaultBaseURL},
		{name: "key without a prefix", key: "legacykey123", want: fullstory.DefaultBaseURL},
		{name: "eu1 key", key: "eu1.abc", want: fullstory.EU1BaseURL},
		{name: "eu1 key, region na1", key: "eu1.abc", opts: []fullstory.Option{fullstory.WithRegion(fullstory.RegionNA1)}, want: fullstory.DefaultBaseURL},
		{name: "na1 key, region eu1", key: "na1.abc", opts: []fullstory.Option{fullstory.WithRegion(fullstory.RegionEU1)}, want: fullstory.EU1BaseURL},
		{name: "eu1 key, base URL", key: "eu1.abc", opts: []fullstory.Option{fullstory.WithBaseURL("https://proxy.example.com")}, want: "https://proxy.example.com"},
		{
			name: "base URL wins over region", key: "na1.abc",
			opts: []fullstory.Option{fullstory.WithBaseURL("https://proxy.example.com/fullstory/"), fullstory.WithRegion(fullstory.RegionEU1)},
			want: "https://proxy.example.com/fullstory",
		},
		{name: "region per call", key: "na1.abc", perCall: []fullstory.Option{fullstory.WithRegion(fullstory.RegionEU1)}, want: fullstory.EU1BaseURL},
		{name: "base URL per call", key: "eu1.abc", perCall: []fullstory.Option{fullstory.WithBaseURL("https://gw.example.com/v/")}, want: "https://gw.example.com/v"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hr := &wireHostRecorder{body: `{"profiles":[]}`}
			opts := append([]fullstory.Option{fullstory.WithHTTPClient(&http.Client{Transport: hr})}, tc.opts...)
			c, err := fullstory.NewClient(tc.key, opts...)
			require.NoError(t, err)

			_, err = c.Profiles.List(context.Background(), &fullstory.ListProfilesOptions{Limit: 1}, tc.perCall...)
			require.NoError(t, err)
			u := hr.lastURL(t)
			assert.Equal(t, tc.want+"/v2/visit_profile", u.Scheme+"://"+u.Host+u.EscapedPath())
			assert.Equal(t, "limit=1", u.RawQuery)

			if len(tc.perCall) == 0 {
				assert.Contains(t, c.String(), `"`+tc.want+`"`)
			}
			assert.NotContains(t, c.String(), tc.key)
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", c, c, c, c), tc.key)
		})
	}
}

func TestBaseURLTrailingSlashAndPathPrefix(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"summary":"ok","id":"p1"}`)))
	ctx := context.Background()

	for _, tc := range []struct {
		base, prefix string
	}{
		{ws.URL, ""},
		{ws.URL + "/", ""},
		{ws.URL + "/api/fullstory", "/api/fullstory"},
		{ws.URL + "/api/fullstory/", "/api/fullstory"},
		{"  " + ws.URL + "/x/  ", "/x"},
	} {
		c := wireClientAt(t, tc.base)
		_, err := c.Profiles.Get(ctx, "p1")
		require.NoError(t, err, tc.base)
		_, err = c.Sessions.Summarize(ctx, quickStartSessionID, &fullstory.SummarizeRequest{Profile: "p1"})
		require.NoError(t, err, tc.base)
	}
	var uris []string
	for _, r := range ws.requests() {
		uris = append(uris, r.RequestURI)
	}
	summary := "/v2/sessions/" + quickStartEscaped + "/summary?config_profile=p1"
	assert.Equal(t, []string{
		"/v2/visit_profile/p1", summary,
		"/v2/visit_profile/p1", summary,
		"/api/fullstory/v2/visit_profile/p1", "/api/fullstory" + summary,
		"/api/fullstory/v2/visit_profile/p1", "/api/fullstory" + summary,
		"/x/v2/visit_profile/p1", "/x" + summary,
	}, uris)
}

func TestNewClientValidation(t *testing.T) {
	for name, key := range map[string]string{
		"empty":            "",
		"blank":            "   ",
		"space inside":     "na1.abc def",
		"trailing newline": "na1.abc\n",
		"leading tab":      "\tna1.abc",
		"control":          "na1.abc\x00",
	} {
		t.Run("key "+name, func(t *testing.T) {
			c, err := fullstory.NewClient(key)
			requireInvalidArgument(t, err)
			assert.Nil(t, c)
		})
	}

	for name, opt := range map[string]fullstory.Option{
		"http to a remote host":            fullstory.WithBaseURL("http://api.fullstory.com"),
		"http to a private address":        fullstory.WithBaseURL("http://10.0.0.1:8080"),
		"no scheme":                        fullstory.WithBaseURL("api.fullstory.com"),
		"ftp":                              fullstory.WithBaseURL("ftp://api.fullstory.com"),
		"empty base URL":                   fullstory.WithBaseURL(""),
		"user info":                        fullstory.WithBaseURL("https://user:pw@api.fullstory.com"),
		"query":                            fullstory.WithBaseURL("https://api.fullstory.com/?x=1"),
		"fragment":                         fullstory.WithBaseURL("https://api.fullstory.com/#top"),
		"unknown region":                   fullstory.WithRegion("us2"),
		"empty region":                     fullstory.WithRegion(""),
		"upper-case region":                fullstory.WithRegion("EU1"),
		"nil HTTP client":                  fullstory.WithHTTPClient(nil),
		"negative retries":                 fullstory.WithMaxRetries(-1),
		"negative wait":                    fullstory.WithRetryWait(-time.Millisecond, time.Second),
		"min above max":                    fullstory.WithRetryWait(2*time.Second, time.Second),
		"zero max wait":                    fullstory.WithRetryWait(0, 0),
		"negative max Retry-After":         fullstory.WithMaxRetryAfter(-time.Second),
		"zero timeout":                     fullstory.WithTimeout(0),
		"negative timeout":                 fullstory.WithTimeout(-time.Second),
		"user agent with a newline":        fullstory.WithUserAgent("app/1\r\nX-Evil: 1"),
		"integration source with newline":  fullstory.WithIntegrationSource("zendesk\n"),
		"idempotency key on the client":    fullstory.WithIdempotencyKey("6f1c2a9e-3b7d-4e0a-9c4f-1d2e3f405162"),
		"empty idempotency key on client":  fullstory.WithIdempotencyKey(""),
		"bad option among good ones first": fullstory.WithRegion("mars"),
	} {
		t.Run("option "+name, func(t *testing.T) {
			c, err := fullstory.NewClient(wireAPIKey, fullstory.WithMaxRetries(1), opt)
			requireInvalidArgument(t, err)
			assert.Nil(t, c)
		})
	}

	for name, opt := range map[string]fullstory.Option{
		"nil option":          nil,
		"http to localhost":   fullstory.WithBaseURL("http://localhost:8080"),
		"http to 127.0.0.2":   fullstory.WithBaseURL("http://127.0.0.2"),
		"http to ::1":         fullstory.WithBaseURL("http://[::1]:9000/"),
		"zero retries":        fullstory.WithMaxRetries(0),
		"zero min wait":       fullstory.WithRetryWait(0, time.Millisecond),
		"zero max RetryAfter": fullstory.WithMaxRetryAfter(0),
		"nil logger":          fullstory.WithLogger(nil),
	} {
		t.Run("option "+name, func(t *testing.T) {
			c, err := fullstory.NewClient(wireAPIKey, opt)
			require.NoError(t, err)
			require.NotNil(t, c)
		})
	}
}

func TestPerCallOptionValidationSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws)
	ctx := context.Background()

	for name, opt := range map[string]fullstory.Option{
		"http base URL to a remote host": fullstory.WithBaseURL("http://example.com"),
		"bad region":                     fullstory.WithRegion("ap9"),
		"empty idempotency key":          fullstory.WithIdempotencyKey(""),
		"idempotency key too long":       fullstory.WithIdempotencyKey(strings.Repeat("k", 256)),
		"idempotency key with a newline": fullstory.WithIdempotencyKey("abc\r\nX-Evil: 1"),
		"zero timeout":                   fullstory.WithTimeout(0),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Profiles.Create(ctx, supportAssistant(), opt)
			requireInvalidArgument(t, err)
			_, err = c.Profiles.Get(ctx, "p1", opt)
			requireInvalidArgument(t, err)
		})
	}

	var nilCtx context.Context
	_, err := c.Profiles.Get(nilCtx, "p1")
	requireInvalidArgument(t, err)

	assert.Equal(t, 0, ws.hits(), "a request was sent for invalid input")

	_, err = c.Profiles.Create(ctx, supportAssistant(), fullstory.WithIdempotencyKey(strings.Repeat("k", 255)))
	require.NoError(t, err, "255 characters is the longest key")
}

func TestClientStringHidesTheKey(t *testing.T) {
	c, err := fullstory.NewClient("eu1.SECRET-KEY-123")
	require.NoError(t, err)
	for _, s := range []string{c.String(), c.GoString(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		assert.NotContains(t, s, "SECRET-KEY-123")
	}
	assert.Contains(t, c.String(), fullstory.EU1BaseURL)

	var nilClient *fullstory.Client
	assert.NotPanics(t, func() { _ = fmt.Sprint(nilClient) }) // String has a value receiver, so that a Client value hides the key too
}

func TestAPIErrorFields(t *testing.T) {
	body := `{"code":"too_many_requests","message":"slow down"}`
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusTooManyRequests, Body: body, Header: map[string]string{"Retry-After": "0", "X-Request-Id": "req-1"}},
		wireReply{Status: http.StatusTooManyRequests, Body: body, Header: map[string]string{"Retry-After": "7", "X-Request-Id": "req-2"}},
	))
	c := wireClient(t, ws, fullstory.WithMaxRetries(1))

	_, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 10})
	ae := requireAPIError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
	assert.Equal(t, "too_many_requests", ae.Code)
	assert.Equal(t, "slow down", ae.Message)
	assert.Equal(t, 7*time.Second, ae.RetryAfter)
	assert.Equal(t, 2, ae.Attempts)
	assert.Equal(t, http.MethodGet, ae.Method)
	assert.Equal(t, "/sessions/v2", ae.Path, "the path never holds the query")
	assert.Equal(t, "req-2", ae.Header.Get("X-Request-Id"), "the headers of the last response")
	assert.Equal(t, body, string(ae.Body))
	assert.ErrorIs(t, err, fullstory.ErrRateLimited)

	msg := err.Error()
	for _, part := range []string{"GET /sessions/v2", "429", "too_many_requests", "slow down", "7s", "2 attempts"} {
		assert.Contains(t, msg, part)
	}
	assert.NotContains(t, msg, "jane")
	assert.NotContains(t, msg, "?")
	wireNoGivingUp(t, err)
	assert.Equal(t, 2, ws.hits())
}

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

func TestAPIErrorSentinels(t *testing.T) {
	sentinels := map[string]error{
		"ErrBadRequest":   fullstory.ErrBadRequest,
		"ErrUnauthorized": fullstory.ErrUnauthorized,
		"ErrForbidden":    fullstory.ErrForbidden,
		"ErrNotFound":     fullstory.ErrNotFound,
		"ErrRateLimited":  fullstory.ErrRateLimited,
		"ErrServer":       fullstory.ErrServer,
	}
	for _, tc := range []struct {
		status int
		want   string // the one sentinel it matches; "" for none
	}{
		{http.StatusBadRequest, "ErrBadRequest"},
		{http.StatusUnauthorized, "ErrUnauthorized"},
		{http.StatusForbidden, "ErrForbidden"},
		{http.StatusNotFound, "ErrNotFound"},
		{http.StatusConflict, ""},
		{http.StatusUnprocessableEntity, ""},
		{http.StatusTooManyRequests, "ErrRateLimited"},
		{http.StatusInternalServerError, "ErrServer"},
		{http.StatusNotImplemented, "ErrServer"},
		{http.StatusBadGateway, "ErrServer"},
		{http.StatusServiceUnavailable, "ErrServer"},
		{http.StatusGatewayTimeout, "ErrServer"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			ws := newTestServer(t, wireReplies(wireStatusError(tc.status)))
			c := wireClient(t, ws, fullstory.WithMaxRetries(0))

			_, err := c.Profiles.Get(context.Background(), "p1")
			ae := requireAPIError(t, err)
			assert.Equal(t, tc.status, ae.StatusCode)
			assert.NotEmpty(t, ae.Code)
			assert.NotEmpty(t, ae.Message)
			assert.Equal(t, 1, ae.Attempts)
			for name, sentinel := range sentinels {
				assert.Equal(t, name == tc.want, errors.Is(err, sentinel), "errors.Is(%d, %s)", tc.status, name)
			}
			assert.NotErrorIs(t, err, fullstory.ErrInvalidArgument)
			assert.NotErrorIs(t, err, fullstory.ErrInvalidResponse)

			hint := strings.Contains(err.Error(), "Admin or Architect")
			assert.Equal(t, tc.status == http.StatusUnauthorized || tc.status == http.StatusForbidden, hint, "role hint in %q", err.Error())
		})
	}
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
