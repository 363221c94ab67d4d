package fullstoryotel

import (
	"testing"

	"github.com/stretchr/testify/assert"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestWithoutSessionID(t *testing.T) {
	summary := &fullstory.CallInfo{Route: "/v2/sessions/{session_id}/summary", Path: "/v2/sessions/4444444444444444444%3A5555555555555555555/summary"}
	for in, want := range map[string]string{
		"GET /v2/sessions/4444444444444444444%3A5555555555555555555/summary: 404": "GET /v2/sessions/{session_id}/summary: 404",
		"session 4444444444444444444%3a5555555555555555555 not found":             "session {session_id} not found",
		"session 4444444444444444444:5555555555555555555 not found":               "session {session_id} not found",
		"user 4444444444444444444, session 5555555555555555555":                   "user {session_id}, session {session_id}",
		"nothing to take out": "nothing to take out",
	} {
		assert.Equal(t, want, withoutSessionID(summary, in), in)
	}

	short := &fullstory.CallInfo{Route: "/v2/sessions/{session_id}/events", Path: "/v2/sessions/1%3A2/events"}
	assert.Equal(t, "GET /v2/sessions/{session_id}/events: 401 after 2 attempts", withoutSessionID(short, "GET /v2/sessions/1%3A2/events: 401 after 2 attempts"),
		"a short half is no id to take out of the text")

	profile := &fullstory.CallInfo{Route: "/v2/visit_profile/{id}", Path: "/v2/visit_profile/p1"}
	assert.Equal(t, "GET /v2/visit_profile/p1: 404", withoutSessionID(profile, "GET /v2/visit_profile/p1: 404"), "a profile id is no session id")
	_, ok := sessionID(profile)
	assert.False(t, ok)
	id, ok := sessionID(summary)
	assert.True(t, ok)
	assert.Equal(t, "4444444444444444444:5555555555555555555", id)
}
