package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
)

// command is one thing fullstory does. It declares itself: its name, its
// help, what its --json prints, and a fresh options value for each run.
// Help and completion read these declarations; they never run a command.
type command struct {
	name    string    // "profiles create"
	args    string    // what follows the name in the synopsis
	summary string    // one line, for the command lists
	help    string    // what it does, and examples
	json    []jsonDoc // what --json prints; none for a command that prints text only
	// noClient is set for a command that calls no API, such as fake: the
	// global flags that choose one are not its flags, and are refused
	// before it too.
	noClient bool
	// untilInterrupted is set for a command that Ctrl-C ends as it should,
	// such as fake, which then has nothing to clean up.
	untilInterrupted bool
	// options returns a new options value for one run, holding the
	// defaults of the command's flags.
	options func() options
}

// options is one run of a command: a typed value that declare binds the
// command's flags to, that validate checks once they are parsed, and that
// run carries out. validate sends nothing, so a mistake costs nothing.
type options interface {
	// declare defines the command's own flags on f, stored in the value.
	declare(f *flagSet)
	// validate checks the parsed flags and takes the positional arguments;
	// f says which flags were given.
	validate(args []string, f *flagSet) error
	// run does the command's work.
	run(ctx context.Context, a *app) error
}

// commands returns every command, in the order help lists them. Adding a
// command is a file that declares it and one line here. It is a function,
// not a variable, since the help and completion commands read it.
func commands() []*command {
	return []*command{
		cmdProfilesCreate,
		cmdProfilesGet,
		cmdProfilesList,
		cmdProfilesUpdate,
		cmdProfilesDelete,
		cmdProfilesTry,
		cmdSessionsList,
		cmdSessionsEvents,
		cmdSessionsContext,
		cmdSummarize,
		cmdFake,
		cmdMCP,
		cmdHelp,
		cmdCompletion,
		cmdVersion,
	}
}

// group is the first word of commands that take a subcommand, such as
// profiles, with the help that introduces them.
type group struct {
	name     string
	intro    string // what the group is about, before its list of commands
	examples string
}

var groups = []*group{profilesGroup, sessionsGroup}

func findGroup(name string) *group {
	for _, g := range groups {
		if g.name == name {
			return g
		}
	}
	return nil
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// members returns the commands of g, in help order.
func (g *group) members() []*command {
	var cmds []*command
	for _, c := range commands() {
		if strings.HasPrefix(c.name, g.name+" ") {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// scope is where the command's global flags come from.
func (c *command) scope() flagScope {
	if c.noClient {
		return scopeNoClient
	}
	return scopeAPI
}

// flags returns the command's flagSet: the global flags of its scope, bound
// to g, then its own, bound to o.
func (c *command) flags(g *globalFlags, o options) *flagSet {
	f := newFlagSet("fullstory " + c.name)
	g.declare(f, c.scope())
	o.declare(f)
	return f
}

// declaredFlags returns the command's flags bound to nothing of a run, for
// help and completion.
func (c *command) declaredFlags() *flagSet {
	return c.flags(&globalFlags{}, c.options())
}

// errHelp is returned once help was printed on request: exit status 0.
var errHelp = errors.New("help shown")

// dispatch parses the global flags before the command, finds the command and
// runs it.
func (a *app) dispatch(ctx context.Context, args []string) error {
	root := newFlagSet("fullstory")
	a.g.declare(root, scopeRoot)
	if err := root.Parse(args); err != nil {
		if err = root.parseError(err); errors.Is(err, flag.ErrHelp) {
			a.rootHelp()
			return errHelp
		}
		return err
	}
	if a.g.version {
		return a.printVersion()
	}
	rest := root.Args()
	if len(rest) == 0 {
		return usagef("no command given")
	}
	name, rest := rest[0], rest[1:]
	if g := findGroup(name); g != nil {
		if len(rest) == 0 {
			return &usageError{msg: fmt.Sprintf("%s needs a subcommand; see 'fullstory %s --help'", name, name)}
		}
		if isHelpArg(rest[0]) {
			a.groupHelp(g)
			return errHelp
		}
		name, rest = name+" "+rest[0], rest[1:]
	}
	cmd := findCommand(name)
	if cmd == nil {
		return unknownCommand(name, rest)
	}
	a.cmd = cmd
	if cmd.noClient && slices.ContainsFunc(apiOnlyFlags(), root.given) {
		return usagef("takes no %s: they are for the commands that call the API", orList(apiOnlyFlags()))
	}
	return a.runCommandLine(ctx, cmd, rest)
}

// runCommandLine parses the command's flags into a new options value,
// validates them and runs it: three steps, and help in place of the last
// two on -h or --help.
func (a *app) runCommandLine(ctx context.Context, cmd *command, args []string) error {
	o := cmd.options()
	f := cmd.flags(&a.g, o)
	pos, err := parse(f, args)
	if errors.Is(err, flag.ErrHelp) {
		a.commandHelp(cmd)
		return errHelp
	}
	if err != nil {
		return err
	}
	if err := o.validate(pos, f); err != nil {
		return err
	}
	a.quietInterrupt.Store(cmd.untilInterrupted)
	return o.run(ctx, a)
}

func isHelpArg(s string) bool {
	switch s {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// noArgs is the validation of a command that takes no positional argument.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usagef("takes no arguments, got %q", args[0])
	}
	return nil
}
