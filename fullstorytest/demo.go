package fullstorytest

import (
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// The demo user of the quick-start guide, whose sessions a Server holds
// unless WithoutDemoData is given.
const (
	// DemoEmail is the demo user's email, to find her sessions with
	// fullstory.ListSessionsOptions.Email.
	DemoEmail = "jane@doe.com"
	// DemoUID is the uid the demo site set for her with FS('setIdentity'),
	// for fullstory.ListSessionsOptions.UID.
	DemoUID = "jane-doe"
	// DemoDisplayName is the demo user's name, as the user context shows it.
	DemoDisplayName = "Jane Doe"
	// DemoUserID is Fullstory's id of the demo user's device, the first half
	// of each of her session ids.
	DemoUserID = "6973903723107198876"
	// DemoSessionUID is the session uid the demo site set for
	// DemoCheckoutSession (its cart's id), for
	// fullstory.ListSessionsOptions.SessionUID.
	DemoSessionUID = "cart-4471"
)

// The demo user's sessions, newest first. They are fullstory.SessionID
// values, to pass to Summarize, Events and Context or compare with
// fullstory.Session.ID.
var (
	// DemoCheckoutSession adds four $450 VIP tickets to the cart, then
	// abandons the checkout after payment errors and rage clicks on "Pay now".
	DemoCheckoutSession = fullstory.NewSessionID(DemoUserID, "5156932900183134039")
	// DemoSupportSession fails to save a card (error clicks), reads the help
	// pages under /help/payment-errors and contacts support.
	DemoSupportSession = fullstory.NewSessionID(DemoUserID, "7595300836794220845")
	// DemoSalesSession compares the pricing and VIP package pages and asks
	// for a group quote.
	DemoSalesSession = fullstory.NewSessionID(DemoUserID, "4411930485526710043")
	// DemoPurchaseSession buys two tickets and ends in "Order Completed".
	DemoPurchaseSession = fullstory.NewSessionID(DemoUserID, "3120457789912365508")
)

const demoSite = "https://tickets.example.com"

// demoSessions returns the demo data: Jane Doe's four sessions and a
// business customer's session with organization context. Times are fixed.
func demoSessions() []RecordedSession {
	jane := func(sessionID string, created int64, events []at) RecordedSession {
		return RecordedSession{
			UserID:      DemoUserID,
			SessionID:   sessionID,
			SessionUID:  map[string]string{DemoCheckoutSession.Session: DemoSessionUID}[sessionID],
			UID:         DemoUID,
			Email:       DemoEmail,
			DisplayName: DemoDisplayName,
			UserProperties: map[string]any{
				"loyalty_tier":       "Platinum",
				"lifetime_value_usd": 4820,
			},
			Created:  time.Unix(created, 0).UTC(),
			Location: &fullstory.LocationContext{City: "Austin", Region: "Texas", Country: "United States"},
			Device: &fullstory.DeviceContext{
				Browser: "Chrome", OperatingSystem: "macOS",
				ScreenSize:   &fullstory.ScreenSize{WidthPixels: 1512, HeightPixels: 982},
				ViewportSize: &fullstory.ScreenSize{WidthPixels: 1512, HeightPixels: 860},
			},
			Events: timed(time.Unix(created, 0), events),
		}
	}
	sam := RecordedSession{
		UserID:      "5280114637718930021",
		SessionID:   "8812004519375520646",
		UID:         "sam-lee",
		Email:       "sam.lee@acme.example",
		DisplayName: "Sam Lee",
		Created:     time.Unix(1750860180, 0).UTC(),
		Location:    &fullstory.LocationContext{City: "Denver", Region: "Colorado", Country: "United States"},
		Device:      &fullstory.DeviceContext{Browser: "Safari", OperatingSystem: "macOS", ScreenSize: &fullstory.ScreenSize{WidthPixels: 1728, HeightPixels: 1117}},
		Org:         &fullstory.OrgContext{OrgID: "acme", Name: "Acme Corp", Industry: "Software", Domain: "acme.example", Country: "US"},
		Events:      timed(time.Unix(1750860180, 0), corporateEvents()),
	}
	return []RecordedSession{
		jane(DemoCheckoutSession.Session, 1750978914, checkoutEvents()),
		jane(DemoSupportSession.Session, 1750971633, supportEvents()),
		jane(DemoSalesSession.Session, 1750435925, salesEvents()),
		jane(DemoPurchaseSession.Session, 1749757210, purchaseEvents()),
		sam,
	}
}

// at is an event at an offset from the start of its session; timed turns
// the offsets into times.
type at struct {
	offset time.Duration
	RecordedEvent
}

func timed(start time.Time, events []at) []RecordedEvent {
	out := make([]RecordedEvent, len(events))
	for i, e := range events {
		e.Time = start.Add(e.offset).UTC()
		out[i] = e.RecordedEvent
	}
	return out
}

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func checkoutEvents() []at {
	const event = demoSite + "/events/aurora-nights-tour-riverside-arena-2025-08-15"
	return []at{
		{0, RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/", Title: "Tickets Example – Live events near you"}},
		{sec(12), RecordedEvent{Type: fullstory.EventInputChange, Target: "input#search", Text: "Aurora Nights"}},
		{sec(15), RecordedEvent{Type: fullstory.EventClick, Target: "button.search-submit", Text: "Search"}},
		{sec(18), RecordedEvent{Type: fullstory.EventNavigate, URL: event, Title: "Aurora Nights Tour – Riverside Arena – Aug 15, 2025"}},
		{sec(25), RecordedEvent{Type: fullstory.EventElementSeen, Target: "div.low-inventory-banner", Text: "Only 6 VIP Floor seats left"}},
		{sec(40), RecordedEvent{Type: fullstory.EventClick, Target: "button.ticket-tier[data-tier=vip-floor]", Text: "VIP Floor – $450"}},
		{sec(48), RecordedEvent{Type: fullstory.EventInputChange, Target: "select#quantity", Text: "4"}},
		{sec(55), RecordedEvent{Type: fullstory.EventClick, Target: "button#add-to-cart", Text: "Add to cart"}},
		{sec(56), RecordedEvent{Type: "Added to Cart", Properties: map[string]any{
			"event_name": "Aurora Nights Tour", "venue": "Riverside Arena", "event_date": "2025-08-15",
			"ticket_type": "VIP Floor", "quantity": 4, "price_per_ticket": 450, "cart_total": 1800, "currency": "USD",
		}}},
		{sec(70), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/cart", Title: "Your cart"}},
		{sec(80), RecordedEvent{Type: fullstory.EventClick, Target: "a.checkout-button", Text: "Checkout"}},
		{sec(82), RecordedEvent{Type: "Checkout Started", Properties: map[string]any{"cart_total": 1800, "currency": "USD", "items": 4}}},
		{sec(83), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/checkout/payment", Title: "Checkout – Payment"}},
		{sec(120), RecordedEvent{Type: fullstory.EventInputChange, Target: "form#payment-form input#card-number", Text: "•••• •••• •••• 4242"}},
		{sec(135), RecordedEvent{Type: fullstory.EventClick, Target: "form#payment-form button#pay-now", Text: "Pay now"}},
		{sec(137), RecordedEvent{Type: fullstory.EventNetworkError, Text: "POST /api/payments returned 502",
			Properties: map[string]any{"method": "POST", "url": demoSite + "/api/payments", "status_code": 502}}},
		{sec(137.5), RecordedEvent{Type: fullstory.EventConsoleError, Text: "Uncaught (in promise) PaymentGatewayError: upstream timeout"}},
		{sec(142), RecordedEvent{Type: fullstory.EventRageClick, Target: "form#payment-form button#pay-now", Text: "Pay now", Properties: map[string]any{"click_count": 7}}},
		{sec(144), RecordedEvent{Type: fullstory.EventNetworkError, Text: "POST /api/payments returned 502",
			Properties: map[string]any{"method": "POST", "url": demoSite + "/api/payments", "status_code": 502}}},
		{sec(145), RecordedEvent{Type: fullstory.EventErrorClick, Target: "form#payment-form button#pay-now", Text: "Pay now"}},
		{sec(150), RecordedEvent{Type: fullstory.EventDeadClick, Target: "button.apply-promo", Text: "Apply promo code"}},
		{sec(160), RecordedEvent{Type: fullstory.EventMouseThrash, Target: "form#payment-form"}},
		{sec(175), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/cart", Title: "Your cart"}},
	}
}

func supportEvents() []at {
	return []at{
		{0, RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/account", Title: "My account"}},
		{sec(10), RecordedEvent{Type: fullstory.EventClick, Target: "a[href='/account/payment-methods']", Text: "Payment methods"}},
		{sec(12), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/account/payment-methods", Title: "Payment methods"}},
		{sec(30), RecordedEvent{Type: fullstory.EventInputChange, Target: "input#new-card-number", Text: "•••• •••• •••• 0119"}},
		{sec(40), RecordedEvent{Type: fullstory.EventClick, Target: "button#save-card", Text: "Save card"}},
		{sec(41), RecordedEvent{Type: fullstory.EventNetworkError, Text: "POST /api/wallet/cards returned 422",
			Properties: map[string]any{"method": "POST", "url": demoSite + "/api/wallet/cards", "status_code": 422}}},
		{sec(42), RecordedEvent{Type: fullstory.EventErrorClick, Target: "button#save-card", Text: "Save card", Properties: map[string]any{"error": "Card could not be verified"}}},
		{sec(47), RecordedEvent{Type: fullstory.EventErrorClick, Target: "button#save-card", Text: "Save card", Properties: map[string]any{"error": "Card could not be verified"}}},
		{sec(50), RecordedEvent{Type: fullstory.EventConsoleError, Text: "Unhandled validation error: card_verification_failed"}},
		{sec(55), RecordedEvent{Type: fullstory.EventClick, Target: "a.help-link", Text: "Help"}},
		{sec(57), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/help", Title: "Help center"}},
		{sec(70), RecordedEvent{Type: fullstory.EventInputChange, Target: "input#help-search", Text: "payment error"}},
		{sec(75), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/help/payment-errors", Title: "Payment errors – Help center"}},
		{sec(110), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/help/payment-errors/card-declined", Title: "Why was my card declined? – Help center"}},
		{sec(150), RecordedEvent{Type: fullstory.EventHighlight, Target: "article p", Text: "Contact your bank to authorize the charge"}},
		{sec(160), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/help/contact", Title: "Contact support"}},
		{sec(190), RecordedEvent{Type: fullstory.EventInputChange, Target: "textarea#message", Text: "My card keeps failing when I save it"}},
		{sec(200), RecordedEvent{Type: fullstory.EventClick, Target: "button#send-message", Text: "Send message"}},
		{sec(201), RecordedEvent{Type: "Support Ticket Created", Properties: map[string]any{"ticket_id": "SUP-20931", "topic": "payment method"}}},
	}
}

func salesEvents() []at {
	return []at{
		{0, RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/", Title: "Tickets Example – Live events near you"}},
		{sec(8), RecordedEvent{Type: fullstory.EventClick, Target: "nav a[href='/pricing']", Text: "Pricing"}},
		{sec(9), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/pricing", Title: "Pricing & membership"}},
		{sec(30), RecordedEvent{Type: fullstory.EventHighlight, Target: "section.platinum p", Text: "Platinum members get presale access to VIP packages"}},
		{sec(40), RecordedEvent{Type: fullstory.EventClick, Target: "button#compare-plans", Text: "Compare VIP packages"}},
		{sec(45), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/pricing/vip-packages", Title: "VIP packages"}},
		{sec(60), RecordedEvent{Type: fullstory.EventElementSeen, Target: "table.package-comparison", Text: "VIP package comparison"}},
		{sec(80), RecordedEvent{Type: fullstory.EventClick, Target: "a[href='/pricing/group-hospitality']", Text: "Group & corporate"}},
		{sec(82), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/pricing/group-hospitality", Title: "Group & corporate hospitality"}},
		{sec(100), RecordedEvent{Type: fullstory.EventInputChange, Target: "input#group-size", Text: "12"}},
		{sec(110), RecordedEvent{Type: fullstory.EventClick, Target: "button#get-quote", Text: "Get a quote"}},
		{sec(111), RecordedEvent{Type: "Quote Requested", Properties: map[string]any{"package": "VIP Hospitality", "group_size": 12}}},
		{sec(125), RecordedEvent{Type: fullstory.EventCopy, Target: "a.sales-email", Text: "sales@tickets.example.com"}},
	}
}

func purchaseEvents() []at {
	const event = demoSite + "/events/jazz-in-the-park-zilker-2025-07-04"
	return []at{
		{0, RecordedEvent{Type: fullstory.EventNavigate, URL: event, Title: "Jazz in the Park – Zilker Park – Jul 4, 2025"}},
		{sec(20), RecordedEvent{Type: fullstory.EventClick, Target: "button.ticket-tier[data-tier=ga]", Text: "General admission – $85"}},
		{sec(25), RecordedEvent{Type: fullstory.EventInputChange, Target: "select#quantity", Text: "2"}},
		{sec(30), RecordedEvent{Type: fullstory.EventClick, Target: "button#add-to-cart", Text: "Add to cart"}},
		{sec(31), RecordedEvent{Type: "Added to Cart", Properties: map[string]any{
			"event_name": "Jazz in the Park", "venue": "Zilker Park", "event_date": "2025-07-04",
			"ticket_type": "General admission", "quantity": 2, "price_per_ticket": 85, "cart_total": 170, "currency": "USD",
		}}},
		{sec(40), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/cart", Title: "Your cart"}},
		{sec(45), RecordedEvent{Type: fullstory.EventClick, Target: "a.checkout-button", Text: "Checkout"}},
		{sec(46), RecordedEvent{Type: "Checkout Started", Properties: map[string]any{"cart_total": 170, "currency": "USD", "items": 2}}},
		{sec(47), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/checkout/payment", Title: "Checkout – Payment"}},
		{sec(80), RecordedEvent{Type: fullstory.EventInputChange, Target: "form#payment-form input#card-number", Text: "•••• •••• •••• 4242"}},
		{sec(90), RecordedEvent{Type: fullstory.EventClick, Target: "form#payment-form button#pay-now", Text: "Pay now"}},
		{sec(93), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/checkout/confirmation", Title: "Order confirmed"}},
		{sec(94), RecordedEvent{Type: "Order Completed", Properties: map[string]any{"order_id": "TX-104822", "order_total": 170, "currency": "USD", "quantity": 2}}},
	}
}

func corporateEvents() []at {
	return []at{
		{0, RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/groups", Title: "Groups & corporate"}},
		{sec(15), RecordedEvent{Type: fullstory.EventClick, Target: "a[href='/pricing/corporate']", Text: "Corporate packages"}},
		{sec(16), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/pricing/corporate", Title: "Corporate packages – pricing"}},
		{sec(50), RecordedEvent{Type: fullstory.EventDeadClick, Target: "a.brochure-link", Text: "Download brochure (PDF)"}},
		{sec(52), RecordedEvent{Type: fullstory.EventDeadClick, Target: "a.brochure-link", Text: "Download brochure (PDF)"}},
		{sec(70), RecordedEvent{Type: fullstory.EventClick, Target: "a.talk-to-sales", Text: "Talk to sales"}},
		{sec(71), RecordedEvent{Type: fullstory.EventNavigate, URL: demoSite + "/contact-sales", Title: "Talk to our sales team"}},
		{sec(90), RecordedEvent{Type: fullstory.EventInputChange, Target: "input#company", Text: "Acme Corp"}},
		{sec(95), RecordedEvent{Type: fullstory.EventInputChange, Target: "input#seats", Text: "40"}},
		{sec(100), RecordedEvent{Type: fullstory.EventClick, Target: "button[type=submit]", Text: "Request a proposal"}},
		{sec(101), RecordedEvent{Type: "Lead Form Submitted", Properties: map[string]any{"company": "Acme Corp", "seats": 40}}},
	}
}
