package adminapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A known path with a method it does not have is 405 with Allow (RFC 9110
// §15.5.5-6), not 404 "no such endpoint": the catch-all route took both.
func TestWrongMethodIs405(t *testing.T) {
	srv := httptest.NewServer(NewHandler(newLocal(t), token, quiet))
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		status       int
		allow, kind  string
	}{
		{"DELETE", "/v1/accounts", 405, "GET, POST", "method_not_allowed"},
		{"PUT", "/v1/audit", 405, "GET", "method_not_allowed"},
		{"GET", "/v1/accounts/A-1/recharge", 405, "POST", "method_not_allowed"},
		{"GET", "/v1/nothing-here", 404, "", "no_route"},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Kind string `json:"kind"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Allow") != tc.allow || body.Kind != tc.kind {
			t.Errorf("%s %s: %d, Allow %q, kind %q; want %d, %q, %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), body.Kind, tc.status, tc.allow, tc.kind)
		}
	}
}
