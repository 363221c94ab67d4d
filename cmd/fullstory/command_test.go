package main

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestUsageErrors(t *testing.T) {
	_, e := fakeEnv(t)
	cases := []struct {
		env  env
		args []string
		want string
	}{
		{e, nil, "fullstory: no command given; see 'fullstory --help'"},
		{e, []string{"dance"}, `fullstory: unknown command "dance"; see 'fullstory --help'`},
		{e, []string{"sumarize", "x"}, `unknown command "sumarize"; did you mean "summarize"?`},
		{e, []string{"profile", "list"}, `unknown command "profile list"; did you mean "profiles list"?`},
		{e, []string{"session", "list", "--email", demoEmail}, `unknown command "session list"; did you mean "sessions list"?`},
		{e, []string{"profiles", "lst"}, `unknown command "profiles lst"; did you mean "profiles list"?`},
		{e, []string{"profile"}, `unknown command "profile"; did you mean "profiles"?`},
		{e, []string{"fak"}, `did you mean "fake"?`},
		{e, []string{"help", "sumarize"}, `did you mean "summarize"?`},
		{e, []string{"--nope", "sessions", "list"}, "fullstory: unknown flag --nope; see 'fullstory --help'"},
		{e, []string{"profiles"}, "profiles needs a subcommand; see 'fullstory profiles --help'"},
		{e, []string{"profiles", "get"}, "fullstory profiles get: needs one PROFILE_ID; see 'fullstory profiles get --help'"},
		{e, []string{"profiles", "update", "p1"}, "needs -f FILE"},
		{e, []string{"profiles", "delete"}, "needs at least one PROFILE_ID"},
		{e, []string{"profiles", "create"}, "needs -f FILE"},
		{e, []string{"profiles", "list", "--limit", "x"}, `invalid value "x" for --limit: want a whole number such as 5`},
		{e, []string{"summarize", "--email", demoEmail, "--latest", "3.5"}, `invalid value "3.5" for --latest: want a whole number`},
		{e, []string{"sessions", "list", "--email", demoEmail, "--timeout", "5"}, `invalid value "5" for --timeout: want a duration such as 30s or 2m; see 'fullstory sessions list --help'`},
		{e, []string{"version", "extra"}, "takes no arguments"},
		{e, []string{"help", "dance"}, `unknown command "dance"`},
		{env{}, []string{"sessions", "list", "--email", demoEmail}, "FULLSTORY_API_KEY is not set"},
		{e, []string{"--region", "mars", "sessions", "list", "--email", demoEmail}, "region"},
		{e, []string{"sessions", "list", "--email", demoEmail, "--base-url", "http://api.example.com"}, "base URL"},
		{e, []string{"sessions", "list", "--email", demoEmail, "--timeout", "-1s"}, `invalid value "-1s" for --timeout: want a positive duration such as 30s or 2m`},
		{e, []string{"--timeout", "0", "sessions", "list", "--email", demoEmail}, `invalid value "0" for --timeout: want a positive duration such as 30s or 2m; see 'fullstory --help'`},
		{env{}, []string{"--fake", "--base-url", "https://api.example.com", "sessions", "list", "--email", demoEmail}, "--fake takes no --base-url or --region"},
		{env{}, []string{"sessions", "list", "--email", demoEmail, "--fake", "--region", "eu1"}, "--fake takes no --base-url or --region"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, tc.env, tc.args...)
			requireFailure(t, r, exitUsage, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestVersion(t *testing.T) {
	want := "fullstory " + fullstory.Version + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"--fake", "--version", "summarize"}} {
		r := runCLI(t, env{}, args...)
		requireOK(t, r)
		assert.Equal(t, want, r.stdout, args)
		assert.Empty(t, r.stderr)
	}
	for _, args := range [][]string{{"version", "--json"}, {"--json", "--version"}} {
		r := runCLI(t, env{}, args...)
		requireOK(t, r)
		var v struct{ Version, Go, OS, Arch string }
		decodeOne(t, r.stdout, &v)
		assert.Equal(t, fullstory.Version, v.Version)
		assert.Equal(t, runtime.Version(), v.Go)
		assert.Equal(t, runtime.GOOS+"/"+runtime.GOARCH, v.OS+"/"+v.Arch)
	}
	r := runCLI(t, env{}, "--help")
	assert.Contains(t, r.stdout, "--version")
}

func TestVerboseLogsWithoutSecrets(t *testing.T) {
	_, e := fakeEnv(t)
	r := runCLI(t, e, "--verbose", "sessions", "list", "--email", demoEmail)
	requireOK(t, r)
	assert.Contains(t, r.stderr, "level=DEBUG")
	assert.Contains(t, r.stderr, "/sessions/v2")
	assert.NotContains(t, r.stderr, demoEmail)
	assert.NotContains(t, r.stderr, "jane%40doe.com")
	assert.NotContains(t, r.stderr, e["FULLSTORY_API_KEY"])

	r = runCLI(t, e, "sessions", "list", "--email", demoEmail)
	requireOK(t, r)
	assert.Empty(t, r.stderr, "nothing is logged without --verbose")
}

func TestParseInterleaved(t *testing.T) {
	cases := []struct {
		args    []string
		pos     []string
		profile string
		json    bool
	}{
		{[]string{"s1", "--json"}, []string{"s1"}, "", true},
		{[]string{"--profile", "p", "s1", "s2"}, []string{"s1", "s2"}, "p", false},
		{[]string{"s1", "--profile=p", "s2", "--json"}, []string{"s1", "s2"}, "p", true},
		{[]string{"s1", "--", "--json", "-x"}, []string{"s1", "--json", "-x"}, "", false},
		{[]string{}, nil, "", false},
	}
	for _, tc := range cases {
		var g globalFlags
		var profile string
		f := newFlagSet("x")
		g.declare(f, scopeAPI)
		f.stringVar(&profile, "profile", "")
		pos, err := parse(f, tc.args)
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.pos, pos, tc.args)
		assert.Equal(t, tc.profile, profile, tc.args)
		assert.Equal(t, tc.json, g.json, tc.args)
	}

	_, err := parse(newFlagSet("x"), []string{"--what"})
	var ue *usageError
	require.ErrorAs(t, err, &ue)
	assert.True(t, ue.hint)
}

func TestMarkdownCell(t *testing.T) {
	assert.Equal(t, `a \| b<br>c &lt;b&gt; &amp;`, mdCell("a | b\nc <b> &\n"))
	assert.Equal(t, "x<br><br>y", mdCell("x\r\n\r\ny"))
}
