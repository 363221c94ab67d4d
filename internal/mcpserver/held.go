package mcpserver

import (
	"container/list"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The API has no paging for a session's events or context: one call returns
// them all, up to the Client's 32 MiB cap. The paged tools fetch once, hold
// what they fetched here under a random handle, and hand out pages of it
// with a cursor that names the handle and an offset. What is held is bounded
// in bytes, in entries and in time, so a busy agent cannot grow the server
// without end, and a cursor that outlived its data says so.

// Bounds of what a server holds for paging.
const (
	heldMaxBytes   = 64 << 20         // the JSON size of everything held
	heldMaxEntries = 32               // sessions held at once
	heldIdle       = 15 * time.Minute // an entry unread this long is dropped
)

// held is one fetched session's data, paged out by offset.
type held struct {
	kind  string // "ev" (events) or "cx" (context): a cursor of one kind is refused by the other tool
	size  int64  // the JSON size of the data, what heldMaxBytes counts
	data  any    // *eventsData or *contextData
	used  time.Time
	token string
}

// heldStore is a least-recently-used store of held data, safe for concurrent
// use.
type heldStore struct {
	maxBytes   int64
	maxEntries int
	idle       time.Duration
	now        func() time.Time

	mu      sync.Mutex
	size    int64
	order   *list.List // of *held, most recently used first
	entries map[string]*list.Element
}

func newHeldStore() *heldStore {
	return &heldStore{maxBytes: heldMaxBytes, maxEntries: heldMaxEntries, idle: heldIdle, now: time.Now, order: list.New(), entries: make(map[string]*list.Element)}
}

// put holds data and returns its handle. The newest entry is always held,
// even alone over the byte bound: it is the one being paged.
func (s *heldStore) put(kind string, size int64, data any) string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	h := &held{kind: kind, size: size, data: data, token: hex.EncodeToString(b[:])}
	s.mu.Lock()
	defer s.mu.Unlock()
	h.used = s.now()
	s.expire(h.used)
	for s.order.Len() > 0 && (s.size+size > s.maxBytes || s.order.Len() >= s.maxEntries) {
		s.remove(s.order.Back())
	}
	s.entries[h.token] = s.order.PushFront(h)
	s.size += size
	return h.token
}

// get returns the data held under token, if it is still there and of kind.
func (s *heldStore) get(kind, token string) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	el, ok := s.entries[token]
	if !ok || el.Value.(*held).kind != kind {
		return nil, false
	}
	h := el.Value.(*held)
	h.used = now
	s.order.MoveToFront(el)
	return h.data, true
}

// expire drops the entries unread for s.idle. s.mu is held.
func (s *heldStore) expire(now time.Time) {
	for el := s.order.Back(); el != nil && !now.Before(el.Value.(*held).used.Add(s.idle)); el = s.order.Back() {
		s.remove(el)
	}
}

func (s *heldStore) remove(el *list.Element) {
	h := s.order.Remove(el).(*held)
	delete(s.entries, h.token)
	s.size -= h.size
}

// len returns the number of entries held, for tests.
func (s *heldStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}

// A cursor is "<kind>.<token>.<offset>": opaque to the model, which only
// passes it back.
func makeCursor(kind, token string, offset int) string {
	return kind + "." + token + "." + strconv.Itoa(offset)
}

// parseCursor splits a cursor of kind, refusing any other.
func parseCursor(kind, cursor string) (token string, offset int, ok bool) {
	parts := strings.Split(strings.TrimSpace(cursor), ".")
	if len(parts) != 3 || parts[0] != kind || len(parts[1]) != 24 {
		return "", 0, false
	}
	if _, err := hex.DecodeString(parts[1]); err != nil {
		return "", 0, false
	}
	offset, err := strconv.Atoi(parts[2])
	if err != nil || offset <= 0 {
		return "", 0, false
	}
	return parts[1], offset, true
}
