package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/fullstorytest"
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
a free port.

Examples:
  fullstory fake --addr 127.0.0.1:8080
  # in another shell, after pasting the two export lines:
  fullstory profiles create -f examples/profiles/support.json
  fullstory summarize --email jane@doe.com --latest 3 --profile PROFILE_ID
`,
	run: (*app).fake,
}

// shutdownTimeout bounds how long the fake waits for requests in flight
// after Ctrl-C.
const shutdownTimeout = 5 * time.Second

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
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fake := fullstorytest.NewUnstartedServer() // served by srv below, not by a listener of its own
	defer fake.Close()
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	baseURL := "http://" + dialAddr(ln.Addr())
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
	sctx, cancel := detach(ctx, shutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(sctx); err == nil {
		err = serr
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// dialAddr returns the address clients dial for a listener: a loopback one
// when it listens on every interface.
func dialAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
