// Command fullstory manages Fullstory AI Session Summary prompt profiles,
// lists a user's sessions and summarizes them, from the command line. It can
// also compare two profiles side by side on the same sessions, and serve a
// fake Fullstory API with demo data for tools in any language.
//
// Install it with
//
//	go install github.com/summarykit/fullstory-go/cmd/fullstory@latest
//
// and run "fullstory --help" for the commands. The API key comes from the
// FULLSTORY_API_KEY environment variable, never from a flag, so that it stays
// out of shell history and process lists. Add --fake to any command to run it
// against an in-process fake API with demo data, without a key.
//
// Exit status: 0 on success, 1 for an API or network error, 2 for a usage
// error, with a one-line reason on stderr.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is the whole command, with its environment passed in so that tests can
// run it in-process. It returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env}
	defer a.close()
	return a.exit(a.dispatch(ctx, args))
}
