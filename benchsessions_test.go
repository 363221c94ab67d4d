package fullstory_test

import (
	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// seedSessions adds n new sessions of one user to fake and returns their
// ids, so that a benchmark summarizes distinct sessions: identical calls in
// flight share one request, and a batch summarizes a repeated session once.
func seedSessions(fake *fullstorytest.Server, n int) []fullstory.SessionID {
	ids := make([]fullstory.SessionID, n)
	for i := range ids {
		ids[i] = fake.AddSession(fullstorytest.RecordedSession{
			Email: "bench@example.com",
			Events: []fullstorytest.RecordedEvent{
				{Type: fullstory.EventNavigate, URL: "/tickets", Title: "Tickets"},
				{Type: fullstory.EventClick, Target: "button#add-to-cart", Text: "Add to cart"},
				{Type: "Added to Cart", Properties: map[string]any{"price": 450}},
			},
		})
	}
	return ids
}
