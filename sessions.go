package fullstory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// SessionsService lists a user's sessions, summarizes sessions and reads
// their events and context. Get one from Client.Sessions.
type SessionsService service

// ListSessionsOptions finds a user's sessions by uid or email. Give one of
// the two: with both, the server returns the union of the two lookups.
type ListSessionsOptions struct {
	UID   string `url:"uid,omitempty"`   // the uid set with FS('setIdentity')
	Email string `url:"email,omitempty"` // the user's email
	// SessionUID finds the session(s) with the uid a customer's site set for
	// it (GET /v2/sessions), which a ticket or an order often carries. It is
	// refused together with UID or Email.
	SessionUID string `url:"session_uid,omitempty"`
	Limit      int    `url:"limit,omitempty"` // server default 20
}

// Session is one session of a user, as Sessions.List returns it.
type Session struct {
	UserID      string    // "userId"
	SessionID   string    // "sessionId"
	CreatedTime time.Time // "createdTime": unix seconds, as a string or a number
	URL         string    // "fsUrl": the session in the Fullstory app
}

// ID returns the SessionID that Summarize, Events and Context take.
func (s Session) ID() SessionID { return NewSessionID(s.UserID, s.SessionID) }

// sessionWire is a listed session in either name style.
type sessionWire struct {
	UserID       flexString `json:"userId"`
	SessionID    flexString `json:"sessionId"`
	CreatedTime  flexString `json:"createdTime"`
	FsURL        string     `json:"fsUrl"`
	UserIDS      flexString `json:"user_id"`
	SessionIDS   flexString `json:"session_id"`
	CreatedTimeS flexString `json:"created_time"`
	FsURLS       string     `json:"fs_url"`
}

func (w *sessionWire) session() (Session, error) {
	created, err := parseCreatedTime(string(firstNonEmpty(w.CreatedTime, w.CreatedTimeS)))
	if err != nil {
		return Session{}, err
	}
	return Session{
		UserID:      string(firstNonEmpty(w.UserID, w.UserIDS)),
		SessionID:   string(firstNonEmpty(w.SessionID, w.SessionIDS)),
		CreatedTime: created,
		URL:         firstNonEmpty(w.FsURL, w.FsURLS),
	}, nil
}

// UnmarshalJSON decodes the camelCase wire shape (and the snake_case one of
// the schema tables), with ids and createdTime as strings or numbers.
func (s *Session) UnmarshalJSON(data []byte) error {
	var w sessionWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	sess, err := w.session()
	if err != nil {
		return err
	}
	*s = sess
	return nil
}

// MarshalJSON encodes the camelCase wire shape, createdTime as a string of
// unix seconds.
func (s Session) MarshalJSON() ([]byte, error) {
	var created string
	if !s.CreatedTime.IsZero() {
		created = strconv.FormatInt(s.CreatedTime.Unix(), 10)
	}
	return shared.MarshalJSON(struct {
		UserID      string `json:"userId"`
		SessionID   string `json:"sessionId"`
		CreatedTime string `json:"createdTime,omitempty"`
		FsURL       string `json:"fsUrl,omitempty"`
	}{s.UserID, s.SessionID, created, s.URL})
}

// List returns the sessions of the user with o.UID or o.Email (GET
// /sessions/v2), or those with the customer-defined o.SessionUID (GET
// /v2/sessions), newest first. The email, uid and session uid are never
// logged or put in an error.
func (s *SessionsService) List(ctx context.Context, o *ListSessionsOptions, opts ...Option) ([]Session, error) {
	switch {
	case o == nil || (strings.TrimSpace(o.UID) == "" && strings.TrimSpace(o.Email) == "" && strings.TrimSpace(o.SessionUID) == ""):
		return nil, &ValidationError{Field: "list sessions options", Reason: "need a UID, an Email or a SessionUID"}
	case o.SessionUID != "" && (o.UID != "" || o.Email != ""):
		return nil, &ValidationError{Field: "list sessions options", Reason: "SessionUID finds one session by itself: leave UID and Email empty"}
	case o.Limit < 0:
		return nil, &ValidationError{Field: "limit", Reason: "must not be negative"}
	case strings.ContainsFunc(o.UID+o.Email+o.SessionUID, shared.IsControl):
		return nil, &ValidationError{Field: "list sessions options", Reason: "UID, Email and SessionUID must not contain control characters"}
	}
	v, err := query.Values(o)
	if err != nil {
		return nil, &ValidationError{Field: "list sessions options", Reason: "cannot be encoded"}
	}
	r := &request{op: opSessionsList, method: "GET", path: "/sessions/v2", route: "/sessions/v2", query: v.Encode(), class: engine.Read, private: []string{o.UID, o.Email, o.SessionUID}}
	var out sessionList
	r.out = &out
	if o.SessionUID != "" {
		r.path, r.route, r.out = "/v2/sessions", "/v2/sessions", (*sessionResults)(&out)
	}
	if err := s.client.do(ctx, r, opts); err != nil {
		return nil, err
	}
	return out.Sessions, nil
}

