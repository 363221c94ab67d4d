package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestSummarizeOneSession(t *testing.T) {
	srv, e := fakeEnv(t)
	s := demoSessions(t, srv)[0]
	id := s.ID()
	want, err := srv.Client().Sessions.Summarize(context.Background(), id, nil)
	require.NoError(t, err)
	require.NotEmpty(t, want.Text)

	// Every form ParseSessionID takes, flags before or after the session.
	for _, form := range []string{id.String(), id.PathEscaped(), id.User + "!" + id.Session, "https://app.fullstory.com/ui/ORG/session/" + id.PathEscaped()} {
		r := runCLI(t, e, "summarize", form)
		requireOK(t, r)
		assert.Equal(t, want.Text+"\n", r.stdout, form)
		assert.Empty(t, r.stderr)

		r = runCLI(t, e, "summarize", form, "--json")
		requireOK(t, r)
		var out jsonSummary
		decodeOne(t, r.stdout, &out)
		assert.Equal(t, sessionRef(id), out.Session)
		assert.Equal(t, want.Text, out.Summary)
		assert.Nil(t, out.Error)
	}

	// With a profile, the profile's id reaches the API.
	id2 := createProfile(t, e, "support.json")
	r := runCLI(t, e, "--json", "summarize", "--profile", id2, id.String())
	requireOK(t, r)
	var out jsonSummary
	decodeOne(t, r.stdout, &out)
	assert.NotEmpty(t, out.Summary)
	last := srv.Requests()[len(srv.Requests())-1]
	assert.Equal(t, id2, last.Query.Get("config_profile"))
}

func TestSummarizeErrors(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID().String()

	r := runCLI(t, e, "summarize", id, "--profile", "no-such-profile")
	requireFailure(t, r, exitNotFound, "404")
	assert.Empty(t, r.stdout)

	usage := []struct {
		args []string
		want string
	}{
		{[]string{"summarize"}, "needs a SESSION, or --email or --uid"},
		{[]string{"summarize", "5156932900183134039"}, "session id"},
		{[]string{"summarize", id, id}, "takes one SESSION"},
		{[]string{"summarize", id, "--email", demoEmail}, "not both"},
		{[]string{"summarize", id, "--latest", "2"}, "--latest and --concurrency go with --email or --uid"},
		{[]string{"summarize", "--email", demoEmail, "--latest", "0"}, "--latest must be at least 1"},
		{[]string{"summarize", "--email", demoEmail, "--concurrency", "0"}, "invalid concurrency: must be between 1 and 1024"},
		{[]string{"summarize", "--email", demoEmail, "--concurrency", "1025"}, "invalid concurrency: must be between 1 and 1024"},
		{[]string{"summarize", "--latest", "3"}, "needs a SESSION"},
	}
	for _, tc := range usage {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, e, tc.args...)
			requireFailure(t, r, exitUsage, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestSummarizeLatest(t *testing.T) {
	srv, e := fakeEnv(t)
	sessions := demoSessions(t, srv)[:3]
	profile := createProfile(t, e, "support.json")

	r := runCLI(t, e, "summarize", "--email", demoEmail, "--latest", "3", "--profile", profile, "--json")
	requireOK(t, r)
	assert.Empty(t, r.stderr, "no progress when stderr is not a terminal")
	var out struct{ Summaries []jsonSummary }
	decodeOne(t, r.stdout, &out)
	require.Len(t, out.Summaries, 3)
	for i, s := range sessions {
		got := out.Summaries[i]
		assert.Equal(t, s.ID(), got.Session.ID, "summaries come in session order")
		assert.Equal(t, s.CreatedTime.UTC().Format(time.RFC3339), got.Session.Created)
		assert.Equal(t, s.URL, got.Session.URL)
		want, err := srv.Client().Sessions.Summarize(context.Background(), s.ID(), &fullstory.SummarizeRequest{Profile: fullstory.ProfileID(profile)})
		require.NoError(t, err)
		assert.Equal(t, want.Text, got.Summary)
	}

	r = runCLI(t, e, "summarize", "--email", demoEmail, "--latest", "3", "--profile", profile)
	requireOK(t, r)
	at := -1
	for i, s := range sessions {
		head := "=== " + strconv.Itoa(i+1) + "/3  " + s.ID().String()
		next := strings.Index(r.stdout, head)
		require.Greater(t, next, at, "section %d missing or out of order:\n%s", i+1, r.stdout)
		at = next
	}
}

func TestSummarizeLatestPartialFailure(t *testing.T) {
	srv, _ := fakeEnv(t)
	sessions := demoSessions(t, srv)[:3]
	failing := sessions[1].ID().PathEscaped()
	// A proxy in front of the fake that fails one session's summary.
	e := proxyEnv(t, srv, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.EscapedPath(), failing) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code":"resource_not_found","message":"session not found"}`))
			return
		}
		srv.Handler().ServeHTTP(w, r)
	})

	r := runCLI(t, e, "summarize", "--email", demoEmail, "--latest", "3", "--json")
	// The status is that of the (first) failure: not found.
	f := requireJSONFailure(t, r, exitNotFound, "not_found")
	assert.Equal(t, 404, f.Status)
	assert.Contains(t, f.Message, "1 of 3 summaries failed")
	assert.NotContains(t, f.Message, "fullstory: ", "the library's prefix is not repeated mid-line")
	var out struct{ Summaries []jsonSummary }
	decodeOne(t, r.stdout, &out)
	require.Len(t, out.Summaries, 3)
	assert.NotEmpty(t, out.Summaries[0].Summary)
	require.NotNil(t, out.Summaries[1].Error)
	assert.Contains(t, out.Summaries[1].Error.Message, "session not found")
	assert.Equal(t, "not_found", out.Summaries[1].Error.Kind)
	assert.Empty(t, out.Summaries[1].Summary)
	assert.NotEmpty(t, out.Summaries[2].Summary)
}

