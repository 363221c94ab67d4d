package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	fullstory "github.com/summarykit/fullstory-go"
)

// SummarizeInput are the arguments of summarize_session.
type SummarizeInput struct {
	Session string `json:"session" jsonschema:"The session: \"userId:sessionId\" as list_sessions returns it (other forms: userId%3AsessionId, userId!sessionId, or a Fullstory app URL ending in /session/userId:sessionId)"`
	Profile string `json:"profile,omitempty" jsonschema:"A prompt profile id (from list_profiles) that says what the summary is about and how it answers; leave it out for a generic synopsis of the user's experience"`
}

// SummarizeOutput is the result of summarize_session.
type SummarizeOutput struct {
	Session  string `json:"session" jsonschema:"The session, userId:sessionId"`
	Profile  string `json:"profile,omitempty" jsonschema:"The profile the summary was written with"`
	Summary  string `json:"summary,omitempty" jsonschema:"The summary the LLM wrote"`
	Response any    `json:"response,omitempty" jsonschema:"The structured answer, when the profile has a response schema"`
	Source   string `json:"source" jsonschema:"How this call got the summary: api (a new summary: it spent one Activation), shared (an identical call in flight at the same time made it: nothing more spent) or cache (made earlier in this run: nothing spent)"`
	// The cap's state after this call.
	ActivationsLeft int64 `json:"activations_left" jsonschema:"How many more Activations this server run may spend"`
	MaxActivations  int64 `json:"max_activations" jsonschema:"The most this server run may spend (--max-activations)"`
}

func (s *server) addSummarizeTool(srv *mcp.Server) {
	g := s.opts.Guard
	desc := fmt.Sprintf("Has Fullstory's LLM summarize one session, optionally with a prompt profile. "+
		"COST: each new summary spends one of the account's paid Activations (about 1,000 a month for a whole company); this server run may spend at most %d. "+
		"Asking again for a summary already made in this run (same session and profile) is free: the result's source says api (spent), shared or cache (free). "+
		"Read the session with get_session_context first (free) and summarize only when that is not enough. "+
		"A call cancelled or timed out after it was sent may still be billed.", g.Max())
	if s.opts.ExcludeUserContext {
		desc += " This server asks the API not to show the LLM the user part of the context (name, email, user properties)."
	}
	falseP := jsonschema.Ptr(false)
	addTool(s, srv, &mcp.Tool{
		Name:        ToolSummarizeSession,
		Title:       "Summarize a session (spends 1 Activation)",
		Description: desc,
		Annotations: &mcp.ToolAnnotations{Title: "Summarize a session (spends 1 Activation)", ReadOnlyHint: false, DestructiveHint: falseP, IdempotentHint: false, OpenWorldHint: falseP},
	}, s.summarize, nil)
}

func (s *server) summarize(ctx context.Context, _ *mcp.CallToolRequest, in SummarizeInput) (*mcp.CallToolResult, SummarizeOutput, error) {
	id, err := parseSession(in.Session)
	if err != nil {
		return nil, SummarizeOutput{}, err
	}
	profile := strings.TrimSpace(in.Profile)
	req, err := s.summarizeRequest(ctx, profile)
	if err != nil {
		return nil, SummarizeOutput{}, err
	}
	sum, err := s.client.Sessions.Summarize(ctx, id, req)
	if err != nil {
		return nil, SummarizeOutput{}, s.summaryError(ctx, err)
	}
	g := s.opts.Guard
	out := SummarizeOutput{Session: id.String(), Profile: profile, Summary: sum.Text, Source: sum.Source.String(), ActivationsLeft: g.Remaining(), MaxActivations: g.Max()}
	if len(sum.Response) > 0 {
		var v any
		if err := json.Unmarshal(sum.Response, &v); err == nil {
			out.Response = v
		}
	}
	var b strings.Builder
	switch sum.Source {
	case fullstory.SummaryFromCache:
		b.WriteString("Summary (from this run's cache: nothing spent")
	case fullstory.SummaryFromShared:
		b.WriteString("Summary (shared with an identical call in flight: nothing more spent")
	default:
		b.WriteString("Summary (new: spent 1 Activation")
	}
	fmt.Fprintf(&b, "; %d of %d left in this server run) of session %s:\n", out.ActivationsLeft, out.MaxActivations, out.Session)
	if sum.Text != "" {
		b.WriteString(sum.Text)
	} else {
		b.WriteString("(no text: the structured answer is in response)")
	}
	return textResult(b.String()), out, nil
}

// summarizeRequest is the request for a summary with profile. Without
// ExcludeUserContext, it names the profile (a GET the cache knows again).
// With it, the profile's own settings could still show the user (an Include
// that lists it), and overrides can only add to a profile's lists: so the
// profile is read (free) and its settings are sent inline, with the user
// taken out. The summary then follows the profile as it is now.
func (s *server) summarizeRequest(ctx context.Context, profile string) (*fullstory.SummarizeRequest, error) {
	if !s.opts.ExcludeUserContext {
		return &fullstory.SummarizeRequest{Profile: fullstory.ProfileID(profile)}, nil
	}
	cfg, err := s.profileConfig(ctx, profile)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg = &fullstory.ProfileConfig{}
	}
	cfg.Context = withoutUser(cfg.Context)
	return &fullstory.SummarizeRequest{Overrides: cfg}, nil
}
