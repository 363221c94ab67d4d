package fullstoryredis_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/summarykit/fullstory-go/fullstoryredis/internal/redistest"
)

// TestMain starts one redis-server for the examples, which read its
// address from REDIS_URL as a program would (the tests start their own).
// Without redis-server the package is skipped, and fails under CI=true.
func TestMain(m *testing.M) {
	redistest.Quiet()
	if os.Getenv("REDIS_URL") == "" {
		s, err := redistest.Launch()
		switch {
		case errors.Is(err, redistest.ErrNotInstalled) && os.Getenv("CI") != "true":
			fmt.Println("skipping fullstoryredis: the tests need a real Redis:", err)
			os.Exit(0)
		case err != nil:
			fmt.Fprintln(os.Stderr, "fullstoryredis tests:", err)
			os.Exit(1)
		}
		os.Setenv("REDIS_URL", "unix://"+s.Socket)
		code := m.Run()
		s.Stop()
		if code == 0 {
			if err := goleak.Find(); err != nil {
				fmt.Fprintln(os.Stderr, "goleak:", err)
				code = 1
			}
		}
		os.Exit(code)
	}
	goleak.VerifyTestMain(m)
}

// keyFor is a key of the test's own, so that tests never share state.
func keyFor(t testing.TB) string {
	return "test:" + strings.ReplaceAll(t.Name(), "/", ":")
}

// startRedis starts a redis-server of the test's own and returns it with a
// client.
func startRedis(t testing.TB) (*redistest.Server, *redis.Client) {
	t.Helper()
	s := redistest.Start(t)
	return s, s.Client(t)
}

// commandCounter is a go-redis hook that counts the commands sent, and
// the EVALSHAs among them.
type commandCounter struct {
	total, evalsha atomic.Int64
}

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.total.Add(1)
		if cmd.Name() == "evalsha" {
			c.evalsha.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.total.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

var scriptCallsRE = regexp.MustCompile(`cmdstat_(?:evalsha|eval):calls=(\d+)`)

// scriptCalls returns how many scripts Redis itself has run (EVALSHA and
// EVAL), from its INFO commandstats.
func scriptCalls(t testing.TB, rdb *redis.Client) int64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	require.NoError(t, err)
	var n int64
	for _, m := range scriptCallsRE.FindAllStringSubmatch(info, -1) {
		v, _ := strconv.ParseInt(m[1], 10, 64)
		n += v
	}
	return n
}
