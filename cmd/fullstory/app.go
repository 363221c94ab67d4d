package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// app is one run of the command: its streams, its environment, the global
// flags and what must be released when it ends.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string
	abort          <-chan struct{} // closed at the second interrupt

	con     console // what stdout and stderr are: terminals, how wide
	g       globalFlags
	cmd     *command // the command being run, for messages
	closers []func()

	// spend is the Client of a command that summarizes, and its cap; nil
	// for the others. After Ctrl-C, exit says what it spent.
	spend *spending
	// cleanedUp says what the command cleaned up, for the same message.
	cleanedUp []string

	// quietInterrupt is set while a command runs that Ctrl-C ends as it
	// should; runCommand's watcher reads it.
	quietInterrupt atomic.Bool
}

// client returns a Client for the global flags, the environment and opts:
// the fake's with --fake, else one with the key in FULLSTORY_API_KEY.
func (a *app) client(opts ...fullstory.Option) (*fullstory.Client, error) {
	opts = append(opts, fullstory.WithUserAgent("fullstory-cli/"+fullstory.Version))
	if a.g.timeout > 0 {
		opts = append(opts, fullstory.WithTimeout(a.g.timeout))
	}
	if a.g.verbose {
		opts = append(opts, fullstory.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if a.g.region != "" {
		opts = append(opts, fullstory.WithRegion(fullstory.Region(a.g.region)))
	}
	key, base := a.env("FULLSTORY_API_KEY"), cmp.Or(a.g.baseURL, a.env("FULLSTORY_BASE_URL"))
	if a.g.fake {
		if a.g.baseURL != "" || a.g.region != "" {
			return nil, usagef("--fake takes no --base-url or --region: it runs against an in-process fake")
		}
		srv := fullstorytest.NewServer()
		a.closers = append(a.closers, srv.Close)
		key, base = srv.APIKey, srv.URL
	}
	if base != "" {
		opts = append(opts, fullstory.WithBaseURL(base))
	}
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

// runCommand runs the command line. Should ctx end while the command runs
// (the first Ctrl-C), it says so on stderr at once, since stopping calls in
// flight and deleting temporary profiles may take a moment.
func (a *app) runCommand(ctx context.Context, args []string) error {
	if ctx.Err() != nil {
		return a.dispatch(ctx, args)
	}
	var once sync.Once
	say := func() {
		once.Do(func() {
			if a.quietInterrupt.Load() {
				return
			}
			if a.con.stderrTTY {
				fmt.Fprint(a.stderr, "\r\x1b[K") // over the progress line, if any
			}
			fmt.Fprintln(a.stderr, "fullstory: interrupted, cleaning up…")
		})
	}
	done, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
			say()
		case <-done:
		}
	}()
	err := a.dispatch(ctx, args)
	close(done)
	<-watched
	if ctx.Err() != nil {
		say() // when the command ended before the watcher saw ctx end
	}
	return err
}

// syncWriter serializes writes to stderr, which progress lines, the
// interrupt notice and --verbose logs share.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
