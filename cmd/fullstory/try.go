package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

var cmdProfilesTry = &command{
	name:    "profiles try",
	args:    "-f FILE (--email EMAIL | --uid UID) [--latest N] [--against FILE] [--out FILE]",
	summary: "Compare two profiles on a user's latest sessions",
	help: `Creates FILE as a temporary profile (and the --against file as a second
one), summarizes the user's latest N sessions with each, and prints a
side-by-side Markdown report: the two profiles' settings, then each session's
two summaries next to each other. Without --against, the other side is the
API's generic synopsis. The report's own text names no email or uid, but
the summaries in it may.

The temporary profiles are deleted at the end, also on Ctrl-C; another
Ctrl-C stops waiting for that and prints the commands that delete what is
left. Their names end in "[fullstory try TOKEN]". Each summary spends one
Activation: 2×N in all.

With --preview, nothing is summarized, no profile created and no Activation
spent: the report shows, for each session, what each profile would send to
the model (its prompts, and the context endpoint's answer for its settings).

With --json, the report is one JSON document instead. With --out, it goes
to that file instead of stdout, and only once it is complete: a failed run
leaves the file as it was. A new file is readable by you only, since
summaries may name the user.

Examples:
  fullstory profiles try -f examples/profiles/support.json --email jane@doe.com --latest 3
  fullstory profiles try -f my-support.json --against examples/profiles/support.json --uid 42 --out report.md
  fullstory profiles try -f my-support.json --email jane@doe.com --preview
  fullstory --fake profiles try -f examples/profiles/support.json --email jane@doe.com --latest 3
`,
	run: (*app).profilesTry,
}

// cleanupTimeout bounds each call that deletes (or looks for) a temporary
// profile after the run, which may have been interrupted.
const cleanupTimeout = 10 * time.Second

func (a *app) profilesTry(ctx context.Context, cmd *command, args []string) (err error) {
	fs := a.flags(cmd)
	file := fs.String("f", "", "the profile `FILE` to try (JSON); - reads stdin")
	against := fs.String("against", "", "compare with the profile in `FILE` (default: the API's generic synopsis)")
	out := fs.String("out", "", "write the report to `FILE` instead of stdout")
	var u userFlags
	u.register(fs)
	latest := a.intFlag(fs, "latest", 3, "summarize the user's latest `N` sessions")
	concurrency := a.intFlag(fs, "concurrency", 4, "write at most `C` summaries at once")
	preview := fs.Bool("preview", false, "summarize nothing: show what each profile would send to the model (no Activation spent)")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("takes no arguments, got %q", pos[0])
	case *file == "":
		return usagef("needs -f FILE")
	case *file == "-" && *against == "-":
		return usagef("only one of -f and --against can read stdin")
	case *latest < 1:
		return usagef("--latest must be at least 1")
	}
	if err := u.check(); err != nil {
		return err
	}
	sides := []*tryProfile{{Label: "A", File: *file}, {Label: "B", File: *against, Name: "API generic synopsis"}}
	for _, s := range sides {
		if s.File == "" {
			continue
		}
		if s.Settings, err = a.readProfile(s.File); err != nil {
			return err
		}
		s.Name = cmp.Or(s.Settings.Name, filepath.Base(s.File))
	}
	// Open the report's file now, not after spending Activations.
	var w io.Writer = a.stdout
	var of *outFile
	if *out != "" {
		if of, err = createOut(*out); err != nil {
			return inputf("%v", err)
		}
		defer of.discard()
		w = of
	}

	c, err := a.client(fullstory.WithConcurrency(*concurrency))
	if err != nil {
		return err
	}
	p := a.startProgress("Listing the user's sessions…")
	defer p.finish()
	sessions, err := latestSessions(ctx, c, &u, *latest)
	if err != nil {
		return err
	}
	if *preview {
		return a.tryPreview(ctx, c, sides, sessions, p, &report{w: w, of: of, name: *out})
	}
	p.say("Creating the temporary profiles…")
	temp := &tempProfiles{c: c, tag: "[fullstory try " + rand.Text()[:8] + "]"}
	defer func() {
		p.finish() // before the cleanup's messages
		if cerr := temp.cleanup(ctx, a.abort, a.stderr); err == nil {
			err = cerr
		}
	}()
	for _, s := range sides {
		if s.Settings != nil {
			if s.id, err = temp.create(ctx, s.Settings); err != nil {
				return err
			}
		}
	}

	// One batch per profile, one after the other, so that at most
	// --concurrency summaries run at once.
	ids := sessionIDs(sessions)
	p.counting(len(ids)*len(sides), "summaries written")
	results := make([][]summaryResult, len(sides))
	for i, s := range sides {
		if ctx.Err() == nil {
			results[i] = summarizeEach(ctx, c, ids, s.id, p)
		}
	}
	p.finish()
	if ctx.Err() != nil {
		return interrupted(ctx)
	}

	tr := newTryReport(sides, sessions, results)
	if err := a.deliver(&report{w: w, of: of, name: *out}, tr, func(w io.Writer) error { return writeMarkdown(w, tr) }); err != nil {
		return err
	}
	return failed(slices.Concat(results...))
}

