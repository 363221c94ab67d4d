// Package engine is the one request path of package fullstory: everything
// between "a method has described its request" and "the caller gets a value
// or an error". Execute reads top to bottom, one job a step, each in the file
// named for it:
//
//	gate.go       wait until the Client's Pacer lets an attempt start (package pace)
//	attempt.go    send one attempt under its own timeout, read the bounded body (body.go)
//	classify.go   decide from the operation's class whether a failure is retried
//	backoff.go    how long to wait first: jittered backoff or the server's Retry-After
//	log.go        the Debug line per attempt and the Info line per retry
//	transport.go  the http.Client it sends through: no replays, no redirects off the host
//
// It returns an Outcome: the last response, or why there is none. Package
// fullstory turns that into the caller's value or error in one place.
package engine
