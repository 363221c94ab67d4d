package redistest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the server die with the process that started it, so
// that a test binary killed by its timeout leaves no redis-server behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
