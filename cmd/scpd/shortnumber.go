package main

import (
	"fmt"
	"log/slog"

	"github.com/scpd/scpd/store"
)

// shortNumberSample is how many MSISDNs the start-up warning names.
const shortNumberSample = 5

// warnLongShortNumbers reports, in one WARN, the VPN members stored with a
// short number longer than max: call routing never looks them up, so every
// call to that short number is released (bad number). It is what an
// operator who lowered numbering.max_short_number left behind.
func warnLongShortNumbers(st *store.Store, max int, log *slog.Logger) error {
	count := 0
	var first []string
	err := st.View(func(tx *store.Tx) error {
		subs, err := tx.Subscribers()
		for _, s := range subs {
			if s.VPN && len(s.ShortNumber) > max {
				if count++; count <= shortNumberSample {
					first = append(first, s.MSISDN)
				}
			}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("checking short numbers: %w", err)
	}
	if count > 0 {
		log.Warn("VPN members have a short number longer than numbering.max_short_number: calls to it are released (bad number); give them a shorter one (scpd subscriber update MSISDN --short N) or raise the limit",
			"count", count, "max_short_number", max, "first", first)
	}
	return nil
}