// TestSummarizeLatestConcurrency holds the first summaries until the limit
// is reached at once, so it fails if they run one by one; each summary then
// lingers a little, giving a pool that runs too many at once the chance to
// show it. A correct pool passes whatever the timing.
func TestSummarizeLatestConcurrency(t *testing.T) {
	srv, _ := fakeEnv(t)
	n := len(demoSessions(t, srv))
	require.GreaterOrEqual(t, n, 3)
	const limit = 2
	var (
		mu               sync.Mutex
		inFlight, most   int
		reached          = make(chan struct{})
		closeReachedOnce sync.Once
	)
	e := proxyEnv(t, srv, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/summary") {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			if inFlight == limit {
				closeReachedOnce.Do(func() { close(reached) })
			}
			mu.Unlock()
			defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
			select {
			case <-reached:
			case <-time.After(10 * time.Second): // a deadlock guard, not a timing assertion
			}
			time.Sleep(2 * time.Millisecond)
		}
		srv.Handler().ServeHTTP(w, r)
	})

	r := runCLI(t, e, "--json", "summarize", "--email", demoEmail, "--latest", strconv.Itoa(n), "--concurrency", strconv.Itoa(limit))
	requireOK(t, r)
	var out struct{ Summaries []jsonSummary }
	decodeOne(t, r.stdout, &out)
	assert.Len(t, out.Summaries, n)
	select {
	case <-reached:
	default:
		t.Fatalf("never %d summaries at once", limit)
	}
	assert.Equal(t, limit, most, "at most --concurrency summaries at once")
}

// createProfile creates an example profile through the command and returns its id.
func createProfile(t *testing.T, e env, file string) string {
	t.Helper()
	r := runCLI(t, e, "profiles", "create", "-f", filepath.Join(profilesDir, file))
	requireOK(t, r)
	return strings.TrimSpace(r.stdout)
}

// TestSummarizeLatestInterrupted cancels the run (Ctrl-C) while the
// summaries hang: like profiles try, it says "cleaning up…" and
// "interrupted", prints nothing on stdout and exits 130.
func TestSummarizeLatestInterrupted(t *testing.T) {
	srv, _ := fakeEnv(t)
	e, summarizing := hangingSummaries(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := make(chan result, 1)
	go func() {
		done <- runCLIContext(t, ctx, nil, e, "summarize", "--json", "--email", demoEmail, "--latest", "2")
	}()
	<-summarizing
	cancel()
	r := <-done
	requireInterrupted(t, r)
	assert.Contains(t, r.stderr, `"kind":"interrupted"`)
	assert.Empty(t, r.stdout)
}

func TestBadConcurrencySpendsNothing(t *testing.T) {
	srv, e := fakeEnv(t)
	before := len(srv.Requests())
	r := runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--concurrency", "0")
	requireFailure(t, r, exitUsage, "invalid concurrency")
	assert.Len(t, srv.Requests(), before, "nothing may be sent")
}
