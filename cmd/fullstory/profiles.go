package main

import (
	fullstory "github.com/summarykit/fullstory-go"
)

var profilesGroup = &group{
	name: "profiles",
	intro: `A prompt profile tells Fullstory's AI which part of a session to read and
how to summarize it. Profiles are written as JSON files: the flat body of the
create and update calls, with name, llm (pre_prompt, post_prompt,
temperature, response_schema), slice, context, events and cache. Ready-made
ones are in examples/profiles/*.json of the fullstory-go repository:
support.json (the quick-start guide's support assistant), sales.json and
concierge.json (the ticket-concierge prompt, in Slack mrkdwn).
`,
	examples: `  fullstory profiles create -f examples/profiles/support.json
  fullstory profiles get PROFILE_ID --body > profile.json   # edit, then:
  fullstory profiles update PROFILE_ID -f profile.json
  fullstory --fake profiles try -f examples/profiles/support.json --against examples/profiles/sales.json --email jane@doe.com --latest 3
`,
}

// profileFile is the -f FILE flag of the commands that send a profile.
type profileFile struct{ name string }

func (p *profileFile) declare(f *flagSet) {
	f.stringVar(&p.name, "f", "the profile `FILE` (JSON); - reads stdin")
}

func (p *profileFile) validate() error {
	if p.name == "" {
		return usagef("needs -f FILE")
	}
	return nil
}

// read reads the profile, then returns it with the client to send it
// through: a bad file fails before a missing key.
func (p *profileFile) read(a *app) (*fullstory.ProfileRequest, *fullstory.Client, error) {
	req, err := a.readProfile(p.name)
	if err != nil {
		return nil, nil, err
	}
	c, err := a.client()
	if err != nil {
		return nil, nil, err
	}
	return req, c, nil
}
