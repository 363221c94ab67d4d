package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openPTY opens a pseudo-terminal of the given width and returns its
// terminal end, as a shell's stderr would be.
func openPTY(t *testing.T, cols uint16) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	ioctl := func(req uintptr, arg unsafe.Pointer) {
		_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), req, uintptr(arg))
		require.Zero(t, errno, "ioctl %#x", req)
	}
	var unlock int32
	ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n))
	ws := struct{ rows, cols, x, y uint16 }{rows: 40, cols: cols}
	ioctl(syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { tty.Close() })
	return tty
}

// TestDetectRealTerminal asks a real (pseudo-)terminal, as main does.
func TestDetectRealTerminal(t *testing.T) {
	tty := openPTY(t, 97)
	noEnv := func(string) string { return "" }
	assert.Equal(t, console{stderrTTY: true, stdoutTTY: true, width: 97}, detectConsole(tty, tty, noEnv))
	pipe, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	require.NoError(t, err)
	defer pipe.Close()
	assert.Equal(t, console{stderrTTY: true}, detectConsole(pipe, tty, noEnv), "stdout to a file: Markdown, not the terminal's view")

	columns := func(k string) string { return map[string]string{"COLUMNS": "120"}[k] }
	assert.Equal(t, 120, detectConsole(tty, tty, columns).width, "COLUMNS wins")

	dumb := func(k string) string { return map[string]string{"TERM": "dumb"}[k] }
	assert.False(t, detectConsole(tty, tty, dumb).stderrTTY, "a dumb terminal cannot redraw a progress line")
}
