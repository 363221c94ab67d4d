package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTryReport(t *testing.T) {
	srv, e := fakeEnv(t)
	sessions := demoSessions(t, srv)[:3]
	generic := make([]string, len(sessions))
	for i, s := range sessions {
		sum, err := srv.Client().Sessions.Summarize(context.Background(), s.ID(), nil)
		require.NoError(t, err)
		generic[i] = summaryCell(newSummaryResult(sum, nil))
	}
	before := profileIDs(t, srv)

	r := runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "3")
	requireOK(t, r)
	report := r.stdout
	assert.Contains(t, report, "# Profile comparison: A: Support assistant vs B: API generic synopsis")
	assert.Contains(t, report, "| Setting | A: Support assistant | B: API generic synopsis |")
	assert.Contains(t, report, "| Slice | LAST, 200 events | (API default) |")
	assert.Contains(t, report, "| Events | exclude console-error, network-error | (API default) |")
	assert.Contains(t, report, "| Temperature | 0.2 | (API default) |")
	head, _, _ := strings.Cut(report, "\n## Session ")
	assert.NotContains(t, head, demoEmail, "the report adds no email of its own")
	at := -1
	for i, s := range sessions {
		next := strings.Index(report, fmt.Sprintf("## Session %d of 3: `%s`", i+1, s.ID()))
		require.Greater(t, next, at, "session %d missing or out of order:\n%s", i+1, report)
		at = next
		// The section's table has the two summaries side by side.
		section := report[next:]
		if end := strings.Index(section[1:], "\n## "); end > 0 {
			section = section[:end+1]
		}
		_, table, ok := strings.Cut(section, "| A: Support assistant | B: API generic synopsis |\n|---|---|\n")
		require.True(t, ok, section)
		row := strings.TrimSpace(table)
		require.True(t, strings.HasPrefix(row, "| ") && strings.HasSuffix(row, " |"), row)
		cells := strings.Split(row[2:len(row)-2], " | ")
		require.Len(t, cells, 2, table)
		// A is the temporary profile's summary; B the API's generic synopsis.
		assert.Contains(t, cells[0], s.ID().String())
		assert.Contains(t, cells[0], "Support assistant [fullstory try ")
		assert.Contains(t, cells[0], "You are a support assistant.")
		assert.Equal(t, mdCell(generic[i]), cells[1])
	}
	assert.ElementsMatch(t, before, profileIDs(t, srv), "try must leave no profiles behind")
}

func TestTryAgainstAnotherProfileToFile(t *testing.T) {
	srv, e := fakeEnv(t)
	before := profileIDs(t, srv)
	out := filepath.Join(t.TempDir(), "report.md")

	r := runCLI(t, e, "profiles", "try", "--email", demoEmail, "--latest", "2",
		"-f", filepath.Join(profilesDir, "support.json"), "--against", filepath.Join(profilesDir, "sales.json"), "--out", out)
	requireOK(t, r)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "wrote the report to "+out)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	report := string(data)
	assert.Contains(t, report, "A: Support assistant vs B: Sales buying signals")
	assert.Contains(t, report, "| Slice | LAST, 200 events | LAST, 300 events |")
	assert.Equal(t, 2, strings.Count(report, "\n| A: Support assistant | B: Sales buying signals |\n"), "two sessions, two tables")
	assert.ElementsMatch(t, before, profileIDs(t, srv), "try must leave no profiles behind")

	// The same comparison as one JSON document.
	r = runCLI(t, e, "profiles", "try", "--json", "--email", demoEmail, "--latest", "2",
		"-f", filepath.Join(profilesDir, "support.json"), "--against", filepath.Join(profilesDir, "sales.json"))
	requireOK(t, r)
	var rep tryReport
	decodeOne(t, r.stdout, &rep)
	require.Len(t, rep.Profiles, 2)
	assert.Equal(t, "Support assistant", rep.Profiles[0].Name)
	assert.Equal(t, "Sales buying signals", rep.Profiles[1].Name)
	assert.Equal(t, 300, rep.Profiles[1].Settings.Slice.EventLimit)
	require.Len(t, rep.Sessions, 2)
	for _, s := range rep.Sessions {
		require.Len(t, s.Summaries, 2)
		assert.NotEmpty(t, s.Summaries[0].Summary)
		assert.NotEmpty(t, s.Summaries[1].Summary)
	}
	assert.ElementsMatch(t, before, profileIDs(t, srv))
}

