package retry

import (
	"context"
	"io"
	"net/http"
)

// Transport bounds each attempt of a call by the call's Policy.Timeout, from
// sending the request to closing the response body. The caller's context
// keeps bounding the whole call.
type Transport struct {
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := callFrom(req.Context())
	if c == nil || c.Timeout <= 0 {
		return t.Base.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), c.Timeout)
	resp, err := t.Base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases the attempt's timer once the body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
