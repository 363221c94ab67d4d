// Package shared holds the small rules that the library, fullstorytest and
// the fullstory command must apply alike: how JSON is written, what text is
// printable on one line, what counts as a loopback host, how far apart two
// names are (to suggest the one meant). Each is written once here, so that
// the three cannot drift apart.
package shared
