package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// summariesSent counts the summary requests the fake received: each one
// spends an Activation.
func summariesSent(srv *fullstorytest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Op == fullstorytest.OpSummarize {
			n++
		}
	}
	return n
}

// TestSpendNotice: on a terminal, a command that summarizes says what it
// may spend before it starts; with a lower cap, how many summaries it will
// refuse.
func TestSpendNotice(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID().String()
	support := filepath.Join(profilesDir, "support.json")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"summarize", id}, "fullstory summarize: may spend 1 Activation\n"},
		{[]string{"summarize", "--email", demoEmail, "--latest", "3"}, "fullstory summarize: may spend up to 3 Activations, one per summary\n"},
		{[]string{"summarize", "--email", demoEmail, "--latest", "3", "--max-activations", "2"}, "fullstory summarize: --max-activations 2: may spend up to 2 Activations, so 1 of the 3 summaries will be refused\n"},
		{[]string{"summarize", id, "--max-activations", "0"}, "fullstory summarize: --max-activations 0: may spend no Activation, so the summary will be refused\n"},
		{[]string{"profiles", "try", "-f", support, "--email", demoEmail, "--latest", "2"}, "fullstory profiles try: may spend up to 4 Activations, one per summary\n"},
		{[]string{"profiles", "try", "-f", support, "--email", demoEmail, "--latest", "2", "--max-activations", "0"}, "fullstory profiles try: --max-activations 0: may spend no Activation, so all 4 summaries will be refused\n"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runOnTerminal(t, e, 200, tc.args...)
			assert.Contains(t, r.stderr, tc.want)
		})
	}
	// Said before the first summary is sent: a run refused at once says it.
	r := runOnTerminal(t, e, 200, "summarize", id, "--max-activations", "0")
	notice := strings.Index(r.stderr, "may spend")
	refusal := strings.Index(r.stderr, "not sent")
	require.GreaterOrEqual(t, notice, 0)
	assert.Less(t, notice, refusal, r.stderr)

	// Nothing is said where nothing is spent, nor off a terminal.
	r = runOnTerminal(t, e, 200, "profiles", "try", "-f", support, "--email", demoEmail, "--preview")
	requireOK(t, r)
	assert.NotContains(t, r.stderr, "may spend")
	r = runCLI(t, e, "summarize", "--email", demoEmail, "--latest", "3")
	requireOK(t, r)
	assert.Empty(t, r.stderr)
}

// TestMaxActivationsCapsTheRun caps runs below what they would spend: the
// summaries past the cap are refused before they are sent (the fake
// generates none of them), the others are printed, and the exit status is
// that of an exhausted budget.
func TestMaxActivationsCapsTheRun(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID().String()

	before := summariesSent(srv)
	r := runCLI(t, e, "summarize", id, "--max-activations", "0")
	requireFailure(t, r, exitBudget, "fullstory summarize: not sent: --max-activations 0 allows no more Activations")
	assert.Empty(t, r.stdout)
	assert.Equal(t, before, summariesSent(srv), "nothing may be spent")

	r = runCLI(t, e, "--json", "summarize", "--email", demoEmail, "--latest", "3", "--max-activations", "1", "--concurrency", "1")
	f := requireJSONFailure(t, r, exitBudget, "budget_exhausted")
	assert.Contains(t, f.Message, "2 of 3 summaries failed")
	var out jsonSummaries
	decodeOne(t, r.stdout, &out)
	require.Len(t, out.Summaries, 3)
	var written, refused int
	for _, s := range out.Summaries {
		switch {
		case s.Error == nil:
			written++
			assert.NotEmpty(t, s.Summary)
			assert.Equal(t, "api", s.Source)
		case s.Error.Kind == "budget_exhausted":
			refused++
			assert.Equal(t, "not sent: --max-activations 1 allows no more Activations", s.Error.Message)
			assert.Equal(t, exitBudget, s.Error.ExitCode)
			assert.Empty(t, s.Source)
		}
	}
	assert.Equal(t, 1, written)
	assert.Equal(t, 2, refused)
	require.NotNil(t, out.Activations)
	assert.Equal(t, jsonActivations{Limit: 1, Spent: 1}, *out.Activations)
	assert.Equal(t, before+1, summariesSent(srv), "one summary was sent")

	// profiles try: 4 planned, 3 allowed; the temporary profiles are still
	// deleted.
	profiles := profileIDs(t, srv)
	r = runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "2", "--max-activations", "3")
	requireFailure(t, r, exitBudget, "1 of 4 summaries failed; the first: not sent: --max-activations 3 allows no more Activations")
	assert.Equal(t, 1, strings.Count(r.stdout, "**No summary:** not sent: --max-activations 3 allows no more Activations"), r.stdout)
	assert.Equal(t, before+4, summariesSent(srv))
	assert.ElementsMatch(t, profiles, profileIDs(t, srv))

	// Without the flag, the cap is what the run plans: one per summary.
	r = runCLI(t, e, "--json", "summarize", "--email", demoEmail, "--latest", "2")
	requireOK(t, r)
	decodeOne(t, r.stdout, &out)
	assert.Equal(t, jsonActivations{Limit: 2, Spent: 2}, *out.Activations)

	for _, bad := range []string{"-1", "x", "1.5"} {
		r = runCLI(t, e, "summarize", id, "--max-activations", bad)
		requireFailure(t, r, exitUsage, `invalid value "`+bad+`" for --max-activations: want a whole number of Activations, 0 or more`)
	}
}

