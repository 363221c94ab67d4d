package engine

import (
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ErrBodyTooLarge is returned when a response body exceeds Policy.MaxBody.
var ErrBodyTooLarge = errors.New("response body too large")

// ErrBadEncoding is returned when a response body is not in the
// Content-Encoding its headers name: net/http decompresses a gzip body
// itself, and one that is not gzip fails the same way on every attempt.
var ErrBadEncoding = errors.New("the body is not the gzip its Content-Encoding says")

// badEncoding reports whether err, from reading the body of resp, says the
// body is not what its Content-Encoding says, rather than that the
// connection broke (a gzip stream cut short ends in io.ErrUnexpectedEOF,
// which is not).
func badEncoding(resp *http.Response, err error) bool {
	var corrupt flate.CorruptInputError
	return resp.Uncompressed && (errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt))
}

// readBody reads at most limit bytes of resp's body and closes it.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if limit > 0 && resp.ContentLength > limit {
		resp.Body = http.NoBody
		return nil, fmt.Errorf("%w: Content-Length %d is over the %d MiB limit", ErrBodyTooLarge, resp.ContentLength, limit>>20)
	}
	size := 512
	if resp.ContentLength > 0 {
		size = int(resp.ContentLength) + 1 // +1 to see EOF without growing
	}
	b := make([]byte, 0, size)
	for {
		if limit > 0 && int64(len(b)) > limit {
			resp.Body = http.NoBody
			return nil, fmt.Errorf("%w: over the %d MiB limit", ErrBodyTooLarge, limit>>20)
		}
		if len(b) == cap(b) {
			// Double, so that reading n bytes copies about n bytes in all,
			// but never past the one byte over the limit that proves a body
			// too large: a 32 MiB limit never takes a 64 MiB buffer.
			newCap := 2 * cap(b)
			if limit > 0 && int64(newCap) >= limit {
				newCap = int(limit + 1)
			}
			grown := make([]byte, len(b), newCap)
			copy(grown, b)
			b = grown
		}
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			resp.Body = http.NoBody
			if limit > 0 && int64(len(b)) > limit {
				return nil, fmt.Errorf("%w: over the %d MiB limit", ErrBodyTooLarge, limit>>20)
			}
			return b, nil
		}
		if err != nil {
			resp.Body = http.NoBody
			return nil, err
		}
	}
}
