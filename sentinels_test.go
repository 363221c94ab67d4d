package fullstory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestStructuredOutputErrorsMatchSentinels(t *testing.T) {
	type brief struct {
		Goal string `json:"goal"`
	}
	_, err := fullstory.DecodeSummary[brief](&fullstory.Summary{Text: "Jane left at checkout."})
	assert.ErrorIs(t, err, fullstory.ErrNoStructuredOutput)

	_, err = fullstory.DecodeSummary[brief](&fullstory.Summary{Response: []byte(`{"goal":42}`)})
	assert.ErrorIs(t, err, fullstory.ErrStructuredOutputMismatch)
	assert.NotErrorIs(t, err, fullstory.ErrNoStructuredOutput)

	_, err = fullstory.DecodeSummary[brief](&fullstory.Summary{Text: "```json\n{\"goal\":[1]}\n```"})
	assert.ErrorIs(t, err, fullstory.ErrStructuredOutputMismatch)

	_, err = fullstory.SchemaFor[chan int]()
	assert.ErrorIs(t, err, fullstory.ErrInvalidArgument)
}
