package vpn

import (
	"errors"
	"strings"
	"testing"

	"github.com/scpd/scpd/store"
)

// An international prefix with nothing after it ("00", what a caller who
// gives up after dialling 00 sends) is no number: E.164 needs at least a
// country code. It must be a bad dialled number, not an off-net call to "".
// Likewise more than 15 digits is no E.164 number (E.164 §6.1).
func TestReviewInternationalNeedsE164Digits(t *testing.T) {
	long := "4917012345678901" // 16 digits
	for _, tc := range []struct {
		digits string
		nature Nature
	}{
		{"00", NatureUnknown},
		{"00", NatureSubscriber},
		{"00" + long, NatureUnknown},
		{long, NatureInternational},
		{"0" + strings.Repeat("1", 15), NatureNational},
	} {
		if got, ok := nl.International(tc.digits, tc.nature); ok {
			t.Errorf("International(%q, %v) = %q, true; want no international number", tc.digits, tc.nature, got)
		}
	}
	// The longest E.164 number still is one.
	if got, ok := nl.International("00"+long[:15], NatureUnknown); !ok || got != long[:15] {
		t.Errorf("15-digit number: %q %v", got, ok)
	}

	st := openStore(t)
	caller := store.Subscriber{MSISDN: "31612345001", GroupID: "ACME"}
	st.View(func(tx *store.Tx) error {
		for _, d := range []string{"00", "00" + long} {
			if dec, err := Route(tx, nl, caller, store.Group{ID: "ACME"}, d, NatureUnknown); !errors.Is(err, ErrNoDestination) {
				t.Errorf("Route(%q) = %+v, %v; want ErrNoDestination", d, dec, err)
			}
		}
		return nil
	})
}
