package fullstorytest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
	"github.com/summarykit/fullstory-go/internal/rules"
)

// configEndpoint is an endpoint that takes a profile configuration: how the
// library sends one, and where the fake takes it.
type configEndpoint struct {
	name string
	path string
	send func(ctx context.Context, c *fullstory.Client, cfg fullstory.ProfileConfig) error
	llm  bool // whether it takes an llm object
}

func configEndpoints() []configEndpoint {
	sess := fullstorytest.DemoCheckoutSession
	return []configEndpoint{
		{"create profile", "/v2/visit_profile", func(ctx context.Context, c *fullstory.Client, cfg fullstory.ProfileConfig) error {
			_, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{ProfileConfig: cfg})
			return err
		}, true},
		{"summary overrides", "/v2/sessions/" + sess.PathEscaped() + "/summary", func(ctx context.Context, c *fullstory.Client, cfg fullstory.ProfileConfig) error {
			_, err := c.Sessions.Summarize(ctx, sess, &fullstory.SummarizeRequest{Overrides: &cfg})
			return err
		}, true},
		{"context", "/v2/sessions/" + sess.PathEscaped() + "/context", func(ctx context.Context, c *fullstory.Client, cfg fullstory.ProfileConfig) error {
			_, err := c.Sessions.Context(ctx, sess, &cfg)
			return err
		}, false},
	}
}

// The library and the fake enforce the same rules, those of internal/rules:
// on every endpoint that takes a configuration, each rule's bad input is
// refused by the library before anything is sent, and answered 400 by the
// fake, and both name the rule's field.
func TestRulesHoldOnBothSides(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	for _, ep := range configEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			// Neither side refuses everything: an empty configuration goes
			// through both.
			assert.Equal(t, http.StatusOK, raw(t, srv, "POST", ep.path, `{}`).Status)
			require.NoError(t, ep.send(t.Context(), c, fullstory.ProfileConfig{}))

			for _, r := range rules.All {
				if !ep.llm && strings.HasPrefix(r.Field, "llm") {
					continue // refused whole: a context request takes no llm
				}
				srv.ResetRequests()
				var cfg fullstory.ProfileConfig
				err := json.Unmarshal([]byte(r.Bad), &cfg)
				if err == nil {
					err = ep.send(t.Context(), c, cfg)
				}
				require.ErrorIs(t, err, fullstory.ErrInvalidArgument, "the library refuses %s", r.Bad)
				assert.Contains(t, err.Error(), r.Field)
				assert.Empty(t, srv.Requests(), "refused before sending")

				resp := raw(t, srv, "POST", ep.path, r.Bad)
				assert.Equal(t, http.StatusBadRequest, resp.Status, "the fake refuses %s: %s", r.Bad, resp.Body)
				var e struct{ Message string }
				require.NoError(t, json.Unmarshal(resp.Body, &e))
				assert.Contains(t, e.Message, r.Field)
			}
		})
	}
}
