package fullstory

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Errors of a Budget. A summary refused with either sent nothing and spent
// no Activation.
var (
	// ErrBudgetExhausted: the budget has no Activation left this period. The
	// error is a *BudgetExhaustedError, which says when the period resets.
	ErrBudgetExhausted = errors.New("fullstory: Activation budget exhausted")
	// ErrBudgetUnavailable: the budget's store failed, so the summary was not
	// sent (a budget fails closed). The error also wraps the store's.
	ErrBudgetUnavailable = errors.New("fullstory: Activation budget unavailable")
)

// Budget is a store of Activations that summary attempts take from: one
// Reserve before each attempt is sent, and a Refund when the attempt
// provably spent nothing. NewMemoryBudget keeps one in memory;
// fullstoryredis.NewBudget shares one across a fleet. One Budget may be
// shared by many Clients. Implementations must be safe for concurrent use.
type Budget interface {
	// Reserve takes one Activation, or returns an error matching
	// ErrBudgetExhausted (none left) or ErrBudgetUnavailable (the store
	// failed). Any other error counts as ErrBudgetUnavailable.
	Reserve(ctx context.Context) (Reservation, error)
}

// Reservation is one Activation taken from a Budget.
type Reservation interface {
	// Refund gives it back to the period it was taken from. The Client
	// calls it at most once, only when the attempt provably spent nothing,
	// with a context that is not the caller's (a cancelled caller is often
	// the proof that nothing was sent).
	Refund(ctx context.Context) error
}

// BudgetPeriod is how often a Budget starts afresh.
type BudgetPeriod int

// The periods of a Budget. Fullstory does not say when its Activation month
// starts; set the limit below your contract's if its month is not the
// calendar's.
const (
	BudgetTotal   BudgetPeriod = iota // never resets
	BudgetDaily                       // resets at 00:00 UTC
	BudgetMonthly                     // resets at 00:00 UTC on the 1st
)

// String returns "total", "daily" or "monthly".
func (p BudgetPeriod) String() string {
	switch p {
	case BudgetTotal:
		return "total"
	case BudgetDaily:
		return "daily"
	case BudgetMonthly:
		return "monthly"
	}
	return "BudgetPeriod(" + strconv.Itoa(int(p)) + ")"
}

func (p BudgetPeriod) valid() bool { return p >= BudgetTotal && p <= BudgetMonthly }

// Start returns the start of the period that holds t, in UTC: the zero
// time for BudgetTotal.
func (p BudgetPeriod) Start(t time.Time) time.Time {
	t = t.UTC()
	switch p {
	case BudgetDaily:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case BudgetMonthly:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}

// End returns when the period that holds t ends and the next starts, in
// UTC: the zero time for BudgetTotal, which never ends.
func (p BudgetPeriod) End(t time.Time) time.Time {
	start := p.Start(t)
	switch p {
	case BudgetDaily:
		return start.AddDate(0, 0, 1)
	case BudgetMonthly:
		return start.AddDate(0, 1, 0)
	}
	return time.Time{}
}

// BudgetExhaustedError is the error of a Budget with nothing left this
// period. It matches ErrBudgetExhausted.
type BudgetExhaustedError struct {
	Limit    int64        // the Activations the budget allows per period
	Period   BudgetPeriod // how often it starts afresh
	ResetsAt time.Time    // when the next period starts; zero for BudgetTotal
}

// Error says the limit and when the budget resets.
func (e *BudgetExhaustedError) Error() string {
	msg := fmt.Sprintf("fullstory: Activation budget exhausted: all %d of the %s budget spent", e.Limit, e.Period)
	if !e.ResetsAt.IsZero() {
		msg += "; it resets at " + e.ResetsAt.UTC().Format(time.RFC3339)
	} else {
		msg += "; it never resets"
	}
	return msg
}

// Is reports whether target is ErrBudgetExhausted.
func (e *BudgetExhaustedError) Is(target error) bool { return target == ErrBudgetExhausted }

// MemoryBudget is a Budget kept in memory: it starts afresh when the process
// does, so a restart forgets what was spent (fullstoryredis.NewBudget keeps
// it in Redis, for a fleet and across restarts). Share one among the Clients
// of a process. It is safe for concurrent use.
type MemoryBudget struct {
	limit int64
	per   BudgetPeriod
	err   error            // a bad argument to NewMemoryBudget
	now   func() time.Time // the clock; time.Now

	mu    sync.Mutex
	start time.Time // the start of the period that used counts
	end   time.Time // when it ends; zero: not known yet, or never
	used  int64
}

// NewMemoryBudget returns a budget of limit Activations per period. A
// negative limit or an unknown period is refused with ErrInvalidArgument by
// WithBudget (and by Reserve), never a panic. A limit of 0 refuses every
// summary.
func NewMemoryBudget(limit int64, per BudgetPeriod) *MemoryBudget {
	b := &MemoryBudget{limit: limit, per: per, now: time.Now}
	switch {
	case limit < 0:
		b.err = &ValidationError{Field: "budget limit", Reason: "must not be negative"}
	case !per.valid():
		b.err = &ValidationError{Field: "budget period", Reason: "must be BudgetTotal, BudgetDaily or BudgetMonthly"}
	}
	return b
}

// check reports a bad argument given to NewMemoryBudget.
func (b *MemoryBudget) check() error {
	if b == nil {
		return &ValidationError{Field: "budget", Reason: "is nil"}
	}
	return b.err
}

// roll starts a new period when the current one has ended (a clock set
// back stays in the current one). b.mu is held.
func (b *MemoryBudget) roll(now time.Time) {
	if b.per == BudgetTotal || now.Before(b.end) {
		return
	}
	b.start, b.end, b.used = b.per.Start(now), b.per.End(now), 0
}

// Reserve takes one Activation, or fails with a *BudgetExhaustedError.
func (b *MemoryBudget) Reserve(context.Context) (Reservation, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll(now)
	if b.used >= b.limit {
		return nil, &BudgetExhaustedError{Limit: b.limit, Period: b.per, ResetsAt: b.per.End(now)}
	}
	b.used++
	return &memoryReservation{b: b, start: b.start}, nil
}

// Remaining returns the Activations left in the current period.
func (b *MemoryBudget) Remaining() int64 {
	if b.check() != nil {
		return 0
	}
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll(now)
	return b.limit - b.used
}

// memoryReservation is one Activation of a MemoryBudget, refunded at most
// once and only to the period it came from.
type memoryReservation struct {
	b        *MemoryBudget
	start    time.Time
	refunded bool // guarded by b.mu
}

func (r *memoryReservation) Refund(context.Context) error {
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	if r.refunded {
		return nil
	}
	r.refunded = true
	// A period that has ended took what it took: its refund must not
	// make room in the next one.
	if r.start.Equal(r.b.start) && r.b.used > 0 {
		r.b.used--
	}
	return nil
}

// WithBudget makes every summary attempt of the Client take an Activation
// from b before it is sent, and give it back when the attempt provably spent
// nothing (it never left, or the API answered 4xx, 429, or 503 with
// Retry-After). A summary the budget refuses fails before sending with
// ErrBudgetExhausted or ErrBudgetUnavailable. Reads and profile writes never
// touch it. It is a Client option: a method refuses it.
func WithBudget(b Budget) Option {
	return func(s *settings) error {
		if err := s.clientOnly("budget"); err != nil {
			return err
		}
		if isNil(b) {
			return &ValidationError{Field: "budget", Reason: "is nil"}
		}
		if mb, ok := b.(*MemoryBudget); ok {
			if err := mb.check(); err != nil {
				return err
			}
		}
		s.budget = b
		return nil
	}
}
