package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

var cmdHelp = &command{
	name:    "help",
	args:    "[COMMAND | json]",
	summary: "Show the help of fullstory or of a command",
	help: `"fullstory help json" lists the fields of every command's --json output.

Examples:
  fullstory help summarize
  fullstory help profiles try
  fullstory help json
`,
	options: func() options { return &helpOptions{} },
}

type helpOptions struct{ topic []string }

func (o *helpOptions) declare(*flagSet) {}

func (o *helpOptions) validate(args []string, _ *flagSet) error {
	o.topic = args
	return nil
}

// run prints the help of fullstory, of a group, of a command or of --json,
// from their declarations: nothing is run to learn it.
func (o *helpOptions) run(_ context.Context, a *app) error {
	name := strings.Join(o.topic, " ")
	switch {
	case name == "":
		a.rootHelp()
		return nil
	case name == "json":
		a.printHelp(jsonHelp())
		return nil
	}
	if g := findGroup(name); g != nil {
		a.groupHelp(g)
		return nil
	}
	c := findCommand(name)
	if c == nil {
		return unknownCommand(o.topic[0], o.topic[1:])
	}
	a.commandHelp(c)
	return nil
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
%s
Environment:
  FULLSTORY_API_KEY   a Fullstory server API key (Admin or Architect role);
                      never taken from a flag, so it stays out of shell history
  FULLSTORY_BASE_URL  the API base URL, e.g. that of "fullstory fake"
  FULLSTORY_MCP_TOKEN the bearer token of "fullstory mcp --http"
  COLUMNS             the width that tables, help and summaries fit in
                      (default: the terminal's, else %d)

Activations: each summary spends one of the account's Activations. The
commands that summarize say on a terminal how many they may spend before
they start, and never spend more: --max-activations lowers the cap.

Exit status:
%sWith --json, a failure is also a JSON object on stderr:
  {"error": {"message", "kind", "status", "exit_code"}}
(the fields of every --json output: fullstory help json)

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
	root := globalFlagSet(scopeRoot)
	global := flagHelp(root, func(name string) bool { return name != "version" })
	rootOnly := flagHelp(root, func(name string) bool { return name == "version" })
	a.printHelp(fmt.Sprintf(rootHelpText, list.String(), global, rootOnly, defaultWidth, exitTable()))
}

// groupHelp prints the help of a group: its intro, its commands, examples.
func (a *app) groupHelp(g *group) {
	var w strings.Builder
	fmt.Fprintf(&w, "Usage: fullstory %s COMMAND [flags] [arguments]\n\n", g.name)
	if g.intro != "" {
		fmt.Fprintf(&w, "%s\n", g.intro)
	}
	w.WriteString("Commands:\n")
	for _, c := range g.members() {
		fmt.Fprintf(&w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(&w, "\nExamples:\n%s\nRun \"fullstory %s COMMAND --help\" for the flags of a command.\n", g.examples, g.name)
	a.printHelp(w.String())
}

// commandHelp prints a command's synopsis, help, own flags, what its --json
// prints, and a pointer to the global flags.
func (a *app) commandHelp(cmd *command) {
	var w strings.Builder
	fmt.Fprintf(&w, "Usage: fullstory %s\n\n%s.\n", strings.TrimSpace(cmd.name+" "+cmd.args), cmd.summary)
	if cmd.help != "" {
		fmt.Fprintf(&w, "\n%s", cmd.help)
	}
	if own := flagHelp(cmd.declaredFlags(), func(name string) bool { return !isGlobalFlag(name) }); own != "" {
		fmt.Fprintf(&w, "\nFlags:\n%s", own)
	}
	if len(cmd.json) > 0 {
		fmt.Fprintf(&w, "\n%s", jsonSynopsis(cmd.json))
	}
	fmt.Fprintf(&w, "\nGlobal flags: %s (see fullstory --help).\n", strings.Join(dashedAll(globalNames(cmd.scope())), ", "))
	a.printHelp(w.String())
}

func dashedAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = dashed(n)
	}
	return out
}

// flagHelp describes the flags of f that keep accepts, as declared.
func flagHelp(f *flagSet, keep func(name string) bool) string {
	var b strings.Builder
	f.declared(func(fl *flag.Flag) {
		if !keep(fl.Name) {
			return
		}
		kind, usage := flag.UnquoteUsage(fl)
		line := "  " + dashed(fl.Name)
		if kind != "" {
			line += " " + kind
		}
		if fl.DefValue != "" && fl.DefValue != "0" && fl.DefValue != "false" && fl.DefValue != "0s" {
			usage += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		fmt.Fprintf(&b, "%s\n      %s\n", line, usage)
	})
	return b.String()
}