// sessionResults is the response of GET /v2/sessions: {"results": [{"id":
// "u:s", "app_url", "created_time": RFC 3339}]}, in either name style.
type sessionResults sessionList

func (l *sessionResults) UnmarshalJSON(data []byte) error { return l.decodeBody(data) }

func (l *sessionResults) decodeBody(data []byte) error {
	var w struct {
		Results []struct {
			ID           string     `json:"id"`
			AppURL       string     `json:"app_url"`
			AppURLC      string     `json:"appUrl"`
			CreatedTime  flexString `json:"created_time"`
			CreatedTimeC flexString `json:"createdTime"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	l.Sessions = make([]Session, len(w.Results))
	for i, res := range w.Results {
		id, err := ParseSessionID(res.ID)
		if err != nil {
			return fmt.Errorf("result %d: %w", i, err)
		}
		created, err := parseCreatedTime(string(firstNonEmpty(res.CreatedTime, res.CreatedTimeC)))
		if err != nil {
			return err
		}
		l.Sessions[i] = Session{UserID: id.User, SessionID: id.Session, CreatedTime: created, URL: firstNonEmpty(res.AppURL, res.AppURLC)}
	}
	return nil
}

// sessionList is the List response: {"sessions": [...]}, or a bare array.
// It decodes the sessions in one pass, without a decoder per session.
type sessionList struct{ Sessions []Session }

func (l *sessionList) UnmarshalJSON(data []byte) error { return l.decodeBody(data) }

func (l *sessionList) decodeBody(data []byte) error {
	var wires []sessionWire
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		if err := json.Unmarshal(data, &wires); err != nil {
			return err
		}
	} else {
		var w struct {
			Sessions []sessionWire `json:"sessions"`
		}
		if err := json.Unmarshal(data, &w); err != nil {
			return err
		}
		wires = w.Sessions
	}
	l.Sessions = make([]Session, len(wires))
	for i := range wires {
		sess, err := wires[i].session()
		if err != nil {
			return err
		}
		l.Sessions[i] = sess
	}
	return nil
}

// Events returns the raw events of a session.
func (s *SessionsService) Events(ctx context.Context, id SessionID, opts ...Option) ([]Event, error) {
	if err := id.validate(); err != nil {
		return nil, err
	}
	var out struct {
		Events []Event `json:"events"`
	}
	r := &request{op: opEvents, method: "GET", path: "/v2/sessions/" + id.PathEscaped() + "/events", route: "/v2/sessions/{session_id}/events", class: engine.Read, out: &out}
	if err := s.client.do(ctx, r, opts); err != nil {
		return nil, err
	}
	if out.Events == nil {
		out.Events = []Event{}
	}
	return out.Events, nil
}

// Context returns the session data the LLM would see under cfg: the session's
// static context and its pages with their events. cfg may be nil; cfg.LLM
// must be nil, since no LLM is involved.
func (s *SessionsService) Context(ctx context.Context, id SessionID, cfg *ProfileConfig, opts ...Option) (*SessionContext, error) {
	if err := id.validate(); err != nil {
		return nil, err
	}
	body := &ProfileConfig{}
	if cfg != nil {
		if cfg.LLM != nil {
			return nil, &ValidationError{Field: "context config", Reason: "llm must be nil: context requests involve no LLM"}
		}
		if err := cfg.validate(); err != nil {
			return nil, err
		}
		body = cfg
	}
	var out struct {
		ContextData *SessionContext `json:"context_data"`
	}
	r := &request{op: opContext, method: "POST", path: "/v2/sessions/" + id.PathEscaped() + "/context", route: "/v2/sessions/{session_id}/context", body: body, class: engine.Read, out: &out}
	if err := s.client.do(ctx, r, opts); err != nil {
		return nil, err
	}
	if out.ContextData == nil {
		return nil, invalidf(r, "the response has no context_data")
	}
	return out.ContextData, nil
}
