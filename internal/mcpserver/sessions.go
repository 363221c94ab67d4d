package mcpserver

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	fullstory "github.com/summarykit/fullstory-go"
)

// parseSession reads a "session" argument.
func parseSession(raw string) (fullstory.SessionID, error) {
	id, err := fullstory.ParseSessionID(raw)
	if err != nil {
		return fullstory.SessionID{}, argError("session", "%s; want userId:sessionId, as %s returns it", strings.TrimPrefix(text(err), "invalid session id: "), ToolListSessions)
	}
	return id, nil
}

// maxListSessions bounds list_sessions, so that its result stays small.
const maxListSessions = 100

// ListSessionsInput are the arguments of list_sessions.
type ListSessionsInput struct {
	Email      string `json:"email,omitempty" jsonschema:"The user's email. Give exactly one of email, uid and session_uid"`
	UID        string `json:"uid,omitempty" jsonschema:"The user's uid, as the site set it with FS('setIdentity')"`
	SessionUID string `json:"session_uid,omitempty" jsonschema:"The uid the customer's site gave one session (a ticket or an order often carries it): finds that session"`
	Limit      int    `json:"limit,omitempty" jsonschema:"At most this many sessions, newest first, up to 100; default 20"`
}

// SessionItem is one listed session.
type SessionItem struct {
	Session string `json:"session" jsonschema:"The session id, userId:sessionId: what the session argument of the other tools takes"`
	Created string `json:"created,omitempty" jsonschema:"When the session started, RFC 3339 in UTC"`
	URL     string `json:"url,omitempty" jsonschema:"The session in the Fullstory app, for a person to watch"`
}

// ListSessionsOutput is the result of list_sessions.
type ListSessionsOutput struct {
	Sessions []SessionItem `json:"sessions" jsonschema:"The sessions found, newest first; empty if there are none"`
}

func (s *server) addSessionTools(srv *mcp.Server) {
	addTool(s, srv, &mcp.Tool{
		Name:  ToolListSessions,
		Title: "List a user's sessions (free)",
		Description: "Lists a Fullstory user's sessions, newest first, by the user's email or uid, or finds one session by the session uid the customer's site gave it. " +
			"Free: it spends no Activation. Each session's id is what get_session_context, get_session_events and summarize_session take as \"session\".",
		Annotations: readOnly("List a user's sessions (free)"),
	}, s.listSessions, func(p map[string]*jsonschema.Schema) { bounds(p["limit"], 0, maxListSessions) })
	s.addEventsTool(srv)
	s.addContextTool(srv)
}

func (s *server) listSessions(ctx context.Context, _ *mcp.CallToolRequest, in ListSessionsInput) (*mcp.CallToolResult, ListSessionsOutput, error) {
	email, uid, suid := strings.TrimSpace(in.Email), strings.TrimSpace(in.UID), strings.TrimSpace(in.SessionUID)
	given := 0
	for _, v := range []string{email, uid, suid} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return nil, ListSessionsOutput{}, argError("", "give exactly one of email, uid and session_uid (got %d)", given)
	}
	sessions, err := s.client.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: email, UID: uid, SessionUID: suid, Limit: in.Limit})
	if err != nil {
		return nil, ListSessionsOutput{}, readError(ctx, err)
	}
	out := ListSessionsOutput{Sessions: make([]SessionItem, 0, len(sessions))}
	var b strings.Builder
	fmt.Fprintf(&b, "%d session(s), newest first", len(sessions))
	for _, ss := range sessions {
		item := SessionItem{Session: ss.ID().String(), URL: ss.URL}
		if !ss.CreatedTime.IsZero() {
			item.Created = ss.CreatedTime.UTC().Format(time.RFC3339)
		}
		out.Sessions = append(out.Sessions, item)
		fmt.Fprintf(&b, "\n%s  created %s", item.Session, orDash(item.Created))
	}
	return textResult(b.String()), out, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
