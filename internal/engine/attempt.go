package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// result is what one attempt got.
type result struct {
	status int // 0: no usable response
	header http.Header
	body   []byte
	err    error
}

// send makes one attempt of req under the policy's per-attempt timeout, which
// bounds it from sending the request to reading the whole body. The body is
// read here, so that a body cut off halfway is a failure of the attempt, as a
// broken connection is.
func send(ctx context.Context, r *Request, req *http.Request) result {
	actx := ctx
	if r.Policy.Timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, r.Policy.Timeout)
		defer cancel()
	}
	req = req.WithContext(actx)
	if r.Body != nil {
		// A fresh reader per attempt replays the body byte for byte;
		// GetBody lets a same-host 307/308 re-send it too.
		req.Body = io.NopCloser(bytes.NewReader(r.Body))
		req.ContentLength = int64(len(r.Body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(r.Body)), nil }
	}
	resp, err := r.HTTP.Do(req)
	if err != nil {
		return result{err: err}
	}
	body, err := readBody(resp, r.Policy.MaxBody)
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return result{status: resp.StatusCode, header: resp.Header, err: err}
	case err != nil:
		// No usable response: the attempt failed like a broken connection.
		return result{err: fmt.Errorf("reading the response body: %w", err)}
	}
	return result{status: resp.StatusCode, header: resp.Header, body: body}
}
