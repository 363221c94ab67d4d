package main

import (
	"flag"
	"slices"
	"strings"
	"time"
)

// Defaults that more than one command, its help and the README share.
const (
	// defaultConcurrency is how many summaries summarize --latest and
	// profiles try write at once, unless --concurrency says otherwise.
	defaultConcurrency = 4
	// defaultWidth is the width of output whose terminal is unknown, such as
	// a pipe: what most terminals open with.
	defaultWidth = 80
)

// globalFlags are the flags accepted before the command and among its own.
// declare is the one place they are defined: parsing, help, completion and
// the refusal of those that choose an API all read it.
type globalFlags struct {
	baseURL string
	region  string
	timeout time.Duration
	verbose bool
	json    bool
	fake    bool
	version bool // before the command only
}

// flagScope is where global flags are declared.
type flagScope int

const (
	scopeRoot     flagScope = iota // before the command: all of them, and --version
	scopeAPI                       // among the flags of a command that may call the API
	scopeNoClient                  // among the flags of a command that calls none, such as fake
)

// declare adds the global flags of scope to f. Their defaults are the values
// parsed so far, so that flags given before the command survive a second
// flagSet.
func (g *globalFlags) declare(f *flagSet, scope flagScope) {
	if scope != scopeNoClient {
		f.stringVar(&g.baseURL, "base-url", "send requests to `URL` (https, or http to a loopback host); default $FULLSTORY_BASE_URL, else from --region or the key")
		f.stringVar(&g.region, "region", "the data center `REGION`: na1 or eu1 (default: eu1 for a key that starts with eu1., else na1)")
		f.durationVar(&g.timeout, "timeout", "bound each attempt of a call by `DURATION`, e.g. 45s (default 30s, 120s for summaries)")
	}
	f.boolVar(&g.verbose, "verbose", "log each request to stderr: method, path, status, attempt (never the key, email or uid)")
	f.boolVar(&g.json, "json", "print exactly one JSON document on stdout, for scripts; its fields: fullstory help json")
	if scope != scopeNoClient {
		f.boolVar(&g.fake, "fake", "run against an in-process fake API with demo data (jane@doe.com); no key needed")
	}
	if scope == scopeRoot {
		f.boolVar(&g.version, "version", "print the version, as the version command does")
	}
}

// globalFlagSet returns the global flags of scope, unparsed.
func globalFlagSet(scope flagScope) *flagSet {
	f := newFlagSet("fullstory")
	(&globalFlags{}).declare(f, scope)
	return f
}

// globalNames returns the names of the global flags of scope, as declared.
func globalNames(scope flagScope) []string {
	var names []string
	globalFlagSet(scope).declared(func(fl *flag.Flag) { names = append(names, fl.Name) })
	return names
}

// isGlobalFlag reports whether name is a global flag, so that help can show
// a command's own flags apart.
func isGlobalFlag(name string) bool {
	return slices.Contains(globalNames(scopeRoot), name)
}

// apiOnlyFlags are the global flags that choose an API: a command that calls
// none refuses them.
func apiOnlyFlags() []string {
	local := globalNames(scopeNoClient)
	return slices.DeleteFunc(globalNames(scopeAPI), func(name string) bool { return slices.Contains(local, name) })
}

// dashed is a flag as typed: -f, --email.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// orList joins flag names as a sentence does: "--a, --b or --c".
func orList(names []string) string {
	words := make([]string, len(names))
	for i, n := range names {
		words[i] = dashed(n)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
