package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// command is one thing fullstory does, with its help.
type command struct {
	name    string // "profiles create"
	args    string // what follows the name in the synopsis
	summary string // one line, for the command list
	help    string // what it does and examples
	run     func(a *app, ctx context.Context, cmd *command, args []string) error
	// noClient is set for a command that calls no API, such as fake: the
	// global flags that choose the API are not its flags.
	noClient bool
	// untilInterrupted is set for a command that Ctrl-C ends as it should,
	// such as fake, which then has nothing to clean up.
	untilInterrupted bool
}

// commands returns every command, in the order help lists them. It is a
// function, not a variable, since the help command refers to it.
func commands() []*command {
	return []*command{
		cmdProfilesCreate, cmdProfilesGet, cmdProfilesList, cmdProfilesUpdate, cmdProfilesDelete, cmdProfilesTry,
		cmdSessionsList, cmdSessionsEvents, cmdSessionsContext,
		cmdSummarize,
		cmdFake,
		cmdMCP,
		{name: "help", args: "[COMMAND]", summary: "Show the help of fullstory or of a command", run: (*app).help},
		{name: "completion", args: "bash|zsh|fish", summary: "Print a shell completion script", help: completionHelp, run: (*app).completion},
		{name: "version", summary: "Print the version", run: (*app).version},
	}
}

// groupHelp returns the help of a command that takes a subcommand.
func groupHelp(name string) (string, bool) {
	switch name {
	case "profiles":
		return profilesHelp, true
	case "sessions":
		return sessionsHelp, true
	}
	return "", false
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// errHelp is returned once help was printed on request: exit status 0.
var errHelp = errors.New("help shown")

// dispatch parses the global flags before the command, finds the command and
// runs it.
func (a *app) dispatch(ctx context.Context, args []string) error {
	root := flag.NewFlagSet("fullstory", flag.ContinueOnError)
	root.SetOutput(io.Discard)
	root.Usage = func() {}
	a.g.register(root, &a.badFlag)
	showVersion := root.Bool("version", false, "print the version, as the version command does")
	if err := root.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			a.rootHelp()
			return errHelp
		}
		return a.flagError(err)
	}
	if *showVersion {
		return a.printVersion()
	}
	rest := root.Args()
	if len(rest) == 0 {
		return usagef("no command given")
	}
	name, rest := rest[0], rest[1:]
	if help, ok := groupHelp(name); ok {
		if len(rest) == 0 {
			return &usageError{msg: fmt.Sprintf("%s needs a subcommand; see 'fullstory %s --help'", name, name)}
		}
		if isHelpArg(rest[0]) {
			a.printHelp(help)
			return errHelp
		}
		name, rest = name+" "+rest[0], rest[1:]
	}
	cmd := findCommand(name)
	if cmd == nil {
		return unknownCommand(name, rest)
	}
	a.cmd = cmd
	a.quietInterrupt.Store(cmd.untilInterrupted)
	return cmd.run(a, ctx, cmd, rest)
}

// flagError is the usage error for a command line that fs.Parse refused:
// with the form wanted, if the fault was a flag value of the wrong form.
func (a *app) flagError(err error) error {
	if bad := a.badFlag; bad != nil {
		a.badFlag = nil
		return usagef("%v", bad)
	}
	return usagef("%v", err)
}

