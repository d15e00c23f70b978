package prepaid

import (
	"math"
	"testing"
)

func TestCost(t *testing.T) {
	perMinute := Tariff{Class: "off-net", PricePerMinute: 60, Initial: 60, Subsequent: 60}
	perSecond := Tariff{Class: "on-net", PricePerMinute: 10, Initial: 1, Subsequent: 1}
	withSetup := Tariff{Class: "prepaid", PricePerMinute: 25, Initial: 30, Subsequent: 6, SetupCharge: 7}
	tests := []struct {
		name    string
		t       Tariff
		seconds int64
		want    int64
	}{
		{"unanswered costs nothing", withSetup, 0, 0},
		{"negative is unanswered", perMinute, -5, 0},
		{"60/60 one second is a minute", perMinute, 1, 60},
		{"60/60 exactly a minute", perMinute, 60, 60},
		{"60/60 61 s is two minutes", perMinute, 61, 120},
		{"1/1 rounds a fraction down", perSecond, 1, 0},      // 10/60 of a unit
		{"1/1 six seconds is one unit", perSecond, 6, 1},     // 60/60
		{"1/1 59 s rounds down", perSecond, 59, 9},           // 590/60 = 9.83
		{"30/6 first increment whole", withSetup, 1, 7 + 12}, // 30 s: 750/60 = 12.5 -> 12
		{"30/6 31 s bills 36", withSetup, 31, 7 + 15},        // 36*25/60 = 15
		{"30/6 36 s bills 36", withSetup, 36, 7 + 15},
		{"free tariff", Tariff{Initial: 1, Subsequent: 1}, 100, 0},
		{"zero increments act as 1", Tariff{PricePerMinute: 60}, 3, 3},
		{"saturates", Tariff{PricePerMinute: math.MaxInt64, Initial: 60, Subsequent: 60}, math.MaxInt64 / 2, math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Cost(tc.t, tc.seconds); got != tc.want {
				t.Fatalf("Cost(%+v, %d) = %d, want %d", tc.t, tc.seconds, got, tc.want)
			}
		})
	}
}

func TestAffordableSeconds(t *testing.T) {
	perMinute := Tariff{PricePerMinute: 60, Initial: 60, Subsequent: 60}
	perSecond := Tariff{PricePerMinute: 10, Initial: 1, Subsequent: 1}
	withSetup := Tariff{PricePerMinute: 25, Initial: 30, Subsequent: 6, SetupCharge: 7}
	tests := []struct {
		name  string
		t     Tariff
		money int64
		want  int64
	}{
		{"no money", perMinute, 0, 0},
		{"1/1 rounding down gives free seconds", perSecond, 0, 5}, // 5*10/60 = 0.83
		{"less than first increment", perMinute, 59, 0},
		{"one minute", perMinute, 60, 60},
		{"almost two", perMinute, 119, 60},
		{"two minutes", perMinute, 120, 120},
		{"1/1 one unit buys 6 s", perSecond, 1, 11}, // 11*10/60 = 1.83 -> 1
		{"1/1 ten units", perSecond, 10, 65},        // 65*10/60 = 10.83
		{"set-up not covered", withSetup, 18, 0},    // 7 + 12 = 19 for the first 30 s
		{"set-up and first increment", withSetup, 19, 30},
		{"then 6 s steps", withSetup, 22, 36}, // 7 + 15
		{"free tariff is capped", Tariff{Initial: 1, Subsequent: 1}, 1, MaxSeconds},
		{"free with set-up charge unpaid", Tariff{Initial: 1, Subsequent: 1, SetupCharge: 5}, 4, 0},
		{"huge money capped", perMinute, math.MaxInt64, MaxSeconds},
		{"cap is increment aligned", Tariff{PricePerMinute: 1, Initial: 7, Subsequent: 7}, math.MaxInt64, MaxSeconds / 7 * 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := AffordableSeconds(tc.t, tc.money)
			if got != tc.want {
				t.Fatalf("AffordableSeconds(%+v, %d) = %d, want %d", tc.t, tc.money, got, tc.want)
			}
			if got > 0 && Cost(tc.t, got) > tc.money {
				t.Fatalf("cost of %d s is %d > %d", got, Cost(tc.t, got), tc.money)
			}
		})
	}
}

// Brute force: the answer is the largest billed duration whose cost fits.
func TestAffordableSecondsBruteForce(t *testing.T) {
	tariffs := []Tariff{
		{PricePerMinute: 60, Initial: 60, Subsequent: 60},
		{PricePerMinute: 7, Initial: 1, Subsequent: 1},
		{PricePerMinute: 25, Initial: 30, Subsequent: 6, SetupCharge: 7},
		{PricePerMinute: 99, Initial: 10, Subsequent: 15, SetupCharge: 1},
		{PricePerMinute: 1, Initial: 60, Subsequent: 1},
	}
	for _, tr := range tariffs {
		for money := int64(0); money < 400; money++ {
			want := int64(0)
			for d := int64(1); ; d++ { // Cost only grows with d
				if BilledSeconds(tr, d) != d {
					continue
				}
				if Cost(tr, d) > money {
					break
				}
				want = d
			}
			if got := AffordableSeconds(tr, money); got != want {
				t.Fatalf("AffordableSeconds(%+v, %d) = %d, brute force says %d", tr, money, got, want)
			}
		}
	}
}
