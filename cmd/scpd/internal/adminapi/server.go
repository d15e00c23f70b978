package adminapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scpd/scpd/store"
)

// NewHandler serves b over HTTP+JSON under /v1, every request needing
// "Authorization: Bearer <token>"; /healthz answers without a token.
func NewHandler(b Backend, token string, log *slog.Logger) http.Handler {
	s := &server{b: b, log: log}
	mux := http.NewServeMux()
	h := func(pattern string, fn func(w http.ResponseWriter, r *http.Request) (any, error)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			v, err := fn(w, r)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if v != nil {
				writeJSON(w, http.StatusOK, v)
			}
		})
	}
	ctx := func(r *http.Request) context.Context { return r.Context() }

	h("GET /v1/subscribers", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return nonNil(b.Subscribers(ctx(r), r.URL.Query().Get("group")))
	})
	h("POST /v1/subscribers", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var sub store.Subscriber
		if err := readJSON(w, r, &sub); err != nil {
			return nil, err
		}
		return b.PutSubscriber(ctx(r), sub, true)
	})
	h("GET /v1/subscribers/{msisdn}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return b.Subscriber(ctx(r), r.PathValue("msisdn"))
	})
	h("PUT /v1/subscribers/{msisdn}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var sub store.Subscriber
		if err := readJSON(w, r, &sub); err != nil {
			return nil, err
		}
		if sub.MSISDN != r.PathValue("msisdn") {
			return nil, &store.ValidationError{Field: "msisdn", Rule: "must match the MSISDN in the URL (delete and add to renumber)"}
		}
		return b.PutSubscriber(ctx(r), sub, false)
	})
	h("DELETE /v1/subscribers/{msisdn}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return ok(b.DeleteSubscriber(ctx(r), r.PathValue("msisdn")))
	})

	h("GET /v1/groups", func(w http.ResponseWriter, r *http.Request) (any, error) { return nonNil(b.Groups(ctx(r))) })
	h("POST /v1/groups", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var g store.Group
		if err := readJSON(w, r, &g); err != nil {
			return nil, err
		}
		return b.PutGroup(ctx(r), g, true)
	})
	h("GET /v1/groups/{id}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		g, err := b.Group(ctx(r), r.PathValue("id"))
		if g.Members == nil {
			g.Members = []store.Subscriber{}
		}
		return g, err
	})
	h("PUT /v1/groups/{id}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var g store.Group
		if err := readJSON(w, r, &g); err != nil {
			return nil, err
		}
		if g.ID != r.PathValue("id") {
			return nil, &store.ValidationError{Field: "id", Rule: "must match the id in the URL"}
		}
		return b.PutGroup(ctx(r), g, false)
	})
	h("DELETE /v1/groups/{id}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return ok(b.DeleteGroup(ctx(r), r.PathValue("id")))
	})

	h("GET /v1/accounts", func(w http.ResponseWriter, r *http.Request) (any, error) { return nonNil(b.Accounts(ctx(r))) })
	h("POST /v1/accounts", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var a store.Account
		if err := readJSON(w, r, &a); err != nil {
			return nil, err
		}
		return b.CreateAccount(ctx(r), a)
	})
	h("GET /v1/accounts/{id}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return b.Account(ctx(r), r.PathValue("id"))
	})
	h("PATCH /v1/accounts/{id}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var u AccountUpdate
		if err := readJSON(w, r, &u); err != nil {
			return nil, err
		}
		return b.UpdateAccount(ctx(r), r.PathValue("id"), u)
	})
	h("POST /v1/accounts/{id}/recharge", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var req rechargeBody
		if err := readJSON(w, r, &req); err != nil {
			return nil, err
		}
		return b.Recharge(ctx(r), r.PathValue("id"), req.Amount, req.Ref)
	})
	h("GET /v1/accounts/{id}/ledger", func(w http.ResponseWriter, r *http.Request) (any, error) {
		limit, err := intParam(r, "limit")
		if err != nil {
			return nil, err
		}
		return nonNil(b.Ledger(ctx(r), r.PathValue("id"), limit))
	})

	h("GET /v1/tariffs", func(w http.ResponseWriter, r *http.Request) (any, error) { return nonNil(b.Tariffs(ctx(r))) })
	h("GET /v1/tariffs/{class}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return b.Tariff(ctx(r), r.PathValue("class"))
	})
	h("PUT /v1/tariffs/{class}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var t store.Tariff
		if err := readJSON(w, r, &t); err != nil {
			return nil, err
		}
		if t.Class != r.PathValue("class") {
			return nil, &store.ValidationError{Field: "class", Rule: "must match the class in the URL"}
		}
		return b.PutTariff(ctx(r), t)
	})
	h("DELETE /v1/tariffs/{class}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return ok(b.DeleteTariff(ctx(r), r.PathValue("class")))
	})

	h("GET /v1/cdrs", func(w http.ResponseWriter, r *http.Request) (any, error) {
		q, err := cdrQueryFrom(r.URL.Query())
		if err != nil {
			return nil, err
		}
		return nonNil(b.CDRs(ctx(r), q))
	})
	h("GET /v1/reservations", func(w http.ResponseWriter, r *http.Request) (any, error) {
		limit, err := intParam(r, "limit")
		if err != nil {
			return nil, err
		}
		v := r.URL.Query()
		return nonNil(b.Reservations(ctx(r), ReservationQuery{State: v.Get("state"), AccountID: v.Get("account"), Limit: limit}))
	})
	h("GET /v1/reservations/{call}", func(w http.ResponseWriter, r *http.Request) (any, error) {
		return b.Reservation(ctx(r), r.PathValue("call"))
	})
	h("POST /v1/purge", func(w http.ResponseWriter, r *http.Request) (any, error) {
		var req purgeBody
		if err := readJSON(w, r, &req); err != nil {
			return nil, err
		}
		if req.Before.IsZero() {
			return nil, &store.ValidationError{Field: "before", Rule: "required: an RFC 3339 time; history older than it goes"}
		}
		if req.Before.After(time.Now()) {
			return nil, &store.ValidationError{Field: "before", Rule: "must not be in the future; purge only removes history"}
		}
		return b.Purge(ctx(r), req.Before)
	})
	h("POST /v1/sweep", func(w http.ResponseWriter, r *http.Request) (any, error) { return b.Sweep(ctx(r)) })
	h("GET /v1/audit", func(w http.ResponseWriter, r *http.Request) (any, error) { return b.Audit(ctx(r)) })
	h("GET /v1/status", func(w http.ResponseWriter, r *http.Request) (any, error) { return b.Status(ctx(r)) })
	h("POST /v1/import", importHandler(b))
	mux.HandleFunc("GET /v1/backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		n, err := b.Backup(r.Context(), w)
		if err == nil {
			return
		}
		if n == 0 { // nothing sent yet: an error answer says why
			s.fail(w, r, err)
			return
		}
		// Headers are gone; a normal end would pass a short file for a
		// whole one: cut the connection so the client gets an error.
		s.log.Error("admin: backup failed", "err", err)
		panic(http.ErrAbortHandler)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// This catch-all also takes a known path with a method it does not
		// have, which the mux would otherwise answer 405: say so, with
		// the methods the path has (RFC 9110 §15.5.6).
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.fail(w, r, fmt.Errorf("%w: %s takes %s, not %s", errMethod, r.URL.Path, strings.Join(allow, ", "), r.Method))
			return
		}
		s.fail(w, r, fmt.Errorf("%w: no such endpoint %s %s", errNoRoute, r.Method, r.URL.Path))
	})

	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			s.fail(w, r, ErrUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

var (
	errNoRoute = errors.New("not found")
	errMethod  = errors.New("method not allowed")
)

type server struct {
	b   Backend
	log *slog.Logger
}

type rechargeBody struct {
	Amount int64  `json:"amount"`
	Ref    string `json:"ref,omitempty"`
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	if errors.Is(err, errNoRoute) {
		e.Status, e.Kind = http.StatusNotFound, "no_route"
	}
	if errors.Is(err, errMethod) {
		e.Status, e.Kind = http.StatusMethodNotAllowed, "method_not_allowed"
	}
	if e.Status >= 500 {
		s.log.Error("admin request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.Debug("admin request refused", "method", r.Method, "path", r.URL.Path, "status", e.Status, "err", err)
	}
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeBody(w, r, v, 1<<20)
}

// decodeBody reads one JSON value of at most max bytes, with no unknown
// fields and nothing after it.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, max int64) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, max))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			if terr == nil {
				return fmt.Errorf("%w: body: unexpected data after the JSON value (send one object)", errBadRequest)
			}
			err = terr
		}
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Errorf("%w: body: larger than %d MiB", errTooLarge, max>>20)
		}
		return fmt.Errorf("%w: body: %v", errBadRequest, err)
	}
	return nil
}

