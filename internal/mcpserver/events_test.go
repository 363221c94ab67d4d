package mcpserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestSessionEvents(t *testing.T) {
	h := newHarness(t, Options{})
	out, text := callOK[SessionEventsOutput](t, h.cs, ToolGetSessionEvents, map[string]any{"session": checkout})
	assert.Equal(t, checkout, out.Session)
	assert.Equal(t, 23, out.Total)
	assert.Len(t, out.Events, 23)
	assert.Equal(t, fullstory.EventNavigate, out.Events[0].Type)
	assert.Empty(t, out.NextCursor)
	assert.Equal(t, "Events 1 to 23 of 23 of session "+checkout+", in the structured content. This is the last page.", text)

	page, text := callOK[SessionEventsOutput](t, h.cs, ToolGetSessionEvents, map[string]any{"session": checkout, "limit": 10})
	assert.Len(t, page.Events, 10)
	require.NotEmpty(t, page.NextCursor)
	assert.Contains(t, text, "Next page: call get_session_events with cursor "+page.NextCursor+".")
	fetches := countOp(h.fake, fullstorytest.OpEvents)

	var got []fullstory.Event
	got = append(got, page.Events...)
	for page.NextCursor != "" {
		page, _ = callOK[SessionEventsOutput](t, h.cs, ToolGetSessionEvents, map[string]any{"cursor": page.NextCursor, "limit": 10})
		assert.Equal(t, len(got), page.Offset)
		got = append(got, page.Events...)
	}
	assert.Equal(t, out.Events, got, "the pages hold every event once, in order")
	assert.Equal(t, fetches, countOp(h.fake, fullstorytest.OpEvents), "pages come from what the server holds: one fetch")
}

func countOp(fake *fullstorytest.Server, op fullstorytest.Operation) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// A session of several MiB comes in pages under 1 MiB each, whatever the
// limit; an event too large for a page alone is sent trimmed.
func TestSessionEventsBounded(t *testing.T) {
	h := newHarness(t, Options{})
	start := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var events []fullstorytest.RecordedEvent
	for i := range 1200 {
		events = append(events, fullstorytest.RecordedEvent{Type: fullstory.EventConsoleError, URL: "/app", Text: fmt.Sprintf("error %d %s", i, strings.Repeat("x", 2000))})
	}
	events = append(events, fullstorytest.RecordedEvent{Type: "Huge", Properties: map[string]any{"blob": strings.Repeat("y", 2<<20)}})
	id := h.fake.AddSession(fullstorytest.RecordedSession{UID: "big", Created: start, Events: events})

	var (
		total  int
		cursor string
		pages  int
	)
	trimmed := []int{}
	for {
		args := map[string]any{"limit": 1000}
		if cursor == "" {
			args["session"] = id.String()
		} else {
			args["cursor"] = cursor
		}
		res := call(t, h.cs, ToolGetSessionEvents, args)
		require.False(t, res.IsError, textOf(res))
		wire, err := json.Marshal(res)
		require.NoError(t, err)
		assert.Less(t, len(wire), maxResultBytes, "page %d", pages)
		var out SessionEventsOutput
		data, _ := json.Marshal(res.StructuredContent)
		require.NoError(t, json.Unmarshal(data, &out))
		assert.Equal(t, total, out.Offset)
		total += len(out.Events)
		trimmed = append(trimmed, out.Trimmed...)
		pages++
		if cursor = out.NextCursor; cursor == "" {
			assert.Equal(t, "custom", string(out.Events[len(out.Events)-1].Type), "the fake names a custom event in its properties")
			assert.Nil(t, out.Events[len(out.Events)-1].Properties)
			break
		}
	}
	assert.Equal(t, 1201, total)
	assert.Greater(t, pages, 2, "over 2 MiB of events need several pages")
	assert.Equal(t, []int{1200}, trimmed)
}

