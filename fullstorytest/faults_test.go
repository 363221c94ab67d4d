package fullstorytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// count returns how many recorded requests have the given method and path.
func count(srv *fullstorytest.Server, method, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestFaultStatusRetryAfterCountAndPath(t *testing.T) {
	srv := newServer(t)
	// A Retry-After above the client's cap makes it return the 503 at once.
	c := srv.Client(fullstory.WithMaxRetryAfter(time.Second))
	ctx := t.Context()
	srv.InjectFault(fullstorytest.Fault{Path: "/v2/visit_profile", Status: http.StatusServiceUnavailable, RetryAfter: 1500 * time.Millisecond, Count: 2})

	for range 2 {
		_, err := c.Profiles.List(ctx, nil)
		ae := apiError(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
		assert.Equal(t, "server_error", ae.Code)
		assert.Equal(t, "2", ae.Header.Get("Retry-After"), "whole seconds, rounded up")
		assert.Equal(t, 2*time.Second, ae.RetryAfter)
		assert.Equal(t, 1, ae.Attempts)

		// Other paths are not affected.
		_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
		require.NoError(t, err)
	}
	_, err := c.Profiles.List(ctx, nil)
	require.NoError(t, err, "the fault was for two requests")
	assert.Equal(t, 3, count(srv, "GET", "/v2/visit_profile"))
}

func TestFaultRetriedByClient(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()

	// Reads are retried on 500; the third attempt gets through.
	srv.InjectFault(fullstorytest.Fault{Path: "/sessions/v2", Status: http.StatusInternalServerError, Count: 2})
	sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: fullstorytest.DemoUID})
	require.NoError(t, err)
	assert.NotEmpty(t, sessions)
	assert.Equal(t, 3, count(srv, "GET", "/sessions/v2"))

	// A summary is not retried after a 500: it may have spent an Activation.
	id := fullstorytest.DemoCheckoutSession
	srv.InjectFault(fullstorytest.Fault{Path: "/v2/sessions/" + id.PathEscaped(), Status: http.StatusInternalServerError})
	_, err = c.Sessions.Summarize(ctx, id, nil)
	assert.ErrorIs(t, err, fullstory.ErrServer)
	assert.Equal(t, 1, apiError(t, err).Attempts)
	_, err = c.Sessions.Summarize(ctx, id, nil)
	require.NoError(t, err)

	// A 429 with a short Retry-After is retried, also for summaries; the path
	// matches in its decoded form too.
	srv.InjectFault(fullstorytest.Fault{Path: "/v2/sessions/" + id.String() + "/summary", Status: http.StatusTooManyRequests})
	_, err = c.Sessions.Summarize(ctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, count(srv, "GET", "/v2/sessions/"+id.String()+"/summary"))
}

func TestFaultBodyAndHeader(t *testing.T) {
	srv := newServer(t)
	srv.InjectFault(fullstorytest.Fault{
		Status: http.StatusBadGateway,
		Body:   "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
		Header: http.Header{"Content-Type": {"text/html"}},
	})
	_, err := srv.Client(fullstory.WithMaxRetries(0)).Profiles.Get(t.Context(), "p")
	ae := apiError(t, err)
	assert.Equal(t, http.StatusBadGateway, ae.StatusCode)
	assert.Equal(t, "502 Bad Gateway", ae.Message)
	assert.Equal(t, "text/html", ae.Header.Get("Content-Type"))
}

