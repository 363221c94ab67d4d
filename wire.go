package fullstory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// Decoding helpers for the API's tolerant wire formats: protobuf JSON may
// send int64 values as strings, and the same field may come under two names.

// flexInt is an integer that protobuf JSON may send as a number or a string.
type flexInt int64

func (n *flexInt) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return fmt.Errorf("%s is not an integer", shared.OneLine(string(data), 40))
		}
		v = int64(f)
	}
	*n = flexInt(v)
	return nil
}

// flexString is an id that may arrive as a JSON string or number. Numbers
// keep every digit: ids go past 2^53, where float64 would round them.
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*f = ""
	case len(data) > 1 && data[0] == '"' && data[len(data)-1] == '"' && bytes.IndexByte(data, '\\') < 0 && utf8.Valid(data):
		*f = flexString(data[1 : len(data)-1]) // no escapes: the common case, without a second decode
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		var n json.Number
		if err := json.Unmarshal(data, &n); err != nil {
			return fmt.Errorf("id %s is neither a string nor a number", shared.OneLine(string(data), 40))
		}
		*f = flexString(n.String())
	}
	return nil
}

func firstNonEmpty[T ~string](a, b T) T {
	if a != "" {
		return a
	}
	return b
}

// parseCreatedTime reads unix seconds, or an RFC 3339 time.
func parseCreatedTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(secs, 0).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("createdTime %q is neither unix seconds nor RFC 3339", shared.OneLine(v, 40))
}

func firstNonNil[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

// camelKey finds an object key in lowerCamelCase, such as "prePrompt".
var camelKey = regexp.MustCompile(`"[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*"\s*:`)

// snakeKeys returns data with its lowerCamelCase object keys in snake_case
// (prePrompt → pre_prompt, durationLimitMs → duration_limit_ms), so that one
// set of json tags reads both: a protobuf JSON encoder writes lowerCamelCase
// unless told otherwise, and the API's endpoints differ. A key that is there
// in both spellings keeps its snake_case value. Values, and every key under
// a response schema (whose property names are the caller's own), are left
// as they are.
func snakeKeys(data []byte) ([]byte, error) {
	if !camelKey.Match(data) {
		return data, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return shared.MarshalJSON(snakeValue(v))
}

func snakeValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			snake := toSnake(k)
			if _, both := v[snake]; both && snake != k {
				continue
			}
			if snake == "response_schema" {
				out[snake] = x
				continue
			}
			out[snake] = snakeValue(x)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = snakeValue(x)
		}
	}
	return v
}

// toSnake turns "durationLimitMs" into "duration_limit_ms".
func toSnake(s string) string {
	if !strings.ContainsFunc(s, unicode.IsUpper) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
