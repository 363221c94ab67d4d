package fullstory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// The boundary: every error a call returns leaves through redactor.exit, and
// every log line it writes through the logger that redactor.logger returns.
// Both take out the API key and the call's private values (a user's email
// or uid), which a server can echo anywhere: in a message, a header that
// net/http quotes in a transport error, the path of a redirect. Both also
// keep the text on one printable line.

// redactor knows the secrets of one call.
type redactor struct {
	apiKey  string
	private []string // values to keep out of errors and logs: emails, uids
	// hc and url (the base URL: the proxy depends on the scheme and host)
	// say where the call goes, for the credentials of the proxy on the way
	// (engine.ProxyCredentials), found the first time a secret is looked
	// for. hc nil: no proxy.
	hc  *http.Client
	url string

	once  sync.Once
	forms []string // every spelling of every secret, longest first
}

// minRedactLen is the shortest private value that is redacted: a shorter
// uid (say "u") would garble every message it occurs in, and identifies
// nobody.
const minRedactLen = 3

// minSecretPart is the shortest start of a secret that counts as the secret
// where text is cut: a secret cut in two no longer matches whole, and most of
// it would be left.
const minSecretPart = 4

// secretForms returns every spelling of the call's secrets that an error or
// a log line could carry: raw, query- and path-escaped, and as one printable
// line, longest first, so that a secret is replaced before any secret it
// holds (a proxy's "user:pass" before its "user").
func (red *redactor) secretForms() []string {
	red.once.Do(func() {
		seen := map[string]bool{"": true}
		add := func(s string, minLen int) {
			for _, f := range []string{s, url.QueryEscape(s), url.PathEscape(s), shared.Collapse(s), shared.Printable(s)} {
				if len(f) >= minLen && !seen[f] {
					seen[f] = true
					red.forms = append(red.forms, f)
				}
			}
		}
		add(red.apiKey, 1) // the key whatever its length
		secrets := red.private
		if red.hc != nil {
			secrets = append(slices.Clip(secrets), engine.ProxyCredentials(red.hc, red.url)...)
		}
		for _, s := range secrets {
			add(s, minRedactLen)
		}
		slices.SortStableFunc(red.forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	})
	return red.forms
}

// redact replaces every secret in s, in any letter case (servers may
// lowercase an email), with "[redacted]".
func (red *redactor) redact(s string) string {
	for _, f := range red.secretForms() {
		s = replaceFold(s, f)
	}
	return s
}

// redactTail replaces the end of s, where s was cut, with "[redacted]" if it
// is the start of a secret (minSecretPart characters or more, in any letter
// case).
func (red *redactor) redactTail(s string) string {
	for _, f := range red.secretForms() {
		if i := foldPrefixTail(s, f); i >= 0 {
			return s[:i] + "[redacted]"
		}
	}
	return s
}

// redactCuts applies redactTail to the text before each "…", which marks
// where a piece of text (a sample, a path, a decoding error's quote of a
// value) was cut.
func (red *redactor) redactCuts(s string) string {
	if !strings.Contains(s, "…") {
		return s
	}
	parts := strings.Split(s, "…")
	for i := range parts[:len(parts)-1] {
		parts[i] = red.redactTail(parts[i])
	}
	return strings.Join(parts, "…")
}

// sample returns s as one line of at most n runes, with the secrets
// redacted. cut says that s is a window of a longer text, cut at its end.
// The line is made first (format characters dropped, white space collapsed,
// which could join the parts of a secret), then redacted, then cut, so
// that no cut leaves part of a secret.
func (red *redactor) sample(s string, cut bool, n int) string {
	s = red.redact(shared.Collapse(s))
	if cut {
		s = red.redactTail(s)
	}
	s, more := shared.Cut(s, n)
	if more {
		s = red.redactTail(s) + "…"
	}
	return s
}

// window returns at most maxErrorBody bytes of s, from its start, and
// whether that cut s: how much of a text a sample looks at.
func window(s string) (string, bool) {
	if len(s) <= maxErrorBody {
		return s, false
	}
	return s[:maxErrorBody], true
}

// line returns s printable and redacted: printable first, since dropping
// a format character could join the parts of a secret.
func (red *redactor) line(s string) string {
	return red.redactCuts(red.redact(shared.Printable(s)))
}

// bounded returns line(s), cut to n runes.
func (red *redactor) bounded(s string, n int) string {
	s, more := shared.Cut(red.line(s), n)
	if more {
		s = red.redactTail(s) + "…"
	}
	return s
}

// maxErrorText and maxLogValue bound the text of an error and of each value
// of a log line, whatever a caller passed or a server sent.
const (
	maxErrorText = 2048 // runes
	maxLogValue  = 1024 // runes
)

// exit is the one way out for a call's error. An *APIError keeps its type,
// with its server-given text cleaned in place; any other error whose text
// needed cleaning is wrapped, so that errors.Is and errors.As still see it.
func (red *redactor) exit(err error) error {
	if err == nil {
		return nil
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Code, apiErr.Message = red.line(apiErr.Code), red.line(apiErr.Message)
	}
	msg := err.Error()
	if clean := red.bounded(msg, maxErrorText); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// redactedError is an error whose text had secrets or unprintable characters
// taken out; errors.Is and errors.As still see the error it wraps.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// logger returns l behind a handler that redacts every message and value,
// or nil when l is nil.
func (red *redactor) logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(&redactHandler{next: l.Handler(), red: red})
}

// redactHandler cleans each record on its way to the caller's handler.
type redactHandler struct {
	next slog.Handler
	red  *redactor
}

func (h *redactHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	clean := slog.NewRecord(rec.Time, rec.Level, h.red.bounded(rec.Message, maxLogValue), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		clean.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, clean)
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.red.bounded(v.String(), maxLogValue))
	case slog.KindAny:
		return slog.String(a.Key, h.red.bounded(fmt.Sprint(v.Any()), maxLogValue))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]any, len(attrs))
		for i, g := range attrs {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), red: h.red}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), red: h.red}
}

