package fullstorytest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/rules"
)

// The library and the fake enforce the same rules, those of internal/rules:
// each rule's bad input is refused by the library before anything is sent,
// and answered 400 by the fake, and both name the rule's field.
func TestRulesHoldOnBothSides(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()

	// Neither side refuses everything: an empty profile goes through both.
	assert.Equal(t, http.StatusOK, raw(t, srv, "POST", "/v2/visit_profile", `{}`).Status)
	_, err := c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{})
	require.NoError(t, err)

	for _, r := range rules.All {
		t.Run(r.Field+" "+r.Rule, func(t *testing.T) {
			srv.ResetRequests()
			var req fullstory.ProfileRequest
			err := json.Unmarshal([]byte(r.Bad), &req)
			if err == nil {
				_, err = c.Profiles.Create(t.Context(), &req)
			}
			require.ErrorIs(t, err, fullstory.ErrInvalidArgument, "the library refuses %s", r.Bad)
			assert.Contains(t, err.Error(), r.Field)
			assert.Empty(t, srv.Requests(), "refused before sending")

			resp := raw(t, srv, "POST", "/v2/visit_profile", r.Bad)
			assert.Equal(t, http.StatusBadRequest, resp.Status, "the fake refuses %s: %s", r.Bad, resp.Body)
			var e struct{ Message string }
			require.NoError(t, json.Unmarshal(resp.Body, &e))
			assert.Contains(t, e.Message, r.Field)
		})
	}
}
