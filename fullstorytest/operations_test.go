package fullstorytest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// Every endpoint has its Operation, recorded with the request.
func TestOperations(t *testing.T) {
	srv := newServer(t)
	sess := "/v2/sessions/" + fullstorytest.DemoCheckoutSession.PathEscaped()
	cases := []struct {
		op           fullstorytest.Operation
		method, path string
	}{
		{fullstorytest.OpCreateProfile, "POST", "/v2/visit_profile"},
		{fullstorytest.OpGetProfile, "GET", "/v2/visit_profile/p1"},
		{fullstorytest.OpUpdateProfile, "POST", "/v2/visit_profile/p1"},
		{fullstorytest.OpDeleteProfile, "DELETE", "/v2/visit_profile/p1"},
		{fullstorytest.OpListProfiles, "GET", "/v2/visit_profile?limit=1"},
		{fullstorytest.OpListSessions, "GET", "/sessions/v2?uid=x"},
		{fullstorytest.OpSummarize, "GET", sess + "/summary"},
		{fullstorytest.OpEvents, "GET", sess + "/events"},
		{fullstorytest.OpContext, "POST", sess + "/context"},
		{fullstorytest.OpListSessionsV2, "GET", "/v2/sessions?session_uid=x"},
	}
	var seen []fullstorytest.Operation
	for _, tc := range cases {
		srv.ResetRequests()
		raw(t, srv, tc.method, tc.path, "")
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, tc.op, reqs[0].Op, "%s %s", tc.method, tc.path)
		seen = append(seen, tc.op)
	}
	assert.Equal(t, fullstorytest.Operations(), seen, "Operations lists every operation once, in order")

	for _, no := range []struct{ method, path string }{
		{"PUT", "/v2/visit_profile"}, {"GET", "/v2/visit_profile/a/b"}, {"POST", "/sessions/v2"},
		{"GET", "/v2/sessions//summary"}, {"GET", sess + "/context"}, {"GET", "/v2/other"},
		{"POST", "/v2/sessions"}, {"GET", "/v2/sessions/"},
	} {
		srv.ResetRequests()
		raw(t, srv, no.method, no.path, "")
		assert.Empty(t, srv.Requests()[0].Op, "%s %s is no operation", no.method, no.path)
	}
}

// A fault with Op hits only requests of that operation, and with Path too
// only those that match both.
func TestFaultOp(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(fullstory.WithMaxRetries(0))
	ctx := t.Context()

	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusServiceUnavailable})
	_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err, "another operation is not hit")
	_, err = c.Sessions.Events(ctx, fullstorytest.DemoCheckoutSession)
	require.NoError(t, err, "another operation on the same session is not hit")
	_, err = c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	assert.Equal(t, http.StatusServiceUnavailable, apiError(t, err).StatusCode)
	_, err = c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err, "the fault was used up")

	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpEvents, Path: "/v2/sessions/" + fullstorytest.DemoSalesSession.PathEscaped(), Status: http.StatusInternalServerError})
	_, err = c.Sessions.Summarize(ctx, fullstorytest.DemoSalesSession, nil)
	require.NoError(t, err, "the path matches, the operation does not")
	_, err = c.Sessions.Events(ctx, fullstorytest.DemoCheckoutSession)
	require.NoError(t, err, "the operation matches, the path does not")
	_, err = c.Sessions.Events(ctx, fullstorytest.DemoSalesSession)
	assert.Equal(t, http.StatusInternalServerError, apiError(t, err).StatusCode)

	assert.PanicsWithValue(t, `fullstorytest: InjectFault: unknown Op "summary"; use one of the Op constants`,
		func() { srv.InjectFault(fullstorytest.Fault{Op: "summary"}) })
}
