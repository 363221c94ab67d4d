package summarygen

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
)

// facts is what the selected events and included context show: the
// material of a fake summary and of its structured response.
type facts struct {
	kept, total int
	first, last time.Time

	pages, helpPages, pricingPages []page // first visits, in order
	issues                         []string
	networkErrors, consoleErrors   int
	errorClicks, rage, dead        int
	custom                         []string // "Name (k: v, ...)"
	carted, checkout, purchased    bool
	item                           string // what the cart held, from its custom event
	cartTotal                      *float64
	actions                        []string
	final                          string

	user, org, location, device string // "" when left out or unknown
}

// page is a page the user visited.
type page struct{ path, title string }

func (p page) String() string {
	if p.title == "" {
		return p.path
	}
	return fmt.Sprintf("%s (%q)", p.path, p.title)
}

// gatherFacts reads the facts of the kept events of sess under cfg.
func gatherFacts(sess *Session, kept []Event, cfg *wire.Config, r renderer) *facts {
	f := &facts{kept: len(kept), total: len(sess.Events)}
	seen := map[string]bool{}
	for _, e := range kept {
		desc := r.describe(e)
		f.actions = append(f.actions, desc)
		if path := pagePath(e.URL); e.URL != "" && !seen[path] {
			seen[path] = true
			p := page{path, e.Title}
			f.pages = append(f.pages, p)
			switch {
			case isHelpPage(path):
				f.helpPages = append(f.helpPages, p)
			case strings.Contains(path, "/pricing") || strings.Contains(path, "/plans"):
				f.pricingPages = append(f.pricingPages, p)
			}
			if strings.Contains(path, "/checkout") {
				f.checkout = true
			}
		}
		switch e.Type {
		case fullstory.EventNetworkError:
			f.networkErrors++
		case fullstory.EventConsoleError:
			f.consoleErrors++
		case fullstory.EventErrorClick:
			f.errorClicks++
		case fullstory.EventRageClick:
			f.rage++
		case fullstory.EventDeadClick:
			f.dead++
		}
		switch e.Type {
		case fullstory.EventNetworkError, fullstory.EventConsoleError, fullstory.EventErrorClick, fullstory.EventRageClick, fullstory.EventDeadClick:
			if !slices.Contains(f.issues, desc) {
				f.issues = append(f.issues, desc)
			}
		}
		if IsCustom(e.Type) {
			f.customEvent(e)
		}
	}
	if len(kept) > 0 {
		f.first, f.last = kept[0].Time, kept[len(kept)-1].Time
		f.final = f.actions[len(f.actions)-1]
	}
	f.context(sess, cfg.Context)
	return f
}

func isHelpPage(path string) bool {
	for _, seg := range strings.Split(strings.ToLower(path), "/") {
		switch seg {
		case "help", "support", "faq", "kb", "docs":
			return true
		}
	}
	return false
}

// customEvent notes a custom event, and whether it is a step of a purchase.
func (f *facts) customEvent(e Event) {
	name := strings.ToLower(string(e.Type))
	entry := string(e.Type)
	if len(e.Properties) > 0 {
		entry += " (" + formatProperties(e.Properties) + ")"
	}
	f.custom = append(f.custom, entry)
	switch {
	case strings.Contains(name, "completed") && (strings.Contains(name, "order") || strings.Contains(name, "purchase") || strings.Contains(name, "checkout")):
		f.purchased = true
	case strings.Contains(name, "checkout"):
		f.checkout = true
	case strings.Contains(name, "cart") && strings.Contains(name, "add"):
		f.carted = true
		f.item = cartItem(e.Properties)
	}
	for _, k := range []string{"cart_total", "order_total", "total", "value", "revenue"} {
		if v, ok := toFloat(e.Properties[k]); ok {
			f.cartTotal = &v
			break
		}
	}
}