// withoutQuery removes the query string, which may hold an email or uid,
// from the URL in a *url.Error, keeping the error chain for errors.Is.
func withoutQuery(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	safe := *ue
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.ForceQuery, u.Fragment, u.User = "", false, "", nil
		safe.URL = shorten(u.String(), maxTextPath) // the path may hold a huge id
	} else {
		safe.URL = "[redacted]"
	}
	if ue == err {
		return &safe
	}
	// The *url.Error is wrapped: describe it afresh, keeping the chain.
	return fmt.Errorf("%s: %w", strings.Replace(err.Error(), ue.Error(), safe.Error(), 1), ue.Err)
}

// replaceFold replaces every occurrence of secret in s with "[redacted]",
// comparing as strings.EqualFold does: rune by rune under Unicode case
// folding, so that the Kelvin sign matches a k and ẞ matches ß, whatever the
// lengths of the two in bytes.
func replaceFold(s, secret string) string {
	first, _ := utf8.DecodeRuneInString(secret)
	// The ASCII letters that first folds to, so that ASCII text is scanned
	// a byte at a time.
	ascii := [2]rune{-1, -1}
	for r, n := first, 0; n < 2; {
		if r < utf8.RuneSelf {
			ascii[n] = r
			n++
		}
		if r = unicode.SimpleFold(r); r == first {
			break
		}
	}
	var b strings.Builder
	last := 0 // s[last:] is not written yet
	for i := 0; i < len(s); {
		if c := rune(s[i]); c < utf8.RuneSelf && c != ascii[0] && c != ascii[1] {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if foldEqual(r, first) {
			if end, ok := foldMatch(s, i, secret); ok {
				b.WriteString(s[last:i])
				b.WriteString("[redacted]")
				i, last = end, end
				continue
			}
		}
		i += size
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// foldMatch reports whether s holds secret at i, in any letter case, and
// where the match ends.
func foldMatch(s string, i int, secret string) (end int, ok bool) {
	for _, want := range secret {
		if i >= len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !foldEqual(r, want) {
			return 0, false
		}
		i += size
	}
	return i, true
}

// foldPrefixTail returns where s ends with the first minSecretPart or more
// characters of secret (but not all of it), in any letter case, or -1. The
// longest such end wins.
func foldPrefixTail(s, secret string) int {
	n := utf8.RuneCountInString(secret)
	if n <= minSecretPart {
		return -1 // no start of it is long enough that is not all of it
	}
	from := max(0, len(s)-(n-1)*utf8.UTFMax)
	for i := from; i < len(s); i++ {
		if !utf8.RuneStart(s[i]) {
			continue
		}
		matched, j := 0, i
		for _, want := range secret {
			if j == len(s) {
				break
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if !foldEqual(r, want) {
				matched = -1
				break
			}
			matched++
			j += size
		}
		if matched >= minSecretPart && matched < n && j == len(s) {
			return i
		}
	}
	return -1
}

// foldEqual reports whether a and b are the same letter in any case, as
// strings.EqualFold compares runes: equal, or in one orbit of
// unicode.SimpleFold.
func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	if a > b {
		a, b = b, a
	}
	if b < utf8.RuneSelf {
		return 'A' <= a && a <= 'Z' && b == a+'a'-'A'
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
