package prepaid

import (
	"math"
	"math/bits"

	"github.com/scpd/scpd/store"
)

// Tariff is the store's tariff: price per minute, billing increments and
// set-up charge of one call class, in minor units.
type Tariff = store.Tariff

// MaxSeconds caps AffordableSeconds: CAP's maxCallPeriodDuration goes up to
// 864000 s (ten days), so a longer grant could not be sent to the MSC anyway.
const MaxSeconds = 864000

func increments(t Tariff) (initial, subsequent int64) {
	return max(t.Initial, 1), max(t.Subsequent, 1)
}

// BilledSeconds rounds a duration up to the tariff's billing increments: the
// first increment is charged whole, then whole subsequent increments
// (60/60: per started minute; 1/1: per second; 30/6: first 30 s, then 6 s steps).
func BilledSeconds(t Tariff, seconds int64) int64 {
	if seconds <= 0 {
		return 0
	}
	initial, sub := increments(t)
	if seconds <= initial {
		return initial
	}
	rest := seconds - initial
	return initial + (rest+sub-1)/sub*sub
}

// Cost is the price of a call that lasted `seconds` answered seconds: the
// set-up charge plus the billed seconds at the price per minute. Fractions of
// a minor unit are rounded down, in the subscriber's favour. An unanswered
// call (0 seconds) costs nothing, set-up charge included. Saturates at MaxInt64.
func Cost(t Tariff, seconds int64) int64 {
	if seconds <= 0 {
		return 0
	}
	billed := BilledSeconds(t, seconds)
	price := max(t.PricePerMinute, 0)
	hi, lo := bits.Mul64(uint64(billed), uint64(price))
	if hi >= 60 {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, 60)
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	c := int64(q)
	setup := max(t.SetupCharge, 0)
	if c > math.MaxInt64-setup {
		return math.MaxInt64
	}
	return c + setup
}

// AffordableSeconds is the longest whole-increment duration whose Cost is at
// most money, capped at MaxSeconds: 0 if money does not pay for the set-up
// charge and the first increment. Use it with the total money reserved for a
// call so far, so the set-up charge counts once, on the first quota.
func AffordableSeconds(t Tariff, money int64) int64 {
	initial, sub := increments(t)
	if money < 0 || Cost(t, initial) > money {
		return 0
	}
	price := max(t.PricePerMinute, 0)
	maxBilled := int64(MaxSeconds)
	if price > 0 {
		// floor(B*price/60) <= budget  <=>  B*price <= 60*budget + 59.
		budget := money - max(t.SetupCharge, 0)
		hi, lo := bits.Mul64(uint64(budget), 60)
		lo, carry := bits.Add64(lo, 59, 0)
		hi += carry
		if hi < uint64(price) {
			b, _ := bits.Div64(hi, lo, uint64(price))
			if b < uint64(maxBilled) {
				maxBilled = int64(b)
			}
		}
	}
	if maxBilled < initial {
		return 0
	}
	return initial + (maxBilled-initial)/sub*sub
}
