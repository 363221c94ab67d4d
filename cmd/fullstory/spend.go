package main

import (
	"fmt"
	"strconv"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// spendCap is the --max-activations flag of a command that summarizes. Its
// zero value has no default: the cap is then one per summary planned. A
// command whose spending cannot be planned, such as a server, gives one:
// spendCap{n: 5, set: true}.
type spendCap struct {
	n   int
	set bool
}

func (c *spendCap) declare(f *flagSet) {
	usage := "spend at most `N` Activations: a summary past them fails before it is sent (default: one per summary planned)"
	if c.set {
		usage = "spend at most `N` Activations in this run: a summary past them fails before it is sent"
	}
	f.formVar("max-activations", usage,
		func(s string) string {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return "a whole number of Activations, 0 or more, such as 5"
			}
			c.n, c.set = n, true
			return ""
		},
		func() string {
			if !c.set {
				return ""
			}
			return strconv.Itoa(c.n)
		})
}

// limit is the cap of a run that plans at most planned summaries: the flag,
// else the plan, so that the run never spends more than it announced.
func (c *spendCap) limit(planned int) int64 {
	if c.set {
		return int64(c.n)
	}
	return int64(planned)
}

// spending is the Client of a run that summarizes and its cap.
type spending struct {
	limit  int64
	client *fullstory.Client
}

// spendingClient returns a.client(opts...) with a budget of limit
// Activations, whose spending the run reports after Ctrl-C and in --json.
func (a *app) spendingClient(limit int64, opts ...fullstory.Option) (*fullstory.Client, error) {
	sp := &spending{limit: limit}
	opts = append(opts, fullstory.WithBudget(fullstory.NewMemoryBudget(limit, fullstory.BudgetTotal)))
	c, err := a.client(opts...)
	if err != nil {
		return nil, err
	}
	sp.client, a.spend = c, sp
	return c, nil
}

// stats are the Client's ActivationStats: an attempt counts as spent from
// the moment it is sent, also one still in flight after Ctrl-C.
func (sp *spending) stats() fullstory.ActivationStats { return sp.client.ActivationStats() }

// announceSpend says on a terminal, before the summaries start, how many
// Activations they may spend. p is the progress line, which the notice goes
// above.
func (a *app) announceSpend(p *progress, summaries int) {
	if !a.con.stderrTTY || a.spend == nil {
		return
	}
	msg := fmt.Sprintf("fullstory %s: %s", a.cmd.name, spendPlan(summaries, a.spend.limit))
	if p == nil { // no progress line: not yet, or none with --verbose
		a.notef("%s", msg)
		return
	}
	p.note(wrapText(msg, a.width()))
}

// spendPlan says what planned summaries may spend under a cap of limit.
func spendPlan(planned int, limit int64) string {
	if int64(planned) <= limit {
		if planned == 1 {
			return "may spend 1 Activation"
		}
		return fmt.Sprintf("may spend up to %d Activations, one per summary", planned)
	}
	refused := int64(planned) - limit
	may := fmt.Sprintf("may spend up to %s", count(limit, "Activation"))
	if limit == 0 {
		may = "may spend no Activation"
	}
	switch {
	case planned == 1:
		return fmt.Sprintf("--max-activations %d: %s, so the summary will be refused", limit, may)
	case refused == int64(planned):
		return fmt.Sprintf("--max-activations %d: %s, so all %d summaries will be refused", limit, may, planned)
	}
	return fmt.Sprintf("--max-activations %d: %s, so %d of the %d summaries will be refused", limit, may, refused, planned)
}

// activations is what the run's summaries spent, for --json; nil if it
// summarizes nothing.
func (a *app) activations() *jsonActivations {
	if a.spend == nil {
		return nil
	}
	st := a.spend.stats()
	return &jsonActivations{Limit: a.spend.limit, Spent: st.Spent, Refunded: st.Refunded, Shared: st.Shared, CacheHits: st.CacheHits}
}

// spentNote says, after Ctrl-C, what the run sent (and so may be billed) and
// what it cleaned up; "" when there is nothing to say.
func (a *app) spentNote() string {
	var parts []string
	if a.spend != nil {
		st := a.spend.stats()
		if st.Spent == 0 {
			parts = append(parts, "no summary was sent, so no Activation was spent")
		} else {
			verb := "were"
			if st.Spent == 1 {
				verb = "was"
			}
			parts = append(parts, fmt.Sprintf("%s %s sent and may be billed", count(st.Spent, "summary request"), verb))
		}
	}
	parts = append(parts, a.cleanedUp...)
	return strings.Join(parts, "; ")
}

// count is n things, in words: "1 Activation", "3 Activations", "2
// summary requests".
func count[N int | int64](n N, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
