package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// readProfile reads a create/update body from a file, or stdin for "-",
// refusing unknown fields and trailing data.
func (a *app) readProfile(name string) (*fullstory.ProfileRequest, error) {
	var r io.Reader = a.stdin
	label := "stdin"
	if name != "-" {
		label = name
		f, err := os.Open(name)
		if err != nil {
			return nil, inputf("reading the profile: %v", err)
		}
		defer f.Close()
		r = f
	}
	req, err := decodeProfile(r)
	if err != nil {
		return nil, inputf("%s: %v", label, err)
	}
	return req, nil
}

// decodeProfile decodes one ProfileRequest, with hints for the mistakes that
// users of the quick-start guide and of "profiles get --json" make.
func decodeProfile(r io.Reader) (*fullstory.ProfileRequest, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req fullstory.ProfileRequest
	err = dec.Decode(&req)
	if err == nil {
		err = checkSliceFields(data)
	}
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, `"output_schema"`):
			msg += ` (the API calls it "response_schema", in "llm")`
		case strings.Contains(msg, `"id"`), strings.Contains(msg, `"configuration"`):
			msg += ` (this looks like "profiles get --json" output; "profiles get ID --body" prints a file -f accepts)`
		case strings.Contains(msg, `"prePrompt"`), strings.Contains(msg, `"postPrompt"`):
			msg += ` (the API names are "pre_prompt" and "post_prompt")`
		}
		return nil, fmt.Errorf("not a profile: %s", msg)
	}
	if dec.More() {
		return nil, fmt.Errorf("not a profile: more than one JSON value")
	}
	return &req, nil
}

// checkSliceFields refuses unknown fields in "slice", which
// DisallowUnknownFields misses: SliceConfig decodes itself, and leniently,
// since it also reads what the API returns.
func checkSliceFields(data []byte) error {
	var top struct {
		Slice json.RawMessage `json:"slice"`
	}
	if json.Unmarshal(data, &top) != nil || len(top.Slice) == 0 {
		return nil
	}
	var wire struct {
		Mode           json.RawMessage `json:"mode"`
		EventLimit     json.RawMessage `json:"event_limit"`
		DurationLimit  json.RawMessage `json:"duration_limit_ms"`
		StartTimestamp json.RawMessage `json:"start_timestamp"`
		EndTimestamp   json.RawMessage `json:"end_timestamp"`
	}
	dec := json.NewDecoder(bytes.NewReader(top.Slice))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wire); err != nil {
		return fmt.Errorf("in slice: %w", err)
	}
	return nil
}
