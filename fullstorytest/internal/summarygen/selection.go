package summarygen

import (
	"slices"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
)

// selectEvents returns the events of sess that an LLM would see under cfg,
// in time order: those before the end (the earlier of slice.end_timestamp
// and end), then the event type filters, then the slice's mode, start and
// limits, so that event_limit counts only events that passed the filters.
func selectEvents(sess *Session, cfg *wire.Config, end time.Time) []Event {
	var sl wire.Slice
	if cfg.Slice != nil {
		sl = *cfg.Slice
	}
	if sl.EndTimestamp != nil && (end.IsZero() || sl.EndTimestamp.Before(end)) {
		end = *sl.EndTimestamp
	}
	var kept []Event
	for _, e := range sess.Events {
		if (end.IsZero() || e.Time.Before(end)) && typeKept(cfg.Events, e.Type) {
			kept = append(kept, e)
		}
	}
	if start := sl.StartTimestamp; start != nil {
		kept = slices.DeleteFunc(kept, func(e Event) bool { return e.Time.Before(*start) })
	}
	if len(kept) == 0 {
		return kept
	}

	limit := int(sl.EventLimit)
	if sl.Mode == string(fullstory.SliceLast) {
		if d := durationLimit(&sl); d > 0 {
			from := kept[len(kept)-1].Time.Add(-d)
			kept = slices.DeleteFunc(kept, func(e Event) bool { return e.Time.Before(from) })
		}
		if limit > 0 && len(kept) > limit {
			kept = kept[len(kept)-limit:]
		}
		return kept
	}
	// FIRST, the default, and TIMESTAMP keep the earliest events from the start.
	if d := durationLimit(&sl); d > 0 {
		from := kept[0].Time
		if sl.StartTimestamp != nil {
			from = *sl.StartTimestamp
		}
		until := from.Add(d)
		kept = slices.DeleteFunc(kept, func(e Event) bool { return e.Time.After(until) })
	}
	if limit > 0 && len(kept) > limit {
		kept = kept[:limit]
	}
	return kept
}

// durationLimit returns the slice's duration_limit_ms as a Duration.
func durationLimit(sl *wire.Slice) time.Duration {
	return time.Duration(sl.DurationLimitMS) * time.Millisecond
}

// typeKept applies include_types, exclude_types and exclude_api_events.
// Custom events match by their name.
func typeKept(ev *wire.Events, t fullstory.EventType) bool {
	if ev == nil {
		return true
	}
	if len(ev.IncludeTypes) > 0 && !slices.Contains(ev.IncludeTypes, string(t)) {
		return false
	}
	if slices.Contains(ev.ExcludeTypes, string(t)) {
		return false
	}
	return !(IsCustom(t) && isTrue(ev.ExcludeAPIEvents))
}

// contextIncluded reports whether the LLM sees element e under cx. Include
// and Exclude take precedence over the exclude_* flags; with nothing set,
// every element is included.
func contextIncluded(cx *wire.Context, e fullstory.ContextElement) bool {
	if cx == nil {
		return true
	}
	switch {
	case slices.Contains(cx.Exclude, string(e)):
		return false
	case slices.Contains(cx.Include, string(e)):
		return true
	case len(cx.Include) > 0:
		return false
	}
	flag := map[fullstory.ContextElement]*bool{
		fullstory.ContextUser:     cx.ExcludeUserContext,
		fullstory.ContextOrg:      cx.ExcludeOrgContext,
		fullstory.ContextLocation: cx.ExcludeLocation,
		fullstory.ContextDevice:   cx.ExcludeDevice,
	}[e]
	return !isTrue(flag)
}
