package fullstorytest

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
	"github.com/summarykit/fullstory-go/internal/fields"
)

// storedProfile is a prompt profile and its place in the list order. The
// server replaces it whole and never changes it in place.
type storedProfile struct {
	seq     int
	profile wire.Profile
}

// Page sizes of the profile list, as the API documents them.
const (
	defaultProfileLimit = 20
	maxProfileLimit     = 100
)

// decodeProfile decodes and checks the body of create or update.
func decodeProfile(body []byte) (wire.ProfileRequest, *response) {
	var req wire.ProfileRequest
	if resp := decodeBody(body, fields.Profile, &req); resp != nil {
		return req, resp
	}
	return req, validateConfig(&req.Config)
}

func (s *Server) createProfile(body []byte) *response {
	req, resp := decodeProfile(body)
	if resp != nil {
		return resp
	}
	s.mu.Lock()
	s.nextSeq++
	seq := s.nextSeq
	id := fmt.Sprintf("fa4e0000-0000-4000-8000-%012x", seq)
	s.profiles[id] = &storedProfile{seq: seq, profile: wire.NewProfile(id, req)}
	s.mu.Unlock()
	return jsonResponse(http.StatusOK, wire.ID{ID: id})
}

func (s *Server) profile(id string) *storedProfile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profiles[id]
}

func (s *Server) getProfile(id string) *response {
	p := s.profile(id)
	if p == nil {
		return notFound("profile %q not found", id)
	}
	return jsonResponse(http.StatusOK, p.profile)
}

// updateProfile replaces the profile with the body. Whether the API replaces
// or merges is undocumented; replacing shows up callers that send only the
// fields they change, which the library advises against.
func (s *Server) updateProfile(id string, body []byte) *response {
	req, resp := decodeProfile(body)
	if resp != nil {
		return resp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.profiles[id]
	if p == nil {
		return notFound("profile %q not found", id)
	}
	s.profiles[id] = &storedProfile{seq: p.seq, profile: wire.NewProfile(id, req)}
	return jsonResponse(http.StatusOK, wire.ID{ID: id})
}

func (s *Server) deleteProfile(id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profiles[id] == nil {
		return notFound("profile %q not found", id)
	}
	delete(s.profiles, id)
	return jsonResponse(http.StatusOK, struct{}{})
}

// listProfiles returns a page in creation order. It takes the page token as
// pagination_token, or page_token as the reference docs name it.
func (s *Server) listProfiles(q url.Values) *response {
	limit := defaultProfileLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return badRequest(codeInvalid, "limit must be a whole number from 0 to %d", maxProfileLimit)
		}
		if n > 0 {
			limit = min(n, maxProfileLimit)
		}
	}
	after := 0
	token := cmp.Or(q.Get("pagination_token"), q.Get("page_token"))
	if token != "" {
		n, ok := parsePageToken(token)
		if !ok {
			return badRequest(codeInvalid, "pagination_token is not a token this server gave")
		}
		after = n
	}

	s.mu.Lock()
	var all []*storedProfile
	for _, p := range s.profiles {
		if p.seq > after {
			all = append(all, p)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b *storedProfile) int { return a.seq - b.seq })

	page := wire.ProfilePage{Profiles: []wire.Profile{}}
	for _, p := range all[:min(limit, len(all))] {
		page.Profiles = append(page.Profiles, p.profile)
	}
	if len(all) > limit {
		page.NextPaginationToken = pageToken(all[limit-1].seq)
	}
	return jsonResponse(http.StatusOK, page)
}

// pageToken is an opaque token for the profiles after seq.
func pageToken(seq int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.Itoa(seq)))
}

func parsePageToken(token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(raw), "after:"))
	return n, err == nil && n >= 0 && strings.HasPrefix(string(raw), "after:")
}
