package main

import "testing"

// A value of the wrong type in an import file is named by its field, in the
// file's own words, instead of encoding/json's "cannot unmarshal number into
// Go struct field Subscriber.subscribers.short_number of type string".
func TestParseDatasetTypeErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"subscribers:\n  - {msisdn: \"31612345077\", vpn: true, group_id: ACME, short_number: 1077}\n",
			`subscribers.short_number: want text, not a number (quote it: "1001", or a leading 0 is lost)`},
		{"accounts:\n  - {id: X, currency: EUR, opening: \"5\"}\n", "accounts.opening: want a whole number, not text"},
		{"groups: {id: X}\n", "groups: want a list, not a mapping"},
		{"subscribers:\n  - {msisdn: \"31612345077\", prepaid: yes-please}\n", "subscribers.prepaid: want true or false, not text"},
	} {
		_, err := parseDataset([]byte(tc.doc))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %q", tc.doc, err, tc.want)
		}
	}
	if _, err := parseDataset([]byte("subscribers:\n  - {msisdn: \"31612345077\", short_number: \"1077\"}\n")); err != nil {
		t.Errorf("quoted numbers: %v", err)
	}
}
