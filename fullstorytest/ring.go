package fullstorytest

import "slices"

// ring keeps the last n values added to it, so that a long-running server
// holds a bounded log. With n <= 0 it keeps nothing.
type ring[T any] struct {
	n    int
	vals []T
	next int // once vals is full, the index of the oldest value: the next to go
}

// add keeps v and returns the value it pushed out, if any: the oldest, or
// v itself when the ring keeps nothing.
func (r *ring[T]) add(v T) (old T, pushed bool) {
	switch {
	case r.n <= 0:
		return v, true
	case len(r.vals) < r.n:
		r.vals = append(r.vals, v)
		return old, false
	}
	old, r.vals[r.next] = r.vals[r.next], v
	r.next = (r.next + 1) % r.n
	return old, true
}

// all returns the values kept, oldest first, in a new slice.
func (r *ring[T]) all() []T {
	return slices.Concat(r.vals[r.next:], r.vals[:r.next])
}

// reset drops every value.
func (r *ring[T]) reset() {
	r.vals, r.next = nil, 0
}
