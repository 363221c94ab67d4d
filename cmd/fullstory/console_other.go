//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

// terminalSize reports no terminal where the size cannot be asked for
// without a dependency: no progress lines, and the default width.
func terminalSize(fd uintptr) (width int, ok bool) { return 0, false }