func isHelpArg(s string) bool {
	switch s {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// flags returns a FlagSet for cmd that already holds the global flags.
func (a *app) flags(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet("fullstory "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if cmd.noClient {
		a.g.registerOutput(fs)
	} else {
		a.g.register(fs, &a.badFlag)
	}
	return fs
}

// parse parses args with fs, accepting flags before, between and after the
// positional arguments; "--" ends the flags. It prints the help and returns
// errHelp for -h or --help.
func (a *app) parse(cmd *command, fs *flag.FlagSet, args []string) ([]string, error) {
	if a.probe != nil {
		*a.probe = fs
		return nil, errHelp
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				a.commandHelp(cmd, fs)
				return nil, errHelp
			}
			return nil, a.flagError(err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// help prints the help of fullstory, of a group or of a command.
func (a *app) help(ctx context.Context, cmd *command, args []string) error {
	pos, err := a.parse(cmd, a.flags(cmd), args)
	if err != nil {
		return err
	}
	name := strings.Join(pos, " ")
	if name == "" {
		a.rootHelp()
		return nil
	}
	if help, ok := groupHelp(name); ok {
		a.printHelp(help)
		return nil
	}
	c := findCommand(name)
	if c == nil {
		return unknownCommand(pos[0], pos[1:])
	}
	// The command's own flags appear when it parses --help.
	return c.run(a, ctx, c, []string{"--help"})
}

func (a *app) version(_ context.Context, cmd *command, args []string) error {
	pos, err := a.parse(cmd, a.flags(cmd), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments")
	}
	return a.printVersion()
}

// printVersion prints the version of fullstory and of the Go that built it,
// for bug reports.
func (a *app) printVersion() error {
	if a.g.json {
		return a.printJSON(map[string]string{"version": fullstory.Version, "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH})
	}
	_, err := fmt.Fprintf(a.stdout, "fullstory %s (%s %s/%s)\n", fullstory.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

const rootHelpText = `fullstory manages Fullstory AI Session Summary profiles, lists a user's
sessions and summarizes them.

Usage:
  fullstory [global flags] COMMAND [flags] [arguments]

Commands:
%s
Flags may come before or after a command's arguments; "--" ends them.

Global flags, accepted before the command or among its flags:
%s
Before the command only:
  --version
      print the version, as the version command does

Environment:
  FULLSTORY_API_KEY   a Fullstory server API key (Admin or Architect role);
                      never taken from a flag, so it stays out of shell history
  FULLSTORY_BASE_URL  the API base URL, e.g. that of "fullstory fake"
  FULLSTORY_MCP_TOKEN the bearer token of "fullstory mcp --http"
  COLUMNS             the width that tables, help and summaries fit in
                      (default: the terminal's, else 80)

Exit status:
  0    success
  1    a failure not listed below (network, server error, …)
  2    usage error: the command line or an input file
  3    the API refused the key (401, 403)
  4    no such profile or session (404)
  5    still rate limited (429) after the retries
  130  interrupted (Ctrl-C)
With --json, a failure is also a JSON object on stderr:
  {"error": {"message", "kind", "status", "exit_code"}}

Try it without a key: --fake runs any command against an in-process fake
API with demo data (a fresh one for each command), e.g.
  fullstory --fake sessions list --email jane@doe.com
  fullstory --fake summarize --email jane@doe.com --latest 3
  fullstory --fake profiles try -f examples/profiles/support.json --email jane@doe.com --latest 3

Run "fullstory COMMAND --help" for the flags and examples of a command.
`

// printHelp prints help text on stdout, wrapped to fit the terminal.
func (a *app) printHelp(text string) {
	fmt.Fprint(a.stdout, wrapText(text, a.width()))
}

func (a *app) rootHelp() {
	var list strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&list, "  %-17s %s\n", c.name, c.summary)
	}
	fs := flag.NewFlagSet("fullstory", flag.ContinueOnError)
	(&globalFlags{}).register(fs, nil)
	a.printHelp(fmt.Sprintf(rootHelpText, list.String(), flagHelp(fs, func(name string) bool { return true })))
}

// commandHelp prints a command's synopsis, help, own flags and a pointer to
// the global ones.
func (a *app) commandHelp(cmd *command, fs *flag.FlagSet) {
	var w strings.Builder
	fmt.Fprintf(&w, "Usage: fullstory %s\n\n%s.\n", strings.TrimSpace(cmd.name+" "+cmd.args), cmd.summary)
	if cmd.help != "" {
		fmt.Fprintf(&w, "\n%s", cmd.help)
	}
	if own := flagHelp(fs, func(name string) bool { return !isGlobalFlag(name) }); own != "" {
		fmt.Fprintf(&w, "\nFlags:\n%s", own)
	}
	if cmd.noClient {
		fmt.Fprint(&w, "\nGlobal flags: --verbose, --json (see fullstory --help).\n")
	} else {
		fmt.Fprint(&w, "\nGlobal flags: --base-url, --region, --timeout, --verbose, --json, --fake (see fullstory --help).\n")
	}
	a.printHelp(w.String())
}

// flagHelp describes the flags of fs that keep accepts, with "--" names.
func flagHelp(fs *flag.FlagSet, keep func(name string) bool) string {
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f.Name) {
			return
		}
		kind, usage := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		line := "  " + dash + f.Name
		if kind != "" {
			line += " " + kind
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(&b, "%s\n      %s\n", line, usage)
	})
	return b.String()
}
