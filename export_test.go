package fullstory

// FlightWaiters returns how many callers wait for the Client's shared calls
// in flight, so that a test can start the shared request only once every
// caller it means to share it has joined.
func FlightWaiters(c *Client) int {
	c.flights.mu.Lock()
	defer c.flights.mu.Unlock()
	n := 0
	for _, f := range c.flights.m {
		n += len(f.waiters)
	}
	return n
}
