package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

var cmdSessionsContext = &command{
	name:    "sessions context",
	args:    "SESSION [-f FILE | --profile ID]",
	summary: "Print what the AI would read of a session, for free",
	help: `Prints the session data that a summary's model reads: the session's
context (user, organization, location, device), then its pages with their
events. A profile's slice, context, events and cache settings choose them:
from -f FILE or from --profile ID, without the profile's llm part, since no
model is involved; without either, the API's defaults. Spends no
Activation, so it is the cheap way to tune a profile's settings.

Examples:
  fullstory sessions context 6973903723107198876:5156932900183134039
  fullstory sessions context 6973903723107198876:5156932900183134039 -f examples/profiles/support.json
  fullstory sessions context 6973903723107198876:5156932900183134039 --profile PROFILE_ID --json
`,
	json:    sessionsContextJSON,
	options: func() options { return &sessionsContextOptions{} },
}

type sessionsContextOptions struct {
	file    string
	profile string
	session fullstory.SessionID
}

func (o *sessionsContextOptions) declare(f *flagSet) {
	f.stringVar(&o.file, "f", "take the settings from the profile `FILE` (JSON); - reads stdin")
	f.stringVar(&o.profile, "profile", "take the settings from the profile `ID`")
}

func (o *sessionsContextOptions) validate(args []string, _ *flagSet) error {
	id, err := sessionArg(args)
	if err != nil {
		return err
	}
	o.session = id
	if o.file != "" && o.profile != "" {
		return usagef("give -f or --profile, not both")
	}
	return nil
}

func (o *sessionsContextOptions) run(ctx context.Context, a *app) error {
	var cfg *fullstory.ProfileConfig
	if o.file != "" {
		req, err := a.readProfile(o.file)
		if err != nil {
			return err
		}
		cfg = contextConfig(&req.ProfileConfig)
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	if o.profile != "" {
		p, err := c.Profiles.Get(ctx, fullstory.ProfileID(o.profile))
		if err != nil {
			return wrapf(err, "profile %s: ", o.profile)
		}
		cfg = contextConfig(&p.ProfileConfig)
	}
	sc, err := c.Sessions.Context(ctx, o.session, cfg)
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

// contextConfig is a profile's settings for the context endpoint: a copy
// without the llm part, which the endpoint refuses since no model is
// involved.
func contextConfig(cfg *fullstory.ProfileConfig) *fullstory.ProfileConfig {
	out := *cfg
	out.LLM = nil
	return &out
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
