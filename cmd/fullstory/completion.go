package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

var cmdCompletion = &command{
	name:    "completion",
	args:    "bash|zsh|fish",
	summary: "Print a shell completion script",
	help: `Prints a script that completes fullstory's commands and flags in the
shell, made from the same declarations as this help. The script runs
nothing: it holds every command and flag.

Examples:
  source <(fullstory completion bash)      # in ~/.bashrc
  source <(fullstory completion zsh)       # in ~/.zshrc, after compinit
  fullstory completion fish > ~/.config/fish/completions/fullstory.fish
`,
	options: func() options { return &completionOptions{} },
}

// shells are the shells completion writes a script for.
var shells = []string{"bash", "zsh", "fish"}

type completionOptions struct{ shell string }

func (o *completionOptions) declare(*flagSet) {}

func (o *completionOptions) validate(args []string, _ *flagSet) error {
	if len(args) != 1 {
		return usagef("needs one shell: bash, zsh or fish")
	}
	if !slices.Contains(shells, args[0]) {
		return usagef("unknown shell %q: want bash, zsh or fish", args[0])
	}
	o.shell = args[0]
	return nil
}

func (o *completionOptions) run(_ context.Context, a *app) error {
	t := newCompletionTable()
	switch o.shell {
	case "zsh":
		return t.writeZsh(a.stdout)
	case "fish":
		return t.writeFish(a.stdout)
	}
	return t.writeBash(a.stdout)
}

// completionTable is what the scripts complete, read from the commands'
// declarations.
type completionTable struct {
	top       []string            // the words after "fullstory"
	sub       map[string][]string // a group's subcommands, e.g. profiles: create, get, …
	flags     map[string][]*flag.Flag
	root      []*flag.Flag // the flags before the command
	global    []*flag.Flag // the global flags among a command's
	names     []string     // the commands, in help order
	valueFlag []string     // flags that take a value, as typed: "-f", "--email"
	topics    []string     // what help takes besides the commands
}

