package fullstory_test

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestParseSessionIDForms(t *testing.T) {
	const app = "https://app.fullstory.com/ui/XYZ/session/"
	for _, tc := range []struct {
		in   string
		want fullstory.SessionID
	}{
		{"6973903723107198876:5156932900183134039", quickStartSessionID},
		{"6973903723107198876%3A5156932900183134039", quickStartSessionID},
		{"6973903723107198876%3a5156932900183134039", quickStartSessionID},
		{"6973903723107198876!5156932900183134039", quickStartSessionID},
		{"  6973903723107198876:5156932900183134039\n", quickStartSessionID},
		{app + "6973903723107198876:5156932900183134039", quickStartSessionID},
		{app + "6973903723107198876%3A5156932900183134039", quickStartSessionID},
		{app + "6973903723107198876%3a5156932900183134039", quickStartSessionID},
		{app + "6973903723107198876:5156932900183134039/", quickStartSessionID},
		{app + "6973903723107198876%3A5156932900183134039/?utm_source=slack", quickStartSessionID},
		{app + "6973903723107198876:5156932900183134039?t=1750978914#events", quickStartSessionID},
		{app + "6973903723107198876:5156932900183134039/events/12", quickStartSessionID},
		{"http://app.eu1.fullstory.com/ui/o-1AB-eu1/session/1:2", fullstory.NewSessionID("1", "2")},
		{
			"0f8fad5b-d9cb-469f-a165-70867728950e:7c9e6679-7425-40de-944b-e07fc1f90ae7",
			fullstory.NewSessionID("0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
		},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := fullstory.ParseSessionID(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseSessionIDRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"5156932900183134039",
		":5156932900183134039",
		"6973903723107198876:",
		":",
		"%3A",
		"!",
		"a:b:c",
		"a!b!c",
		"a:b!c",
		"a%3Ab%3Ac",
		"a b:c",
		"a:b/c",
		"a:b?c",
		"a:b#c",
		"https://app.fullstory.com/ui/XYZ/sessions",
		"https://app.fullstory.com/ui/XYZ/session/",
		"https://app.fullstory.com/ui/XYZ/session/5156932900183134039",
		"https://app.fullstory.com/ui/XYZ/session/%zz",
	} {
		t.Run(in, func(t *testing.T) {
			id, err := fullstory.ParseSessionID(in)
			requireInvalidArgument(t, err)
			assert.True(t, id.IsZero())
		})
	}
}

func TestSessionIDStringPathEscapedIsZero(t *testing.T) {
	id := fullstory.NewSessionID("6973903723107198876", "5156932900183134039")
	assert.Equal(t, "6973903723107198876:5156932900183134039", id.String())
	assert.Equal(t, "6973903723107198876%3A5156932900183134039", id.PathEscaped())
	assert.False(t, id.IsZero())

	var zero fullstory.SessionID
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.String())
	assert.False(t, fullstory.SessionID{User: "u"}.IsZero())
	assert.False(t, fullstory.SessionID{Session: "s"}.IsZero())

	odd := fullstory.NewSessionID("ü;1", "a,b@c+d=e&f")
	assert.Equal(t, "%C3%BC%3B1%3Aa%2Cb@c+d=e&f", odd.PathEscaped())
	back, err := fullstory.ParseSessionID(odd.PathEscaped())
	require.NoError(t, err)
	assert.Equal(t, odd, back, "PathEscaped parses back")
}

func TestSessionIDRequestURIEscapesOddCharacters(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"events":[]}`)))
	c := wireClient(t, ws)

	for _, id := range []fullstory.SessionID{
		fullstory.NewSessionID("ü;1", "a,b@c+d=e&f"),
		fullstory.NewSessionID("0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
		fullstory.NewSessionID("user.name_1~", "s(2)*'$"),
	} {
		_, err := c.Sessions.Events(context.Background(), id)
		require.NoError(t, err, id.String())
	}
	var uris []string
	for _, r := range ws.requests() {
		uris = append(uris, r.RequestURI)
	}
	assert.Equal(t, []string{
		"/v2/sessions/%C3%BC%3B1%3Aa%2Cb@c+d=e&f/events",
		"/v2/sessions/0f8fad5b-d9cb-469f-a165-70867728950e%3A7c9e6679-7425-40de-944b-e07fc1f90ae7/events",
		"/v2/sessions/user.name_1~%3As%282%29%2A%27$/events",
	}, uris)
}

func TestSessionIDJSONRoundTrip(t *testing.T) {
	type ticket struct {
		Session fullstory.SessionID `json:"session"`
	}
	data, err := json.Marshal(ticket{Session: quickStartSessionID})
	require.NoError(t, err)
	assert.JSONEq(t, `{"session":"6973903723107198876:5156932900183134039"}`, string(data))

	var back ticket
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, quickStartSessionID, back.Session)

	for _, in := range []string{
		`{"session":"6973903723107198876%3A5156932900183134039"}`,
		`{"session":"6973903723107198876!5156932900183134039"}`,
		`{"session":"https://app.fullstory.com/ui/XYZ/session/6973903723107198876:5156932900183134039"}`,
	} {
		var tk ticket
		require.NoError(t, json.Unmarshal([]byte(in), &tk), in)
		assert.Equal(t, quickStartSessionID, tk.Session, in)
	}

	zero, err := json.Marshal(ticket{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"session":""}`, string(zero))
	var empty ticket
	require.NoError(t, json.Unmarshal(zero, &empty))
	assert.True(t, empty.Session.IsZero())

	var bad ticket
	err = json.Unmarshal([]byte(`{"session":"5156932900183134039"}`), &bad)
	require.Error(t, err)
	assert.ErrorIs(t, err, fullstory.ErrInvalidArgument)
}

func TestSessionIDTextRoundTrip(t *testing.T) {
	text, err := quickStartSessionID.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "6973903723107198876:5156932900183134039", string(text))

	var id fullstory.SessionID
	require.NoError(t, id.UnmarshalText(text))
	assert.Equal(t, quickStartSessionID, id)
	require.NoError(t, id.UnmarshalText(nil))
	assert.True(t, id.IsZero())
	requireInvalidArgument(t, id.UnmarshalText([]byte("a:b:c")))

	// As a command-line flag.
	fs := flag.NewFlagSet("summarize", flag.ContinueOnError)
	var flagged fullstory.SessionID
	fs.TextVar(&flagged, "session", fullstory.SessionID{}, "the session to summarize")
	require.NoError(t, fs.Parse([]string{"-session", "6973903723107198876%3A5156932900183134039"}))
	assert.Equal(t, quickStartSessionID, flagged)
}
