package mcpserver

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	fullstory "github.com/summarykit/fullstory-go"
)

// SessionContextInput are the arguments of get_session_context.
type SessionContextInput struct {
	Session string `json:"session,omitempty" jsonschema:"The session: \"userId:sessionId\" as list_sessions returns it (other forms: userId%3AsessionId, userId!sessionId, or a Fullstory app URL ending in /session/userId:sessionId). Required for the first page"`
	Profile string `json:"profile,omitempty" jsonschema:"A prompt profile id (from list_profiles): the context is shaped by its settings (which part of the session, which events, which metadata), as a summary with that profile would see it. Leave it out for the server's defaults"`
	Cursor  string `json:"cursor,omitempty" jsonschema:"The next_cursor of the previous page, for the next one; leave it out for the first page"`
	Limit   int    `json:"limit,omitempty" jsonschema:"At most this many events per page, up to 1000; default 200. A page also ends before 1 MiB"`
}

// ContextPage is one page of the session (a URL the user visited) with the
// events of it that this result holds.
type ContextPage struct {
	Page       int                      `json:"page" jsonschema:"The index of this page among the session's pages, from 0"`
	URL        string                   `json:"url,omitempty" jsonschema:"The page's URL"`
	Title      string                   `json:"title,omitempty" jsonschema:"The page's title"`
	Tab        int                      `json:"tab,omitempty" jsonschema:"The browser tab, from 1, when the profile asks for tab indexes"`
	FirstEvent int                      `json:"first_event" jsonschema:"The index among this page's events of the first one here: above 0 when the page continues from the previous result"`
	Events     []fullstory.ContextEvent `json:"events" jsonschema:"The page's events, oldest first"`
}

// SessionContextOutput is one page of get_session_context.
type SessionContextOutput struct {
	Session     string                   `json:"session" jsonschema:"The session, userId:sessionId"`
	Profile     string                   `json:"profile,omitempty" jsonschema:"The profile whose settings shaped the context"`
	Context     *fullstory.StaticContext `json:"context,omitempty" jsonschema:"What is known of the session as a whole: user, organization, location, device. On the first page only"`
	Pages       []ContextPage            `json:"pages" jsonschema:"The session's pages, with their events, in order"`
	TotalEvents int                      `json:"total_events" jsonschema:"How many events the whole context has, on all its pages"`
	Offset      int                      `json:"offset" jsonschema:"The index of this result's first event among all the context's events, from 0"`
	Trimmed     bool                     `json:"trimmed,omitempty" jsonschema:"Some events (or the user's properties) were too large for a page and were sent without their content and properties"`
	NextCursor  string                   `json:"next_cursor,omitempty" jsonschema:"Pass it as cursor for the next page; absent on the last page. It expires after 15 idle minutes"`
}

// contextData is a session's context as fetched, held for paging: its
// events numbered across the pages, a page without events counting as one
// item so that it shows.
type contextData struct {
	session fullstory.SessionID
	profile string
	static  fullstory.StaticContext
	pages   []fullstory.ContextPage
	items   []ctxItem
	header  []int // the JSON size of each page without its events
	events  int
	trimmed bool
}

type ctxItem struct {
	page, event int // event -1: a page without events
	size        int
}

func (s *server) addContextTool(srv *mcp.Server) {
	desc := "Returns what an LLM would read of a session: its context (user, organization, location, device) and its pages in order, each with its events (clicks, typing, errors, custom events), a page at a time. " +
		"Free: it spends no Activation, so read this before asking for a summary. With profile, the context follows that prompt profile's settings. " +
		"The first call fetches the session; pass each result's next_cursor back as cursor for the next. No result is over 1 MiB."
	if s.opts.ExcludeUserContext {
		desc += " This server leaves out the user part of the context (name, email, user properties)."
	}
	addTool(s, srv, &mcp.Tool{
		Name:        ToolGetSessionContext,
		Title:       "Read a session as an LLM would see it, page by page (free)",
		Description: desc,
		Annotations: readOnly("Read a session as an LLM would see it (free)"),
	}, s.sessionContext, func(p map[string]*jsonschema.Schema) { bounds(p["limit"], 0, maxPageItems) })
}

