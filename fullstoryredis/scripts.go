package fullstoryredis

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts, one per operation, so that each is one atomic step and
// one round trip (EVALSHA; EVAL once after Redis forgot the script).
var (
	//go:embed lua/period.lua
	periodLua string
	//go:embed lua/reserve.lua
	reserveLua string
	//go:embed lua/refund.lua
	refundLua string
	//go:embed lua/acknowledge.lua
	acknowledgeLua string
	//go:embed lua/remaining.lua
	remainingLua string
	//go:embed lua/limiter.lua
	limiterLua string

	reserveScript     = redis.NewScript(periodLua + reserveLua)
	refundScript      = redis.NewScript(refundLua)
	acknowledgeScript = redis.NewScript(periodLua + acknowledgeLua)
	remainingScript   = redis.NewScript(periodLua + remainingLua)
	limiterScript     = redis.NewScript(limiterLua)
)
