package fullstoryredis

import "time"

// SetBudgetClock sets the clock a Budget names its candidate periods by.
func SetBudgetClock(b *Budget, now func() time.Time) { b.now = now }

// ReservationKey is the counter a reservation was taken from.
func ReservationKey(r any) string { return r.(*reservation).key }

// NewReservation is a reservation of b with id, taken from counter key.
func NewReservation(b *Budget, id, key string) any { return &reservation{b: b, id: id, key: key} }

// SetCacheClock sets the clock of c's breaker.
func SetCacheClock(c *Cache, now func() time.Time) { c.breaker.now = now }

// SetLimiterClock sets the clock of l's breaker.
func SetLimiterClock(l *Limiter, now func() time.Time) { l.breaker.now = now }

// SetBudgetBreakerClock sets the clock of b's breaker.
func SetBudgetBreakerClock(b *Budget, now func() time.Time) { b.breaker.now = now }