func (s *server) sessionContext(ctx context.Context, _ *mcp.CallToolRequest, in SessionContextInput) (*mcp.CallToolResult, SessionContextOutput, error) {
	var (
		data   *contextData
		token  string
		offset int
	)
	if in.Cursor != "" {
		held, tok, off, err := s.resume(ToolGetSessionContext, "cx", in.Cursor, in.Session)
		if err != nil {
			return nil, SessionContextOutput{}, err
		}
		data, token, offset = held.(*contextData), tok, off
		if p := strings.TrimSpace(in.Profile); p != "" && p != data.profile {
			return nil, SessionContextOutput{}, argError("cursor", "was made with another profile; leave profile out when paging")
		}
	} else {
		id, err := firstSession(in.Session)
		if err != nil {
			return nil, SessionContextOutput{}, err
		}
		cfg, err := s.contextConfig(ctx, in.Profile)
		if err != nil {
			return nil, SessionContextOutput{}, err
		}
		sc, err := s.client.Sessions.Context(ctx, id, cfg)
		if err != nil {
			return nil, SessionContextOutput{}, readError(ctx, err)
		}
		if s.opts.ExcludeUserContext {
			sc.Context.User = nil // whatever the API sent: the agent must not see it
		}
		data = newContextData(id, strings.TrimSpace(in.Profile), sc)
		if len(data.items) > 0 {
			size := 0
			for _, it := range data.items {
				size += it.size
			}
			token = s.held.put("cx", int64(size), data)
		}
	}
	out := s.contextPage(data, token, offset, pageLimit(in.Limit))
	var b strings.Builder
	if len(out.Pages) == 0 {
		fmt.Fprintf(&b, "Session %s has no pages in this context.", out.Session)
	} else {
		fmt.Fprintf(&b, "Context of session %s: pages %d to %d of %d, %d of its %d events, in the structured content.",
			out.Session, out.Pages[0].Page+1, out.Pages[len(out.Pages)-1].Page+1, len(data.pages), countEvents(out.Pages), out.TotalEvents)
		nextText(&b, ToolGetSessionContext, out.NextCursor)
	}
	return textResult(b.String()), out, nil
}

// contextPage is the result that starts at item offset.
func (s *server) contextPage(data *contextData, token string, offset, limit int) SessionContextOutput {
	out := SessionContextOutput{Session: data.session.String(), Profile: data.profile, TotalEvents: data.events, Pages: []ContextPage{}, Trimmed: data.trimmed}
	budget := pageBudget
	if offset == 0 {
		out.Context = &data.static
		budget -= jsonSize(data.static)
	}
	if n := 0; offset > 0 {
		for _, it := range data.items[:offset] {
			if it.event >= 0 {
				n++
			}
		}
		out.Offset = n
	}
	items := data.items
	end := span(len(items), offset, limit, budget, func(i int, first bool) int {
		c := items[i].size + 1
		if first || items[i].page != items[i-1].page {
			c += data.header[items[i].page]
		}
		return c
	})
	for _, it := range items[offset:end] {
		if n := len(out.Pages); n == 0 || out.Pages[n-1].Page != it.page {
			p := data.pages[it.page]
			out.Pages = append(out.Pages, ContextPage{Page: it.page, URL: p.URL, Title: p.Title, Tab: p.Tab, FirstEvent: max(it.event, 0), Events: []fullstory.ContextEvent{}})
		}
		if it.event >= 0 {
			last := &out.Pages[len(out.Pages)-1]
			last.Events = append(last.Events, data.pages[it.page].Events[it.event])
		}
	}
	if end < len(items) {
		out.NextCursor = makeCursor("cx", token, end)
	}
	return out
}

