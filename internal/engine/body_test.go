package engine

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// response returns a response whose body is n bytes of 'x', with a
// Content-Length when known is set, as a chunked response has none.
func response(n int, known bool) *http.Response {
	body := bytes.Repeat([]byte("x"), n)
	resp := &http.Response{Body: io.NopCloser(bytes.NewReader(body)), ContentLength: -1}
	if known {
		resp.ContentLength = int64(n)
	}
	return resp
}

func TestReadBodyLimit(t *testing.T) {
	const limit = 1 << 20
	for _, tc := range []struct {
		name    string
		size    int
		known   bool
		tooLong bool
	}{
		{"empty", 0, false, false},
		{"small", 100, false, false},
		{"exactly the limit", limit, false, false},
		{"exactly the limit, with a length", limit, true, false},
		{"one byte over", limit + 1, false, true},
		{"one byte over, with a length", limit + 1, true, true},
		{"far over", 3 * limit, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := response(tc.size, tc.known)
			b, err := readBody(resp, limit)
			assert.Equal(t, http.NoBody, resp.Body, "the body is left readable")
			if tc.tooLong {
				require.ErrorIs(t, err, ErrBodyTooLarge)
				assert.Nil(t, b)
				return
			}
			require.NoError(t, err)
			assert.Len(t, b, tc.size)
		})
	}
}

// A Content-Length over the limit is refused before a byte is read.
func TestReadBodyRefusesALengthOverTheLimit(t *testing.T) {
	r := &countingReader{}
	resp := &http.Response{Body: io.NopCloser(r), ContentLength: 2 << 20}
	_, err := readBody(resp, 1<<20)
	require.ErrorIs(t, err, ErrBodyTooLarge)
	assert.Zero(t, r.reads)
}

type countingReader struct{ reads int }

func (r *countingReader) Read(p []byte) (int, error) { r.reads++; return len(p), nil }

// A body of unknown length over the limit allocates about twice the limit
// in all (the doubling buffers) and never a buffer larger than limit+1.
func TestReadBodyAllocationIsBounded(t *testing.T) {
	const limit = 4 << 20
	resp := response(3*limit, false)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readBody(resp, limit)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrBodyTooLarge)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.LessOrEqual(t, allocated, uint64(2*limit+limit/4), "allocated %d KiB to refuse a body over %d KiB", allocated>>10, limit>>10)
}

func TestReadBodyPassesOnReadErrors(t *testing.T) {
	boom := errors.New("connection reset")
	resp := &http.Response{Body: io.NopCloser(io.MultiReader(bytes.NewReader([]byte("{\"a\":")), errReader{boom})), ContentLength: -1}
	_, err := readBody(resp, 1<<20)
	assert.ErrorIs(t, err, boom)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
