package fullstory_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	fullstory "github.com/summarykit/fullstory-go"
)

// What users read of a failure (errors.go): *APIError's fields and text,
// and which sentinel each status matches.

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

// A ValidationError that names what the caller passed (a 10 MB property
// name) has a bounded Error(); its Field and Reason keep the whole text.
func TestValidationErrorTextIsBounded(t *testing.T) {
	huge := strings.Repeat("n", 10<<20)
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws)
	for name, schema := range map[string]*fullstory.Schema{
		"a required name that is no property": {Type: fullstory.TypeObject, Properties: map[string]*fullstory.Schema{"a": {Type: fullstory.TypeString}}, Required: []string{huge}},
		"a property without a schema":         {Type: fullstory.TypeObject, Properties: map[string]*fullstory.Schema{huge: nil}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Profiles.Create(context.Background(), &fullstory.ProfileRequest{Name: "n", ProfileConfig: fullstory.ProfileConfig{
				LLM: &fullstory.LLMConfig{ResponseSchema: schema},
			}})
			ve := requireInvalidArgument(t, err)
			assert.Less(t, len(err.Error()), 4<<10, "Error() is bounded")
			assert.Contains(t, err.Error(), "nnnn")
			assert.Contains(t, ve.Field+ve.Reason, huge, "the fields keep the whole text")
		})
	}
	assert.Zero(t, ws.hits())
}
