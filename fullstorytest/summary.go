package fullstorytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	fullstory "github.com/summarykit/fullstory-go"
)

// summarize answers GET (q set) and POST (body set) summary requests: the
// profile, merged with the POST's overrides, selects the events, and a
// summary is written from them by fixed rules.
func (s *Server) summarize(sess *storedSession, q url.Values, body []byte) *response {
	var (
		profileID fullstory.ProfileID
		overrides *fullstory.ProfileConfig
		end       time.Time
	)
	if body == nil {
		profileID = fullstory.ProfileID(q.Get("config_profile"))
		if v := q.Get("end_timestamp"); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return badRequest(codeInvalid, "end_timestamp must be an RFC 3339 date-time")
			}
			end = t
		}
	} else {
		var req struct {
			ConfigProfile fullstory.ProfileID `json:"config_profile"`
			fullstory.ProfileConfig
		}
		if resp := decodeBody(body, &req); resp != nil {
			return resp
		}
		profileID, overrides = req.ConfigProfile, &req.ProfileConfig
	}

	var (
		cfg  fullstory.ProfileConfig
		name string
	)
	if profileID != "" {
		p := s.profile(profileID)
		if p == nil {
			return notFound("profile %q not found", profileID)
		}
		cfg, name = p.profile.ProfileConfig, p.profile.Name
	}
	if overrides != nil {
		// Validated once merged: an override may lean on the profile, e.g.
		// mode TIMESTAMP on a profile that has the start_timestamp.
		merged, err := mergeConfig(cfg, *overrides)
		if err != nil {
			return badRequest(codeInvalid, "merging the overrides onto the profile: %v", err)
		}
		if resp := validateConfig(&merged); resp != nil {
			return resp
		}
		cfg = merged
	}

	r := newRenderer(cfg.Events)
	f := gatherFacts(sess, selectEvents(sess, &cfg, end), &cfg, r)
	w := summaryWriter{cfg: &cfg, f: f, r: r, end: end}
	switch {
	case profileID == "" && cfg == (fullstory.ProfileConfig{}):
		w.header = fmt.Sprintf("Generic synopsis of session %s (no prompt profile)", sess.id)
	case profileID != "":
		w.header = fmt.Sprintf("Summary of session %s with the prompt profile %s", sess.id, profileID)
		if name != "" {
			w.header = fmt.Sprintf("Summary of session %s with the prompt profile %q (%s)", sess.id, name, profileID)
		}
		if overrides != nil {
			w.header += " and the request's overrides"
		}
	default:
		w.header = fmt.Sprintf("Summary of session %s with the request's ad-hoc profile", sess.id)
	}

	sum := fullstory.Summary{Text: w.text()}
	if cfg.LLM != nil && cfg.LLM.ResponseSchema != nil {
		raw, err := json.Marshal(fill(cfg.LLM.ResponseSchema, "", f, 0))
		if err != nil {
			return errorResponse(http.StatusInternalServerError, "server_error", "encoding the response: %v", err)
		}
		sum.Response, sum.ResponseSchema = raw, cfg.LLM.ResponseSchema
	}
	return jsonResponse(http.StatusOK, sum)
}

// summaryWriter writes the text of a fake summary: one line per kind of
// fact, each left out when there is nothing to say.
type summaryWriter struct {
	cfg    *fullstory.ProfileConfig
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
		llm = &fullstory.LLMConfig{}
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
			parts = append(parts, "mode "+string(sl.Mode))
		}
		if sl.EventLimit > 0 {
			parts = append(parts, fmt.Sprintf("event_limit %d", sl.EventLimit))
		}
		if sl.DurationLimit > 0 {
			parts = append(parts, fmt.Sprintf("duration_limit %s", sl.DurationLimit))
		}
		if !sl.StartTimestamp.IsZero() {
			parts = append(parts, "from "+sl.StartTimestamp.UTC().Format(time.RFC3339))
		}
		if !sl.EndTimestamp.IsZero() {
			parts = append(parts, "before "+sl.EndTimestamp.UTC().Format(time.RFC3339))
		}
	}
	if !w.end.IsZero() {
		parts = append(parts, "before "+w.end.UTC().Format(time.RFC3339)+" (end_timestamp)")
	}
	if ev := w.cfg.Events; ev != nil {
		if len(ev.IncludeTypes) > 0 {
			parts = append(parts, "only "+joinTypes(ev.IncludeTypes))
		}
		if len(ev.ExcludeTypes) > 0 {
			parts = append(parts, "without "+joinTypes(ev.ExcludeTypes))
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

func joinTypes(ts []fullstory.EventType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
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
