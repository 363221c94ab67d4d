package main

import fullstory "github.com/summarykit/fullstory-go"

// conciergeProfile is the quick-start guide's "Example Prompt": a Slack-ready
// brief for a ticket-service concierge who follows up on a high-value cart
// that may have been abandoned. The persona and goal go before the session
// data, the required structure after it. testdata/concierge.json (and
// examples/profiles/concierge.json, for the CLI) is the same profile as a
// file; it is written out here so that the program runs from any directory.
func conciergeProfile() *fullstory.ProfileRequest {
	return &fullstory.ProfileRequest{
		Name: "Ticket concierge (Slack)",
		ProfileConfig: fullstory.ProfileConfig{
			// The brief's Customer Profile section needs the user, location
			// and device; the org is of no use to a concierge.
			Context: &fullstory.ContextConfig{
				Include: []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextLocation, fullstory.ContextDevice},
			},
			// Purchase intent and friction only. Custom events go by their
			// names; "Order Completed" tells a purchase from an abandoned cart.
			Events: &fullstory.EventsConfig{
				IncludeTypes: []fullstory.EventType{
					fullstory.EventNavigate,
					fullstory.EventClick,
					fullstory.EventInputChange,
					fullstory.EventErrorClick,
					fullstory.EventRageClick,
					fullstory.EventDeadClick,
					"Added to Cart",
					"Order Completed",
				},
			},
			Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 300},
			LLM: &fullstory.LLMConfig{
				PrePrompt:   conciergePrePrompt,
				PostPrompt:  conciergePostPrompt,
				Temperature: fullstory.Ptr(0.2),
			},
		},
	}
}

const conciergePrePrompt = `Summarize this session for a [Ticket Service] concierge service employee.
Format for slack mrkdwn (single * for bold, • for list). The primary goal is to provide concise, actionable context for a follow-up to help close a sale with a high-value customer who added high-value tickets to their cart but may have abandoned the checkout process due to a likely technical issue or because they are not ready to buy, or it was a lot of money to spend and need more trust or white glove service or were not incentivized enough. Also ok to just say they abandoned cart and didn't buy. If you see an Order Completed event, that means they did successfully purchase and you should flag accordingly.`

const conciergePostPrompt = `Structure the summary with the following sections: 'Customer Profile', 'Session Overview', 'Key Behaviors & Insights for Follow-Up', and 'Recommended Concierge Actions'. Include only the following essential information:
• Customer Profile
  • User ID
  • Location
  • Device type
• Session Overview
  • A brief statement confirming active shopping for a specific event, and if the user converted or abandoned during checkout.
• Key Behaviors & Insights for Follow-Up
  • Focus strictly on the user's demonstrated purchase intent:
    • The specific event targeted (Name, Venue, Date)
    • Mention they viewed the event page
    • The specific tickets added to the cart (key details: quantity, type, price per ticket, overall cart price) and that they initiated checkout.
• Recommended Concierge Actions
  • Provide concrete steps for the concierge, covering:
    • Immediate actions (contact method, acknowledging the issue, verifying availability/pricing, offering assistance to complete the purchase, suggesting a goodwill gesture. Do not offer to waive fees, as that is not possible).
    • Follow-up strategy points (personalization, emphasizing value/urgency, addressing concerns, offering VIP service).
Crucially, EXCLUDE the following details:
• Specific technical error codes, messages, or detailed network error explanations.
• Detailed user navigation paths (e.g., sequences of pages visited, search terms used).
• Counts of how many times specific pages or elements (like low inventory banners) were viewed.
• Information about general account activity (like viewing order history) unless directly tied to the failed purchase attempt.
• A separate "Key Takeaways" or general interpretation section. Insights should be implicit in the recommended actions. Keep the language focused and directly useful for enabling the concierge's outreach.`
