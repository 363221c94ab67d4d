package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// previewReport is what profiles try --preview found: for each session,
// what each profile would send to the model. Nothing was summarized.
type previewReport struct {
	Profiles []*tryProfile    `json:"profiles"`
	Sessions []previewSession `json:"sessions"`
}

// previewSession is one session with the context each profile would send,
// in the order of the profiles.
type previewSession struct {
	Session     fullstory.SessionID `json:"session"`
	CreatedTime time.Time           `json:"created_time,omitzero"`
	URL         string              `json:"url,omitempty"`
	Contexts    []contextResult     `json:"contexts"`
}

// contextResult is a session's context for one profile, or why there is none.
type contextResult struct {
	Context *fullstory.SessionContext `json:"context,omitempty"`
	Error   string                    `json:"error,omitempty"`
	err     error
}

// tryPreview asks the context endpoint, which spends no Activation, what
// each side's settings select of each session, and reports it. The profiles
// are not created: the endpoint takes the settings themselves.
func (a *app) tryPreview(ctx context.Context, c *fullstory.Client, sides []*tryProfile, sessions []fullstory.Session, p *progress, r *report) error {
	p.counting(len(sessions)*len(sides), "contexts read")
	pr := &previewReport{Profiles: sides}
	var errs []error
	for _, s := range sessions {
		ps := previewSession{Session: s.ID(), CreatedTime: s.CreatedTime, URL: s.URL}
		for _, side := range sides {
			if ctx.Err() != nil {
				return interrupted(ctx)
			}
			var cfg *fullstory.ProfileConfig
			if side.Settings != nil {
				cfg = contextConfig(&side.Settings.ProfileConfig)
			}
			sc, err := c.Sessions.Context(ctx, s.ID(), cfg)
			cr := contextResult{Context: sc, err: err}
			if err != nil {
				cr.Error = errText(err)
			}
			ps.Contexts = append(ps.Contexts, cr)
			errs = append(errs, err)
			p.step()
		}
		pr.Sessions = append(pr.Sessions, ps)
	}
	p.finish()
	if ctx.Err() != nil {
		return interrupted(ctx)
	}
	if err := a.deliver(r, pr, func(w io.Writer) error { return writePreview(w, pr) }); err != nil {
		return err
	}
	return failures(errs, "contexts not read")
}

// writePreview writes the preview as Markdown: the profiles' settings, then
// for each session what each profile would send: its pre-prompt, the
// session's context as the endpoint selected it, its post-prompt.
func writePreview(w io.Writer, r *previewReport) error {
	var b strings.Builder
	names := profileNames(r.Profiles)
	fmt.Fprintf(&b, "# Profile preview: %s\n\n", strings.Join(names, " vs "))
	b.WriteString("Nothing was summarized and no Activation spent. For each session, what each profile would send to the model: " +
		"its pre-prompt, the session data its settings select (from the context endpoint), its post-prompt.\n\n")
	writeProfileTable(&b, r.Profiles, names)
	for i, s := range r.Sessions {
		fmt.Fprintf(&b, "\n## Session %d of %d: `%s`\n\n", i+1, len(r.Sessions), s.Session)
		writeSessionLine(&b, s.CreatedTime, s.URL)
		for k, cr := range s.Contexts {
			fmt.Fprintf(&b, "### %s\n\n", names[k])
			if cr.err != nil {
				fmt.Fprintf(&b, "**No context:** %s\n\n", mdCell(cr.Error))
				continue
			}
			var llm *fullstory.LLMConfig
			if set := r.Profiles[k].Settings; set != nil {
				llm = set.LLM
			}
			if llm != nil && llm.PrePrompt != "" {
				writeFenced(&b, "Pre-prompt", llm.PrePrompt)
			}
			var text strings.Builder
			writeContext(&text, cr.Context)
			writeFenced(&b, "Session data", text.String())
			if llm != nil && llm.PostPrompt != "" {
				writeFenced(&b, "Post-prompt", llm.PostPrompt)
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
