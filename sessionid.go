package fullstory

import (
	"net/url"
	"strings"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// SessionID identifies one Fullstory session: the "userId:sessionId" pair that
// the summary, events and context endpoints take in their path. The session id
// shown alone in the Fullstory UI is not enough; both halves are needed.
type SessionID struct {
	User    string
	Session string
}

// NewSessionID returns the SessionID of the given user and session ids, as
// found in the userId and sessionId fields of a listed Session.
func NewSessionID(user, session string) SessionID {
	return SessionID{User: user, Session: session}
}

// ParseSessionID parses a session id in any of the forms users meet:
// "userId:sessionId", the URL-encoded "userId%3AsessionId", the "userId!sessionId"
// form of some tools, or a Fullstory app URL whose path ends in
// /session/userId:sessionId (or its encoded form). Surrounding spaces are ignored.
func ParseSessionID(s string) (SessionID, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return SessionID{}, &ValidationError{Field: "session id", Reason: "is empty"}
	}
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		seg, err := sessionSegment(s)
		if err != nil {
			return SessionID{}, err
		}
		s = seg
	}
	if strings.Contains(s, "%") {
		// A valid id has no '%', so each is an escape: of the colon, as
		// PathEscaped writes it, or of a character of the ids themselves.
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
	}
	sep := strings.IndexAny(s, ":!")
	if sep < 0 {
		return SessionID{}, &ValidationError{Field: "session id", Reason: `must be "userId:sessionId"; the session id alone is not enough`}
	}
	id := SessionID{User: s[:sep], Session: s[sep+1:]}
	if err := id.validate(); err != nil {
		return SessionID{}, err
	}
	return id, nil
}

// sessionSegment returns the path segment after the last "/session/" of an app URL.
func sessionSegment(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", &ValidationError{Field: "session id", Reason: "is not a valid URL"}
	}
	p := u.EscapedPath()
	i := strings.LastIndex(p, "/session/")
	if i < 0 {
		return "", &ValidationError{Field: "session id", Reason: "URL has no /session/ segment"}
	}
	seg, _, _ := strings.Cut(p[i+len("/session/"):], "/")
	return seg, nil
}

// String returns the id as "userId:sessionId", or "" for the zero SessionID.
func (id SessionID) String() string {
	if id.IsZero() {
		return ""
	}
	return id.User + ":" + id.Session
}

// PathEscaped returns the id as it goes in a URL path, "userId%3AsessionId".
// The colon must be encoded, and url.PathEscape alone leaves it as it is.
func (id SessionID) PathEscaped() string {
	return url.PathEscape(id.User) + "%3A" + url.PathEscape(id.Session)
}

// IsZero reports whether id is the zero SessionID.
func (id SessionID) IsZero() bool { return id.User == "" && id.Session == "" }

// MarshalText implements encoding.TextMarshaler, so a SessionID can be a JSON
// string, a flag value or a config file entry.
func (id SessionID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler. It accepts every form that
// ParseSessionID does; empty text gives the zero SessionID.
func (id *SessionID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*id = SessionID{}
		return nil
	}
	parsed, err := ParseSessionID(string(text))
	if err != nil {
		return err
	}
	*id = parsed
	return nil
}

// validate reports whether both halves are present and free of separators,
// so that a bad id is refused before anything is sent.
func (id SessionID) validate() error {
	if id.IsZero() {
		return &ValidationError{Field: "session id", Reason: "is the zero SessionID"}
	}
	for _, part := range [...]struct{ name, v string }{{"user id", id.User}, {"session id", id.Session}} {
		if part.v == "" {
			return &ValidationError{Field: "session id", Reason: "has an empty " + part.name}
		}
		if strings.ContainsAny(part.v, ":!/?#%") || strings.ContainsFunc(part.v, isSpaceOrControl) {
			return &ValidationError{Field: "session id", Reason: "has a " + part.name + " with a separator, space or control character"}
		}
	}
	return nil
}

func isSpaceOrControl(r rune) bool { return r == ' ' || shared.IsControl(r) }
