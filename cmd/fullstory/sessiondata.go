package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

var cmdSessionsEvents = &command{
	name:    "sessions events",
	args:    "SESSION",
	summary: "Print a session's raw events, for free",
	help: `SESSION is "userId:sessionId" as "sessions list" prints it, its URL-encoded
form, or the session's URL in the Fullstory app. Prints one line per event:
its time (UTC), type and what it was about. Reading events spends no
Activation. With --json, prints {"events": [...]} as the API returns them.

Examples:
  fullstory sessions events 6973903723107198876:5156932900183134039
  fullstory sessions events 6973903723107198876:5156932900183134039 --json | jq '.events | length'
`,
	run: (*app).sessionsEvents,
}

var cmdSessionsContext = &command{
	name:    "sessions context",
	args:    "SESSION [-f FILE | --profile ID]",
	summary: "Print what the AI would read of a session, for free",
	help: `Prints the session data that a summary's model reads: the session's
context (user, organization, location, device), then its pages with their
events. A profile's slice, context, events and cache settings choose them:
from -f FILE or from --profile ID, without the profile's llm part, since no
model is involved; without either, the API's defaults. Spends no
Activation, so it is the cheap way to tune a profile's settings. With
--json, prints the context as the API returns it.

Examples:
  fullstory sessions context 6973903723107198876:5156932900183134039
  fullstory sessions context 6973903723107198876:5156932900183134039 -f examples/profiles/support.json
  fullstory sessions context 6973903723107198876:5156932900183134039 --profile PROFILE_ID --json
`,
	run: (*app).sessionsContext,
}

func (a *app) sessionsEvents(ctx context.Context, cmd *command, args []string) error {
	pos, err := a.parse(cmd, a.flags(cmd), args)
	if err != nil {
		return err
	}
	id, err := oneSession(pos)
	if err != nil {
		return err
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	events, err := c.Sessions.Events(ctx, id)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(map[string][]fullstory.Event{"events": events})
	}
	if len(events) == 0 {
		fmt.Fprintln(a.stdout, "No events.")
		return nil
	}
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "%s  %-14s  %s\n", clock(e.Time), e.Type, eventDetail(e))
	}
	_, err = io.WriteString(a.stdout, wrapText(b.String(), a.proseWidth()))
	return err
}

func (a *app) sessionsContext(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	file := fs.String("f", "", "take the settings from the profile `FILE` (JSON); - reads stdin")
	profile := fs.String("profile", "", "take the settings from the profile `ID`")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	id, err := oneSession(pos)
	if err != nil {
		return err
	}
	if *file != "" && *profile != "" {
		return usagef("give -f or --profile, not both")
	}
	var cfg *fullstory.ProfileConfig
	if *file != "" {
		req, err := a.readProfile(*file)
		if err != nil {
			return err
		}
		cfg = contextConfig(&req.ProfileConfig)
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	if *profile != "" {
		p, err := c.Profiles.Get(ctx, fullstory.ProfileID(*profile))
		if err != nil {
			return wrapf(err, "profile %s: ", *profile)
		}
		cfg = contextConfig(&p.ProfileConfig)
	}
	sc, err := c.Sessions.Context(ctx, id, cfg)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(sc)
	}
	var b strings.Builder
	writeContext(&b, sc)
	_, err = io.WriteString(a.stdout, wrapText(b.String(), a.proseWidth()))
	return err
}

// oneSession parses the one SESSION argument of a command.
func oneSession(pos []string) (fullstory.SessionID, error) {
	if len(pos) != 1 {
		return fullstory.SessionID{}, usagef("needs one SESSION, as sessions list prints it")
	}
	return fullstory.ParseSessionID(pos[0])
}

// contextConfig is a profile's settings for the context endpoint: a copy
// without the llm part, which the endpoint refuses since no model is
// involved.
func contextConfig(cfg *fullstory.ProfileConfig) *fullstory.ProfileConfig {
	out := *cfg
	out.LLM = nil
	return &out
}

// clock is an event's time of day in UTC, to the second.
func clock(t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return t.UTC().Format("15:04:05")
}

// eventDetail says what a raw event was about, on one line: the page of a
// navigation, else its properties as name=value.
func eventDetail(e fullstory.Event) string {
	if e.Type == fullstory.EventNavigate && e.Source != nil && e.Source.URL != nil {
		return cmp.Or(e.Source.URL.FullURL, e.Source.URL.Path)
	}
	return shared.OneLine(formatProps(e.Properties), 300)
}

// formatProps writes properties as sorted name=value pairs; nested objects
// as compact JSON.
func formatProps(props map[string]any) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(props)) {
		v := props[k]
		switch v.(type) {
		case map[string]any, []any:
			b, _ := shared.MarshalJSON(v)
			parts = append(parts, k+"="+string(b))
		default:
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	return strings.Join(parts, " ")
}

// writeContext writes a session's context as text: the static context as
// fields, then each page with its events.
func writeContext(w io.Writer, sc *fullstory.SessionContext) {
	s := sc.Context
	fields := []field{{"Session", s.SessionID}, {"Created", ""}, {"URL", s.SessionURL}}
	if !s.SessionCreatedAt.IsZero() {
		fields[1].value = formatTime(s.SessionCreatedAt)
	}
	if u := s.User; u != nil {
		fields = append(fields, field{"User", joinNonEmpty(", ", u.DisplayName, u.Email, prefixed("uid ", u.UserUID), formatProps(u.Properties))})
	}
	if o := s.Org; o != nil {
		fields = append(fields, field{"Organization", joinNonEmpty(", ", o.Name, o.Domain, o.Industry, o.Country)})
	}
	if l := s.Location; l != nil {
		fields = append(fields, field{"Location", joinNonEmpty(", ", l.City, l.Region, l.Country)})
	}
	if d := s.Device; d != nil {
		screen := ""
		if d.ScreenSize != nil {
			screen = fmt.Sprintf("screen %dx%d", d.ScreenSize.WidthPixels, d.ScreenSize.HeightPixels)
		}
		fields = append(fields, field{"Device", joinNonEmpty(", ", d.Browser, d.OperatingSystem, screen)})
	}
	events := 0
	for _, p := range sc.Pages {
		events += len(p.Events)
	}
	fields = append(fields, field{"Read", fmt.Sprintf("%d pages, %d events", len(sc.Pages), events)})
	writeFields(w, fields)
	for i, p := range sc.Pages {
		fmt.Fprintf(w, "\nPage %d of %d: %s\n", i+1, len(sc.Pages), cmp.Or(p.Title, "(untitled)"))
		if p.URL != "" {
			fmt.Fprintf(w, "  %s\n", p.URL)
		}
		for _, e := range p.Events {
			// The description says it all when there is one; --json has
			// every field.
			text := shared.OneLine(cmp.Or(e.Description, e.Content, formatProps(e.Properties)), 500)
			fmt.Fprintf(w, "  %s  %-14s  %s\n", clock(e.Timestamp), e.Type, text)
		}
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
