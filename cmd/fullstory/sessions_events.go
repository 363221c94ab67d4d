package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
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
Activation.

Examples:
  fullstory sessions events 6973903723107198876:5156932900183134039
  fullstory sessions events 6973903723107198876:5156932900183134039 --json | jq '.events | length'
`,
	json:    sessionsEventsJSONDoc,
	options: func() options { return &sessionsEventsOptions{} },
}

type sessionsEventsOptions struct{ session fullstory.SessionID }

func (o *sessionsEventsOptions) declare(*flagSet) {}

func (o *sessionsEventsOptions) validate(args []string, _ *flagSet) error {
	id, err := sessionArg(args)
	o.session = id
	return err
}

func (o *sessionsEventsOptions) run(ctx context.Context, a *app) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	events, err := c.Sessions.Events(ctx, o.session)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(jsonEvents{Events: events})
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
