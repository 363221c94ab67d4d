package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

var cmdProfilesTry = &command{
	name:    "profiles try",
	args:    "-f FILE (--email EMAIL | --uid UID) [--latest N] [--against FILE] [--out FILE]",
	summary: "Compare two profiles on a user's latest sessions",
	help: `Creates FILE as a temporary profile (and the --against file as a second
one), summarizes the user's latest N sessions with each, and shows the two
profiles' settings, then each session's two summaries: on a terminal, side
by side when it is wide enough, else one after the other; in a pipe or with
--out, as a Markdown report. Without --against, the other side is the API's
generic synopsis. The report's own text names no email or uid, but the
summaries in it may.

The temporary profiles are deleted at the end, also on Ctrl-C; another
Ctrl-C stops waiting for that and prints the commands that delete what is
left. Their names end in "[fullstory try TOKEN]". Each summary spends one
Activation: 2×N in all, which the command says on a terminal before it
starts; --max-activations lowers the cap. After Ctrl-C it says how many
summaries were already sent, and so may be billed.

With --preview, nothing is summarized, no profile created and no Activation
spent: the report shows, for each session, what each profile would send to
the model (its prompts, and the context endpoint's answer for its settings).

With --out, the report goes to that file instead of stdout, and only once
it is complete: a failed run leaves the file as it was. A new file is
readable by you only, since summaries may name the user.

Examples:
  fullstory profiles try -f examples/profiles/support.json --email jane@doe.com --latest 3
  fullstory profiles try -f my-support.json --against examples/profiles/support.json --uid 42 --out report.md
  fullstory profiles try -f my-support.json --email jane@doe.com --preview
  fullstory --fake profiles try -f examples/profiles/support.json --email jane@doe.com --latest 3
`,
	json:    profilesTryJSONDoc,
	options: func() options { return &profilesTryOptions{latest: 3, concurrency: defaultConcurrency} },
}

type profilesTryOptions struct {
	file, against, out string
	user               userFlags
	latest             int
	concurrency        int
	preview            bool
	spend              spendCap
}

func (o *profilesTryOptions) declare(f *flagSet) {
	f.stringVar(&o.file, "f", "the profile `FILE` to try (JSON); - reads stdin")
	f.stringVar(&o.against, "against", "compare with the profile in `FILE` (default: the API's generic synopsis)")
	f.stringVar(&o.out, "out", "write the report to `FILE` instead of stdout")
	o.user.declare(f)
	f.intVar(&o.latest, "latest", "summarize the user's latest `N` sessions")
	f.intVar(&o.concurrency, "concurrency", "write at most `C` summaries at once")
	f.boolVar(&o.preview, "preview", "summarize nothing: show what each profile would send to the model (no Activation spent)")
	o.spend.declare(f)
}

func (o *profilesTryOptions) validate(args []string, _ *flagSet) error {
	switch {
	case len(args) > 0:
		return usagef("takes no arguments, got %q", args[0])
	case o.file == "":
		return usagef("needs -f FILE")
	case o.file == "-" && o.against == "-":
		return usagef("only one of -f and --against can read stdin")
	case o.latest < 1:
		return usagef("--latest must be at least 1")
	}
	return o.user.validate()
}

// tryProfile is one side of the comparison.
type tryProfile struct {
	Label    string
	File     string                    // "" for the API's generic synopsis
	Name     string                    // the profile's, else the file's
	Settings *fullstory.ProfileRequest // nil: the API's generic synopsis
	id       fullstory.ProfileID       // the temporary profile's
}

// tryReport is what profiles try found: two profiles, and the summaries each
// wrote of the same sessions.
type tryReport struct {
	profiles []*tryProfile
	sessions []fullstory.Session
	results  [][]summaryResult // one batch per profile, in the order of sessions
}

func (o *profilesTryOptions) run(ctx context.Context, a *app) error {
	sides, err := o.sides(a)
	if err != nil {
		return err
	}
	// Open the report's file now, not after spending Activations.
	r, err := o.report(a)
	if err != nil {
		return err
	}
	if r.of != nil {
		defer r.of.discard()
	}
	var c *fullstory.Client
	if o.preview {
		c, err = a.client(fullstory.WithConcurrency(o.concurrency))
	} else {
		c, err = a.spendingClient(o.spend.limit(o.latest*len(sides)), fullstory.WithConcurrency(o.concurrency))
	}
	if err != nil {
		return err
	}
	p := a.startProgress("Listing the user's sessions…")
	defer p.finish()
	sessions, err := latestSessions(ctx, c, &o.user, o.latest)
	if err != nil {
		return err
	}
	if o.preview {
		return a.tryPreview(ctx, c, sides, sessions, p, r)
	}
	return a.tryCompare(ctx, c, sides, sessions, p, r)
}

// sides reads the two profiles to compare: -f's, and --against's or the
// API's generic synopsis.
func (o *profilesTryOptions) sides(a *app) ([]*tryProfile, error) {
	sides := []*tryProfile{{Label: "A", File: o.file}, {Label: "B", File: o.against, Name: "API generic synopsis"}}
	for _, s := range sides {
		if s.File == "" {
			continue
		}
		var err error
		if s.Settings, err = a.readProfile(s.File); err != nil {
			return nil, err
		}
		s.Name = cmp.Or(s.Settings.Name, filepath.Base(s.File))
	}
	return sides, nil
}

