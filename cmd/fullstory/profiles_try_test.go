package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestTryReport(t *testing.T) {
	srv, e := fakeEnv(t)
	sessions := demoSessions(t, srv)[:3]
	generic := make([]string, len(sessions))
	for i, s := range sessions {
		sum, err := srv.Client().Sessions.Summarize(context.Background(), s.ID(), nil)
		require.NoError(t, err)
		generic[i] = summaryCell(summaryResult{s: sum})
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
	var rep jsonTry
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
	e, summarizing := hangingSummaries(t, srv)

	done := make(chan result, 1)
	go func() {
		done <- runCLIContext(t, ctx, nil, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"),
			"--against", filepath.Join(profilesDir, "concierge.json"), "--email", demoEmail, "--latest", "2")
	}()
	<-summarizing
	require.Len(t, profileIDs(t, srv), len(before)+2, "both temporary profiles exist while summarizing")
	<-summarizing // the two sessions, with the first profile
	cancel()
	r := <-done
	requireInterrupted(t, r)
	assert.Empty(t, r.stdout)
	assert.ElementsMatch(t, before, profileIDs(t, srv), "the temporary profiles must be deleted after Ctrl-C")
	assert.True(t, strings.HasSuffix(r.stderr, "fullstory profiles try: interrupted; 2 summary requests were sent and may be billed; deleted the 2 temporary profiles\n"), r.stderr)
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
	e := proxyEnv(t, srv, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v2/visit_profile" && once.CompareAndSwap(false, true) {
			srv.Handler().ServeHTTP(httptest.NewRecorder(), r) // the profile is created...
			created <- struct{}{}
			<-r.Context().Done() // ...but the answer never comes
			return
		}
		srv.Handler().ServeHTTP(w, r)
	})

	done := make(chan result, 1)
	go func() {
		done <- runCLIContext(t, ctx, nil, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "1")
	}()
	<-created
	require.Len(t, profileIDs(t, srv), len(before)+1)
	cancel()
	r := <-done
	requireInterrupted(t, r)
	assert.ElementsMatch(t, before, profileIDs(t, srv), "a profile whose create was cut short must be found and deleted")
}

// TestTryOutKeepsFilesOnFailure runs a try that fails (the user has no
// sessions) with --out naming an existing file, then a symlink: neither the
// file, the link nor its target may be changed.
func TestTryOutKeepsFilesOnFailure(t *testing.T) {
	_, e := fakeEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.md")
	target := filepath.Join(dir, "target.md")
	link := filepath.Join(dir, "link.md")
	require.NoError(t, os.WriteFile(file, []byte("keep me"), 0o644))
	require.NoError(t, os.WriteFile(target, []byte("keep me too"), 0o644))
	require.NoError(t, os.Symlink(target, link))

	for _, out := range []string{file, link} {
		r := runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", "nobody@example.com", "--out", out)
		requireFailure(t, r, exitNothingFound, "found no sessions")
	}
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(data))
	got, err := os.Readlink(link)
	require.NoError(t, err, "the link must still exist")
	assert.Equal(t, target, got)
	data, err = os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep me too", string(data))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary file may be left behind")
}

// TestTryOutReplacesAFile checks that a successful try replaces an existing
// report, keeping its mode, creates a new one for its owner only, and writes
// to a file that is not a regular one (a device here) instead of replacing it.
func TestTryOutReplacesAFile(t *testing.T) {
	_, e := fakeEnv(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "report.md")
	require.NoError(t, os.WriteFile(out, []byte("old report"), 0o640))
	require.NoError(t, os.Chmod(out, 0o640))
	args := []string{"profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "1"}

	r := runCLI(t, e, append(args, "--out", out)...)
	requireOK(t, r)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "# Profile comparison"), string(data))
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
	fresh := filepath.Join(dir, "new.md")
	r = runCLI(t, e, append(args, "--out", fresh)...)
	requireOK(t, r)
	fi, err = os.Stat(fresh)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "summaries may name the user")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file may be left behind")

	before, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	require.False(t, before.Mode().IsRegular())
	r = runCLI(t, e, append(args, "--out", os.DevNull)...)
	requireOK(t, r)
	after, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.Equal(t, before.Mode(), after.Mode(), "a device must be written to, not replaced")
}