func TestFaultDelay(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	id := fullstorytest.DemoCheckoutSession

	srv.InjectFault(fullstorytest.Fault{Path: "/v2/sessions/", Delay: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Sessions.Summarize(ctx, id, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// A short delay, then the normal answer.
	srv.InjectFault(fullstorytest.Fault{Delay: time.Millisecond})
	sum, err := c.Sessions.Summarize(t.Context(), id, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, sum.Text)

	// A delay then a status.
	srv.InjectFault(fullstorytest.Fault{Delay: time.Millisecond, Status: http.StatusForbidden})
	_, err = c.Sessions.Summarize(t.Context(), id, nil)
	assert.ErrorIs(t, err, fullstory.ErrForbidden)
}

func TestCloseEndsDelayedRequests(t *testing.T) {
	srv := fullstorytest.NewServer()
	c := srv.Client(fullstory.WithMaxRetries(0))
	srv.InjectFault(fullstorytest.Fault{Delay: time.Hour})
	done := make(chan error, 1)
	go func() {
		_, err := c.Profiles.List(context.Background(), nil)
		done <- err
	}()
	for i := 0; len(srv.Requests()) == 0 && i < 5000; i++ {
		time.Sleep(time.Millisecond)
	}
	require.Len(t, srv.Requests(), 1, "the request arrived")
	srv.Close()
	err := <-done
	require.Error(t, err)
	var ae *fullstory.APIError
	assert.False(t, errors.As(err, &ae), "the connection was dropped, no response was sent: %v", err)
	srv.Close() // a second Close is harmless
}

func TestFaultCutOff(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	pid, err := c.Profiles.Create(ctx, supportProfile())
	require.NoError(t, err)

	// A read is retried after its response was cut off.
	srv.InjectFault(fullstorytest.Fault{Path: "/v2/visit_profile/", CutOff: true})
	p, err := c.Profiles.Get(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, "Support assistant", p.Name)
	assert.Equal(t, 2, count(srv, "GET", "/v2/visit_profile/"+string(pid)))

	// Without retries the cut shows: a transport error, not an API error.
	srv.InjectFault(fullstorytest.Fault{CutOff: true})
	_, err = c.Profiles.Get(ctx, pid, fullstory.WithMaxRetries(0))
	require.Error(t, err)
	var ae *fullstory.APIError
	assert.False(t, errors.As(err, &ae))

	// A summary whose response was lost is not retried.
	id := fullstorytest.DemoSalesSession
	srv.InjectFault(fullstorytest.Fault{CutOff: true})
	_, err = c.Sessions.Summarize(ctx, id, nil)
	require.Error(t, err)
	assert.Equal(t, 1, count(srv, "GET", "/v2/sessions/"+id.String()+"/summary"))

	// A create whose response was lost has still created the profile...
	srv.InjectFault(fullstorytest.Fault{Path: "/v2/visit_profile", CutOff: true})
	_, err = c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "lost"})
	require.Error(t, err)
	// ...and with an Idempotency-Key the retry gets the first answer instead
	// of creating a second one.
	srv.InjectFault(fullstorytest.Fault{Path: "/v2/visit_profile", CutOff: true})
	kept, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "kept"}, fullstory.WithIdempotencyKey("create-kept"))
	require.NoError(t, err)
	var names []string
	for p, err := range c.Profiles.All(ctx, nil) {
		require.NoError(t, err)
		names = append(names, p.Name)
		if p.Name == "kept" {
			assert.Equal(t, kept, p.ID)
		}
	}
	assert.Equal(t, []string{"Support assistant", "lost", "kept"}, names)

	// A fault with a status can be cut off too.
	srv.InjectFault(fullstorytest.Fault{Status: http.StatusNotFound, CutOff: true})
	_, err = c.Profiles.Get(ctx, pid, fullstory.WithMaxRetries(0))
	require.Error(t, err)
	assert.False(t, errors.As(err, &ae))
}

// 204 and 304 cannot have a body: the fault sends none, and no Content-Type
// or Content-Length for one.
func TestFaultStatusWithoutBody(t *testing.T) {
	srv := newServer(t)
	for _, status := range []int{http.StatusNoContent, http.StatusNotModified} {
		srv.InjectFault(fullstorytest.Fault{Status: status, Body: `{"ignored":true}`})
		resp := raw(t, srv, "GET", "/v2/visit_profile", "")
		assert.Equal(t, status, resp.Status)
		assert.Empty(t, resp.Body, "%d", status)
		assert.Empty(t, resp.Header.Get("Content-Type"), "%d", status)
		assert.Contains(t, []string{"", "0"}, resp.Header.Get("Content-Length"), "%d", status)
	}
}