// report opens where the report goes: --out's file, else stdout.
func (o *profilesTryOptions) report(a *app) (*report, error) {
	r := &report{w: a.stdout, name: o.out}
	if o.out == "" {
		return r, nil
	}
	of, err := createOut(o.out)
	if err != nil {
		return nil, inputf("%v", err)
	}
	r.of, r.w = of, of
	return r, nil
}

// tryCompare creates the temporary profiles, summarizes the sessions with
// each side, reports the summaries and deletes the profiles, also after
// Ctrl-C.
func (a *app) tryCompare(ctx context.Context, c *fullstory.Client, sides []*tryProfile, sessions []fullstory.Session, p *progress, r *report) (err error) {
	p.say("Creating the temporary profiles…")
	temp := &tempProfiles{c: c, tag: "[fullstory try " + rand.Text()[:8] + "]"}
	defer func() {
		p.finish() // before the cleanup's messages
		cerr := temp.cleanup(ctx, a.abort, a.stderr)
		if ctx.Err() != nil && len(temp.ids) > 0 {
			a.cleanedUp = append(a.cleanedUp, temp.said())
		}
		if err == nil {
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
	a.announceSpend(p, len(ids)*len(sides))
	p.counting(len(ids)*len(sides), "summaries written")
	tr := &tryReport{profiles: sides, sessions: sessions, results: make([][]summaryResult, len(sides))}
	for i, s := range sides {
		if ctx.Err() == nil {
			tr.results[i] = summarizeEach(ctx, c, ids, s.id, p)
		}
	}
	p.finish()
	if ctx.Err() != nil {
		return interrupted(ctx)
	}
	err = a.deliver(r, func() any { return tr.json(ctx, a.activations()) }, func(w io.Writer) error {
		if a.onTerminal(r) {
			return writeTryText(w, tr, a.width())
		}
		return writeMarkdown(w, tr)
	})
	if err != nil {
		return err
	}
	return failed(slices.Concat(tr.results...))
}

// json is the report as --json prints it.
func (tr *tryReport) json(ctx context.Context, spent *jsonActivations) jsonTry {
	out := jsonTry{Profiles: jsonTryProfiles(tr.profiles), Sessions: []jsonTrySession{}, Activations: spent}
	for i, s := range tr.sessions {
		js := jsonTrySession{Session: newJSONSession(s)}
		for _, batch := range tr.results {
			js.Summaries = append(js.Summaries, newJSONSummary(ctx, js.Session, batch[i]))
		}
		out.Sessions = append(out.Sessions, js)
	}
	return out
}

func jsonTryProfiles(sides []*tryProfile) []jsonTryProfile {
	out := make([]jsonTryProfile, len(sides))
	for i, s := range sides {
		out[i] = jsonTryProfile{Label: s.Label, File: s.File, Name: s.Name, Settings: s.Settings}
	}
	return out
}

// report is where profiles try sends its report: w, which is of if --out
// named a file.
type report struct {
	w    io.Writer
	of   *outFile
	name string
}

// onTerminal reports whether the report goes to a terminal, which gets a
// view to read rather than Markdown.
func (a *app) onTerminal(r *report) bool { return r.of == nil && a.con.stdoutTTY }

// deliver writes a report whole, as JSON (v's) with --json, else as text,
// and puts an --out file in place.
func (a *app) deliver(r *report, v func() any, text func(io.Writer) error) error {
	var buf bytes.Buffer
	var err error
	if a.g.json {
		err = shared.EncodeJSON(&buf, v(), "  ")
	} else {
		err = text(&buf)
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

// profileNames are the report's column heads: "A: Support assistant".
func profileNames(profiles []*tryProfile) []string {
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Label + ": " + p.Name
	}
	return names
}

// settingsRows are the rows of the profiles' settings, side by side: a
// label, then each profile's value.
func settingsRows(profiles []*tryProfile) [][]string {
	files := []string{"File"}
	for _, p := range profiles {
		files = append(files, cmp.Or(p.File, "-"))
	}
	rows := [][]string{files}
	described := make([][]field, len(profiles))
	for i, p := range profiles {
		if p.Settings != nil {
			described[i] = describeConfig(&p.Settings.ProfileConfig)
		}
	}
	for k, f := range describeConfig(&fullstory.ProfileConfig{}) {
		row := []string{f.label}
		for i, p := range profiles {
			if p.Settings == nil {
				row = append(row, "(API default)")
			} else {
				row = append(row, cmp.Or(described[i][k].value, "(default)"))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// summaryText is a summary's text and compact structured response, or its
// error, as the reports show it.
func summaryText(r summaryResult) string {
	if r.err != nil {
		return "No summary: " + errText(r.err)
	}
	text := r.s.Text
	if len(r.s.Response) > 0 {
		var buf bytes.Buffer
		if json.Compact(&buf, r.s.Response) == nil {
			text = strings.TrimSpace(text + "\n\n" + buf.String())
		}
	}
	return text
}

// count of the summaries, in words, for the reports' introductions.
func sessionsIntro(n int) string {
	if n == 1 {
		return "The latest session of one user, summarized with each profile."
	}
	return fmt.Sprintf("The %d latest sessions of one user, summarized with each profile.", n)
}