func ok(err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return map[string]bool{"ok": true}, nil
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](v []T, err error) (any, error) {
	if v == nil {
		v = []T{}
	}
	return v, err
}

func intParam(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, &store.ValidationError{Field: name, Rule: "must be a whole number, 0 or more"}
	}
	return n, nil
}

func cdrQueryFrom(v url.Values) (CDRQuery, error) {
	q := CDRQuery{MSISDN: v.Get("msisdn"), CallID: v.Get("call"), AccountID: v.Get("account")}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if s := v.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return q, &store.ValidationError{Field: p.name, Rule: "must be an RFC 3339 time"}
			}
			*p.t = t
		}
	}
	if s := v.Get("recovered"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, &store.ValidationError{Field: "recovered", Rule: "must be true or false"}
		}
		q.Recovered = &b
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, &store.ValidationError{Field: "limit", Rule: "must be a whole number, 0 or more"}
		}
		q.Limit = n
	}
	if s := v.Get("newest"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, &store.ValidationError{Field: "newest", Rule: "must be true or false"}
		}
		q.Newest = b
	}
	return q, nil
}

func (q CDRQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.Format(time.RFC3339Nano))
	}
	set("msisdn", q.MSISDN)
	set("call", q.CallID)
	set("account", q.AccountID)
	if q.Recovered != nil {
		v.Set("recovered", strconv.FormatBool(*q.Recovered))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Newest {
		v.Set("newest", "true")
	}
	return v
}
