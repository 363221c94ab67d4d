//go:build !race

package fullstory_test

// timeScale stretches the waits that a request must beat to reach a test
// server: under the race detector, a loaded machine is several times slower.
const timeScale = 1
