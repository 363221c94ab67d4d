package fullstory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"
	"unicode/utf8"

	fullstory "github.com/summarykit/fullstory-go"
)

// Fuzz targets. Their seeds run in every go test; scripts/fuzz.sh fuzzes
// each of them for a while. No input may make the library panic.

// fzFixtures adds every JSON fixture of testdata as a seed.
func fzFixtures(f *testing.F, add func(data []byte)) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			add(data)
		}
	}
}

// FuzzParseSessionID: a parsed id re-parses to itself from each of its
// printed forms, and a refused one is a *ValidationError.
func FuzzParseSessionID(f *testing.F) {
	for _, s := range []string{
		"123:456", "123%3A456", "123%3a456", "123!456", "  123:456\n",
		"8658262255227649805:6051379213219545390",
		"https://app.fullstory.com/ui/o-1ABC-na1/session/123%3A456",
		"https://app.eu1.fullstory.com/ui/ORG/session/123:456/extra?x=1#frag",
		"http://app.fullstory.com/ui/ORG/session/",
		"", ":", "a:", ":b", "a:b:c", "a%3Ab%3Ac", "a!b!c", "%zz:1", "u\x00:s", "u s:1",
		"é:ü", "a;b:c,d", "a+b:c=d", "[::1]:80", "https://[::1", "user@example.com:1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := fullstory.ParseSessionID(s)
		if err != nil {
			var ve *fullstory.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, fullstory.ErrInvalidArgument) {
				t.Fatalf("ParseSessionID(%q) error is not a *ValidationError: %#v", s, err)
			}
			if !id.IsZero() {
				t.Fatalf("ParseSessionID(%q) failed but returned %#v", s, id)
			}
			return
		}
		if id.User == "" || id.Session == "" {
			t.Fatalf("ParseSessionID(%q) = %#v: a half is empty", s, id)
		}
		forms := map[string]string{
			"String":      id.String(),
			"PathEscaped": id.PathEscaped(),
			"app URL":     "https://app.fullstory.com/ui/o-1-na1/session/" + id.PathEscaped(),
		}
		for name, form := range forms {
			again, err := fullstory.ParseSessionID(form)
			if err != nil || again != id {
				t.Fatalf("ParseSessionID(%q) = %#v, but its %s form %q parses to %#v, %v", s, id, name, form, again, err)
			}
		}
		text, err := id.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back fullstory.SessionID
		if err := back.UnmarshalText(text); err != nil || back != id {
			t.Fatalf("text round trip of %#v: %#v, %v", id, back, err)
		}
	})
}

// fzSchemaTypes are the types a converted schema may have.
var fzSchemaTypes = map[fullstory.SchemaType]bool{
	fullstory.TypeString: true, fullstory.TypeNumber: true, fullstory.TypeInteger: true,
	fullstory.TypeBoolean: true, fullstory.TypeArray: true, fullstory.TypeObject: true,
}

// fzCheckSchema fails t unless every type in s is valid and arrays have items.
func fzCheckSchema(t *testing.T, where string, s *fullstory.Schema) {
	t.Helper()
	if s == nil {
		t.Fatalf("%s: nil schema", where)
	}
	if !fzSchemaTypes[s.Type] {
		t.Fatalf("%s: type %q", where, s.Type)
	}
	if s.Type == fullstory.TypeArray && s.Items == nil {
		t.Fatalf("%s: an array without items", where)
	}
	if s.Items != nil {
		fzCheckSchema(t, where+".items", s.Items)
	}
	for name, p := range s.Properties {
		fzCheckSchema(t, where+".properties."+name, p)
	}
}

// fzSchemaNodes counts the schemas in s.
func fzSchemaNodes(s *fullstory.Schema) int {
	if s == nil {
		return 0
	}
	n := 1 + fzSchemaNodes(s.Items)
	for _, p := range s.Properties {
		n += fzSchemaNodes(p)
	}
	return n
}

// fzSchemaBomb is a schema of about 1 KiB whose definitions each refer to
// the next four times: resolved inline, it has 4^depth schemas.
func fzSchemaBomb(depth int) string {
	var defs []string
	for i := range depth {
		ref := fmt.Sprintf(`{"$ref":"#/$defs/D%d"}`, i+1)
		defs = append(defs, fmt.Sprintf(`"D%d":{"type":"object","properties":{"a":%s,"b":%s,"c":%s,"d":%s}}`, i, ref, ref, ref, ref))
	}
	defs = append(defs, fmt.Sprintf(`"D%d":{"type":"string"}`, depth))
	return `{"$defs":{` + strings.Join(defs, ",") + `},"$ref":"#/$defs/D0"}`
}

