package fullstorytest

import (
	"slices"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// selectEvents returns the events of sess that an LLM would see under cfg,
// in time order: those before the end (the earlier of slice.end_timestamp
// and end), then the event type filters, then the slice's mode, start and
// limits, so that event_limit counts only events that passed the filters.
func selectEvents(sess *storedSession, cfg *fullstory.ProfileConfig, end time.Time) []RecordedEvent {
	var sl fullstory.SliceConfig
	if cfg.Slice != nil {
		sl = *cfg.Slice
	}
	if !sl.EndTimestamp.IsZero() && (end.IsZero() || sl.EndTimestamp.Before(end)) {
		end = sl.EndTimestamp
	}
	var kept []RecordedEvent
	for _, e := range sess.Events {
		if (end.IsZero() || e.Time.Before(end)) && typeKept(cfg.Events, e.Type) {
			kept = append(kept, e)
		}
	}
	if !sl.StartTimestamp.IsZero() {
		kept = slices.DeleteFunc(kept, func(e RecordedEvent) bool { return e.Time.Before(sl.StartTimestamp) })
	}
	if len(kept) == 0 {
		return kept
	}

	if sl.Mode == fullstory.SliceLast {
		if d := sl.DurationLimit; d > 0 {
			from := kept[len(kept)-1].Time.Add(-d)
			kept = slices.DeleteFunc(kept, func(e RecordedEvent) bool { return e.Time.Before(from) })
		}
		if n := sl.EventLimit; n > 0 && len(kept) > n {
			kept = kept[len(kept)-n:]
		}
		return kept
	}
	// FIRST, the default, and TIMESTAMP keep the earliest events from the start.
	if d := sl.DurationLimit; d > 0 {
		from := kept[0].Time
		if !sl.StartTimestamp.IsZero() {
			from = sl.StartTimestamp
		}
		until := from.Add(d)
		kept = slices.DeleteFunc(kept, func(e RecordedEvent) bool { return e.Time.After(until) })
	}
	if n := sl.EventLimit; n > 0 && len(kept) > n {
		kept = kept[:n]
	}
	return kept
}

// typeKept applies include_types, exclude_types and exclude_api_events.
// Custom events match by their name.
func typeKept(ev *fullstory.EventsConfig, t fullstory.EventType) bool {
	if ev == nil {
		return true
	}
	if len(ev.IncludeTypes) > 0 && !slices.Contains(ev.IncludeTypes, t) {
		return false
	}
	if slices.Contains(ev.ExcludeTypes, t) {
		return false
	}
	return !(isCustom(t) && isTrue(ev.ExcludeAPIEvents))
}

func isTrue(b *bool) bool { return b != nil && *b }

// contextIncluded reports whether the LLM sees element e under cx. Include
// and Exclude take precedence over the exclude_* flags; with nothing set,
// every element is included.
func contextIncluded(cx *fullstory.ContextConfig, e fullstory.ContextElement) bool {
	if cx == nil {
		return true
	}
	switch {
	case slices.Contains(cx.Exclude, e):
		return false
	case slices.Contains(cx.Include, e):
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
