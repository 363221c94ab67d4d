package fullstory_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// The one secret-leak checker: the secrets a failure must never show, in
// every spelling an error or a log line could carry them.

// The secrets: the API key, and the email and uid of a session list.
const (
	secretKey   = "SECRET-KEY-123"
	secretEmail = "pii@example.com"
	secretUID   = "uid-4242"
)

// secretForms are the spellings of the secrets that an error or a log line
// could carry: raw, query-escaped and path-escaped.
func secretForms() []string {
	forms := []string{secretKey, secretEmail, secretUID}
	for _, s := range []string{secretKey, secretEmail, secretUID} {
		if esc := url.QueryEscape(s); esc != s {
			forms = append(forms, esc)
		}
		if esc := url.PathEscape(s); esc != s {
			forms = append(forms, esc)
		}
	}
	return append(forms, "pii%40example.com", "pii@example")
}

// assertNoSecrets fails t for each secret form, and each of more, found in
// s, and returns how many it found.
func assertNoSecrets(t *testing.T, s, what string, more ...string) int {
	t.Helper()
	found := 0
	for _, form := range append(secretForms(), more...) {
		if strings.Contains(s, form) {
			found++
			t.Errorf("%s leaks %q: %s", what, form, s)
		}
	}
	return found
}

// echoSecrets is an error body that repeats everything it was sent, as
// careless servers and proxies do.
func echoSecrets(status int) wireReply {
	msg := fmt.Sprintf("no user with email %s or uid %s (key %s)", secretEmail, secretUID, secretKey)
	return wireJSON(status, `{"code":"user_not_found","message":"`+msg+`"}`)
}

// foldContains reports whether s holds sub in any letter case, as
// strings.EqualFold compares them: rune by rune, so the Kelvin sign matches
// a k and ẞ matches ß, whatever their lengths in bytes.
func foldContains(s, sub string) bool {
	rs, n := []rune(s), utf8.RuneCountInString(sub)
	for i := 0; i+n <= len(rs); i++ {
		if strings.EqualFold(string(rs[i:i+n]), sub) {
			return true
		}
	}
	return false
}

// minSecretPart is the shortest start of a secret that counts as the
// secret where text is cut: 4 characters.
const minSecretPart = 4

// assertNoSecretPart fails t if s holds, in any letter case, the first
// minSecretPart characters of secret (and so any longer start of it).
func assertNoSecretPart(t *testing.T, s, secret, what string) bool {
	t.Helper()
	part := string([]rune(secret)[:minSecretPart])
	if foldContains(s, part) {
		i := max(0, strings.Index(strings.ToLower(s), strings.ToLower(part))-40)
		t.Errorf("%s holds %q, the start of a secret: …%q…", what, part, s[i:min(len(s), i+100)])
		return false
	}
	return true
}
