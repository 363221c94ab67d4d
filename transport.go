package fullstory

import (
	"errors"
	"net/http"

	"github.com/summarykit/fullstory-go/internal/retry"
)

// newTransport returns a transport like http.DefaultTransport that keeps as
// many idle connections to the API host as callers use at once, instead of
// the default two, which churns connections under concurrency.
func newTransport() *http.Transport {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	return t
}

// wrapHTTPClient returns a copy of hc (or of a default client) whose
// transport bounds each attempt and whose redirects never leave the host.
// The caller's client is not changed.
func wrapHTTPClient(hc *http.Client, defaultTransport http.RoundTripper, gate *retry.Gate) *http.Client {
	var out http.Client
	if hc != nil {
		out = *hc
	}
	base := out.Transport
	if base == nil {
		base = defaultTransport
	}
	out.Transport = &retry.Transport{Base: base, Gate: gate}
	next := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme {
			return http.ErrUseLastResponse // the key must not leave the API host
		}
		if req.Method != first.Method {
			// A 301/302/303 turns a POST into a bodiless GET, which could
			// "succeed" without anything being created: return the redirect.
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &out
}
