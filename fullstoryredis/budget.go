package fullstoryredis

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	fullstory "github.com/summarykit/fullstory-go"
)

// ErrBudgetLost is what a Budget's Reserve returns, wrapped with
// fullstory.ErrBudgetUnavailable, once Redis has lost the budget's count:
// restarted without persistence, or evicted the key. Counting again from
// zero would spend the period's Activations a second time, so every Budget
// on the key refuses until one calls AcknowledgeReset.
var ErrBudgetLost = errors.New("fullstoryredis: Redis lost the Activation budget's count (restarted empty, or evicted it); see Budget.AcknowledgeReset")

// budgetTimeout bounds each Redis call of a Budget, whatever the caller's
// deadline and the client's options.
const budgetTimeout = 500 * time.Millisecond

// budgetCoolDown: after Redis failed, Reserve fails at once for this long,
// rather than wait for a Redis that is likely still down.
const budgetCoolDown = time.Second

// budgetGrace is how long a period's counter outlives the period, so that
// a late refund still finds it and its use can still be read.
const budgetGrace = 7 * 24 * time.Hour

// Budget is a fullstory.Budget kept in Redis and shared by every Client, in
// any process, given the same key: each Reserve and each Refund is one Lua
// script, so the limit holds exactly however many Clients take from it.
//
// The periods follow Redis's clock (TIME), so a fleet whose clocks differ
// still counts every Activation in one period. Each period is a hash named
// {key}:2026-12 (monthly), {key}:2026-12-04 (daily) or {key}:total, which
// expires a week after its period ends; {key}:marker names the last period
// reserved in and never expires. A reservation carries a random id, so a
// script that go-redis runs twice after a network error counts once, and
// its refund goes to the period it was taken from.
//
// A Budget fails closed: when Redis cannot be reached in time, Reserve
// returns an error matching fullstory.ErrBudgetUnavailable and the summary
// is not sent. Every call is bounded by the caller's deadline and by half a
// second of its own, whatever the go-redis options. When Redis has lost the
// count (see ErrBudgetLost), every Budget on the key refuses until one
// calls AcknowledgeReset.
//
// Redis must keep what it is told for a budget to hold: run it with AOF
// (appendonly yes) and maxmemory-policy noeviction. Replication is
// asynchronous, so a failover can lose the last reservations it took.
type Budget struct {
	rdb   redis.UniversalClient
	key   string
	limit int64
	per   fullstory.BudgetPeriod
	err   error // a bad argument to NewBudget
	now   func() time.Time

	// seen: this Budget has found its marker in Redis, so a Redis without
	// it has lost the count rather than never had one.
	seen atomic.Bool

	breaker *breaker
	lastErr atomic.Pointer[error] // Redis's last failure, for the breaker's refusals
}

// NewBudget returns a budget of limit Activations per period, shared by
// every Budget on key in the Redis of rdb (a *redis.Client, ClusterClient,
// Ring or failover client). A nil client, an empty key, a negative limit or
// an unknown period is refused with an error matching
// fullstory.ErrInvalidArgument by Reserve, never a panic. A limit of 0
// refuses every summary.
func NewBudget(rdb redis.UniversalClient, key string, limit int64, per fullstory.BudgetPeriod) *Budget {
	b := &Budget{rdb: rdb, key: key, limit: limit, per: per, now: time.Now, breaker: newBreaker(budgetCoolDown)}
	switch {
	case checkClient(rdb) != nil:
		b.err = checkClient(rdb)
	case key == "":
		b.err = &fullstory.ValidationError{Field: "budget key", Reason: "is empty"}
	case limit < 0:
		b.err = &fullstory.ValidationError{Field: "budget limit", Reason: "must not be negative"}
	case per < fullstory.BudgetTotal || per > fullstory.BudgetMonthly:
		b.err = &fullstory.ValidationError{Field: "budget period", Reason: "must be BudgetTotal, BudgetDaily or BudgetMonthly"}
	}
	return b
}