// Activations counts the summaries the fake generated: also those whose
// answer a gateway replaced (Handle with a Status) or that were lost on the
// way back (CutOff, handled first), but not those a fault answered without
// handling, nor refused requests, nor an Idempotency-Key's replay.
func TestActivations(t *testing.T) {
	srv := newServer(t, fullstorytest.WithThrottle(1000, 1000))
	c := srv.Client(fullstory.WithMaxRetries(0))
	ctx := t.Context()
	id := fullstorytest.DemoCheckoutSession
	summary := "/v2/sessions/" + id.PathEscaped() + "/summary"
	step := func(name string, want int64, do func()) {
		t.Helper()
		before := srv.Activations()
		do()
		assert.Equal(t, want, srv.Activations()-before, name)
	}

	step("a summary", 1, func() {
		_, err := c.Sessions.Summarize(ctx, id, nil)
		require.NoError(t, err)
	})
	step("a 503 that did not handle it", 0, func() {
		srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusServiceUnavailable})
		_, err := c.Sessions.Summarize(ctx, id, nil)
		assert.Equal(t, http.StatusServiceUnavailable, apiError(t, err).StatusCode)
	})
	for _, status := range []int{http.StatusGatewayTimeout, http.StatusBadGateway} {
		step(fmt.Sprintf("a gateway's %d after the API generated it", status), 1, func() {
			srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Handle: true, Status: status})
			_, err := c.Sessions.Summarize(ctx, id, nil)
			ae := apiError(t, err)
			assert.Equal(t, status, ae.StatusCode)
			assert.Equal(t, "server_error", ae.Code, "the gateway's answer, not the summary")
		})
	}
	step("a response cut off after the summary was generated", 1, func() {
		srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, CutOff: true})
		_, err := c.Sessions.Summarize(ctx, id, nil)
		require.Error(t, err)
		var ae *fullstory.APIError
		assert.False(t, errors.As(err, &ae), "the connection was cut: %v", err)
	})
	step("a gateway that cut the connection after the API generated it", 1, func() {
		srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Handle: true, Status: http.StatusBadGateway, CutOff: true})
		_, err := c.Sessions.Summarize(ctx, id, nil)
		require.Error(t, err)
	})
	step("a delay and then the summary", 1, func() {
		srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Delay: time.Millisecond, Handle: true})
		_, err := c.Sessions.Summarize(ctx, id, nil)
		require.NoError(t, err)
	})
	step("refused: no such profile, bad overrides, no such session, unauthorized", 0, func() {
		_, err := c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: "nope"})
		require.ErrorIs(t, err, fullstory.ErrNotFound)
		assert.Equal(t, http.StatusBadRequest, raw(t, srv, "POST", summary, `{"llm":{"temperature":9}}`).Status)
		_, err = c.Sessions.Summarize(ctx, fullstory.NewSessionID(id.User, "1"), nil)
		require.ErrorIs(t, err, fullstory.ErrNotFound)
		assert.Equal(t, http.StatusUnauthorized, raw(t, srv, "GET", summary, "", "Basic wrong").Status)
	})
	step("throttled", 0, func() {
		srv.SetThrottle(0.001, 1)
		raw(t, srv, "GET", "/v2/visit_profile", "") // takes the one token
		assert.Equal(t, http.StatusTooManyRequests, raw(t, srv, "GET", summary, "").Status)
		srv.SetThrottle(0, 0)
	})
	step("one summary with an Idempotency-Key sent twice", 1, func() {
		for range 2 {
			resp := raw(t, srv, "POST", summary, `{}`, "Basic "+srv.APIKey, "Idempotency-Key", "k1")
			require.Equal(t, http.StatusOK, resp.Status)
		}
	})
	srv.Reset()
	assert.Zero(t, srv.Activations(), "Reset sets it back to 0")
}

// A write under a gateway fault with Handle is applied, though the client
// got the gateway's error.
func TestFaultHandleKeepsTheWrite(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(fullstory.WithMaxRetries(0))
	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpCreateProfile, Handle: true, Status: http.StatusGatewayTimeout})
	_, err := c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: "made anyway"})
	assert.Equal(t, http.StatusGatewayTimeout, apiError(t, err).StatusCode)
	page, err := c.Profiles.List(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, page.Profiles, 1)
	assert.Equal(t, "made anyway", page.Profiles[0].Name)

	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpCreateProfile, Status: http.StatusGatewayTimeout})
	_, err = c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: "not made"})
	assert.Equal(t, http.StatusGatewayTimeout, apiError(t, err).StatusCode)
	page, err = c.Profiles.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, page.Profiles, 1, "without Handle nothing changes")
}

// A 503 with a Retry-After is what the library retries a summary on: the
// server refused it and said when to come back. One summary is generated.
func TestFaultSummaryRetriedAfterRetryAfter(t *testing.T) {
	srv := newServer(t)
	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusServiceUnavailable, RetryAfter: time.Second})
	_, err := srv.Client().Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), 2, "the 503 and its retry")
	assert.EqualValues(t, 1, srv.Activations())
}