func newCompletionTable() *completionTable {
	t := &completionTable{sub: map[string][]string{}, flags: map[string][]*flag.Flag{}, topics: []string{"json"}}
	globalFlagSet(scopeRoot).declared(func(f *flag.Flag) { t.root = append(t.root, f) })
	globalFlagSet(scopeAPI).declared(func(f *flag.Flag) { t.global = append(t.global, f) })
	for _, c := range commands() {
		t.names = append(t.names, c.name)
		group, sub, ok := strings.Cut(c.name, " ")
		if !slices.Contains(t.top, group) {
			t.top = append(t.top, group)
		}
		if ok {
			t.sub[group] = append(t.sub[group], sub)
		}
		c.declaredFlags().declared(func(f *flag.Flag) {
			t.flags[c.name] = append(t.flags[c.name], f)
			if !isBoolFlag(f) && !slices.Contains(t.valueFlag, dashed(f.Name)) {
				t.valueFlag = append(t.valueFlag, dashed(f.Name))
			}
		})
	}
	return t
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func flagWords(flags []*flag.Flag) string {
	var words []string
	for _, f := range flags {
		words = append(words, dashed(f.Name))
	}
	return strings.Join(words, " ")
}

// cases calls arm for each case of the bash and zsh scripts: the words
// typed so far, without flags, select the commands to offer, and the flags
// to offer after a "-".
func (t *completionTable) cases(arm func(pattern, commands, flags string)) {
	global := flagWords(t.global)
	arm(`""`, strings.Join(t.top, " "), flagWords(t.root))
	for _, g := range t.top {
		if subs := t.sub[g]; len(subs) > 0 {
			arm(`"`+g+`"`, strings.Join(subs, " "), global)
		}
	}
	arm(`"help"`, strings.Join(append(slices.Clone(t.top), t.topics...), " "), global)
	arm(`"completion"`, strings.Join(shells, " "), global)
	for _, name := range t.names {
		arm(`"`+name+`"|"`+name+` "*`, "", flagWords(t.flags[name]))
	}
}

func (t *completionTable) writeBash(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`# bash completion for fullstory; load it with: source <(fullstory completion bash)
_fullstory() {
    local cur=${COMP_WORDS[COMP_CWORD]} typed="" commands="" flags="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --*=*) ;;
        ` + strings.Join(t.valueFlag, "|") + `) ((i++)) ;;
        -*) ;;
        *) typed="$typed ${COMP_WORDS[i]}" ;;
        esac
    done
    case "${typed# }" in
`)
	t.cases(func(pattern, commands, flags string) {
		fmt.Fprintf(&b, "    %s) commands=%q flags=%q ;;\n", pattern, commands, flags)
	})
	b.WriteString(`    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ -n $commands ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    # Otherwise complete names of files, with -o default.
}
complete -o default -F _fullstory fullstory
`)
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *completionTable) writeZsh(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`#compdef fullstory
# zsh completion for fullstory; load it with: source <(fullstory completion zsh)
_fullstory() {
    local cur=${words[CURRENT]} typed="" commands="" flags="" i
    for ((i = 2; i < CURRENT; i++)); do
        case ${words[i]} in
        (--*=*) ;;
        (` + strings.Join(t.valueFlag, "|") + `) ((i++)) ;;
        (-*) ;;
        (*) typed="$typed ${words[i]}" ;;
        esac
    done
    case "${typed# }" in
`)
	t.cases(func(pattern, commands, flags string) {
		fmt.Fprintf(&b, "    (%s) commands=%q flags=%q ;;\n", pattern, commands, flags)
	})
	b.WriteString(`    esac
    if [[ $cur == -* ]]; then
        compadd -- ${=flags}
    elif [[ -n $commands ]]; then
        compadd -- ${=commands}
    else
        _files
    fi
}
compdef _fullstory fullstory
`)
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *completionTable) writeFish(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# fish completion for fullstory; load it with: fullstory completion fish | source\n")
	b.WriteString("complete -c fullstory -f\n")
	fmt.Fprintf(&b, "complete -c fullstory -n __fish_use_subcommand -a %s\n", fishQuote(strings.Join(t.top, " ")))
	for _, g := range t.top {
		if subs := t.sub[g]; len(subs) > 0 {
			all := strings.Join(subs, " ")
			fmt.Fprintf(&b, "complete -c fullstory -n %s -a %s\n", fishQuote("__fish_seen_subcommand_from "+g+"; and not __fish_seen_subcommand_from "+all), fishQuote(all))
		}
	}
	for _, f := range t.root {
		fmt.Fprintf(&b, "complete -c fullstory -n __fish_use_subcommand %s\n", fishOption(f))
	}
	fmt.Fprintf(&b, "complete -c fullstory -n %s -a %s\n", fishQuote("__fish_seen_subcommand_from help"), fishQuote(strings.Join(append(slices.Clone(t.top), t.topics...), " ")))
	fmt.Fprintf(&b, "complete -c fullstory -n %s -a %s\n", fishQuote("__fish_seen_subcommand_from completion"), fishQuote(strings.Join(shells, " ")))
	for _, name := range t.names {
		cond := ""
		for i, word := range strings.Fields(name) {
			if i > 0 {
				cond += "; and "
			}
			cond += "__fish_seen_subcommand_from " + word
		}
		for _, f := range t.flags[name] {
			fmt.Fprintf(&b, "complete -c fullstory -n %s %s\n", fishQuote(cond), fishOption(f))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fishOption is f as fish's complete describes it: -l for --name, -o for
// -f, -r if it takes a value, -F if that value is a file.
func fishOption(f *flag.Flag) string {
	opt := "-l " + f.Name
	if len(f.Name) == 1 {
		opt = "-o " + f.Name
	}
	kind, usage := flag.UnquoteUsage(f)
	if !isBoolFlag(f) {
		opt += " -r"
		if kind == "FILE" {
			opt += " -F"
		}
	}
	return opt + " -d " + fishQuote(firstClause(usage))
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// firstClause shortens a flag's usage to a completion menu's description.
func firstClause(s string) string {
	if i := strings.IndexAny(s, ";("); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
