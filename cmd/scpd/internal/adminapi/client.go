package adminapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

// Client implements Backend over HTTP against a running daemon.
type Client struct {
	base  string // http://host:port, or http://unix for a socket
	token string
	http  *http.Client
}

var _ Backend = (*Client)(nil)

// NewClient talks to addr: "http://127.0.0.1:7080" or "unix:///path/admin.sock".
func NewClient(addr, token string) (*Client, error) {
	// No header can carry it; the request would fail as "unreachable".
	if !headerSafe(token) {
		return nil, errors.New("admin token holds a control character (a line break?): check admin.token in the config, or the token file")
	}
	// Straight to the daemon: an HTTP_PROXY from the environment would get
	// the bearer token.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	c := &Client{token: token, http: &http.Client{
		Timeout:   5 * time.Minute,
		Transport: tr,
		// The API never redirects: a redirect comes from something else at
		// addr, and following it would turn a DELETE into a GET elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	switch {
	case strings.HasPrefix(addr, "unix://"):
		sock := strings.TrimPrefix(addr, "unix://")
		if sock == "" {
			return nil, fmt.Errorf("admin address %q: no socket path (use unix:///path/to/admin.sock)", addr)
		}
		c.base = "http://unix"
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}
	case strings.HasPrefix(addr, "http://"):
		u, err := url.Parse(addr)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("admin address %q: want http://HOST:PORT or unix:///PATH", addr)
		}
		c.base = strings.TrimSuffix(addr, "/")
	default:
		return nil, fmt.Errorf("admin address %q: want http://HOST:PORT or unix:///PATH", addr)
	}
	return c, nil
}

