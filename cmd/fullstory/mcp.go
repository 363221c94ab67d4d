package main

import (
	"context"
	"log/slog"
	"net"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/mcpserver"
)

var cmdMCP = &command{
	name: "mcp",
	args: "[--http ADDR [--allow-remote]] [--max-activations N] [--read-only] [--allow-writes] [--exclude-user-context]",
	// The host stops it (closing stdin, or a signal): nothing to clean up.
	untilInterrupted: true,
	summary:          "Serve the Model Context Protocol, so AI agents can read and summarize sessions",
	help: `Serves tools for AI agents over the Model Context Protocol, on stdio for a
host that starts it (Claude Desktop, Claude Code, VS Code, Cursor, ...), or
on streamable HTTP with --http. The tools: list_sessions, get_session_events,
get_session_context, list_profiles and get_profile are free; summarize_session
spends one Activation per new summary. With --allow-writes, create_profile and
update_profile change the account's prompt profiles.

Every run has a spending cap: at most --max-activations summaries (default 5),
then summarize_session refuses, saying so. Asking again for a summary made in
this run is free (a cache), and identical summaries asked at once share one
request. The results say whether a summary was spent, shared or cached. A
summary the agent cancels after it was sent may still be billed.

The tools return session data as it is, the user's email and name included;
--exclude-user-context keeps the user part of the context from the agent and
from the LLM that writes the summaries.

The API key comes from FULLSTORY_API_KEY only (--fake needs none). On stdio,
stdout carries nothing but the protocol; --verbose logs each request and
tool call to stderr (never the key, an email or a uid). The server ends when the host closes its stdin.

--http ADDR serves http://ADDR/mcp on a loopback address unless
--allow-remote, always behind a bearer token read from FULLSTORY_MCP_TOKEN
(at least 16 characters): any local process could otherwise spend
Activations. Beyond loopback, put TLS in front of it.

A host's configuration (e.g. claude_desktop_config.json):
  {"mcpServers": {"fullstory": {"command": "fullstory",
    "args": ["mcp", "--max-activations", "10"],
    "env": {"FULLSTORY_API_KEY": "..."}}}}

Examples:
  fullstory --fake mcp
  fullstory mcp --max-activations 20 --exclude-user-context
  fullstory mcp --read-only
  export FULLSTORY_MCP_TOKEN=$(openssl rand -hex 32)
  fullstory mcp --http 127.0.0.1:8765
`,
	options: func() options {
		return &mcpOptions{cap: spendCap{n: mcpserver.DefaultMaxActivations, set: true}}
	},
}

// mcpOptions are the flags of one server run.
type mcpOptions struct {
	addr     string // --http: streamable HTTP on it, else stdio
	remote   bool
	cap      spendCap
	readOnly bool
	writes   bool
	noUser   bool
}

func (o *mcpOptions) declare(f *flagSet) {
	f.stringVar(&o.addr, "http", "serve streamable HTTP on `ADDR`, e.g. 127.0.0.1:8765, with the bearer token in FULLSTORY_MCP_TOKEN (default: stdio)")
	f.boolVar(&o.remote, "allow-remote", "with --http, allow an ADDR that is not a loopback one")
	o.cap.declare(f)
	f.boolVar(&o.readOnly, "read-only", "leave out summarize_session: nothing can spend an Activation")
	f.boolVar(&o.writes, "allow-writes", "offer create_profile and update_profile, which change the account's prompt profiles")
	f.boolVar(&o.noUser, "exclude-user-context", "keep the user part of a session's context (name, email, user properties) from the agent and from the summaries")
}

func (o *mcpOptions) validate(args []string, f *flagSet) error {
	if err := noArgs(args); err != nil {
		return err
	}
	switch {
	case o.readOnly && f.given("max-activations"):
		return usagef("--max-activations does not apply with --read-only, which offers no summaries")
	case o.remote && o.addr == "":
		return usagef("--allow-remote goes with --http")
	}
	return nil
}

func (o *mcpOptions) run(ctx context.Context, a *app) error {
	if a.g.json {
		return usagef("takes no --json: it speaks JSON-RPC on stdout already")
	}
	token := a.env("FULLSTORY_MCP_TOKEN")
	if o.addr != "" && len(token) < mcpserver.MinTokenLen {
		return &usageError{msg: "--http needs a bearer token of at least 16 characters in FULLSTORY_MCP_TOKEN, e.g. export FULLSTORY_MCP_TOKEN=$(openssl rand -hex 32); hosts send it as Authorization: Bearer <token>"}
	}
	opts := mcpserver.Options{ReadOnly: o.readOnly, AllowWrites: o.writes, ExcludeUserContext: o.noUser, Secrets: []string{a.env("FULLSTORY_API_KEY"), token}}
	if a.g.verbose {
		opts.Logger = slog.New(slog.NewTextHandler(a.stderr, nil))
	}
	var clientOpts []fullstory.Option
	if !o.readOnly {
		g, err := mcpserver.NewGuard(int64(o.cap.n))
		if err != nil {
			return err
		}
		opts.Guard, clientOpts = g, g.ClientOptions()
	}
	c, err := a.client(clientOpts...)
	if err != nil {
		return err
	}
	srv, err := mcpserver.New(c, opts)
	if err != nil {
		return err
	}
	if o.addr != "" {
		return a.serveMCPHTTP(ctx, srv, o.addr, o.remote, token, opts.Logger)
	}
	// Only protocol may reach the host on stdout: whatever else would print
	// there goes to stderr while the server runs.
	out := a.stdout
	if f, ok := out.(*os.File); ok && f == os.Stdout {
		os.Stdout = os.Stderr
		defer func() { os.Stdout = f }()
	}
	if a.g.verbose && o.readOnly {
		a.notef("fullstory mcp: serving MCP on stdio, read-only: no summaries")
	} else if a.g.verbose {
		a.notef("fullstory mcp: serving MCP on stdio; at most %d Activations this run", o.cap.n)
	}
	err = mcpserver.ServeStdio(ctx, srv, a.stdin, out)
	if ctx.Err() != nil {
		return nil // stopped by a signal, as a host stops it
	}
	return err
}

func (a *app) serveMCPHTTP(ctx context.Context, srv *mcp.Server, addr string, remote bool, token string, logger *slog.Logger) error {
	h, err := mcpserver.HTTPHandler(srv, token, logger)
	if err != nil {
		return usagef("%v", err)
	}
	ln, err := mcpserver.Listen(addr, remote)
	if err != nil {
		return usagef("--http %v", err)
	}
	tcp := ln.Addr().(*net.TCPAddr)
	if !tcp.IP.IsLoopback() {
		a.notef("fullstory mcp: listening beyond loopback on %s: the bearer token crosses the network in the clear unless TLS is in front", ln.Addr())
	}
	a.notef("fullstory mcp: serving MCP on http://%s%s (Authorization: Bearer $FULLSTORY_MCP_TOKEN); Ctrl-C stops it", ln.Addr(), mcpserver.HTTPPath)
	return mcpserver.ServeHTTP(ctx, ln, h)
}
