package retry

import (
	"context"
	"io"
	"net/http"
)

// Transport is the per-attempt layer under retryablehttp: it waits for the
// Client's Gate, then bounds the attempt by the call's Policy.Timeout, from
// sending the request to closing the response body. The caller's context
// keeps bounding the whole call.
type Transport struct {
	Base http.RoundTripper
	Gate *Gate // nil: no shared pause or rate limit
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.Gate.Wait(req.Context()); err != nil {
		return nil, err
	}
	c := callFrom(req.Context())
	if c != nil && c.Attempts > 0 && t.Gate != nil {
		t.Gate.Retries.Add(1)
	}
	if c == nil {
		return t.Base.RoundTrip(req)
	}
	if c.Timeout <= 0 {
		resp, err := t.Base.RoundTrip(req)
		if err == nil {
			t.Gate.observe(resp)
		}
		return resp, err
	}
	ctx, cancel := context.WithTimeout(req.Context(), c.Timeout)
	resp, err := t.Base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	t.Gate.observe(resp)
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
