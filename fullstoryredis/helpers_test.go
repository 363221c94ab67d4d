package fullstoryredis_test

import (
	"context"
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

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

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