func countEvents(pages []ContextPage) int {
	n := 0
	for _, p := range pages {
		n += len(p.Events)
	}
	return n
}

func (d *contextData) sessionID() fullstory.SessionID { return d.session }
func (d *contextData) length() int                    { return len(d.items) }

// newContextData numbers and sizes the context's events, trimming any too
// large for a page alone.
func newContextData(id fullstory.SessionID, profile string, sc *fullstory.SessionContext) *contextData {
	d := &contextData{session: id, profile: profile, static: sc.Context, pages: sc.Pages, header: make([]int, len(sc.Pages))}
	if u := d.static.User; u != nil && jsonSize(d.static) > pageBudget/4 {
		trimmed := *u
		trimmed.Properties = nil
		d.static.User, d.trimmed = &trimmed, true
	}
	for p := range d.pages {
		page := &d.pages[p]
		d.header[p] = jsonSize(ContextPage{Page: p, URL: page.URL, Title: page.Title, Tab: page.Tab, Events: []fullstory.ContextEvent{}})
		if len(page.Events) == 0 {
			d.items = append(d.items, ctxItem{page: p, event: -1})
			continue
		}
		for e := range page.Events {
			ev := &page.Events[e]
			size := jsonSize(*ev)
			if size > pageBudget/2 {
				ev.Content, ev.Properties, ev.Description, ev.ScreenshotURL = "", nil, "", ""
				size, d.trimmed = jsonSize(*ev), true
			}
			d.items = append(d.items, ctxItem{page: p, event: e, size: size})
			d.events++
		}
	}
	return d
}

// contextConfig is the configuration of a context request: the profile's
// settings without its LLM part (nil without a profile), and without the
// user part of the context when the server excludes it.
func (s *server) contextConfig(ctx context.Context, profile string) (*fullstory.ProfileConfig, error) {
	cfg, err := s.profileConfig(ctx, profile)
	if err != nil {
		return nil, err
	}
	if cfg != nil {
		cfg.LLM = nil
	}
	if s.opts.ExcludeUserContext {
		if cfg == nil {
			cfg = &fullstory.ProfileConfig{}
		}
		cfg.Context = withoutUser(cfg.Context)
	}
	return cfg, nil
}

// profileConfig returns a copy of the settings of profile, nil for none.
func (s *server) profileConfig(ctx context.Context, profile string) (*fullstory.ProfileConfig, error) {
	profile = strings.TrimSpace(profile)
	if profile == "" {
		return nil, nil
	}
	p, err := s.client.Profiles.Get(ctx, fullstory.ProfileID(profile))
	if err != nil {
		return nil, readError(ctx, err)
	}
	return &p.Request().ProfileConfig, nil
}

// allElements are the context elements there are.
var allElements = []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextOrg, fullstory.ContextLocation, fullstory.ContextDevice}

// withoutUser returns c with the user element taken out, whatever c said:
// out of Include, into Exclude, and its flag set. The API documents no order
// between Include and Exclude, so the user is taken out of both. An Include
// that listed only the user would, emptied, include everything: it then
// excludes everything instead, as it meant to show nothing else.
func withoutUser(c *fullstory.ContextConfig) *fullstory.ContextConfig {
	out := &fullstory.ContextConfig{}
	if c != nil {
		*out = *c
	}
	out.Include = slices.DeleteFunc(slices.Clone(out.Include), func(e fullstory.ContextElement) bool { return e == fullstory.ContextUser })
	if c != nil && len(c.Include) > 0 && len(out.Include) == 0 {
		out.Exclude = slices.Clone(allElements)
	} else if !slices.Contains(out.Exclude, fullstory.ContextUser) {
		out.Exclude = append(slices.Clone(out.Exclude), fullstory.ContextUser)
	}
	out.ExcludeUserContext = fullstory.Ptr(true)
	return out
}