// report is where profiles try sends its report: w, which is of if --out
// named a file.
type report struct {
	w    io.Writer
	of   *outFile
	name string
}

// deliver writes a report whole, as JSON (v) with --json, else as Markdown
// (markdown), and puts an --out file in place.
func (a *app) deliver(r *report, v any, markdown func(io.Writer) error) error {
	var buf bytes.Buffer
	var err error
	if a.g.json {
		err = shared.EncodeJSON(&buf, v, "  ")
	} else {
		err = markdown(&buf)
	}
	if err != nil {
		return err
	}
	if _, err := buf.WriteTo(r.w); err != nil {
		return err
	}
	if r.of != nil {
		if err := r.of.commit(); err != nil {
			return err
		}
		a.notef("fullstory profiles try: wrote the report to %s", r.name)
	}
	return nil
}

// tryReport is what profiles try found: two profiles, and the summaries each
// wrote of the same sessions.
type tryReport struct {
	Profiles []*tryProfile `json:"profiles"`
	Sessions []trySession  `json:"sessions"`
}

// newTryReport puts each session's summaries side by side; results holds
// one batch per profile, in the order of sessions.
func newTryReport(sides []*tryProfile, sessions []fullstory.Session, results [][]summaryResult) *tryReport {
	report := &tryReport{Profiles: sides}
	for i, s := range sessions {
		ts := trySession{Session: s.ID(), CreatedTime: s.CreatedTime, URL: s.URL}
		for _, batch := range results {
			ts.Summaries = append(ts.Summaries, batch[i])
		}
		report.Sessions = append(report.Sessions, ts)
	}
	return report
}

// tryProfile is one side of the comparison.
type tryProfile struct {
	Label    string                    `json:"label"`
	File     string                    `json:"file,omitempty"`
	Name     string                    `json:"name"`
	Settings *fullstory.ProfileRequest `json:"settings,omitempty"` // nil: the API's generic synopsis
	id       fullstory.ProfileID
}

// trySession is one session with its summaries, in the order of the profiles.
type trySession struct {
	Session     fullstory.SessionID `json:"session"`
	CreatedTime time.Time           `json:"created_time,omitzero"`
	URL         string              `json:"url,omitempty"`
	Summaries   []summaryResult     `json:"summaries"`
}

// tempProfiles creates the profiles of one run and deletes them after it.
type tempProfiles struct {
	c      *fullstory.Client
	tag    string // ends every name, to find a profile whose create was cut short
	ids    []fullstory.ProfileID
	unsure bool // a create ended without an answer: its profile may exist
}

func (t *tempProfiles) create(ctx context.Context, req *fullstory.ProfileRequest) (fullstory.ProfileID, error) {
	r := *req
	r.Name = strings.TrimSpace(r.Name + " " + t.tag)
	id, err := t.c.Profiles.Create(ctx, &r)
	if err != nil {
		var apiErr *fullstory.APIError
		t.unsure = t.unsure || !(errors.As(err, &apiErr) || errors.Is(err, fullstory.ErrInvalidArgument))
		return "", err
	}
	t.ids = append(t.ids, id)
	return id, nil
}

// cleanup deletes the profiles with contexts of their own, so that it works
// after Ctrl-C too, one timeout each, so that a slow delete does not hold up
// the others. The next interrupt stops it at once: ctx's end if it comes
// during the cleanup, else abort (a second Ctrl-C). It says on stderr how to
// delete the profiles it leaves.
func (t *tempProfiles) cleanup(ctx context.Context, abort <-chan struct{}, stderr io.Writer) error {
	var interrupt <-chan struct{}
	if ctx.Err() == nil {
		interrupt = ctx.Done()
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	go func() {
		select {
		case <-abort:
		case <-interrupt:
		case <-ctx.Done():
		}
		cancel()
	}()
	ids := t.ids
	if t.unsure {
		ids = append(ids, t.find(ctx, stderr)...)
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
			defer cancel()
			errs[i] = t.c.Profiles.Delete(ctx, id)
		}()
	}
	wg.Wait()
	var first error
	for i, err := range errs {
		if err == nil || errors.Is(err, fullstory.ErrNotFound) {
			continue
		}
		if ctx.Err() != nil {
			err = errors.New("interrupted")
		}
		fmt.Fprintf(stderr, "fullstory profiles try: could not delete a temporary profile (%s); run: fullstory profiles delete %s\n", errText(err), ids[i])
		first = cmp.Or(first, err)
	}
	return first
}

// find returns the run's profiles that a create cut short left behind: the
// ones whose names end in the run's tag.
func (t *tempProfiles) find(ctx context.Context, stderr io.Writer) []fullstory.ProfileID {
	ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
	defer cancel()
	var found []fullstory.ProfileID
	for p, err := range t.c.Profiles.All(ctx, nil) {
		if err != nil {
			fmt.Fprintf(stderr, "fullstory profiles try: could not look for a temporary profile named %q: %s\n", "... "+t.tag, errText(err))
			break
		}
		if strings.HasSuffix(p.Name, t.tag) && !slices.Contains(t.ids, p.ID) {
			found = append(found, p.ID)
		}
	}
	return found
}
