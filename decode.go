package fullstory

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/summarykit/fullstory-go/internal/engine"
)

// decode unmarshals a success body into r.out.
func decode(r *request, out *engine.Outcome, red *redactor) error {
	body := bytes.TrimSpace(out.Body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		if r.out == nil {
			return nil
		}
		return invalidResponse(r, out, red, "the body is empty", nil)
	}
	if r.out == nil {
		return nil
	}
	var err error
	if d, ok := r.out.(bodyDecoder); ok {
		err = d.decodeBody(body)
	} else {
		err = json.Unmarshal(body, r.out)
	}
	if errors.Is(err, errNoSummary) {
		return invalidResponse(r, out, red, errNoSummary.Error(), nil)
	}
	if err != nil {
		return invalidResponse(r, out, red, "it is not the expected JSON", err)
	}
	return nil
}

// bodyDecoder is a response type that decodes a whole body itself. Having
// json.Unmarshal call its UnmarshalJSON instead would scan the body twice.
type bodyDecoder interface {
	decodeBody(data []byte) error
}
