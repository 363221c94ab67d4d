package mcpserver

import (
	"encoding/json"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// Bounds of one paged result. No result goes over maxResultBytes, whatever
// the model asks: the items of a page fit in pageBudget, which leaves room
// for the rest of the result (the text, the page's other fields, the
// JSON-RPC envelope).
const (
	maxResultBytes   = 1 << 20
	pageBudget       = maxResultBytes - 64<<10
	defaultPageItems = 200
	maxPageItems     = 1000
)

// span returns where the page of n items that starts at offset ends: at
// most limit items whose cost (their JSON size, with what introduces them)
// fits in budget, and always at least one, so that paging moves on. An item
// too large for a page alone was trimmed when it was fetched.
func span(n, offset, limit, budget int, cost func(i int, first bool) int) int {
	end, used := offset, 0
	for end < n && end-offset < limit {
		c := cost(end, end == offset)
		if end > offset && used+c > budget {
			break
		}
		used += c
		end++
	}
	return end
}

// jsonSize is the size of v's JSON, as the result carries it.
func jsonSize(v any) int {
	data, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(data)
}

// pageLimit reads a "limit" argument of a paged tool: 0 is the default.
func pageLimit(limit int) int {
	if limit <= 0 {
		return defaultPageItems
	}
	return min(limit, maxPageItems)
}

// nextText says how to get the next page, for the model that reads only
// the text.
func nextText(b *strings.Builder, tool, cursor string) {
	if cursor == "" {
		b.WriteString(" This is the last page.")
		return
	}
	b.WriteString(" Next page: call " + tool + " with cursor " + cursor + ".")
}

// paged is what a paged tool holds of a session.
type paged interface {
	sessionID() fullstory.SessionID
	length() int
}

// resume finds what a cursor of kind points into, for tool: the held data,
// its handle and the offset of the page asked for. session, if given, must
// be the cursor's.
func (s *server) resume(tool, kind, cursor, session string) (data paged, token string, offset int, err error) {
	token, offset, ok := parseCursor(kind, cursor)
	if !ok {
		return nil, "", 0, argError("cursor", "is not a cursor of %s; pass next_cursor exactly as a result gave it", tool)
	}
	v, ok := s.held.get(kind, token)
	if !ok {
		return nil, "", 0, argError("cursor", "has expired (the server holds a fetched session for 15 idle minutes, and a few sessions at a time); call %s again without cursor, for free, and page from there", tool)
	}
	data = v.(paged)
	if session != "" {
		id, err := parseSession(session)
		if err != nil {
			return nil, "", 0, err
		}
		if id != data.sessionID() {
			return nil, "", 0, argError("cursor", "belongs to another session (%s); leave session out, or pass the cursor of this session's previous result", data.sessionID())
		}
	}
	if offset >= data.length() {
		return nil, "", 0, argError("cursor", "points past the end of what %s holds", tool)
	}
	return data, token, offset, nil
}

// firstSession reads the session argument of a paged tool's first call.
func firstSession(raw string) (fullstory.SessionID, error) {
	if strings.TrimSpace(raw) == "" {
		return fullstory.SessionID{}, argError("session", "is required for the first page (or give the cursor of a previous page)")
	}
	return parseSession(raw)
}