func (b *Budget) check() error {
	if b == nil {
		return &fullstory.ValidationError{Field: "budget", Reason: "is nil"}
	}
	return b.err
}

// period is one candidate period of a Budget.
type period struct {
	label      string
	start, end time.Time // end zero: never
}

// periods returns the periods before, at and after t, for the scripts to
// pick the one Redis's clock is in; BudgetTotal has one.
func (b *Budget) periods(t time.Time) []period {
	if b.per == fullstory.BudgetTotal {
		return []period{{label: "total"}}
	}
	cur := b.per.Start(t)
	prev := b.per.Start(cur.Add(-time.Nanosecond))
	next := b.per.End(t)
	ps := make([]period, 0, 3)
	for _, s := range []time.Time{prev, cur, next} {
		ps = append(ps, period{label: b.label(s), start: s, end: b.per.End(s)})
	}
	return ps
}

func (b *Budget) label(start time.Time) string {
	if b.per == fullstory.BudgetDaily {
		return start.Format("2006-01-02")
	}
	return start.Format("2006-01")
}

// keyOf names a key of the budget. The braces make every key of one budget
// a Redis Cluster hash tag of the same slot, as a script needs.
func (b *Budget) keyOf(name string) string { return "{" + b.key + "}:" + name }

// scriptArgs returns the keys and the candidates' arguments of ps.
func (b *Budget) scriptArgs(ps []period) (keys []string, args []any) {
	keys = append(keys, b.keyOf("marker"))
	for _, p := range ps {
		var end, expire int64
		if !p.end.IsZero() {
			end, expire = p.end.Unix(), p.end.Add(budgetGrace).Unix()
		}
		keys = append(keys, b.keyOf(p.label))
		args = append(args, p.start.Unix(), end, expire, p.label)
	}
	return keys, args
}

// reply is what the budget's scripts answer: an outcome, the index of the
// period Redis's clock picked, and a count.
type reply struct {
	outcome string
	period  int
	n       int64
}

func runBudgetScript(ctx context.Context, rdb redis.UniversalClient, s *redis.Script, keys []string, args []any) (reply, error) {
	v, err := s.Run(ctx, rdb, keys, args...).Slice()
	if err != nil {
		return reply{}, err
	}
	if len(v) < 2 {
		return reply{}, fmt.Errorf("fullstoryredis: unexpected script reply %v", v)
	}
	r := reply{}
	r.outcome, _ = v[0].(string)
	p, _ := v[1].(int64)
	r.period = int(p)
	if len(v) > 2 {
		r.n, _ = v[2].(int64)
	}
	return r, nil
}

// Reserve takes one Activation from the current period, or returns a
// *fullstory.BudgetExhaustedError (matching fullstory.ErrBudgetExhausted)
// when all are spent, or an error matching fullstory.ErrBudgetUnavailable
// when Redis cannot be reached in time or has lost the count (then it also
// matches ErrBudgetLost). It is one round trip to Redis.
func (b *Budget) Reserve(ctx context.Context) (fullstory.Reservation, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	if !b.breaker.allow() {
		if last := b.lastErr.Load(); last != nil {
			return nil, unavailable(fmt.Errorf("fullstoryredis: Redis failed less than %s ago: %w", budgetCoolDown, *last))
		}
		return nil, unavailable(errors.New("fullstoryredis: Redis failed a moment ago"))
	}
	id := rand.Text()
	ps := b.periods(b.now())
	keys, cand := b.scriptArgs(ps)
	seen := "0"
	if b.seen.Load() {
		seen = "1"
	}
	args := append([]any{id, b.limit, seen}, cand...)
	r, err := call(ctx, budgetTimeout, func(ctx context.Context) (reply, error) {
		return runBudgetScript(ctx, b.rdb, reserveScript, keys, args)
	}, func(r reply, err error) {
		// Given up on, and taken after all: give it back. (Lost on the
		// way, it stays counted: the safe direction.)
		if err == nil && r.outcome == "ok" {
			res := &reservation{b: b, id: id, key: keys[1+r.period]}
			_ = res.Refund(context.Background())
		}
	})
	if ctx.Err() == nil || err == nil {
		b.breaker.result(err)
		if err != nil {
			b.lastErr.Store(&err)
		}
	}
	if err != nil {
		return nil, unavailable(err)
	}
	switch r.outcome {
	case "ok":
		b.seen.Store(true)
		return &reservation{b: b, id: id, key: keys[1+r.period]}, nil
	case "full":
		b.seen.Store(true)
		return nil, &fullstory.BudgetExhaustedError{Limit: b.limit, Period: b.per, ResetsAt: ps[r.period].end}
	case "lost":
		return nil, unavailable(ErrBudgetLost)
	case "clock":
		return nil, unavailable(errClock)
	}
	return nil, unavailable(fmt.Errorf("fullstoryredis: unexpected script outcome %q", r.outcome))
}