// fzMaxSchemaNodes is far more than any response schema needs, and far
// less than what an expanding schema would make.
const fzMaxSchemaNodes = 100_000

// FuzzParseSchema: ParseSchema never panics; what it accepts has valid
// types and a bounded size, and parsing its own JSON again gives the same
// schema.
func FuzzParseSchema(f *testing.F) {
	f.Add([]byte(fzSchemaBomb(9)))
	for _, s := range []string{
		`{"type":"object","properties":{"summary":{"type":"string","description":"two sentences"},"sentiment":{"type":"string","enum":["positive","neutral","negative"]}},"required":["summary"]}`,
		`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"x","type":"object","properties":{"tags":{"type":["array","null"],"items":{"type":"string"}},"score":{"type":["number","null"]}}}`,
		`{"$defs":{"Step":{"type":"object","properties":{"n":{"type":"integer"}}}},"type":"object","properties":{"steps":{"type":"array","items":{"$ref":"#/$defs/Step"}},"first":{"$ref":"#/$defs/Step","description":"the first"}}}`,
		`{"definitions":{"A":{"type":"boolean"}},"type":"object","properties":{"a":{"$ref":"#/definitions/A"}}}`,
		`{"type":"object","properties":{"next":{"$ref":"#"}}}`,
		`{"anyOf":[{"type":"string"},{"type":"null"}],"description":"maybe"}`,
		`{"oneOf":[{"type":"null"}]}`,
		`{"anyOf":[{"type":"string"},{"type":"integer"}]}`,
		`{"type":"OBJECT","properties":{"x":{"type":"STRING","nullable":true}},"required":["x"]}`,
		`{"type":"array"}`, `{"type":"foo"}`, `{"type":["string","integer"]}`, `{"enum":["a","b"]}`, `{"enum":[1]}`,
		`{"$ref":"#/$defs/missing"}`, `{"$ref":"http://example.com/s.json"}`, `{}`, `[]`, `null`, `true`, `"string"`, ``,
		`{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"object","properties":{"c":{"type":"string"}}}}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := fullstory.ParseSchema(data)
		if err != nil {
			if s != nil || !errors.Is(err, fullstory.ErrInvalidArgument) {
				t.Fatalf("ParseSchema(%q) = %v, %v: want nil and a *ValidationError", data, s, err)
			}
			return
		}
		fzCheckSchema(t, "schema", s)
		if n := fzSchemaNodes(s); n > fzMaxSchemaNodes {
			t.Fatalf("ParseSchema of %d bytes made %d schemas", len(data), n)
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("marshalling the parsed schema of %q: %v", data, err)
		}
		s2, err := fullstory.ParseSchema(out)
		if err != nil {
			t.Fatalf("ParseSchema(%q) = %s, which does not parse again: %v", data, out, err)
		}
		out2, err := json.Marshal(s2)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("ParseSchema(%q) is not stable:\n first %s\nsecond %s", data, out, out2)
		}
	})
}

// fzErrorServer answers every request with the status, body and
// Retry-After of the current fuzz input.
type fzErrorServer struct {
	input atomic.Pointer[fzErrorInput]
}

type fzErrorInput struct {
	status     int
	body       []byte
	retryAfter string
}

func (s *fzErrorServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	in := s.input.Load()
	if in.retryAfter != "" {
		w.Header().Set("Retry-After", in.retryAfter)
	}
	w.WriteHeader(in.status)
	w.Write(in.body)
}

// fzPrintable reports whether v can travel as a header value unchanged.
func fzPrintable(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return true
}

// fzEmail is the UTF-8 email the error-body fuzz target looks up, with
// letters whose case changes their length in bytes (ß, whose upper case
// is ẞ).
const fzEmail = "jürgen.strauß@exämple.com"

// fzSpellings are the ways a fuzzed body spells a secret of the call: the
// key and the email as sent, in another letter case, with the Kelvin sign
// for a K, and query-escaped in either case. Each spelling is the secret
// for strings.EqualFold, or for it query-escaped.
var fzSpellings = []string{
	secretKey,
	strings.ToLower(secretKey),
	strings.Replace(secretKey, "K", "\u212A", 1),
	fzEmail,
	"JÜRGEN.STRAUẞ@EXÄMPLE.COM",
	url.QueryEscape(fzEmail),
	strings.ToLower(url.QueryEscape(fzEmail)),
}

// fzFills are what comes before the secret: runs that collapse (spaces,
// newlines), vanish (tags) or stay, and characters whose lower case has
// another length in bytes.
var fzFills = []string{"x", " ", "\n", "<p>", "İ", "\u212A", "ẞ"}

// fzCuts are where the client cuts what a server sent: an error body or
// message at 64 KiB, the first 4096 bytes of an unusable 200, and the
// samples of 500 (message), 200 (body text), 120 (unusable 200) and 100
// (code) characters.
var fzCuts = []int{64 << 10, 4096, 500, 200, 120, 100}

// fzSecretBody builds the body the server sends: a run of fill bytes that
// ends near one of fzCuts (pad picks which, and where from 40 bytes before
// it to 8 after), then a spelling of a secret, then the fuzzed body, as
// plain text, as the message of a JSON error, or as its code.
func fzSecretBody(pad uint32, which uint8, body []byte) (spelling string, out []byte) {
	spelling = fzSpellings[int(which)%len(fzSpellings)]
	fill := fzFills[int(which)/len(fzSpellings)%len(fzFills)]
	n := max(0, fzCuts[pad%uint32(len(fzCuts))]+int(pad/uint32(len(fzCuts))%48)-40)
	text := strings.Repeat(fill, n/len(fill)+1)[:n] + spelling + string(body)
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	switch int(which) / (len(fzSpellings) * len(fzFills)) % 3 {
	case 1:
		return spelling, []byte(`{"code":"internal","message":` + quote(text) + `}`)
	case 2:
		return spelling, []byte(`{"code":` + quote(text) + `,"message":"m"}`)
	}
	return spelling, []byte(text)
}

// FuzzErrorBody sends fuzzed error responses and unusable 200s through the
// real request path of a Sessions.List by email: a 4xx or 5xx gives an
// *APIError whose Error() is one printable line of bounded length, a 200
// ErrInvalidResponse; and a secret the body carries (the key or the email,
// in any letter case, next to characters whose case changes their length,
// after a run that ends near a cut) is in no error text, nor any start of
// it of 4 characters or more.
func FuzzErrorBody(f *testing.F) {
	seeds := []struct {
		status     uint16
		body       string
		retryAfter string
	}{
		{500, `{"code":"internal","message":"something broke"}`, ""},
		{404, `{"code":"resource_not_found","message":"profile not found"}`, ""},
		{400, `{"code":400,"message":"bad slice","details":[{"field":"slice.mode"}]}`, ""},
		{401, `{"error":"unauthorized"}`, ""},
		{429, `{"code":"rate_limited","message":"too many requests"}`, "120"},
		{503, `<html><head><title>503 Service Unavailable</title></head><body><h1>503</h1></body></html>`, "Wed, 21 Oct 2037 07:28:00 GMT"},
		{502, "<html><body>\n<center><h1>502 Bad Gateway</h1></center>\n</body></html>", ""},
		{504, "upstream request timeout", "-1"},
		{403, "", ""},
		{400, `{"code":"a\nb\u001b[31mred","message":"line1\nline2\ttab\u0000nul"}`, ""},
		{400, "\xff\xfe\xfd invalid utf-8 \xc3\x28", ""},
		{400, "{\"code\":\"bad\u202e\",\"message\":\"evil\u202egnp.exe\u200b\ufeff\u00ad\u2066x\u2069\"}", ""},
		{502, "<html><title>Proxy\u202aerror\u200d</title></html>", ""},
		{500, `{"code":{"nested":true},"message":["not","a","string"]}`, ""},
		{599, strings.Repeat("<p>long</p>", 2000), "99999999999999999999"},
		{0x8000, "<html>login</html>", ""},
	}
	for i, s := range seeds {
		// Each seed with a secret near another cut, in another spelling,
		// fill and shape.
		f.Add(s.status, []byte(s.body), s.retryAfter, uint32(i*6+i%6), uint8(i*50))
	}
	var srv fzErrorServer
	ts := newCountingServer(f, &srv)
	c, err := fullstory.NewClient(secretKey, fullstory.WithBaseURL(ts.URL), fullstory.WithMaxRetries(0), fullstory.WithMaxRetryAfter(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code uint16, body []byte, retryAfter string, pad uint32, which uint8) {
		status := 400 + int(code)%200
		if code >= 0x8000 {
			status = http.StatusOK
		}
		if !fzPrintable(retryAfter) {
			retryAfter = ""
		}
		spelling, sent := fzSecretBody(pad, which, body)
		srv.input.Store(&fzErrorInput{status, sent, retryAfter})
		_, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: fzEmail})
		var texts []string
		var e *fullstory.APIError
		switch {
		case status == http.StatusOK:
			if err == nil {
				return // JSON that a session list can read
			}
			if !errors.Is(err, fullstory.ErrInvalidResponse) || errors.As(err, &e) {
				t.Fatalf("a 200 with body %q: want ErrInvalidResponse, got %#v", sent, err)
			}
		case !errors.As(err, &e):
			t.Fatalf("status %d, body %q: want an *APIError, got %#v", status, sent, err)
		case e.StatusCode != status:
			t.Fatalf("StatusCode = %d, want %d", e.StatusCode, status)
		case len(e.Body) > 64<<10:
			t.Fatalf("APIError.Body keeps %d bytes", len(e.Body))
		case e.RetryAfter < 0:
			t.Fatalf("Retry-After %q gave a negative RetryAfter %s", retryAfter, e.RetryAfter)
		default:
			texts = append(texts, e.Message, e.Code)
		}
		msg := err.Error()
		if !utf8.ValidString(msg) {
			t.Fatalf("body %q: Error() is not valid UTF-8: %q", sent, msg)
		}
		if i := strings.IndexFunc(msg, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
			t.Fatalf("body %q: Error() has a control or format character at %d, so it is not one printable line: %q", sent, i, msg)
		}
		if len(msg) > 4096 {
			t.Fatalf("body of %d bytes: Error() is %d bytes long", len(sent), len(msg))
		}
		part := string([]rune(spelling)[:4])
		partElsewhere := foldContains(string(body)+retryAfter, part) // then the check below would not tell
		for _, text := range append(texts, msg) {
			for _, secret := range []string{secretKey, fzEmail, url.QueryEscape(fzEmail)} {
				if foldContains(text, secret) {
					t.Fatalf("the error holds %q in some letter case: %q", secret, text)
				}
			}
			if !partElsewhere && foldContains(text, part) {
				t.Fatalf("%d bytes before %q: the error holds its start %q: %q", len(sent), spelling, part, text)
			}
		}
	})
}

// fzDecoders unmarshal data into each response type, marshal what they got
// and unmarshal that again.
var fzDecoders = map[string]func() any{
	"Profile":        func() any { return new(fullstory.Profile) },
	"ProfilePage":    func() any { return new(fullstory.ProfilePage) },
	"ProfileRequest": func() any { return new(fullstory.ProfileRequest) },
	"Session":        func() any { return new(fullstory.Session) },
	"[]Session":      func() any { return new([]fullstory.Session) },
	"Event":          func() any { return new(fullstory.Event) },
	"SessionContext": func() any { return new(fullstory.SessionContext) },
	"Summary":        func() any { return new(fullstory.Summary) },
	"Schema":         func() any { return new(fullstory.Schema) },
	"SliceConfig":    func() any { return new(fullstory.SliceConfig) },
	"SessionID":      func() any { return new(fullstory.SessionID) },
}

// FuzzDecodeResponses: no response body makes decoding panic, and what
// decodes encodes and decodes again.
func FuzzDecodeResponses(f *testing.F) {
	for _, s := range []string{
		`{"id":"p1","name":"support","configuration":{"slice":{"mode":"LAST","event_limit":"50","duration_limit_ms":60000},"events":{"exclude_types":["mouse-thrash"]}},"llm":{"pre_prompt":"You are a support assistant.","temperature":0.2}}`,
		`{"profiles":[{"id":"p1"},null],"next_pagination_token":"t2","next_page_token":"t1"}`,
		`{"userId":8658262255227649805,"sessionId":"6051379213219545390","createdTime":"1700000000","fsUrl":"https://app.fullstory.com/ui/o/session/1%3A2"}`,
		`{"user_id":"1","session_id":2,"created_time":"2024-05-01T10:00:00Z"}`,
		`[{"userId":"1","sessionId":"2","createdTime":1700000000}]`,
		`{"device_id":123,"session_id":"456","event_time":"2024-05-01T10:00:00.123Z","event_type":"click","event_properties":{"target":{"text":"Pay"}},"source_properties":{"url":{"query":{"q":{"values":["a"]}}}}}`,
		`{"context":{"session_id":"1:2","session_created_at":"2024-05-01T10:00:00Z","device_context":{"screen_size":{"height_pixels":800,"width_pixels":1200}}},"pages":[{"url":"https://shop.example/cart","tab":1,"events":[{"type":"click","timestamp":"2024-05-01T10:00:01Z"}]}]}`,
		`{"summary":"The user tried to pay.","response":{"sentiment":"negative"},"response_schema":{"type":"OBJECT","properties":{"sentiment":{"type":"STRING"}}}}`,
		`{"mode":"TIMESTAMP","start_timestamp":"2024-05-01T10:00:00Z","end_timestamp":"2024-05-01T11:00:00+02:00","event_limit":9223372036854775807,"duration_limit_ms":"9223372036854775807"}`,
		`{"event_limit":1e300,"duration_limit_ms":-1.5}`,
		`"123:456"`, `null`, `{}`, `[]`, `""`, `0`, `{"createdTime":"yesterday"}`, `{"userId":{}}`,
	} {
		f.Add([]byte(s))
	}
	fzFixtures(f, func(data []byte) { f.Add(data) })
	f.Fuzz(func(t *testing.T, data []byte) {
		for name, newV := range fzDecoders {
			v := newV()
			if json.Unmarshal(data, v) != nil {
				continue
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s decoded from %q does not encode: %v", name, data, err)
			}
			if err := json.Unmarshal(out, newV()); err != nil {
				t.Fatalf("%s decoded from %q encodes as %s, which does not decode: %v", name, data, out, err)
			}
		}
	})
}

// FuzzSummaryDecode: Summary.Decode finds structured output in any text or
// response without panicking.
func FuzzSummaryDecode(f *testing.F) {
	for _, s := range []struct{ text, response string }{
		{"The user tried to pay twice.", ""},
		{"Here you go:\n```json\n{\"sentiment\":\"negative\",\"steps\":[1,2]}\n```\nThanks.", ""},
		{"```JSON\n[1,2,3]```", ""},
		{"prefix {\"a\": {\"b\": [1, {\"c\": null}]}} suffix", ""},
		{"unclosed ``` fence {\"a\":", ""},
		{"", `{"sentiment":"positive"}`},
		{"", `"{\"sentiment\":\"positive\"}"`},
		{"text", `null`},
		{"", `[`},
		{"{{{{[[[[", ""},
	} {
		f.Add(s.text, []byte(s.response))
	}
	fzFixtures(f, func(data []byte) { f.Add(string(data), []byte(nil)) })
	f.Fuzz(func(t *testing.T, text string, response []byte) {
		sum := &fullstory.Summary{Text: text}
		if json.Valid(response) {
			sum.Response = response
		}
		// Every error is one of the two documented ones: no structured
		// output at all, or output that does not fit the type.
		documented := func(err error) {
			t.Helper()
			if err != nil && !errors.Is(err, fullstory.ErrNoStructuredOutput) && !errors.Is(err, fullstory.ErrStructuredOutputMismatch) {
				t.Fatalf("Decode returned an undocumented error: %v", err)
			}
		}
		var anyV any
		documented(sum.Decode(&anyV))
		var m map[string]any
		documented(sum.Decode(&m))
		var typed struct {
			Sentiment string `json:"sentiment"`
			Steps     []int  `json:"steps"`
		}
		documented(sum.Decode(&typed))
		_, err := fullstory.DecodeSummary[[]string](sum)
		documented(err)
		if err := (&fullstory.Summary{}).Decode(&m); !errors.Is(err, fullstory.ErrNoStructuredOutput) {
			t.Fatalf("an empty summary: %v, want ErrNoStructuredOutput", err)
		}
	})
}
