package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// A tool's error is what the model reads in the result (isError): it says
// what went wrong in words the model can act on, whether trying again can
// help, and for a summary whether an Activation may have been spent. Every
// error a tool returns is made here, from the library's error types, never
// from their text. The library's errors hold no API key, email or uid; the
// boundary (middleware.go) takes out the key once more.

// toolError is an error for the model, wrapping its cause.
type toolError struct {
	msg   string
	cause error
}

func (e *toolError) Error() string { return e.msg }
func (e *toolError) Unwrap() error { return e.cause }

// argError is a bad argument, caught before anything is sent; name is ""
// when the fault is in how arguments go together.
func argError(name, format string, args ...any) error {
	what := "invalid arguments: "
	if name != "" {
		what = fmt.Sprintf("invalid argument %q: ", name)
	}
	return &toolError{msg: what + fmt.Sprintf(format, args...), cause: fullstory.ErrInvalidArgument}
}

// text is err's message without the library's "fullstory: " prefix, which
// reads oddly mid-sentence.
func text(err error) string { return strings.TrimPrefix(err.Error(), "fullstory: ") }

// readError describes the failure of a free call: a read, or a profile write.
func readError(ctx context.Context, err error) error {
	var te *toolError
	if errors.As(err, &te) {
		return err
	}
	var msg string
	switch {
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		msg = "cancelled by the client"
	case errors.Is(err, fullstory.ErrInvalidArgument):
		msg = text(err) + "; fix the argument and try again"
	case errors.Is(err, fullstory.ErrBadRequest):
		msg = "the Fullstory API refused the request: " + text(err) + "; fix the arguments and try again"
	case errors.Is(err, fullstory.ErrNotFound):
		msg = "not found: " + text(err) + "; session ids come from " + ToolListSessions + ", profile ids from " + ToolListProfiles
	case errors.Is(err, fullstory.ErrUnauthorized), errors.Is(err, fullstory.ErrForbidden):
		msg = "the Fullstory API refused this server's API key: " + text(err) + "; trying again will not help: whoever runs the server must fix FULLSTORY_API_KEY"
	case errors.Is(err, fullstory.ErrRateLimited):
		msg = "the Fullstory API is rate limiting this account: " + text(err) + "; try again later"
	case errors.Is(err, context.DeadlineExceeded):
		msg = "timed out: " + text(err) + "; try again later"
	default:
		msg = "the Fullstory API call failed: " + text(err)
	}
	return &toolError{msg: msg, cause: err}
}

// summaryError describes the failure of a summary, saying whether it may
// have spent an Activation.
func (s *server) summaryError(ctx context.Context, err error) error {
	const unknown = "; the summary may still have been made and billed (an Activation may be spent; the outcome is unknown), and it was not retried: asking again may spend another"
	g := s.opts.Guard
	var msg string
	switch {
	case errors.Is(err, fullstory.ErrBudgetExhausted):
		msg = fmt.Sprintf("refused, nothing sent: this server run may spend at most %d Activations (--max-activations %d) and has spent them all. "+
			"Summaries made earlier in this run are free to ask for again. To allow more, the person running the server must restart it with a higher --max-activations", g.Max(), g.Max())
	case errors.Is(err, fullstory.ErrBudgetUnavailable):
		msg = "refused, nothing sent: the Activation budget is unavailable: " + text(err)
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		msg = "cancelled by the client before the summary came back" + unknown
	case errors.Is(err, context.DeadlineExceeded):
		msg = "timed out before the summary came back" + unknown
	case errors.Is(err, fullstory.ErrInvalidArgument) || isClientError(err):
		// Refused before the LLM ran (caught here, or a 4xx): the library
		// gave the Activation back.
		return readError(ctx, err)
	case errors.Is(err, fullstory.ErrServer):
		msg = "the Fullstory API failed: " + text(err) + unknown
	default:
		msg = "the summary failed: " + text(err) + unknown
	}
	return &toolError{msg: msg, cause: err}
}

// isClientError reports whether the API answered 4xx: it refused the
// request, and a refused summary spends nothing.
func isClientError(err error) bool {
	var apiErr *fullstory.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode <= 499
}
