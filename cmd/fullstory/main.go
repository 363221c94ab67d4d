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
// Exit status: 0 on success, 1 for a failure not listed here, 2 for a usage
// error, 3 when the API refuses the key (401, 403), 4 when it has no such
// profile or session (404), 5 when it is still rate limiting (429) after the
// retries, and 130 after Ctrl-C; with a one-line reason on stderr, or with
// --json a JSON object {"error": {"message", "kind", "status", "exit_code"}}.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, abort, stop := interrupts()
	code := run(ctx, abort, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// interrupts returns a context that the first Ctrl-C (or SIGTERM) cancels,
// so that the command stops and cleans up, and a channel that the second
// closes, so that the cleanup stops too. A third one kills the process.
func interrupts() (ctx context.Context, abort <-chan struct{}, stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan struct{})
	go func() {
		<-sigs
		cancel()
		<-sigs
		close(second)
		signal.Stop(sigs)
	}()
	return ctx, second, func() { signal.Stop(sigs); cancel() }
}

// run is the whole command, with its environment passed in so that tests can
// run it in-process. ctx ends at the first interrupt and abort at the
// second. It returns the exit status.
func run(ctx context.Context, abort <-chan struct{}, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	return runOn(ctx, abort, args, stdin, stdout, stderr, env, detectConsole(stdout, stderr, env))
}

// runOn is run with the console given, so that tests can pretend that
// stderr is a terminal, and how wide it is.
func runOn(ctx context.Context, abort <-chan struct{}, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string, con console) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: &syncWriter{w: stderr}, env: env, abort: abort, con: con}
	defer a.close()
	return a.exit(ctx, a.runCommand(ctx, args))
}
