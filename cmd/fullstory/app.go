package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// app is one run of the command: its streams, its environment, the global
// flags and what must be released when it ends.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string

	g       globalFlags
	cmd     *command // the command being run, for error messages
	closers []func()
}

// globalFlags are accepted before the command and among its own flags.
type globalFlags struct {
	baseURL string
	region  string
	timeout time.Duration
	verbose bool
	json    bool
	fake    bool
}

// globalFlagNames lists the global flags, so that help can show them apart.
var globalFlagNames = map[string]bool{"base-url": true, "region": true, "timeout": true, "verbose": true, "json": true, "fake": true}

// register adds the global flags to fs. Their defaults are the values parsed
// so far, so that flags given before the command survive a second FlagSet.
func (g *globalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.baseURL, "base-url", g.baseURL, "send requests to `URL` (https, or http to a loopback host); default $FULLSTORY_BASE_URL, else from --region or the key")
	fs.StringVar(&g.region, "region", g.region, "the data center `REGION`: na1 or eu1 (default: eu1 for a key that starts with eu1., else na1)")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "bound each attempt of a call by `DURATION`, e.g. 45s (default 30s, 120s for summaries)")
	fs.BoolVar(&g.verbose, "verbose", g.verbose, "log each request to stderr: method, path, status, attempt (never the key, email or uid)")
	fs.BoolVar(&g.json, "json", g.json, "print exactly one JSON document on stdout, for scripts")
	fs.BoolVar(&g.fake, "fake", g.fake, "run against an in-process fake API with demo data (jane@doe.com); no key needed")
}

// client returns a Client for the global flags and the environment: the
// fake's with --fake, else one with the key in FULLSTORY_API_KEY.
func (a *app) client() (*fullstory.Client, error) {
	if a.g.timeout < 0 {
		return nil, usagef("--timeout must be positive")
	}
	opts := []fullstory.Option{fullstory.WithUserAgent("fullstory-cli/" + fullstory.Version)}
	if a.g.timeout > 0 {
		opts = append(opts, fullstory.WithTimeout(a.g.timeout))
	}
	if a.g.verbose {
		opts = append(opts, fullstory.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if a.g.fake {
		srv := fullstorytest.NewServer()
		a.closers = append(a.closers, srv.Close)
		return srv.Client(opts...), nil
	}
	if a.g.region != "" {
		opts = append(opts, fullstory.WithRegion(fullstory.Region(a.g.region)))
	}
	base := a.g.baseURL
	if base == "" {
		base = a.env("FULLSTORY_BASE_URL")
	}
	if base != "" {
		opts = append(opts, fullstory.WithBaseURL(base))
	}
	key := a.env("FULLSTORY_API_KEY")
	if key == "" {
		return nil, &usageError{msg: "FULLSTORY_API_KEY is not set: export a Fullstory server API key (Admin or Architect role), or add --fake to try the demo data"}
	}
	return fullstory.NewClient(key, opts...)
}

// close releases what the run started, such as the --fake server.
func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// detach returns a context for cleanup that outlives ctx's cancellation
// (Ctrl-C) but not the given time.
func detach(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}
