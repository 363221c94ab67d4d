package fullstory

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// redactedError is an error whose text had the API key or personal data
// taken out; errors.Is and errors.As still see the error it wraps.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with a text free of the key and private values,
// which a server can put anywhere, e.g. in the path of a redirect.
func (c *Client) redactError(err error, private []string) error {
	msg := err.Error()
	if clean := c.redact(msg, private); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// redactURLError removes the query string, which may hold an email or uid,
// from the URL in a *url.Error, and what clean finds elsewhere in it, keeping
// the error chain for errors.Is.
func redactURLError(err error, clean func(string) string) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	safe := *ue
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.ForceQuery, u.Fragment, u.User = "", false, "", nil
		safe.URL = clean(u.String())
	} else {
		safe.URL = "[redacted]"
	}
	if ue == err {
		return &safe
	}
	// The *url.Error is wrapped: describe it afresh, keeping the chain.
	return fmt.Errorf("%s: %w", strings.Replace(err.Error(), ue.Error(), safe.Error(), 1), ue.Err)
}

// minRedactLen is the shortest private value that is redacted: a shorter
// uid (say "u") would garble every message it occurs in, and identifies
// nobody.
const minRedactLen = 3

// redact replaces the API key and the call's private values (raw or
// query-escaped, in any letter case, as servers may lowercase an email) in s.
func (c *Client) redact(s string, private []string) string {
	s = replaceFold(s, c.apiKey)
	for _, p := range private {
		if len(p) < minRedactLen {
			continue
		}
		s = replaceFold(s, p)
		if esc := url.QueryEscape(p); esc != p {
			s = replaceFold(s, esc)
		}
	}
	return s
}

// replaceFold replaces every occurrence of secret in s, ignoring ASCII case,
// with "[redacted]".
func replaceFold(s, secret string) string {
	lower, lowerSecret := strings.ToLower(s), strings.ToLower(secret)
	if len(lower) != len(s) || len(lowerSecret) != len(secret) {
		// Lowercasing changed byte offsets (non-ASCII): match exactly.
		return strings.ReplaceAll(s, secret, "[redacted]")
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lowerSecret)
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString("[redacted]")
		s, lower = s[i+len(secret):], lower[i+len(secret):]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s)
	return b.String()
}
