package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/fullstorytest"
	"github.com/summarykit/fullstory-go/internal/shared"
)

var cmdFake = &command{
	name:    "fake",
	args:    "[--addr HOST:PORT]",
	summary: "Serve a fake Fullstory API with demo data, until Ctrl-C",
	help: `Serves the in-memory fake of the API from github.com/summarykit/fullstory-go/fullstorytest,
seeded with demo data: jane@doe.com has several sessions (an abandoned ticket
checkout, support and help pages, pricing pages, an Order Completed). It keeps
profiles while it runs, so tools in any language can be tried against it.

It prints the base URL and the API key as shell exports on stdout (with
--json, as {"base_url", "api_key"}), then serves until Ctrl-C. Port 0 picks
a free port. It listens on loopback addresses only: its API key is public,
and clients send a key over plain http only to a loopback host.

Examples:
  fullstory fake --addr 127.0.0.1:8080
  # in another shell, after pasting the two export lines:
  fullstory profiles create -f examples/profiles/support.json
  fullstory summarize --email jane@doe.com --latest 3 --profile PROFILE_ID
`,
	run: (*app).fake,
}

func (a *app) fake(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments, got %q", pos[0])
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Served by srv below, not by a listener of its own; it runs until
	// Ctrl-C, so it keeps no log of the requests it answers.
	fake := fullstorytest.NewUnstartedServer(fullstorytest.WithRequestLog(0))
	defer fake.Close()
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	baseURL := "http://" + ln.Addr().String()
	if a.g.json {
		err = a.printJSON(map[string]string{"base_url": baseURL, "api_key": fake.APIKey})
	} else {
		_, err = fmt.Fprintf(a.stdout, "export FULLSTORY_BASE_URL=%s\nexport FULLSTORY_API_KEY=%s\n", shellQuote(baseURL), shellQuote(fake.APIKey))
	}
	if err == nil {
		fmt.Fprintf(a.stderr, "fullstory fake: serving the fake Fullstory API with demo data (try --email jane@doe.com) on %s; Ctrl-C stops it\n", baseURL)
		select {
		case err = <-served:
			return err
		case <-ctx.Done():
		}
	}
	// A fake has nothing worth waiting for: Ctrl-C closes every connection,
	// idle or not, and cuts off the requests in flight.
	srv.Close()
	fake.Close()
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// checkLoopback refuses a listening address that is malformed or not on a
// loopback interface.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return usagef("--addr %q: the port must be a number from 0 to 65535", addr)
	}
	if !shared.IsLoopback(host) {
		return usagef("--addr %q is not a loopback address, e.g. 127.0.0.1:8080: the fake's API key is public, and clients send a key over plain http only to a loopback host", addr)
	}
	return nil
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
