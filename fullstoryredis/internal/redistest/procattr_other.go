//go:build !linux

package redistest

import "os/exec"

// dieWithParent does nothing where the system cannot tie a child's life to
// its parent's: a killed test may leave its redis-server running.
func dieWithParent(*exec.Cmd) {}
