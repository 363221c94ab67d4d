package main

import (
	"fmt"

	fullstory "github.com/summarykit/fullstory-go"
)

// SupportBrief is the structured summary the profile asks for. Its json tags
// name the properties of the response schema, its jsonschema tags describe
// them to the LLM, and fields without omitempty are required.
type SupportBrief struct {
	PrimaryGoal       string   `json:"primary_goal" jsonschema:"what the user was trying to do, in one sentence"`
	IssuesEncountered []string `json:"issues_encountered" jsonschema:"errors, rage clicks and other friction the user met, one per item"`
	FinalAction       string   `json:"final_action" jsonschema:"the last thing the user did in the session"`
	FrictionReason    string   `json:"reason_for_termination_suggestion,omitempty" jsonschema:"a likely reason for the friction, if there was any"`
	HelpPagesVisited  []string `json:"help_pages_visited,omitempty" jsonschema:"paths of the help or support pages the user visited"`
	Sentiment         string   `json:"sentiment,omitempty" jsonschema:"the user's apparent mood from their actions: positive, neutral or frustrated"`
	// Escalate is a pointer so that "no answer" (null) differs from false.
	Escalate *bool `json:"escalate" jsonschema:"whether a support agent should contact the user, or null if unclear"`
}

// briefProfile returns the quick-start guide's support-assistant profile,
// asking for a SupportBrief instead of prose.
func briefProfile() (*fullstory.ProfileRequest, error) {
	schema, err := fullstory.SchemaFor[SupportBrief]()
	if err != nil {
		return nil, fmt.Errorf("building the response schema: %w", err)
	}
	return &fullstory.ProfileRequest{
		Name: "Support brief (structured)",
		ProfileConfig: fullstory.ProfileConfig{
			Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 200},
			Events: &fullstory.EventsConfig{
				ExcludeTypes: []fullstory.EventType{fullstory.EventMouseThrash, fullstory.EventElementSeen},
			},
			LLM: &fullstory.LLMConfig{
				PrePrompt: "You are a support assistant. The following is a log of user session events. " +
					"Please analyze carefully.",
				PostPrompt: "Fill in every field of the response from what the user did in the session. " +
					"Report only observable actions; do not guess at the user's thoughts.",
				Temperature:    fullstory.Ptr(0.2),
				ResponseSchema: schema,
			},
		},
	}, nil
}
