package fullstoryotel

import (
	"net/url"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// Session ids identify a person's visits, so they stay out of spans unless
// WithSessionIDs is given. CallInfo.Route says where a call's path holds
// one: the segment "{session_id}".

const sessionPlaceholder = "{session_id}"

// sessionSegment returns the escaped session id in call.Path, if it has one.
func sessionSegment(call *fullstory.CallInfo) (string, bool) {
	route, path := strings.Split(call.Route, "/"), strings.Split(call.Path, "/")
	if len(route) != len(path) {
		return "", false
	}
	for i, seg := range route {
		if seg == sessionPlaceholder && path[i] != "" {
			return path[i], true
		}
	}
	return "", false
}

// sessionID returns the session id of the call, unescaped ("userId:sessionId").
func sessionID(call *fullstory.CallInfo) (string, bool) {
	seg, ok := sessionSegment(call)
	if !ok {
		return "", false
	}
	if id, err := url.PathUnescape(seg); err == nil {
		return id, true
	}
	return seg, true
}

// withoutSessionID returns s with the call's session id, escaped or not,
// replaced by {session_id}: error texts quote the path, and a server's
// message may quote the id.
func withoutSessionID(call *fullstory.CallInfo, s string) string {
	seg, ok := sessionSegment(call)
	if !ok {
		return s
	}
	forms := []string{seg, strings.ToLower(seg)}
	if id, err := url.PathUnescape(seg); err == nil {
		forms = append(forms, id)
		// Either half alone names the device or the visit too; a short
		// one (a test's "1:2") would garble the text and names nothing.
		for _, half := range strings.SplitN(id, ":", 2) {
			if len(half) >= minIDHalf {
				forms = append(forms, half)
			}
		}
	}
	for _, f := range forms {
		s = strings.ReplaceAll(s, f, sessionPlaceholder)
	}
	return s
}

// minIDHalf is the shortest half of a session id that is taken out on its
// own; Fullstory's are 19 digits.
const minIDHalf = 8
