// Package fullstoryredis shares a fullstory.Client's Activation budget,
// summary cache and rate limit across a fleet through Redis.
package fullstoryredis