func TestSessionEventsBadArguments(t *testing.T) {
	h := newHarness(t, Options{})
	page, _ := callOK[SessionEventsOutput](t, h.cs, ToolGetSessionEvents, map[string]any{"session": checkout, "limit": 5})
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, `invalid argument "session": is required for the first page`},
		{map[string]any{"session": "abc"}, `invalid argument "session"`},
		{map[string]any{"cursor": "nonsense"}, `invalid argument "cursor": is not a cursor of get_session_events`},
		{map[string]any{"cursor": "ev.0123456789abcdef01234567.5"}, `invalid argument "cursor": has expired`},
		{map[string]any{"cursor": strings.Replace(page.NextCursor, "ev.", "cx.", 1)}, "is not a cursor of get_session_events"},
		{map[string]any{"cursor": page.NextCursor, "session": support}, "belongs to another session"},
		{map[string]any{"cursor": page.NextCursor[:strings.LastIndex(page.NextCursor, ".")] + ".99"}, "points past"},
		{map[string]any{"session": checkout, "limit": 5000}, "invalid arguments: validating /properties/limit"},
	} {
		assert.Contains(t, callErr(t, h.cs, ToolGetSessionEvents, tc.args), tc.want, "%v", tc.args)
	}
	// The cursor of the same session, named again, is fine.
	_, _ = callOK[SessionEventsOutput](t, h.cs, ToolGetSessionEvents, map[string]any{"cursor": page.NextCursor, "session": checkout})

	msg := callErr(t, h.cs, ToolGetSessionEvents, map[string]any{"session": "1:2"})
	assert.Contains(t, msg, "not found")
}

// A context of many events pages like events do, each page under 1 MiB, a
// page of the session split across results when it must be.
func TestSessionContextPaged(t *testing.T) {
	h := newHarness(t, Options{})
	var events []fullstorytest.RecordedEvent
	for i := range 1000 {
		url := "/a"
		if i >= 800 {
			url = "/b"
		}
		events = append(events, fullstorytest.RecordedEvent{Type: fullstory.EventClick, URL: url, Target: "button#b" + fmt.Sprint(i), Text: strings.Repeat("z", 1500)})
	}
	id := h.fake.AddSession(fullstorytest.RecordedSession{UID: "ctx", Events: events})
	var (
		cursor string
		seen   int
		first  = true
		// a result that starts amid a page of the session
		continued bool
	)
	for {
		args := map[string]any{"limit": 1000}
		if cursor == "" {
			args["session"] = id.String()
		} else {
			args["cursor"] = cursor
		}
		res := call(t, h.cs, ToolGetSessionContext, args)
		require.False(t, res.IsError, textOf(res))
		wire, _ := json.Marshal(res)
		assert.Less(t, len(wire), maxResultBytes)
		var out SessionContextOutput
		data, _ := json.Marshal(res.StructuredContent)
		require.NoError(t, json.Unmarshal(data, &out))
		assert.Equal(t, first, out.Context != nil, "the session's context comes on the first page")
		assert.Equal(t, seen, out.Offset)
		if !first && out.Pages[0].FirstEvent > 0 {
			continued = true
		}
		seen += countEvents(out.Pages)
		first = false
		if cursor = out.NextCursor; cursor == "" {
			assert.Equal(t, out.TotalEvents, seen)
			break
		}
	}
	assert.Equal(t, 1000, seen)
	assert.True(t, continued, "a page of 800 large events is split across results")
}

// The API sends its events as they are; the server passes them on
// unchanged, its unknown properties included.
func TestSessionEventsWire(t *testing.T) {
	var uri string
	api := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		uri = r.Method + " " + r.RequestURI
		w.Write([]byte(`{"events":[{"device_id":1,"session_id":"2","event_time":"2025-06-01T12:00:00Z","event_type":"click","event_properties":{"x":{"y":[1,2]}}}]}`))
	})
	_, cs := serveOn(t, "k-123456", Options{}, httpClient(t, api.URL, "k-123456"))
	out, _ := callOK[SessionEventsOutput](t, cs, ToolGetSessionEvents, map[string]any{"session": "https://app.fullstory.com/ui/o1/session/1%3A2"})
	assert.Equal(t, "GET /v2/sessions/1%3A2/events", uri)
	require.Len(t, out.Events, 1)
	assert.Equal(t, "1", out.Events[0].DeviceID)
	assert.Equal(t, map[string]any{"x": map[string]any{"y": []any{1.0, 2.0}}}, out.Events[0].Properties)
}
