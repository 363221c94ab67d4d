package fullstory

import (
	"cmp"
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strings"

	"github.com/google/go-querystring/query"

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// ProfilesService creates, reads, updates and deletes prompt profiles: the
// saved settings that say which part of a session the LLM sees and how it
// answers. Get one from Client.Profiles.
type ProfilesService service

// ProfileID identifies a prompt profile. The server assigns it on create.
type ProfileID string

// ProfileRequest is the body of Profiles.Create and Profiles.Update.
type ProfileRequest struct {
	Name string `json:"name,omitempty"`
	ProfileConfig
}

// Profile is a prompt profile as Profiles.Get and Profiles.List return it.
// On the wire its slice, context, events and cache settings are nested under
// "configuration"; Profile flattens them into ProfileConfig.
type Profile struct {
	ID   ProfileID
	Name string
	ProfileConfig
}

// Request returns a ProfileRequest with a deep copy of p's name and
// configuration, for a read-modify-update through Profiles.Update.
func (p *Profile) Request() *ProfileRequest {
	if p == nil {
		return &ProfileRequest{}
	}
	return &ProfileRequest{Name: p.Name, ProfileConfig: p.ProfileConfig.clone()}
}

// profileWire is the shape Get and List return.
type profileWire struct {
	ID            ProfileID      `json:"id"`
	Name          string         `json:"name,omitempty"`
	Configuration *ProfileConfig `json:"configuration,omitempty"`
	LLM           *LLMConfig     `json:"llm,omitempty"`
}

// UnmarshalJSON decodes the wire shape, with slice, context, events and cache
// under "configuration" and llm at the top. Settings found at the top level
// instead are accepted too, and so are lowerCamelCase names (prePrompt).
func (p *Profile) UnmarshalJSON(data []byte) error {
	data, err := snakeKeys(data)
	if err != nil {
		return err
	}
	var flat struct {
		ID   ProfileID `json:"id"`
		Name string    `json:"name"`
		ProfileConfig
	}
	if err := json.Unmarshal(data, &flat); err != nil {
		return err
	}
	var nested struct {
		Configuration *ProfileConfig `json:"configuration"`
	}
	if err := json.Unmarshal(data, &nested); err != nil {
		return err
	}
	*p = Profile{ID: flat.ID, Name: flat.Name, ProfileConfig: flat.ProfileConfig}
	if cfg := nested.Configuration; cfg != nil {
		p.Slice = firstNonNil(cfg.Slice, p.Slice)
		p.Context = firstNonNil(cfg.Context, p.Context)
		p.Events = firstNonNil(cfg.Events, p.Events)
		p.Cache = firstNonNil(cfg.Cache, p.Cache)
		p.LLM = firstNonNil(p.LLM, cfg.LLM)
	}
	return nil
}

// MarshalJSON encodes the wire shape that Get and List return.
func (p Profile) MarshalJSON() ([]byte, error) {
	w := profileWire{ID: p.ID, Name: p.Name, LLM: p.LLM}
	cfg := p.ProfileConfig
	cfg.LLM = nil
	if cfg != (ProfileConfig{}) {
		w.Configuration = &cfg
	}
	return shared.MarshalJSON(w)
}

// Ptr returns a pointer to v, for the optional fields whose false or 0 must
// still be sent: fullstory.Ptr(false), fullstory.Ptr(0.2).
func Ptr[T any](v T) *T { return &v }

// ListProfilesOptions pages through profiles.
type ListProfilesOptions struct {
	Limit     int    `url:"limit,omitempty"`            // per page; server default 20, max 100
	PageToken string `url:"pagination_token,omitempty"` // from ProfilePage.NextPageToken; empty for the first page
}

// ProfilePage is one page of profiles.
type ProfilePage struct {
	Profiles      []*Profile
	NextPageToken string // empty on the last page
}

// UnmarshalJSON accepts both names the API has used for the next token, in
// snake_case or lowerCamelCase.
//
// The names are spelled out here rather than rewritten with snakeKeys: each
// Profile reads both styles itself, and rewriting the whole page first would
// decode every profile twice.
func (p *ProfilePage) UnmarshalJSON(data []byte) error {
	var wire struct {
		Profiles                 []*Profile `json:"profiles"`
		NextPageToken            string     `json:"next_page_token"`
		NextPaginationToken      string     `json:"next_pagination_token"`
		NextPageTokenCamel       string     `json:"nextPageToken"`
		NextPaginationTokenCamel string     `json:"nextPaginationToken"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	p.Profiles = wire.Profiles
	p.NextPageToken = cmp.Or(wire.NextPaginationToken, wire.NextPaginationTokenCamel, wire.NextPageToken, wire.NextPageTokenCamel)
	return nil
}

// MarshalJSON encodes the wire shape, with next_pagination_token.
func (p ProfilePage) MarshalJSON() ([]byte, error) {
	profiles := p.Profiles
	if profiles == nil {
		profiles = []*Profile{}
	}
	return shared.MarshalJSON(struct {
		Profiles            []*Profile `json:"profiles"`
		NextPaginationToken string     `json:"next_pagination_token,omitempty"`
	}{profiles, p.NextPageToken})
}

// Create creates a prompt profile and returns the id the server gave it.
// A create is not idempotent: it is retried only on 429 and on connections
// that failed before sending, unless WithIdempotencyKey is passed.
func (s *ProfilesService) Create(ctx context.Context, req *ProfileRequest, opts ...Option) (ProfileID, error) {
	if req == nil {
		return "", &ValidationError{Field: "profile request", Reason: "is nil"}
	}
	if err := req.validate(); err != nil {
		return "", err
	}
	var out struct {
		ID ProfileID `json:"id"`
	}
	r := &request{op: opProfilesCreate, method: "POST", path: "/v2/visit_profile", route: "/v2/visit_profile", body: req, class: engine.Write, out: &out}
	if err := s.client.do(ctx, r, opts); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", invalidf(r, "the response has no profile id")
	}
	return out.ID, nil
}

// Get returns the profile with the given id.
func (s *ProfilesService) Get(ctx context.Context, id ProfileID, opts ...Option) (*Profile, error) {
	path, err := profilePath(id)
	if err != nil {
		return nil, err
	}
	p := new(Profile)
	if err := s.client.do(ctx, &request{op: opProfilesGet, method: "GET", path: path, route: profileRoute, class: engine.Read, out: p}, opts); err != nil {
		return nil, err
	}
	return p, nil
}

// Update sets the profile with the given id to req, whole: send every
// setting the profile is to keep, not only the ones that change, since a
// part left out (say llm) may be cleared. For a read-modify-update, change
// the ProfileRequest that Request returns for the profile Get read. The API
// does not document whether it replaces the profile or merges req into it;
// fullstorytest replaces it, so that a test shows what a partial update
// would lose. Like Create, it is retried only where that is safe unless
// WithIdempotencyKey is passed.
func (s *ProfilesService) Update(ctx context.Context, id ProfileID, req *ProfileRequest, opts ...Option) error {
	path, err := profilePath(id)
	if err != nil {
		return err
	}
	if req == nil {
		return &ValidationError{Field: "profile request", Reason: "is nil"}
	}
	if err := req.validate(); err != nil {
		return err
	}
	return s.client.do(ctx, &request{op: opProfilesUpdate, method: "POST", path: path, route: profileRoute, body: req, class: engine.Write}, opts)
}

// Delete deletes the profile with the given id.
func (s *ProfilesService) Delete(ctx context.Context, id ProfileID, opts ...Option) error {
	path, err := profilePath(id)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &request{op: opProfilesDelete, method: "DELETE", path: path, route: profileRoute, class: engine.Read}, opts)
}

// List returns one page of profiles. o may be nil for the first page with the
// server's page size.
func (s *ProfilesService) List(ctx context.Context, o *ListProfilesOptions, opts ...Option) (*ProfilePage, error) {
	return s.list(ctx, opProfilesList, o, opts)
}

func (s *ProfilesService) list(ctx context.Context, op operation, o *ListProfilesOptions, opts []Option) (*ProfilePage, error) {
	q, err := o.encode()
	if err != nil {
		return nil, err
	}
	page := new(ProfilePage)
	if err := s.client.do(ctx, &request{op: op, method: "GET", path: "/v2/visit_profile", route: "/v2/visit_profile", query: q, class: engine.Read, out: page}, opts); err != nil {
		return nil, err
	}
	return page, nil
}

// maxEmptyPages is how many empty pages in a row Profiles.All follows: a
// server that answers empty pages with new tokens would keep it fetching
// forever, and the loop body, which never runs, could not break.
const maxEmptyPages = 10

// All returns every profile, fetching pages lazily as the loop asks for
// more. It can be ranged more than once, stops fetching when the loop breaks,
// and yields an error once, then stops. A server that repeats a page token,
// or answers 10 empty pages in a row that each name a next page, gets an
// error matching ErrInvalidResponse.
func (s *ProfilesService) All(ctx context.Context, o *ListProfilesOptions, opts ...Option) iter.Seq2[*Profile, error] {
	return func(yield func(*Profile, error) bool) {
		var page ListProfilesOptions // a fresh copy per range, so ranging again starts over
		if o != nil {
			page = *o
		}
		seen := make(map[string]bool)
		empty := 0 // empty pages in a row
		for {
			p, err := s.list(ctx, opProfilesAll, &page, opts)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, pr := range p.Profiles {
				if !yield(pr, nil) {
					return
				}
			}
			if p.NextPageToken == "" {
				return
			}
			list := &request{method: "GET", path: "/v2/visit_profile"}
			if seen[p.NextPageToken] {
				yield(nil, invalidf(list, "the server repeated page token %q", shorten(p.NextPageToken, 100)))
				return
			}
			empty++
			if len(p.Profiles) > 0 {
				empty = 0
			}
			if empty == maxEmptyPages {
				yield(nil, invalidf(list, "the server answered %d empty pages in a row, each with a new page token", maxEmptyPages))
				return
			}
			seen[p.NextPageToken] = true
			page.PageToken = p.NextPageToken
		}
	}
}

func (o *ListProfilesOptions) encode() (string, error) {
	if o == nil {
		return "", nil
	}
	if o.Limit < 0 || o.Limit > 100 {
		return "", &ValidationError{Field: "limit", Reason: "must be between 0 (server default) and 100"}
	}
	v, err := query.Values(o)
	if err != nil {
		return "", &ValidationError{Field: "list options", Reason: err.Error()}
	}
	return v.Encode(), nil
}

func (r *ProfileRequest) validate() error { return r.ProfileConfig.validate() }

// profileRoute is the path of a profile with a placeholder, for Hooks.
const profileRoute = "/v2/visit_profile/{id}"

// profilePath returns the escaped path of a profile, refusing ids that would
// address something else.
func profilePath(id ProfileID) (string, error) {
	switch s := strings.TrimSpace(string(id)); {
	case s == "":
		return "", &ValidationError{Field: "profile id", Reason: "is empty"}
	case s == "." || s == ".." || s != string(id) || strings.ContainsFunc(s, isSpaceOrControl):
		return "", &ValidationError{Field: "profile id", Reason: "is not a valid id"}
	}
	return "/v2/visit_profile/" + url.PathEscape(string(id)), nil
}
