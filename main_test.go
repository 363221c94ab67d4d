package fullstory_test

import (
	"flag"
	"runtime"
	"strconv"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// The parallel tests mostly wait on sockets and timers, not on the CPU:
	// unless -parallel says otherwise, run more of them at once than there
	// are CPUs.
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", strconv.Itoa(max(32, 8*runtime.GOMAXPROCS(0))))
	}
	goleak.VerifyTestMain(m)
}
