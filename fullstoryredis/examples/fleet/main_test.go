package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/summarykit/fullstory-go/fullstoryredis/internal/redistest"
)

func TestMain(m *testing.M) {
	redistest.Quiet()
	goleak.VerifyTestMain(m)
}

var replicaLine = regexp.MustCompile(`replica \d: +(\d+) made, +(\d+) from the cache, +(\d+) shared, +(\d+) refused by the budget, (\d+) failed`)

// The fleet against a Redis at REDIS_ADDR: every summary is made once,
// read from the cache, or refused by the budget, which is spent exactly.
func TestFleet(t *testing.T) {
	s := redistest.Start(t)
	var out, errOut bytes.Buffer
	env := map[string]string{"REDIS_ADDR": "unix://" + s.Socket}
	code := run(context.Background(), []string{"-replicas", "3", "-sessions", "20", "-budget", "40"}, &out, &errOut,
		func(k string) string { return env[k] })
	require.Equal(t, 0, code, errOut.String())
	t.Log(out.String())

	lines := replicaLine.FindAllStringSubmatch(out.String(), -1)
	require.Len(t, lines, 3)
	total := [5]int{}
	for _, l := range lines {
		for i := range total {
			n, _ := strconv.Atoi(l[i+1])
			total[i] += n
		}
	}
	assert.Equal(t, 40, total[0], "made: the budget, exactly")
	assert.Equal(t, 3*25, total[0]+total[1]+total[2]+total[3], "every summary accounted for")
	assert.Equal(t, 0, total[4], "none failed")
	assert.Contains(t, out.String(), "the budget has 0 of 40 left")

	// It cleaned up after itself.
	n, err := s.Client(t).DBSize(context.Background()).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}

// Without a Redis it says how to get one.
func TestFleetWithoutRedis(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no redis-server on it
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, &out, &errOut, func(string) string { return "" })
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "apt-get install redis-server")
	assert.Contains(t, errOut.String(), "REDIS_ADDR")
	assert.Empty(t, strings.TrimSpace(out.String()))
}

func TestFleetBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"-replicas", "0"}, &out, &errOut, func(string) string { return "" }))
	assert.Equal(t, 2, run(context.Background(), []string{"-nope"}, &out, &errOut, func(string) string { return "" }))
}
