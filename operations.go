package fullstory

import (
	"reflect"
	"strings"
)

// operation names a method of the Client, as Hooks and the placement of
// options know it.
type operation string

// The Client's operations.
const (
	opProfilesCreate operation = "Profiles.Create"
	opProfilesGet    operation = "Profiles.Get"
	opProfilesUpdate operation = "Profiles.Update"
	opProfilesDelete operation = "Profiles.Delete"
	opProfilesList   operation = "Profiles.List"
	opProfilesAll    operation = "Profiles.All"
	opSessionsList   operation = "Sessions.List"
	opSummarize      operation = "Sessions.Summarize"
	opSummarizeEach  operation = "Sessions.SummarizeEach"
	opEvents         operation = "Sessions.Events"
	opContext        operation = "Sessions.Context"
)

// clientOnly refuses an option passed to a method.
func (s *settings) clientOnly(field string) error {
	if s.op != "" {
		return &ValidationError{Field: field, Reason: "is a Client option; pass it to NewClient, not " + string(s.op)}
	}
	return nil
}

// callOnly refuses an option passed to NewClient, or to a method not in ops.
func (s *settings) callOnly(field string, ops ...operation) error {
	if s.op == "" {
		return &ValidationError{Field: field, Reason: "is a per-call option; pass it to " + opList(ops) + ", not NewClient"}
	}
	return s.onlyIn(field, ops...)
}

// onlyIn refuses an option passed to a method not in ops; NewClient may
// take it.
func (s *settings) onlyIn(field string, ops ...operation) error {
	if s.op == "" {
		return nil
	}
	for _, op := range ops {
		if s.op == op {
			return nil
		}
	}
	return &ValidationError{Field: field, Reason: "applies only to " + opList(ops) + ", not " + string(s.op)}
}

func opList(ops []operation) string {
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = string(op)
	}
	return strings.Join(names, " and ")
}

// isNil reports whether v is nil or a nil pointer, map, func, chan or slice
// in an interface, which would panic at first use.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
