package main

import (
	"errors"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// backend is the API the example talks to: the real one, or a fake.
type backend struct {
	client *fullstory.Client
	fake   bool
	close  func()
}

// connect returns a client of the real API when apiKey is set, and otherwise
// one of an in-memory fake seeded with demo data, so that the example runs
// offline and spends no Activations.
func connect(apiKey, baseURL string) (*backend, error) {
	if apiKey == "" {
		if baseURL != "" {
			return nil, errors.New("a base URL needs FULLSTORY_API_KEY too; without a key the example runs on a fake")
		}
		srv := fullstorytest.NewServer()
		return &backend{client: srv.Client(), fake: true, close: srv.Close}, nil
	}
	opts := []fullstory.Option{fullstory.WithUserAgent("quickstart-example")}
	if baseURL != "" {
		opts = append(opts, fullstory.WithBaseURL(baseURL))
	}
	c, err := fullstory.NewClient(apiKey, opts...)
	if err != nil {
		return nil, err
	}
	return &backend{client: c, close: func() {}}, nil
}
