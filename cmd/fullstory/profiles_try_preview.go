package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// previewReport is what profiles try --preview found: for each session,
// what each profile would send to the model. Nothing was summarized.
type previewReport struct {
	profiles []*tryProfile
	sessions []fullstory.Session
	contexts [][]contextResult // per session, one per profile
}

// contextResult is a session's context for one profile, or why there is none.
type contextResult struct {
	sc  *fullstory.SessionContext
	err error
}

// tryPreview asks the context endpoint, which spends no Activation, what
// each side's settings select of each session, and reports it. The profiles
// are not created: the endpoint takes the settings themselves.
func (a *app) tryPreview(ctx context.Context, c *fullstory.Client, sides []*tryProfile, sessions []fullstory.Session, p *progress, r *report) error {
	p.counting(len(sessions)*len(sides), "contexts read")
	pr := &previewReport{profiles: sides, sessions: sessions}
	var errs []error
	for _, s := range sessions {
		var row []contextResult
		for _, side := range sides {
			if ctx.Err() != nil {
				return interrupted(ctx)
			}
			var cfg *fullstory.ProfileConfig
			if side.Settings != nil {
				cfg = contextConfig(&side.Settings.ProfileConfig)
			}
			sc, err := c.Sessions.Context(ctx, s.ID(), cfg)
			row = append(row, contextResult{sc: sc, err: err})
			errs = append(errs, err)
			p.step()
		}
		pr.contexts = append(pr.contexts, row)
	}
	p.finish()
	if ctx.Err() != nil {
		return interrupted(ctx)
	}
	err := a.deliver(r, func() any { return pr.json(ctx) }, func(w io.Writer) error {
		if a.onTerminal(r) {
			return writePreviewText(w, pr, a.width())
		}
		return writePreview(w, pr)
	})
	if err != nil {
		return err
	}
	return failures(errs, "contexts not read")
}

// json is the preview as --json prints it.
func (pr *previewReport) json(ctx context.Context) jsonPreview {
	out := jsonPreview{Profiles: jsonTryProfiles(pr.profiles), Sessions: []jsonPreviewSession{}}
	for i, s := range pr.sessions {
		js := jsonPreviewSession{Session: newJSONSession(s)}
		for _, cr := range pr.contexts[i] {
			jc := jsonContext{Context: cr.sc}
			if cr.err != nil {
				e := classify(ctx, cr.err)
				jc.Context, jc.Error = nil, &e
			}
			js.Contexts = append(js.Contexts, jc)
		}
		out.Sessions = append(out.Sessions, js)
	}
	return out
}

// previewParts are what profile k would send to the model for one session:
// labelled texts, its pre-prompt, the session data, its post-prompt.
func (pr *previewReport) parts(k int, cr contextResult) []field {
	var llm *fullstory.LLMConfig
	if set := pr.profiles[k].Settings; set != nil {
		llm = set.LLM
	}
	var parts []field
	if llm != nil && llm.PrePrompt != "" {
		parts = append(parts, field{"Pre-prompt", llm.PrePrompt})
	}
	var text strings.Builder
	writeContext(&text, cr.sc)
	parts = append(parts, field{"Session data", text.String()})
	if llm != nil && llm.PostPrompt != "" {
		parts = append(parts, field{"Post-prompt", llm.PostPrompt})
	}
	return parts
}

const previewIntro = "Nothing was summarized and no Activation spent. For each session, what each profile would send to the model: " +
	"its pre-prompt, the session data its settings select (from the context endpoint), its post-prompt."

// writePreview writes the preview as Markdown: the profiles' settings, then
// for each session what each profile would send.
func writePreview(w io.Writer, r *previewReport) error {
	var b strings.Builder
	names := profileNames(r.profiles)
	fmt.Fprintf(&b, "# Profile preview: %s\n\n", strings.Join(names, " vs "))
	b.WriteString(previewIntro + "\n\n")
	writeProfileTable(&b, r.profiles, names)
	for i, s := range r.sessions {
		fmt.Fprintf(&b, "\n## Session %d of %d: `%s`\n\n", i+1, len(r.sessions), s.ID())
		writeSessionLine(&b, s.CreatedTime, s.URL)
		for k, cr := range r.contexts[i] {
			fmt.Fprintf(&b, "### %s\n\n", names[k])
			if cr.err != nil {
				fmt.Fprintf(&b, "**No context:** %s\n\n", mdCell(errText(cr.err)))
				continue
			}
			for _, part := range r.parts(k, cr) {
				writeFenced(&b, part.label, part.value)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFenced writes text as a labelled code block, fenced with more
// backticks than it holds in a row, so that it cannot end the block.
func writeFenced(b *strings.Builder, label, text string) {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	fmt.Fprintf(b, "%s:\n\n%stext\n%s\n%s\n\n", label, fence, strings.TrimRight(text, "\n"), fence)
}
