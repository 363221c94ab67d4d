package main

import fullstory "github.com/summarykit/fullstory-go"

// supportProfile is the support-assistant profile of the quick-start guide's
// "API Call Example": the last 200 events without the noisy console and
// network errors, and a factual, low-temperature summary of the user's goal
// and friction. testdata/support.json (and examples/profiles/support.json, for the CLI) is the same profile as a file;
// it is written out here so that the program runs from any directory.
func supportProfile() *fullstory.ProfileRequest {
	return &fullstory.ProfileRequest{
		Name: "Support assistant",
		ProfileConfig: fullstory.ProfileConfig{
			Events: &fullstory.EventsConfig{
				ExcludeTypes: []fullstory.EventType{fullstory.EventConsoleError, fullstory.EventNetworkError},
			},
			Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 200},
			LLM: &fullstory.LLMConfig{
				PrePrompt: "You are a support assistant. The following is a log of user session events. " +
					"Please analyze carefully.",
				PostPrompt: "Summarize the user's primary goal, any issues encountered (errors, rage clicks), " +
					"the user's final action, and suggest a possible reason for any friction encountered. " +
					"If the user visited help pages, list them.",
				Temperature: fullstory.Ptr(0.2),
			},
		},
	}
}
