package fullstory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/summarykit/fullstory-go/internal/engine"
)

// refundTimeout bounds a Refund, which runs on a context of its own: the
// caller's may be the one that ended.
const refundTimeout = 10 * time.Second

// observer watches the attempts of one call, for the engine: before each
// summary attempt it takes an Activation from the Budget, and after it gives
// the Activation back when the attempt provably spent nothing; it counts
// what summaries spent, tells the Hooks, and tells the flight a shared call
// runs in where it is. It is used by one call's loop, on one goroutine.
type observer struct {
	cl      *call
	flight  *flight      // the shared call it runs, if any
	res     Reservation  // the current attempt's, if a Budget gave one
	attempt *AttemptInfo // the current attempt, for the Hooks
}

func (o *observer) Before(ctx context.Context, n int, add http.Header) (context.Context, error) {
	cl := o.cl
	if o.flight != nil {
		o.flight.attempting()
	}
	if cl.r.class == engine.Summary {
		if b := cl.s.budget; b != nil {
			res, err := b.Reserve(ctx)
			if err != nil {
				return ctx, budgetError(err)
			}
			if isNil(res) {
				return ctx, fmt.Errorf("%w: the budget gave no reservation", ErrBudgetUnavailable)
			}
			o.res = res
		}
		// Counted as spent from now on, so that an attempt in flight counts
		// while its caller has gone; a refund takes it back.
		cl.c.activations.spent.Add(1)
		cl.activation(ctx, ActivationReserved)
	}
	o.attempt = nil
	if len(cl.s.hooks) > 0 {
		o.attempt = &AttemptInfo{Call: &cl.info, Attempt: n, Header: add}
		for _, h := range cl.s.hooks {
			if h.AttemptStart != nil {
				if hctx := h.AttemptStart(ctx, o.attempt); hctx != nil {
					ctx = hctx
				}
			}
		}
	}
	return ctx, nil
}

func (o *observer) After(ctx context.Context, a *engine.Attempt) {
	cl := o.cl
	if cl.r.class == engine.Summary {
		if a.Unprocessed() {
			o.refund(ctx)
			cl.c.activations.spent.Add(-1)
			cl.c.activations.refunded.Add(1)
			cl.activation(ctx, ActivationRefunded)
		} else {
			cl.activation(ctx, ActivationSpent)
		}
		o.res = nil
	}
	if o.attempt != nil {
		o.attempt.Status, o.attempt.Duration, o.attempt.RetryReason = a.Status, a.Duration, a.RetryReason
		if a.Err != nil {
			o.attempt.Err = cl.red.exit(withoutQuery(a.Err))
		}
		for _, h := range cl.s.hooks {
			if h.AttemptEnd != nil {
				h.AttemptEnd(ctx, o.attempt)
			}
		}
	}
}

func (o *observer) Wait(ctx context.Context, w *engine.Wait) {
	if o.flight != nil {
		o.flight.waiting(w)
	}
	for _, h := range o.cl.s.hooks {
		if h.Wait != nil {
			h.Wait(ctx, &WaitInfo{Call: &o.cl.info, Attempt: w.N, Reason: w.Reason, Wait: w.D})
		}
	}
}

// refund gives the current attempt's Activation back to the Budget, on a
// context that outlives the caller's.
func (o *observer) refund(ctx context.Context) {
	if o.res == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refundTimeout)
	defer cancel()
	if err := o.res.Refund(rctx); err != nil && o.cl.log != nil {
		// The store keeps the Activation counted: the safe way round.
		o.cl.log.LogAttrs(ctx, slog.LevelWarn, "fullstory: budget refund failed",
			slog.String("path", textPath(o.cl.r.path)), slog.String("error", err.Error()))
	}
}

// budgetError is the error of a summary that the Budget refused: it matches
// ErrBudgetExhausted, or ErrBudgetUnavailable (wrapping the store's error).
func budgetError(err error) error {
	if errors.Is(err, ErrBudgetExhausted) || errors.Is(err, ErrBudgetUnavailable) || errors.Is(err, ErrInvalidArgument) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrBudgetUnavailable, err)
}

// activation tells the Hooks of an Activation event of the call.
func (cl *call) activation(ctx context.Context, ev ActivationEvent) {
	for _, h := range cl.s.hooks {
		if h.Activation != nil {
			h.Activation(ctx, &cl.info, ev)
		}
	}
}