func TestTryReportOfOneSession(t *testing.T) {
	_, e := fakeEnv(t)
	r := runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "1")
	requireOK(t, r)
	assert.Contains(t, r.stdout, "\nThe latest session of one user, summarized with each profile.\n")
}

// TestTryCleanupDeletesEachOnItsOwn makes the deletion of one temporary
// profile hang: the other is deleted anyway, and an interrupt (the first, or
// a second one) makes the command return at once, saying how to delete what
// is left.
func TestTryCleanupDeletesEachOnItsOwn(t *testing.T) {
	for _, second := range []bool{false, true} {
		t.Run(fmt.Sprintf("second=%v", second), func(t *testing.T) {
			srv, _ := fakeEnv(t)
			before := profileIDs(t, srv)
			var hung atomic.Value // the path of the delete that hangs
			deleted := make(chan struct{}, 1)
			e := proxyEnv(t, srv, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete {
					if hung.CompareAndSwap(nil, r.URL.Path) {
						<-r.Context().Done() // hang until the client gives up
						return
					}
					srv.Handler().ServeHTTP(w, r)
					deleted <- struct{}{}
					return
				}
				srv.Handler().ServeHTTP(w, r)
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			abort := make(chan struct{})

			done := make(chan result, 1)
			go func() {
				done <- runCLIContext(t, ctx, abort, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"),
					"--against", filepath.Join(profilesDir, "sales.json"), "--email", demoEmail, "--latest", "1")
			}()
			select {
			case <-deleted:
			case r := <-done:
				t.Fatalf("returned before deleting the other profile: %d %s", r.code, r.stderr)
			}
			if second {
				close(abort)
			} else {
				cancel()
			}
			r := <-done
			assert.Equal(t, exitFailure, r.code)
			left := path.Base(hung.Load().(string))
			assert.Contains(t, r.stderr, "could not delete a temporary profile (interrupted); run: fullstory profiles delete "+left+"\n")
			assert.ElementsMatch(t, append(before, fullstory.ProfileID(left)), profileIDs(t, srv), "only the hung profile is left")
		})
	}
}

// TestTryPreview shows what each profile would send to the model, and
// spends nothing: no summary, no profile created.
func TestTryPreview(t *testing.T) {
	srv, e := fakeEnv(t)
	sessions := demoSessions(t, srv)[:2]
	before := profileIDs(t, srv)
	support := readExample(t, "support.json")
	srv.ResetRequests()

	r := runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "2", "--preview", "--json")
	requireOK(t, r)
	var got jsonPreview
	decodeOne(t, r.stdout, &got)
	require.Len(t, got.Sessions, 2)
	for i, s := range sessions {
		assert.Equal(t, s.ID(), got.Sessions[i].Session.ID)
		require.Len(t, got.Sessions[i].Contexts, 2, "one per profile")
		want, err := srv.Client().Sessions.Context(context.Background(), s.ID(), contextConfig(&support.ProfileConfig))
		require.NoError(t, err)
		assert.Equal(t, want, got.Sessions[i].Contexts[0].Context, "the file's settings")
		generic, err := srv.Client().Sessions.Context(context.Background(), s.ID(), nil)
		require.NoError(t, err)
		assert.Equal(t, generic, got.Sessions[i].Contexts[1].Context, "the API's defaults")
	}
	for _, req := range srv.Requests() {
		assert.False(t, strings.HasSuffix(req.Path, "/summary"), "%s %s spends an Activation", req.Method, req.Path)
		assert.False(t, req.Method == http.MethodPost && req.Path == "/v2/visit_profile", "no profile is created")
	}
	assert.ElementsMatch(t, before, profileIDs(t, srv))

	r = runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--against", filepath.Join(profilesDir, "sales.json"),
		"--email", demoEmail, "--latest", "1", "--preview")
	requireOK(t, r)
	assert.True(t, strings.HasPrefix(r.stdout, "# Profile preview: A: Support assistant vs B: "), r.stdout)
	assert.Contains(t, r.stdout, "no Activation spent")
	assert.Contains(t, r.stdout, "Pre-prompt:\n\n```text\n"+support.LLM.PrePrompt+"\n```")
	assert.Equal(t, 2, strings.Count(r.stdout, "Session data:\n\n```text\nSession   "+sessions[0].ID().String()))
}
