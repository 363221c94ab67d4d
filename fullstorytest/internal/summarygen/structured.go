package summarygen

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
)

// fill returns a value that satisfies sc: every property of an object, the
// right type everywhere, a valid enum value. Strings, numbers and booleans
// come from the facts that the property's name (or its description) asks
// for; a nullable value with no fact to report is null.
func fill(sc *wire.Schema, name string, f *facts, depth int) any {
	hint := strings.ToLower(name + " " + sc.Title + " " + sc.Description)
	switch sc.Type {
	case "OBJECT":
		out := map[string]any{}
		if depth >= maxSchemaDepth {
			return out
		}
		for _, k := range slices.Sorted(maps.Keys(sc.Properties)) {
			out[k] = fill(sc.Properties[k], k, f, depth+1)
		}
		return out
	case "ARRAY":
		return fillArray(sc, name, hint, f, depth)
	case "BOOLEAN":
		return fillBool(hint, f)
	case "INTEGER":
		return math.Round(fillNumber(hint, f))
	case "NUMBER":
		return fillNumber(hint, f)
	}
	if len(sc.Enum) > 0 {
		return pickEnum(sc.Enum, f)
	}
	v, ok := stringFact(strings.ToLower(name), f)
	if !ok {
		v, ok = stringFact(hint, f)
	}
	switch {
	case !ok:
		return "[fullstorytest] " + f.goal()
	case v == "" && sc.Nullable:
		return nil
	case v == "":
		return "none"
	}
	return v
}

// has reports whether s contains any of the words.
func has(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// stringFact returns the fact that hint asks for, "" if it is unknown, and
// whether hint asks for a fact at all.
func stringFact(hint string, f *facts) (string, bool) {
	v, ok := "", true
	switch {
	case has(hint, "help"):
		v = joinPages(f.helpPages)
	case has(hint, "reason", "cause", "why", "suggest"):
		v = f.reason()
	case has(hint, "goal", "intent", "purpose", "objective"):
		v = f.goal()
	case has(hint, "error", "issue", "problem", "friction"):
		v = strings.Join(f.issues, "; ")
	case has(hint, "final", "last", "action"):
		v = f.final
	case has(hint, "page", "url", "path"):
		v = joinPages(f.pages)
	case has(hint, "outcome", "result", "status", "convert", "purchase"):
		v = f.outcome()
	case has(hint, "sentiment", "mood", "emotion"):
		v = "neutral"
		if f.frustrated() {
			v = "frustrated"
		}
	case has(hint, "location", "city", "country"):
		v = f.location
	case has(hint, "device", "browser"):
		v = f.device
	case has(hint, "org", "company"):
		v = f.org
	case has(hint, "item", "product", "ticket", "cart", "event_name"):
		v = f.item
	case has(hint, "user", "customer", "name", "email"):
		v = f.user
	case has(hint, "summary", "overview", "synopsis", "description"):
		v = "[fullstorytest] The user tried to " + f.goal() + "; final action: " + cmp.Or(f.final, "none") + "."
	default:
		ok = false
	}
	return v, ok
}

func fillBool(hint string, f *facts) bool {
	switch {
	case has(hint, "abandon"):
		return (f.carted || f.checkout) && !f.purchased
	case has(hint, "purchas", "convert", "order", "bought", "complete"):
		return f.purchased
	case has(hint, "help"):
		return len(f.helpPages) > 0
	case has(hint, "rage", "frustrat"):
		return f.rage > 0 || f.frustrated()
	case has(hint, "error", "issue", "problem"):
		return len(f.issues) > 0
	case has(hint, "escalat", "contact", "follow"):
		return f.frustrated() || ((f.carted || f.checkout) && !f.purchased)
	}
	return false
}

func fillNumber(hint string, f *facts) float64 {
	switch {
	case has(hint, "rage"):
		return float64(f.rage)
	case has(hint, "dead"):
		return float64(f.dead)
	case has(hint, "error", "issue", "problem"):
		return float64(len(f.issues))
	case has(hint, "page"):
		return float64(len(f.pages))
	case has(hint, "price", "total", "value", "amount", "revenue", "cart"):
		if f.cartTotal != nil {
			return *f.cartTotal
		}
	case has(hint, "duration", "second"):
		return f.last.Sub(f.first).Seconds()
	case has(hint, "event", "count", "number"):
		return float64(f.kept)
	}
	return 0
}

func fillArray(sc *wire.Schema, name, hint string, f *facts, depth int) []any {
	items := sc.Items
	out := []any{}
	if items.Type == "STRING" && len(items.Enum) == 0 {
		list, ok := listFact(strings.ToLower(name), f)
		if !ok {
			list, ok = listFact(hint, f)
		}
		if ok {
			for _, s := range list {
				out = append(out, s)
			}
			return out
		}
	}
	if depth >= maxSchemaDepth {
		return out
	}
	if v := fill(items, name, f, depth+1); v != nil {
		out = append(out, v)
	}
	return out
}

// listFact returns the list of facts that hint asks for, and whether it
// asks for one.
func listFact(hint string, f *facts) ([]string, bool) {
	switch {
	case has(hint, "help"):
		return pagePaths(f.helpPages), true
	case has(hint, "error", "issue", "problem", "friction"):
		return f.issues, true
	case has(hint, "page", "url", "path"):
		return pagePaths(f.pages), true
	case has(hint, "action", "step"):
		return f.actions, true
	case has(hint, "custom", "event"):
		return f.custom, true
	}
	return nil, false
}

func pagePaths(ps []page) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.path
	}
	return out
}

// pickEnum chooses the enum value that best fits the outcome of the
// session: a purchase, an abandoned checkout, frustration, or none of these.
func pickEnum(values []string, f *facts) string {
	var groups [][]string
	switch {
	case f.purchased:
		groups = append(groups, []string{"purchas", "convert", "complet", "success", "bought", "positive"})
	case f.carted || f.checkout:
		groups = append(groups, []string{"abandon", "fail", "incomplete", "dropped", "lost"})
	}
	if f.frustrated() {
		groups = append(groups, []string{"frustrat", "negative", "angry", "high"})
	}
	groups = append(groups, []string{"neutral", "none", "browsing", "low", "no"})
	for _, words := range groups {
		for _, v := range values {
			if has(strings.ToLower(v), words...) {
				return v
			}
		}
	}
	return values[0]
}
