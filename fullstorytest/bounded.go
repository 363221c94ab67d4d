package fullstorytest

import "slices"

// bounded keeps the last values added to it, at most n of them and at most
// maxBytes of them by their size, so that a long-running server holds a
// bounded log. With n <= 0 it keeps nothing. The Server's mutex guards it.
type bounded[T any] struct {
	n        int
	maxBytes int64
	size     func(T) int64
	vals     []T // oldest first
	bytes    int64
}

// add keeps v and returns the values it pushed out, oldest first: v itself
// when the log keeps nothing or v alone is larger than maxBytes.
func (b *bounded[T]) add(v T) (dropped []T) {
	if b.n <= 0 {
		return []T{v}
	}
	b.vals = append(b.vals, v)
	return b.grow(b.size(v))
}

// grow counts delta more bytes for the values kept (one of them grew) and
// pushes out the oldest values until the log is within its bounds again.
func (b *bounded[T]) grow(delta int64) (dropped []T) {
	b.bytes += delta
	for len(b.vals) > 0 && (len(b.vals) > b.n || b.bytes > b.maxBytes) {
		old := b.vals[0]
		var zero T
		b.vals[0] = zero // let it be collected
		b.vals = b.vals[1:]
		b.bytes -= b.size(old)
		dropped = append(dropped, old)
	}
	return dropped
}

// all returns the values kept, oldest first, in a new slice.
func (b *bounded[T]) all() []T { return slices.Clone(b.vals) }

// reset drops every value.
func (b *bounded[T]) reset() { b.vals, b.bytes = nil, 0 }
