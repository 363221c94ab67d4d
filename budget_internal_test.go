package fullstory

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A refund goes back to the period its reservation came from: one taken on
// the last day of a month and refunded on the first of the next makes no
// room in the new month.
func TestMemoryBudgetRefundGoesToItsPeriod(t *testing.T) {
	now := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)
	b := NewMemoryBudget(2, BudgetMonthly)
	b.now = func() time.Time { return now }
	old, err := b.Reserve(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, 1, b.Remaining())

	now = time.Date(2026, 12, 1, 0, 1, 0, 0, time.UTC)
	assert.EqualValues(t, 2, b.Remaining(), "a new month starts afresh")
	_, err = b.Reserve(context.Background())
	require.NoError(t, err)
	require.NoError(t, old.Refund(context.Background()))
	assert.EqualValues(t, 1, b.Remaining(), "November's refund made room in December")
}
