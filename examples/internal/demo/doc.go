// Package demo holds what the example programs share and what is not the
// point of any of them: running a program's run function as main, parsing its
// flags, and finding the API to talk to, the real one or an in-memory fake.
// What each example is about, its flags, prompt profile and API calls, stays
// in its own main.go.
package demo
