package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/fields"
)

// readProfile reads a create/update body from a file, or stdin for "-",
// refusing unknown fields and trailing data; its errors start with the
// file's name and the position: "support.json:3:5: …".
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
	var pe *positionError
	switch {
	case errors.As(err, &pe):
		return nil, inputf("%s:%d:%d: %s", label, pe.line, pe.column, pe.msg)
	case err != nil:
		return nil, inputf("%s: %v", label, err)
	}
	return req, nil
}

// positionError is a mistake at a line and column of a file.
type positionError struct {
	line, column int
	msg          string
}

func (e *positionError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.column, e.msg) }

// decodeProfile decodes one ProfileRequest, checked against the API's table
// of names (internal/fields), which the fake checks bodies against too:
// names in snake_case or lowerCamelCase, each value of its kind. A mistake
// in the JSON is a *positionError that says where it is and, for a misspelt
// name, which one was probably meant.
func decodeProfile(r io.Reader) (*fullstory.ProfileRequest, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	canon, err := fields.Canonical(data, fields.Profile)
	var fe *fields.Error
	if errors.As(err, &fe) {
		msg := fe.Reason
		if fe.Path == "id" || fe.Path == "configuration" {
			msg += ` ("profiles get ID --body" prints a file -f accepts)`
		}
		return nil, &positionError{line: fe.Line, column: fe.Column, msg: "not a profile: " + msg}
	}
	if err != nil {
		return nil, fmt.Errorf("not a profile: %v", err)
	}
	var req fullstory.ProfileRequest
	if err := json.Unmarshal(canon, &req); err != nil {
		return nil, fmt.Errorf("not a profile: %v", err)
	}
	return &req, nil
}
