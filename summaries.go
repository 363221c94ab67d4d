package fullstory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/internal/engine"
)

// SummarizeRequest says how to summarize a session.
type SummarizeRequest struct {
	// Profile is the prompt profile to use, "config_profile". Empty: the
	// server writes a generic synopsis of the user's experience.
	Profile ProfileID
	// EndTimestamp keeps only the events before it; zero = absent.
	EndTimestamp time.Time
	// Overrides, when set, are merged onto the profile for this summary only:
	// set values replace the profile's, and lists are appended to its lists.
	// nil: a GET with query parameters; set: a POST with a body.
	Overrides *ProfileConfig
}

// Summary is what the LLM wrote about a session.
type Summary struct {
	// Text is the plain-text summary, "summary".
	Text string `json:"summary,omitempty"`
	// Response is the structured output, "response", when the profile has a
	// response schema. Read it with Decode or DecodeSummary.
	Response json.RawMessage `json:"response,omitempty"`
	// ResponseSchema is the schema the server used, "response_schema".
	ResponseSchema *Schema `json:"response_schema,omitempty"`
	// Source says how the call got this summary: its own request (which may
	// have spent an Activation), an identical call's in flight at the same
	// time, or the SummaryCache. It is not part of the JSON.
	Source SummarySource `json:"-"`
}

