package summarygen

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
)

// summaryWriter writes the text of a fake summary: one line per kind of
// fact, each left out when there is nothing to say.
type summaryWriter struct {
	cfg    *wire.Config
	f      *facts
	r      renderer
	end    time.Time
	header string
	b      strings.Builder
}

func (w *summaryWriter) line(label, format string, args ...any) {
	if label != "" {
		w.b.WriteString(label + ": ")
	}
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteString("\n")
}

func (w *summaryWriter) text() string {
	f, llm := w.f, w.cfg.LLM
	if llm == nil {
		llm = &wire.LLM{}
	}
	w.line("", "[fullstorytest] %s. Written by fixed rules from the session's events, not by an LLM.", w.header)
	if llm.PrePrompt != "" {
		w.line("Pre-prompt applied", "%q", excerpt(llm.PrePrompt, 100))
	}
	w.line("Events considered", "%d of %d%s", f.kept, f.total, w.selection())
	if w.r.timestamps && f.kept > 0 {
		w.line("Time span", "%s to %s", f.first.UTC().Format(time.RFC3339), f.last.UTC().Format(time.RFC3339))
	}
	for _, c := range []struct{ label, v string }{
		{"User", f.user}, {"Organization", f.org}, {"Location", f.location}, {"Device", f.device},
	} {
		if c.v != "" {
			w.line(c.label, "%s", c.v)
		}
	}
	if f.kept == 0 {
		w.line("", "No events are left to summarize under this configuration.")
	} else {
		w.line("Goal", "%s", f.goal())
	}
	if len(f.pages) > 0 {
		w.line("Pages visited", "%s", joinPages(f.pages))
	}
	if len(f.helpPages) > 0 {
		w.line("Help pages visited", "%s", joinPages(f.helpPages))
	}
	if len(f.pricingPages) > 0 {
		w.line("Pricing pages visited", "%s", joinPages(f.pricingPages))
	}
	if len(f.custom) > 0 {
		w.line("Custom events", "%s", strings.Join(f.custom, "; "))
	}
	if c := counts(f.networkErrors, "network error", f.consoleErrors, "console error", f.errorClicks, "error click"); c != "" {
		w.line("Errors", "%s", c)
	}
	if c := counts(f.rage, "rage click", f.dead, "dead click"); c != "" {
		w.line("Frustration", "%s", c)
	}
	if len(f.issues) > 0 {
		w.line("Issues", "%s", strings.Join(f.issues, "; "))
	}
	if f.carted || f.checkout || f.purchased {
		w.line("Outcome", "%s", f.outcome())
	}
	if f.final != "" {
		w.line("Final action", "%s", f.final)
	}
	if llm.PostPrompt != "" {
		w.line("Post-prompt applied", "%q", excerpt(llm.PostPrompt, 100))
	}
	return strings.TrimSuffix(w.b.String(), "\n")
}

// selection describes the slice and filters that chose the events.
func (w *summaryWriter) selection() string {
	var parts []string
	if sl := w.cfg.Slice; sl != nil {
		if sl.Mode != "" {
			parts = append(parts, "mode "+sl.Mode)
		}
		if sl.EventLimit > 0 {
			parts = append(parts, fmt.Sprintf("event_limit %d", sl.EventLimit))
		}
		if d := durationLimit(sl); d > 0 {
			parts = append(parts, fmt.Sprintf("duration_limit %s", d))
		}
		if sl.StartTimestamp != nil {
			parts = append(parts, "from "+sl.StartTimestamp.UTC().Format(time.RFC3339))
		}
		if sl.EndTimestamp != nil {
			parts = append(parts, "before "+sl.EndTimestamp.UTC().Format(time.RFC3339))
		}
	}
	if !w.end.IsZero() {
		parts = append(parts, "before "+w.end.UTC().Format(time.RFC3339)+" (end_timestamp)")
	}
	if ev := w.cfg.Events; ev != nil {
		if len(ev.IncludeTypes) > 0 {
			parts = append(parts, "only "+strings.Join(ev.IncludeTypes, ", "))
		}
		if len(ev.ExcludeTypes) > 0 {
			parts = append(parts, "without "+strings.Join(ev.ExcludeTypes, ", "))
		}
		if isTrue(ev.ExcludeAPIEvents) {
			parts = append(parts, "without custom events")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// counts writes the non-zero counts of pairs of (count, noun): "2 network
// errors, 1 error click".
func counts(pairs ...any) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		n, noun := pairs[i].(int), pairs[i+1].(string)
		switch {
		case n == 1:
			parts = append(parts, "1 "+noun)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", n, noun))
		}
	}
	return strings.Join(parts, ", ")
}

func joinPages(ps []page) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// excerpt cuts s to n runes on one line, marking the cut with "…".
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
