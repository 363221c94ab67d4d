package mcpserver

import (
	"encoding/json"
	"strings"
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
