package demo

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// Backend is the API an example talks to, as the arguments of
// fullstory.NewClient: the real API, or an in-memory fake seeded with demo
// data.
type Backend struct {
	// APIKey is the key to create the client with: the caller's, or the
	// fake's.
	APIKey string
	// Options are the options to create the client with: the user agent,
	// and the base URL of the fake or the caller's, if any.
	Options []fullstory.Option
	// Fake reports whether the backend is the in-memory fake, whose
	// profiles vanish with it.
	Fake bool

	close func()
}

// Connect returns the real API when apiKey is set, and otherwise starts an
// in-memory fake of package fullstorytest, so that an example runs offline
// and spends no Activations, and says so on w. baseURL, if set, replaces the
// API's host, and needs a key. userAgent names the example in its requests.
// The caller must Close the backend.
func Connect(w io.Writer, apiKey, baseURL, userAgent string) (*Backend, error) {
	opts := []fullstory.Option{fullstory.WithUserAgent(userAgent)}
	if apiKey == "" {
		if baseURL != "" {
			return nil, errors.New("a base URL needs FULLSTORY_API_KEY too; without a key the example runs on a fake")
		}
		srv := fullstorytest.NewServer()
		fmt.Fprintln(w, "Running offline on the in-memory fake Fullstory API (set FULLSTORY_API_KEY to call the real one).")
		// A transport of our own, so that Close can close its idle
		// connections and leave no goroutine behind.
		tr := &http.Transport{}
		opts = append(opts, fullstory.WithBaseURL(srv.URL), fullstory.WithHTTPClient(&http.Client{Transport: tr}))
		return &Backend{APIKey: srv.APIKey, Options: opts, Fake: true, close: func() {
			srv.Close()
			tr.CloseIdleConnections()
		}}, nil
	}
	if baseURL != "" {
		opts = append(opts, fullstory.WithBaseURL(baseURL))
	}
	return &Backend{APIKey: apiKey, Options: opts}, nil
}

// Close stops the fake, if the backend is one.
func (b *Backend) Close() {
	if b.close != nil {
		b.close()
	}
}