func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	resp, err := c.send(ctx, method, path, query, in)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		// Done only when the daemon says so, not on any 200 from whatever
		// answers at the address.
		var done struct {
			OK bool `json:"ok"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&done); err != nil || !done.OK {
			return fmt.Errorf("admin API %s %s: the answer is not scpd's {\"ok\": true}: check --admin (or admin.listen in the config)", method, path)
		}
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("admin API %s %s: reading answer: %w", method, path, err)
	}
	return nil
}

// send makes a request and turns a non-200 answer into an *Error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, in any) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(raw)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Whether the daemon took the connection: a timeout after that is a
	// busy or hung daemon, not an unreachable one.
	var connected atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}))
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("admin API %s %s: %w", method, path, ctx.Err())
		}
		if connected.Load() && errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("admin API %s %s: no answer within %v: scpd serve is running but busy or hung (see its log), try again later", method, path, c.http.Timeout)
		}
		return nil, fmt.Errorf("admin API unreachable (is scpd serve running? or use --db FILE on a stopped daemon's database): %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		e := &Error{Status: resp.StatusCode}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if json.Unmarshal(raw, e) != nil || e.Message == "" {
			e.Kind, e.Message = "internal", fmt.Sprintf("admin API %s %s: HTTP %d, not an answer of scpd's admin API: check --admin (or admin.listen in the config)", method, path, resp.StatusCode)
		}
		if e.Kind == "unauthorized" {
			e.Message += ": use the running daemon's token (the same --config as scpd serve, or --token-file FILE)"
		}
		return nil, e
	}
	return resp, nil
}

func p(parts ...string) string {
	for i, s := range parts {
		if i%2 == 1 {
			s = url.PathEscape(s)
			// "." and ".." are valid IDs; as bare segments the server's mux
			// would clean them away and answer for another path.
			if s == "." || s == ".." {
				s = strings.ReplaceAll(s, ".", "%2E")
			}
			parts[i] = s
		}
	}
	return strings.Join(parts, "")
}

func (c *Client) Subscribers(ctx context.Context, groupID string) (out []store.Subscriber, err error) {
	q := url.Values{}
	if groupID != "" {
		q.Set("group", groupID)
	}
	return out, c.do(ctx, "GET", "/v1/subscribers", q, nil, &out)
}

func (c *Client) Subscriber(ctx context.Context, msisdn string) (s store.Subscriber, err error) {
	return s, c.do(ctx, "GET", p("/v1/subscribers/", msisdn), nil, nil, &s)
}

func (c *Client) PutSubscriber(ctx context.Context, s store.Subscriber, create bool) (out store.Subscriber, err error) {
	if create {
		return out, c.do(ctx, "POST", "/v1/subscribers", nil, s, &out)
	}
	return out, c.do(ctx, "PUT", p("/v1/subscribers/", s.MSISDN), nil, s, &out)
}

func (c *Client) DeleteSubscriber(ctx context.Context, msisdn string) error {
	return c.do(ctx, "DELETE", p("/v1/subscribers/", msisdn), nil, nil, nil)
}

func (c *Client) Groups(ctx context.Context) (out []store.Group, err error) {
	return out, c.do(ctx, "GET", "/v1/groups", nil, nil, &out)
}

func (c *Client) Group(ctx context.Context, id string) (g GroupView, err error) {
	return g, c.do(ctx, "GET", p("/v1/groups/", id), nil, nil, &g)
}

func (c *Client) PutGroup(ctx context.Context, g store.Group, create bool) (out store.Group, err error) {
	if create {
		return out, c.do(ctx, "POST", "/v1/groups", nil, g, &out)
	}
	return out, c.do(ctx, "PUT", p("/v1/groups/", g.ID), nil, g, &out)
}

func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", p("/v1/groups/", id), nil, nil, nil)
}

func (c *Client) Accounts(ctx context.Context) (out []store.Account, err error) {
	return out, c.do(ctx, "GET", "/v1/accounts", nil, nil, &out)
}

func (c *Client) Account(ctx context.Context, id string) (a store.Account, err error) {
	return a, c.do(ctx, "GET", p("/v1/accounts/", id), nil, nil, &a)
}

func (c *Client) CreateAccount(ctx context.Context, a store.Account) (out store.Account, err error) {
	return out, c.do(ctx, "POST", "/v1/accounts", nil, a, &out)
}

func (c *Client) UpdateAccount(ctx context.Context, id string, u AccountUpdate) (out store.Account, err error) {
	return out, c.do(ctx, "PATCH", p("/v1/accounts/", id), nil, u, &out)
}

func (c *Client) Recharge(ctx context.Context, id string, amount int64, ref string) (out prepaid.Recharged, err error) {
	return out, c.do(ctx, "POST", p("/v1/accounts/", id, "/recharge"), nil, rechargeBody{Amount: amount, Ref: ref}, &out)
}

func (c *Client) Ledger(ctx context.Context, id string, limit int) (out []store.LedgerEntry, err error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return out, c.do(ctx, "GET", p("/v1/accounts/", id, "/ledger"), q, nil, &out)
}

func (c *Client) Tariffs(ctx context.Context) (out []store.Tariff, err error) {
	return out, c.do(ctx, "GET", "/v1/tariffs", nil, nil, &out)
}

func (c *Client) Tariff(ctx context.Context, class string) (t store.Tariff, err error) {
	return t, c.do(ctx, "GET", p("/v1/tariffs/", class), nil, nil, &t)
}

func (c *Client) PutTariff(ctx context.Context, t store.Tariff) (out store.Tariff, err error) {
	return out, c.do(ctx, "PUT", p("/v1/tariffs/", t.Class), nil, t, &out)
}

func (c *Client) DeleteTariff(ctx context.Context, class string) error {
	return c.do(ctx, "DELETE", p("/v1/tariffs/", class), nil, nil, nil)
}

func (c *Client) CDRs(ctx context.Context, q CDRQuery) (out []store.CDR, err error) {
	return out, c.do(ctx, "GET", "/v1/cdrs", q.values(), nil, &out)
}

func (c *Client) Reservations(ctx context.Context, q ReservationQuery) (out []store.Reservation, err error) {
	v := url.Values{}
	if q.State != "" {
		v.Set("state", q.State)
	}
	if q.AccountID != "" {
		v.Set("account", q.AccountID)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return out, c.do(ctx, "GET", "/v1/reservations", v, nil, &out)
}

func (c *Client) Reservation(ctx context.Context, callID string) (r store.Reservation, err error) {
	return r, c.do(ctx, "GET", p("/v1/reservations/", callID), nil, nil, &r)
}

// purgeBody is the request of POST /v1/purge.
type purgeBody struct {
	Before time.Time `json:"before"`
}

func (c *Client) Purge(ctx context.Context, before time.Time) (rep store.PurgeReport, err error) {
	return rep, c.do(ctx, "POST", "/v1/purge", nil, purgeBody{Before: before}, &rep)
}

func (c *Client) Sweep(ctx context.Context) (rep store.SweepReport, err error) {
	return rep, c.do(ctx, "POST", "/v1/sweep", nil, nil, &rep)
}

func (c *Client) Audit(ctx context.Context) (rep store.AuditReport, err error) {
	return rep, c.do(ctx, "GET", "/v1/audit", nil, nil, &rep)
}

func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := c.send(ctx, "GET", "/v1/backup", nil, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("admin API GET /v1/backup: broken off after %d bytes (see the daemon's log): %w", n, err)
	}
	return n, nil
}
