// Package rules states the checks that the API makes on a profile
// configuration, which the library makes before it sends one and the fake
// makes when it receives one.
package rules

// MaxSchemaDepth is how deeply a response schema may nest.
const MaxSchemaDepth = 32

// MaxTemperature is the highest llm.temperature.
const MaxTemperature = 2