// TestInterruptSaysWhatWasSent: after Ctrl-C, the last line says how many
// summaries were sent, and so may be billed, and what was cleaned up; with
// --json, the error object holds the counts.
func TestInterruptSaysWhatWasSent(t *testing.T) {
	srv, _ := fakeEnv(t)
	e, summarizing := hangingSummaries(t, srv)
	for _, asJSON := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan result, 1)
		args := []string{"summarize", "--email", demoEmail, "--latest", "2"}
		if asJSON {
			args = append(args, "--json")
		}
		go func() { done <- runCLIContext(t, ctx, nil, e, args...) }()
		<-summarizing
		<-summarizing // both are sent
		cancel()
		r := <-done
		requireInterrupted(t, r)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		last := lines[len(lines)-1]
		if !asJSON {
			assert.Equal(t, "fullstory summarize: interrupted; 2 summary requests were sent and may be billed", last)
			continue
		}
		var f jsonFailure
		decodeOne(t, last, &f)
		require.NotNil(t, f.Error.Activations)
		assert.Equal(t, jsonActivations{Limit: 2, Spent: 2}, *f.Error.Activations)
		assert.Contains(t, f.Error.Message, "2 summary requests were sent and may be billed")
	}

	// Interrupted before any summary was sent.
	listing := make(chan struct{}, 1)
	e = proxyEnv(t, srv, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sessions/v2" {
			listing <- struct{}{}
			<-r.Context().Done()
			return
		}
		srv.Handler().ServeHTTP(w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() { done <- runCLIContext(t, ctx, nil, e, "summarize", "--email", demoEmail, "--latest", "2") }()
	<-listing
	cancel()
	r := <-done
	requireInterrupted(t, r)
	assert.True(t, strings.HasSuffix(r.stderr, "; no summary was sent, so no Activation was spent\n"), r.stderr)
}

// TestSpendCapDefault: a command that cannot plan its spending gives the
// cap a default, which help shows and the flag overrides.
func TestSpendCapDefault(t *testing.T) {
	c := spendCap{n: 5, set: true}
	f := newFlagSet("x")
	c.declare(f)
	assert.Equal(t, "  --max-activations N\n      spend at most N Activations in this run: a summary past them fails before it is sent (default 5)\n", flagHelp(f, func(string) bool { return true }))
	assert.Equal(t, int64(5), c.limit(100))
	_, err := parse(f, []string{"--max-activations", "2"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), c.limit(100))

	var planned spendCap
	assert.Equal(t, int64(3), planned.limit(3), "without a default, the plan")
}