func TestTryUsageErrors(t *testing.T) {
	_, e := fakeEnv(t)
	support := filepath.Join(profilesDir, "support.json")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"profiles", "try", "--email", demoEmail}, "needs -f FILE"},
		{[]string{"profiles", "try", "-f", support}, "needs --email or --uid"},
		{[]string{"profiles", "try", "-f", support, "--email", demoEmail, "--latest", "0"}, "--latest must be at least 1"},
		{[]string{"profiles", "try", "-f", "-", "--against", "-", "--email", demoEmail}, "stdin"},
		{[]string{"profiles", "try", "-f", "nope.json", "--email", demoEmail}, "nope.json"},
		{[]string{"profiles", "try", "-f", support, "--email", demoEmail, "--out", filepath.Join(t.TempDir(), "no", "dir.md")}, "dir.md"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, e, tc.args...)
			requireFailure(t, r, exitUsage, tc.want)
		})
	}
}

// TestTryCleansUpWhenInterrupted cancels the run (Ctrl-C) while the
// summaries hang, and checks that the temporary profiles are deleted anyway.
func TestTryCleansUpWhenInterrupted(t *testing.T) {
	srv, _ := fakeEnv(t)
	before := profileIDs(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	summarizing := make(chan struct{}, 16)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/summary") {
			summarizing <- struct{}{}
			<-r.Context().Done() // hang until the client gives up
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	defer proxy.Close()
	e := env{"FULLSTORY_BASE_URL": proxy.URL, "FULLSTORY_API_KEY": srv.APIKey}

	done := make(chan result, 1)
	go func() {
		done <- runCLIContext(t, ctx, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"),
			"--against", filepath.Join(profilesDir, "concierge.json"), "--email", demoEmail, "--latest", "2")
	}()
	<-summarizing
	require.Len(t, profileIDs(t, srv), len(before)+2, "both temporary profiles exist while summarizing")
	cancel()
	r := <-done
	requireFailure(t, r, exitAPI, "interrupted")
	assert.Empty(t, r.stdout)
	assert.ElementsMatch(t, before, profileIDs(t, srv), "the temporary profiles must be deleted after Ctrl-C")
}

// TestTryCleansUpACreateCutShort interrupts the run while the API creates a
// profile, so the command never learns its id: cleanup must find it by name.
func TestTryCleansUpACreateCutShort(t *testing.T) {
	srv, _ := fakeEnv(t)
	before := profileIDs(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	created := make(chan struct{}, 1)
	var once atomic.Bool
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v2/visit_profile" && once.CompareAndSwap(false, true) {
			srv.Handler().ServeHTTP(httptest.NewRecorder(), r) // the profile is created...
			created <- struct{}{}
			<-r.Context().Done() // ...but the answer never comes
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	defer proxy.Close()
	e := env{"FULLSTORY_BASE_URL": proxy.URL, "FULLSTORY_API_KEY": srv.APIKey}

	done := make(chan result, 1)
	go func() {
		done <- runCLIContext(t, ctx, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "1")
	}()
	<-created
	require.Len(t, profileIDs(t, srv), len(before)+1)
	cancel()
	r := <-done
	assert.Equal(t, exitAPI, r.code, r.stderr)
	assert.ElementsMatch(t, before, profileIDs(t, srv), "a profile whose create was cut short must be found and deleted")
}
