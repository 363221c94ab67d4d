// Package retry decides, attempt by attempt, whether a call to the Fullstory
// API is tried again and how long to wait first. It configures
// go-retryablehttp by hand: no logger of its own, no "giving up" errors, a
// retry policy per operation class, a capped Retry-After and jittered backoff
// that never outlasts the caller's context.
package retry