// cartItem describes what was added to a cart from the usual property names.
func cartItem(p map[string]any) string {
	get := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := p[k]; ok {
				return fmt.Sprint(v)
			}
		}
		return ""
	}
	item := get("event_name", "product_name", "product", "name", "item")
	if v := get("venue"); v != "" {
		item += " at " + v
	}
	if v := get("event_date", "date"); v != "" {
		item += " on " + v
	}
	switch q, t := get("quantity"), get("ticket_type", "variant"); {
	case q != "" && t != "":
		item += fmt.Sprintf(" (%s × %s)", q, t)
	case q != "":
		item += " (quantity " + q + ")"
	case t != "":
		item += " (" + t + ")"
	}
	item = strings.TrimSpace(item)
	if item == "" {
		return "the items in the cart"
	}
	return item
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// context notes the session's context elements that cx lets the LLM see.
func (f *facts) context(sess *Session, cx *wire.Context) {
	if contextIncluded(cx, fullstory.ContextUser) {
		var parts []string
		if sess.Email != "" {
			parts = append(parts, sess.Email)
		}
		if sess.UID != "" {
			parts = append(parts, "uid "+sess.UID)
		}
		if len(sess.UserProperties) > 0 {
			parts = append(parts, formatProperties(sess.UserProperties))
		}
		f.user = sess.DisplayName
		if len(parts) > 0 {
			f.user = strings.TrimSpace(f.user + " (" + strings.Join(parts, "; ") + ")")
		}
	}
	if o := sess.Org; o != nil && contextIncluded(cx, fullstory.ContextOrg) {
		f.org = joinNonEmpty(", ", o.Name, o.Industry, o.Domain, o.Country)
	}
	if l := sess.Location; l != nil && contextIncluded(cx, fullstory.ContextLocation) {
		f.location = joinNonEmpty(", ", l.City, l.Region, l.Country)
	}
	if d := sess.Device; d != nil && contextIncluded(cx, fullstory.ContextDevice) {
		f.device = joinNonEmpty(" on ", d.Browser, d.OperatingSystem)
		if s := d.ScreenSize; s != nil {
			f.device = joinNonEmpty(", ", f.device, fmt.Sprintf("screen %dx%d", s.WidthPixels, s.HeightPixels))
		}
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

// goal is what the user seems to have come for.
func (f *facts) goal() string {
	switch {
	case f.purchased && f.item != "":
		return "buy " + f.item
	case f.purchased:
		return "complete a purchase"
	case f.carted:
		return "buy " + f.item
	case f.checkout:
		return "complete a checkout"
	case len(f.helpPages) > 0:
		return "find help with " + helpTopic(f.helpPages)
	case len(f.pricingPages) > 0:
		return "compare pricing and packages"
	case len(f.pages) > 0:
		return "browse " + cmp.Or(f.pages[0].title, f.pages[0].path)
	}
	return "unclear from the events considered"
}

// helpTopic names what the most specific help page is about, from the path
// below its help segment: "/help/payment-errors/card-declined" is "payment
// errors: card declined".
func helpTopic(pages []page) string {
	var best []string
	for _, p := range pages {
		segs := strings.Split(strings.Trim(p.path, "/"), "/")
		for i, seg := range segs {
			if isHelpPage("/"+seg) && len(segs[i+1:]) > len(best) {
				best = segs[i+1:]
				break
			}
		}
	}
	if len(best) == 0 {
		return "the help center"
	}
	words := make([]string, len(best))
	for i, seg := range best {
		words[i] = strings.ReplaceAll(seg, "-", " ")
	}
	return strings.Join(words, ": ")
}

// outcome says whether a purchase went through.
func (f *facts) outcome() string {
	switch {
	case f.purchased:
		return "purchased: an Order Completed event shows the purchase went through"
	case f.carted && f.checkout:
		return "abandoned: items were added to the cart and checkout started, but no Order Completed event followed"
	case f.carted || f.checkout:
		return "abandoned: the purchase was started, but no Order Completed event followed"
	}
	return "no purchase activity"
}

// reason suggests what caused the friction, if there was any.
func (f *facts) reason() string {
	var parts []string
	if n := f.networkErrors + f.consoleErrors; n > 0 {
		parts = append(parts, fmt.Sprintf("technical errors (%d network, %d console) interrupted the flow", f.networkErrors, f.consoleErrors))
	}
	if f.errorClicks > 0 {
		parts = append(parts, "clicks led to errors")
	}
	if f.rage+f.dead > 0 {
		parts = append(parts, "the page did not respond to the user's clicks")
	}
	if len(parts) == 0 {
		return "no friction was seen"
	}
	return strings.Join(parts, "; ")
}

func (f *facts) frustrated() bool { return f.rage+f.dead+f.errorClicks > 0 }
