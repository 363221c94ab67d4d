package mcpserver

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	fullstory "github.com/summarykit/fullstory-go"
)

// SessionEventsInput are the arguments of get_session_events.
type SessionEventsInput struct {
	Session string `json:"session,omitempty" jsonschema:"The session: \"userId:sessionId\" as list_sessions returns it (other forms: userId%3AsessionId, userId!sessionId, or a Fullstory app URL ending in /session/userId:sessionId). Required for the first page"`
	Cursor  string `json:"cursor,omitempty" jsonschema:"The next_cursor of the previous page, for the next one; leave it out for the first page"`
	Limit   int    `json:"limit,omitempty" jsonschema:"At most this many events per page, up to 1000; default 200. A page also ends before 1 MiB"`
}

// SessionEventsOutput is one page of get_session_events.
type SessionEventsOutput struct {
	Session    string            `json:"session" jsonschema:"The session, userId:sessionId"`
	Total      int               `json:"total" jsonschema:"How many events the session has"`
	Offset     int               `json:"offset" jsonschema:"The index of this page's first event in the session, from 0"`
	Events     []fullstory.Event `json:"events" jsonschema:"The raw events, oldest first"`
	Trimmed    []int             `json:"trimmed,omitempty" jsonschema:"Indexes of events too large for a page, sent without their properties and source"`
	NextCursor string            `json:"next_cursor,omitempty" jsonschema:"Pass it as cursor for the next page; absent on the last page. It expires after 15 idle minutes"`
}

// eventsData is a session's events as fetched, held for paging.
type eventsData struct {
	session fullstory.SessionID
	events  []fullstory.Event
	sizes   []int
	trimmed []bool
}

func (s *server) addEventsTool(srv *mcp.Server) {
	addTool(s, srv, &mcp.Tool{
		Name:  ToolGetSessionEvents,
		Title: "Read a session's raw events, page by page (free)",
		Description: "Returns a session's raw events (clicks, page views, errors, custom events with their properties), oldest first, a page at a time. " +
			"Free: it spends no Activation. The first call fetches the session; pass each page's next_cursor back as cursor for the next. " +
			"No page is over 1 MiB. get_session_context is usually the better read: the same session, grouped by page and shaped for an LLM.",
		Annotations: readOnly("Read a session's raw events (free)"),
	}, s.sessionEvents, func(p map[string]*jsonschema.Schema) { bounds(p["limit"], 0, maxPageItems) })
}

func (s *server) sessionEvents(ctx context.Context, _ *mcp.CallToolRequest, in SessionEventsInput) (*mcp.CallToolResult, SessionEventsOutput, error) {
	var (
		data   *eventsData
		token  string
		offset int
	)
	if in.Cursor != "" {
		held, tok, off, err := s.resume(ToolGetSessionEvents, "ev", in.Cursor, in.Session)
		if err != nil {
			return nil, SessionEventsOutput{}, err
		}
		data, token, offset = held.(*eventsData), tok, off
	} else {
		id, err := firstSession(in.Session)
		if err != nil {
			return nil, SessionEventsOutput{}, err
		}
		events, err := s.client.Sessions.Events(ctx, id)
		if err != nil {
			return nil, SessionEventsOutput{}, readError(ctx, err)
		}
		data = newEventsData(id, events)
		size := 0
		for _, n := range data.sizes {
			size += n
		}
		if len(events) > 0 {
			token = s.held.put("ev", int64(size), data)
		}
	}
	end := span(len(data.events), offset, pageLimit(in.Limit), pageBudget, func(i int, _ bool) int { return data.sizes[i] + 1 })
	out := SessionEventsOutput{Session: data.session.String(), Total: len(data.events), Offset: offset, Events: data.events[offset:end]}
	for i := offset; i < end; i++ {
		if data.trimmed[i] {
			out.Trimmed = append(out.Trimmed, i)
		}
	}
	if end < len(data.events) {
		out.NextCursor = makeCursor("ev", token, end)
	}
	var b strings.Builder
	if out.Total == 0 {
		fmt.Fprintf(&b, "Session %s has no events.", out.Session)
	} else {
		fmt.Fprintf(&b, "Events %d to %d of %d of session %s, in the structured content.", offset+1, end, out.Total, out.Session)
		nextText(&b, ToolGetSessionEvents, out.NextCursor)
	}
	return textResult(b.String()), out, nil
}

func (d *eventsData) sessionID() fullstory.SessionID { return d.session }
func (d *eventsData) length() int                    { return len(d.events) }

// newEventsData sizes the events, trimming any too large for a page alone.
func newEventsData(id fullstory.SessionID, events []fullstory.Event) *eventsData {
	d := &eventsData{session: id, events: events, sizes: make([]int, len(events)), trimmed: make([]bool, len(events))}
	for i := range events {
		d.sizes[i] = jsonSize(events[i])
		if d.sizes[i] > pageBudget {
			e := &d.events[i]
			e.Properties, e.Source = nil, nil
			d.sizes[i], d.trimmed[i] = jsonSize(*e), true
		}
	}
	return d
}
