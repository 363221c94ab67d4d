package fullstoryotel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"

	fullstory "github.com/summarykit/fullstory-go"
)

// error.type names why a call failed, whatever wraps the error.
func TestCallErrorType(t *testing.T) {
	wrap := func(err error) error {
		return fmt.Errorf("fullstory: GET /v2/sessions/1%%3A2/summary: not sent: %w", err)
	}
	for want, err := range map[string]error{
		"budget_exhausted":   wrap(fullstory.ErrBudgetExhausted),
		"budget_unavailable": wrap(fmt.Errorf("%w: redis down", fullstory.ErrBudgetUnavailable)),
		"canceled":           wrap(context.Canceled),
		"timeout":            wrap(context.DeadlineExceeded),
		"client_held":        &fullstory.APIError{StatusCode: 429, Code: "client_held"},
		"429":                &fullstory.APIError{StatusCode: 429, Code: "too_many_requests", Attempts: 4},
		"503":                wrap(&fullstory.APIError{StatusCode: 503, Attempts: 1}),
		"invalid_response":   wrap(fullstory.ErrInvalidResponse),
		"invalid_argument":   &fullstory.ValidationError{Field: "session id", Reason: "is empty"},
		"transport_error":    wrap(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}),
		"_OTHER":             errors.New("the limiter failed"),
	} {
		assert.Equal(t, want, callErrorType(err), "%v", err)
	}
}

// An attempt's error.type is its status from 400 on, or why no usable
// response came; none for a success.
func TestAttemptErrorType(t *testing.T) {
	for want, a := range map[string]fullstory.AttemptInfo{
		"":                 {Status: 200},
		"404":              {Status: 404},
		"429":              {Status: 429},
		"invalid_response": {Status: 200, Err: errors.New("the response body is too large")},
		"timeout":          {Err: fmt.Errorf("attempt: %w", context.DeadlineExceeded)},
		"canceled":         {Err: context.Canceled},
		"transport_error":  {Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}},
	} {
		assert.Equal(t, want, attemptErrorType(&a), "%+v", a)
	}
}

func TestHostPort(t *testing.T) {
	for base, want := range map[string]struct {
		host string
		port int
	}{
		"https://api.fullstory.com":     {"api.fullstory.com", 443},
		"https://api.eu1.fullstory.com": {"api.eu1.fullstory.com", 443},
		"http://127.0.0.1:8080/proxy":   {"127.0.0.1", 8080},
		"http://[::1]":                  {"::1", 80},
	} {
		host, port, ok := hostPort(base)
		assert.True(t, ok, base)
		assert.Equal(t, want.host, host, base)
		assert.Equal(t, want.port, port, base)
	}
	_, _, ok := hostPort("not a url")
	assert.False(t, ok)
}
