package fullstory

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// workerLoops counts the goroutines in workers.loop, and those of them
// that wait for a job.
func workerLoops() (all, idle int) {
	buf := make([]byte, 1<<20)
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "(*workers).loop(") {
			all++
			if strings.Contains(strings.SplitN(g, "\n", 2)[0], "[select") {
				idle++
			}
		}
	}
	return all, idle
}

// A worker waits for the next job and runs it on its grown stack; stop
// (Client.Close) makes an idle worker exit at once, not when its idle wait
// runs out.
func TestWorkersReuseAndStop(t *testing.T) {
	before, _ := workerLoops()
	w := newWorkers()
	w.idle = time.Hour
	done := make(chan struct{})
	waiting := func() bool { all, idle := workerLoops(); return all == before+1 && idle == 1 }
	w.run(func() { done <- struct{}{} })
	<-done
	require.Eventually(t, waiting, 5*time.Second, time.Millisecond, "a worker waits for the next job")
	w.run(func() { done <- struct{}{} })
	<-done
	require.Eventually(t, waiting, 5*time.Second, time.Millisecond, "the second job went to the waiting worker")
	w.stop()
	w.stop() // again: Close may be called more than once
	require.Eventually(t, func() bool { all, _ := workerLoops(); return all == before }, 5*time.Second, time.Millisecond, "stop leaves a worker waiting an hour")
}