// errClock: Redis's clock is more than a period away from this process's.
var errClock = errors.New("fullstoryredis: Redis's clock and this process's are more than a budget period apart")

func unavailable(err error) error {
	return fmt.Errorf("%w: %w", fullstory.ErrBudgetUnavailable, err)
}

// Remaining returns the Activations left in the current period (by Redis's
// clock). Its errors are those of Reserve.
func (b *Budget) Remaining(ctx context.Context) (int64, error) {
	if err := b.check(); err != nil {
		return 0, err
	}
	keys, args := b.scriptArgs(b.periods(b.now()))
	r, err := call(ctx, budgetTimeout, func(ctx context.Context) (reply, error) {
		return runBudgetScript(ctx, b.rdb, remainingScript, keys, args)
	}, nil)
	if err != nil {
		return 0, unavailable(err)
	}
	switch r.outcome {
	case "ok":
		return max(b.limit-r.n, 0), nil
	case "lost":
		return 0, unavailable(ErrBudgetLost)
	case "clock":
		return 0, unavailable(errClock)
	}
	return 0, unavailable(fmt.Errorf("fullstoryredis: unexpected script outcome %q", r.outcome))
}

// AcknowledgeReset lets the budget count again after Redis lost it (see
// ErrBudgetLost), for every Budget on the key: the current period (by
// Redis's clock) is taken to have spent spent Activations already. Read
// what your account spent from Fullstory, or pass the limit to send no
// summary before the period ends. It may also correct the count at any
// other time.
func (b *Budget) AcknowledgeReset(ctx context.Context, spent int64) error {
	if err := b.check(); err != nil {
		return err
	}
	if spent < 0 {
		return &fullstory.ValidationError{Field: "spent", Reason: "must not be negative"}
	}
	keys, cand := b.scriptArgs(b.periods(b.now()))
	args := append([]any{spent}, cand...)
	r, err := call(ctx, budgetTimeout, func(ctx context.Context) (reply, error) {
		return runBudgetScript(ctx, b.rdb, acknowledgeScript, keys, args)
	}, nil)
	if err != nil {
		return unavailable(err)
	}
	if r.outcome != "ok" {
		return unavailable(errClock)
	}
	b.seen.Store(true)
	return nil
}

// reservation is one Activation taken from a Budget: its id and the
// counter of the period it was taken from.
type reservation struct {
	b   *Budget
	id  string
	key string
}

// Refund gives the Activation back to the period it was taken from, once:
// a second Refund, or one after that period's counter expired, changes
// nothing. It is one round trip to Redis. If it fails, the Activation stays
// counted.
func (r *reservation) Refund(ctx context.Context) error {
	_, err := call(ctx, budgetTimeout, func(ctx context.Context) (int64, error) {
		return refundScript.Run(ctx, r.b.rdb, []string{r.key}, r.id).Int64()
	}, nil)
	if err != nil {
		return unavailable(err)
	}
	return nil
}
