// Package mcpserver is the Model Context Protocol server behind `fullstory
// mcp`: the tools an agent calls to find a user's sessions, read them for
// free and summarize them within a spending cap, on the official Go SDK
// (github.com/modelcontextprotocol/go-sdk).
//
// New returns the server for a Client; ServeStdio and ServeHTTP serve it.
// The Client must be built with a Guard's ClientOptions, so that every
// summary takes an Activation from the run's cap and asking again for the
// same summary is answered from the cache, for free.
//
// The package fullstory never imports this one: the SDK and what it brings
// (jwt, oauth2, x/tools) stay out of a library user's binary.
package mcpserver

import (
	"errors"
	"log/slog"
	"maps"
	"slices"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	fullstory "github.com/summarykit/fullstory-go"
)

// The tool names: the contract with agents and their prompts.
const (
	ToolListSessions      = "list_sessions"
	ToolGetSessionEvents  = "get_session_events"
	ToolGetSessionContext = "get_session_context"
	ToolSummarizeSession  = "summarize_session"
	ToolListProfiles      = "list_profiles"
	ToolGetProfile        = "get_profile"
	ToolCreateProfile     = "create_profile"
	ToolUpdateProfile     = "update_profile"
)

// Options say which tools a server offers and how.
type Options struct {
	// Guard caps what summaries may spend and caches them. The Client given
	// to New must be built with Guard.ClientOptions(). Required unless
	// ReadOnly.
	Guard *Guard
	// ReadOnly leaves summarize_session out, so that nothing can spend an
	// Activation.
	ReadOnly bool
	// AllowWrites offers create_profile and update_profile, which change the
	// account's prompt profiles.
	AllowWrites bool
	// ExcludeUserContext keeps the user part of a session's context (display
	// name, email, user properties) away from the agent: get_session_context
	// leaves it out, and summarize_session asks the API not to show it to the
	// LLM that writes the summary.
	ExcludeUserContext bool
	// Secrets are values no result or error may hold, such as the API key:
	// each is replaced wherever it appears, also in a server's echo of it.
	Secrets []string
	// Logger receives a line per tool call (name, duration, whether it
	// failed; never the arguments) and the SDK's own logs. Nil: no logging.
	Logger *slog.Logger
}

// server is the state the tools share.
type server struct {
	client *fullstory.Client
	opts   Options
	held   *heldStore
	args   map[string][]string // each tool's argument names, for the errors about them
}

// New returns an MCP server whose tools call the Fullstory API through
// client. It refuses a nil client, and a server that may summarize (not
// ReadOnly) without a Guard.
func New(client *fullstory.Client, opts Options) (*mcp.Server, error) {
	_, srv, err := build(client, opts)
	return srv, err
}

// build is New, with the state the tools share, for tests.
func build(client *fullstory.Client, opts Options) (*server, *mcp.Server, error) {
	if client == nil {
		return nil, nil, errors.New("mcpserver: the client is nil")
	}
	if !opts.ReadOnly && opts.Guard == nil {
		return nil, nil, errors.New("mcpserver: a server that may summarize needs a Guard (or ReadOnly)")
	}
	s := &server{client: client, opts: opts, held: newHeldStore(), args: map[string][]string{}}
	srv := mcp.NewServer(&mcp.Implementation{Name: "fullstory", Title: "Fullstory sessions and summaries", Version: fullstory.Version}, &mcp.ServerOptions{
		Instructions: s.instructions(),
		Logger:       opts.Logger,
		// No "logging" capability: MCP logging is deprecated, and logs go
		// to stderr. Tools are inferred from the tools added.
		Capabilities: &mcp.ServerCapabilities{},
	})
	srv.AddReceivingMiddleware(s.boundary)
	s.addSessionTools(srv)
	if !opts.ReadOnly {
		s.addSummarizeTool(srv)
	}
	s.addProfileTools(srv)
	return s, srv, nil
}

func (s *server) instructions() string {
	text := "Tools to read a Fullstory user's sessions and have them summarized. Find sessions with " +
		ToolListSessions + " (by email, uid or session uid), read what happened with " + ToolGetSessionContext +
		" or " + ToolGetSessionEvents + " (free), and ask for a summary with " + ToolSummarizeSession +
		" only when the free reads are not enough: each new summary spends one of the account's paid Activations."
	if s.opts.ReadOnly {
		text = "Tools to read a Fullstory user's sessions, for free. Find sessions with " + ToolListSessions +
			" (by email, uid or session uid) and read what happened with " + ToolGetSessionContext + " or " + ToolGetSessionEvents +
			". This server offers no summaries."
	} else {
		text += " This server run may spend at most " + itoa(s.opts.Guard.Max()) + " Activations; asking again for a summary already made is free."
	}
	return text + " A session is named by the \"session\" argument (userId:sessionId, as " + ToolListSessions + " returns it), a prompt profile by \"profile\" (its id, from " + ToolListProfiles + ")."
}

// Annotations that tell the truth. Every tool works on one Fullstory account
// only: a closed world.
func readOnly(title string) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, DestructiveHint: jsonschema.Ptr(false), IdempotentHint: true, OpenWorldHint: jsonschema.Ptr(false)}
}

// addTool adds a typed tool whose input schema is inferred from In, then
// adjusted by tweak (bounds, which struct tags cannot say).
func addTool[In, Out any](s *server, srv *mcp.Server, t *mcp.Tool, h mcp.ToolHandlerFor[In, Out], tweak func(props map[string]*jsonschema.Schema)) {
	in, err := jsonschema.For[In](nil)
	if err != nil {
		panic("mcpserver: input schema of " + t.Name + ": " + err.Error()) // a programming error, caught by every test
	}
	if tweak != nil {
		tweak(in.Properties)
	}
	t.InputSchema = in
	s.args[t.Name] = slices.Sorted(maps.Keys(in.Properties))
	mcp.AddTool(srv, t, h)
}

// bounds sets the range of an integer argument.
func bounds(p *jsonschema.Schema, lo, hi float64) {
	p.Minimum, p.Maximum = jsonschema.Ptr(lo), jsonschema.Ptr(hi)
}

// textResult is a result whose text is short; the data is in the
// structured content.
func textResult(text string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}
}
