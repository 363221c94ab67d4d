package main

import (
	"context"
	"fmt"
	"runtime"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdVersion = &command{
	name:    "version",
	summary: "Print the version",
	help: `Prints the version of fullstory and of the Go that built it, for bug
reports; "fullstory --version" does the same.

Examples:
  fullstory version
  fullstory version --json
`,
	json:    versionJSONDoc,
	options: func() options { return &versionOptions{} },
}

type versionOptions struct{}

func (versionOptions) declare(*flagSet) {}

func (versionOptions) validate(args []string, _ *flagSet) error { return noArgs(args) }

func (versionOptions) run(_ context.Context, a *app) error { return a.printVersion() }

// printVersion prints the version of fullstory and of the Go that built it.
func (a *app) printVersion() error {
	if a.g.json {
		return a.printJSON(jsonVersion{Version: fullstory.Version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH})
	}
	_, err := fmt.Fprintf(a.stdout, "fullstory %s (%s %s/%s)\n", fullstory.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