// UnmarshalJSON reads the schema as "response_schema" or, as a protobuf JSON
// encoder may write it, "responseSchema".
func (s *Summary) UnmarshalJSON(data []byte) error {
	type plain Summary
	var w struct {
		plain
		Camel *Schema `json:"responseSchema"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*s = Summary(w.plain)
	s.ResponseSchema = firstNonNil(s.ResponseSchema, w.Camel)
	return nil
}

// Summarize asks the LLM to summarize one session. Each summary spends an
// Activation, so it is retried only when the attempt provably reached no
// generator: a 429, a 503 with Retry-After, or a request that never left;
// never after another 5xx or a timeout. An identical call in flight at the
// same time shares its request, and WithSummaryCache answers a repeated one
// without sending: Summary.Source says which (WithFreshSummary asks anew).
// With WithBudget, each attempt takes an Activation from the budget first.
// req may be nil for a generic synopsis. Attempts time out after 120s unless
// WithTimeout says otherwise.
func (s *SessionsService) Summarize(ctx context.Context, id SessionID, req *SummarizeRequest, opts ...Option) (*Summary, error) {
	st, err := s.client.callSettings(opSummarize, opts)
	if err != nil {
		return nil, err
	}
	return s.summarize(ctx, id, req, st)
}

// summarize is Summarize with the call's settings made, as SummarizeEach
// calls it.
func (s *SessionsService) summarize(ctx context.Context, id SessionID, req *SummarizeRequest, st *settings) (*Summary, error) {
	if err := id.validate(); err != nil {
		return nil, err
	}
	if req == nil {
		req = &SummarizeRequest{}
	}
	if p := req.Profile; p != "" && (strings.TrimSpace(string(p)) != string(p) || strings.ContainsFunc(string(p), isSpaceOrControl)) {
		return nil, &ValidationError{Field: "profile id", Reason: "is not a valid id"}
	}
	r := &request{op: opSummarize, path: "/v2/sessions/" + id.PathEscaped() + "/summary", route: "/v2/sessions/{session_id}/summary", class: engine.Summary}
	if req.Overrides == nil {
		r.method = "GET"
		q := url.Values{}
		if req.Profile != "" {
			q.Set("config_profile", string(req.Profile))
		}
		if !req.EndTimestamp.IsZero() {
			q.Set("end_timestamp", req.EndTimestamp.UTC().Format(time.RFC3339Nano))
		}
		r.query = q.Encode()
	} else {
		if err := req.Overrides.validate(); err != nil {
			return nil, err
		}
		body := summarizeBody{ConfigProfile: req.Profile, ProfileConfig: *req.Overrides}
		if !req.EndTimestamp.IsZero() {
			// The POST body has no end_timestamp of its own: it goes in the slice.
			sl := SliceConfig{}
			if body.Slice != nil {
				sl = *body.Slice
			}
			if sl.EndTimestamp.IsZero() || req.EndTimestamp.Before(sl.EndTimestamp) {
				sl.EndTimestamp = req.EndTimestamp // both set: the earlier end wins
			}
			body.Slice = &sl
		}
		r.method, r.body = "POST", body
	}
	return s.client.guarded(ctx, r, st)
}

// clone returns a deep copy of s.
func (s *Summary) clone() *Summary {
	c := *s
	c.Response = bytes.Clone(s.Response)
	c.ResponseSchema = s.ResponseSchema.clone()
	return &c
}

// decodeBody decodes a summary response, refusing one with neither a
// summary nor a structured response.
func (s *Summary) decodeBody(data []byte) error {
	*s = Summary{}
	if err := json.Unmarshal(data, s); err != nil {
		return err
	}
	if bytes.Equal(bytes.TrimSpace(s.Response), []byte("null")) {
		s.Response = nil
	}
	if s.Text == "" && len(s.Response) == 0 {
		return errNoSummary
	}
	return nil
}

var errNoSummary = errors.New("the response has neither a summary nor a structured response")

type summarizeBody struct {
	ConfigProfile ProfileID `json:"config_profile,omitempty"`
	ProfileConfig
}

// Decode unmarshals the structured output into v: Response when present,
// otherwise JSON found in Text (bare, or in a ```json fence), as profiles
// written for the quick-start guide's output_schema return it. It fails with
// ErrNoStructuredOutput when there is neither, and with an error that matches
// ErrStructuredOutputMismatch when the JSON does not fit v.
func (s *Summary) Decode(v any) error {
	if s == nil {
		return &ValidationError{Field: "summary", Reason: "is nil"}
	}
	data := bytes.TrimSpace(s.Response)
	if len(data) > 0 && !bytes.Equal(data, []byte("null")) {
		if data[0] == '"' { // a JSON string that holds the JSON, maybe amid prose
			var inner string
			if err := json.Unmarshal(data, &inner); err == nil {
				if found := jsonInText(inner); found != nil {
					data = found
				} else {
					data = []byte(inner)
				}
			}
		}
		if err := json.Unmarshal(data, v); err != nil {
			return fmt.Errorf("%w: decoding the summary response: %w", ErrStructuredOutputMismatch, err)
		}
		return nil
	}
	data = jsonInText(s.Text)
	if data == nil {
		return ErrNoStructuredOutput
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: decoding the JSON in the summary text: %w", ErrStructuredOutputMismatch, err)
	}
	return nil
}

// jsonInText finds the JSON value in a summary's text: the content of a
// ``` fence if there is one, else the first object or array in it.
func jsonInText(text string) []byte {
	if _, after, ok := strings.Cut(text, "```"); ok {
		if body, _, ok := strings.Cut(after, "```"); ok {
			body = strings.TrimPrefix(body, "json")
			body = strings.TrimPrefix(body, "JSON")
			text = body
		}
	}
	i := strings.IndexAny(text, "{[")
	if i < 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(text[i:]))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil
	}
	return raw
}

// DecodeSummary returns the structured output of s as a T; see Summary.Decode.
func DecodeSummary[T any](s *Summary) (T, error) {
	var v T
	err := s.Decode(&v)
	return v, err
}

// SummarizeAs summarizes a session and decodes its structured output as a T.
// Use it with a profile (or Overrides) whose response schema is
// SchemaFor[T](). The Summary is returned too, also when decoding fails, so
// its text is not lost.
func SummarizeAs[T any](ctx context.Context, c *Client, id SessionID, req *SummarizeRequest, opts ...Option) (T, *Summary, error) {
	var zero T
	if c == nil {
		return zero, nil, &ValidationError{Field: "client", Reason: "is nil"}
	}
	sum, err := c.Sessions.Summarize(ctx, id, req, opts...)
	if err != nil {
		return zero, nil, err
	}
	v, err := DecodeSummary[T](sum)
	return v, sum, err
}
