package shared

import (
	"bytes"
	"encoding/json"
	"io"
)

// MarshalJSON encodes v without HTML escaping, so that prompts such as
// "Answer in <b>bold</b> & briefly" read as written, and without the
// trailing newline of json.Encoder.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := EncodeJSON(&buf, v, ""); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// EncodeJSON writes v to w as one JSON document followed by a newline,
// without HTML escaping, indented by indent unless it is empty.
func EncodeJSON(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(v)
}
