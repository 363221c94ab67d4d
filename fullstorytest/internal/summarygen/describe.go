package summarygen

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
)

// renderer describes events as the events configuration lets the LLM see
// them: with or without selectors and timestamps.
type renderer struct {
	selectors  bool // false with exclude_selectors
	trim       int  // trim_to_last_n_selectors; 0 keeps whole selectors
	timestamps bool // false with exclude_event_timestamps
}

func newRenderer(c *wire.Events) renderer {
	c = eventsConfig(c)
	r := renderer{selectors: !isTrue(c.ExcludeSelectors), timestamps: !isTrue(c.ExcludeEventTimestamps)}
	if c.TrimToLastNSelectors != nil {
		r.trim = int(*c.TrimToLastNSelectors)
	}
	return r
}

// selector returns sel as the LLM sees it: "" when selectors are excluded,
// its last parts only when trimmed.
func (r renderer) selector(sel string) string {
	if !r.selectors || sel == "" {
		return ""
	}
	parts := strings.Fields(strings.ReplaceAll(sel, ">", " "))
	if r.trim > 0 && len(parts) > r.trim {
		return strings.Join(parts[len(parts)-r.trim:], " ")
	}
	return sel
}

// label names the element of an event: `"Pay now" (button#pay-now)`.
func (r renderer) label(e Event) string {
	sel := r.selector(e.Target)
	switch {
	case e.Text != "" && sel != "":
		return fmt.Sprintf("%q (%s)", e.Text, sel)
	case e.Text != "":
		return fmt.Sprintf("%q", e.Text)
	case sel != "":
		return sel
	}
	return "an element"
}

// describe says what the user did in an event, as a phrase in the past tense.
func (r renderer) describe(e Event) string {
	switch e.Type {
	case fullstory.EventNavigate:
		if e.Title != "" {
			return fmt.Sprintf("visited %s (%q)", pagePath(e.URL), e.Title)
		}
		return "visited " + pagePath(e.URL)
	case fullstory.EventClick:
		return "clicked " + r.label(e)
	case fullstory.EventDeadClick:
		return "clicked " + r.label(e) + ", which did not respond (dead click)"
	case fullstory.EventErrorClick:
		return "clicked " + r.label(e) + ", which caused an error (error click)"
	case fullstory.EventRageClick:
		return "rage-clicked " + r.label(e)
	case fullstory.EventInputChange:
		field := cmp.Or(r.selector(e.Target), "a field")
		if e.Text != "" {
			return fmt.Sprintf("entered %q in %s", e.Text, field)
		}
		return "changed " + field
	case fullstory.EventNetworkError:
		return "hit a network error: " + errorMessage(e)
	case fullstory.EventConsoleError:
		return "hit a console error: " + errorMessage(e)
	case fullstory.EventMouseThrash:
		return "thrashed the mouse over " + r.label(e)
	case fullstory.EventHighlight:
		return "highlighted " + r.label(e)
	case fullstory.EventCopy:
		return "copied " + r.label(e)
	case fullstory.EventPaste:
		return "pasted into " + r.label(e)
	case fullstory.EventElementSeen:
		return "saw " + r.label(e)
	}
	return fmt.Sprintf("triggered the custom event %q", e.Type)
}

// errorMessage describes a network or console error from its text, or from
// the method, URL and status in its properties.
func errorMessage(e Event) string {
	if e.Text != "" {
		return e.Text
	}
	var parts []string
	for _, k := range []string{"method", "url", "status_code", "message"} {
		if v, ok := e.Properties[k]; ok {
			parts = append(parts, fmt.Sprint(v))
		}
	}
	if len(parts) == 0 {
		return "on " + pagePath(e.URL)
	}
	return strings.Join(parts, " ")
}

// contextEvent is e as the context endpoint returns it.
func (r renderer) contextEvent(e Event) wire.ContextEvent {
	ce := wire.ContextEvent{Type: string(e.Type), Description: r.describe(e), Content: e.Text, Properties: maps.Clone(e.Properties)}
	if IsCustom(e.Type) {
		ce.Type, ce.Content = "custom", string(e.Type)
	} else if sel := r.selector(e.Target); sel != "" {
		if ce.Properties == nil {
			ce.Properties = map[string]any{}
		}
		ce.Properties["selector"] = sel
	}
	if r.timestamps {
		ce.Timestamp = timestamp(e.Time)
	}
	return ce
}

// formatProperties writes properties as "k: v" pairs in key order.
func formatProperties(p map[string]any) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, fmt.Sprintf("%s: %v", k, p[k]))
	}
	return strings.Join(parts, ", ")
}
