package adminapi

import (
	"errors"
	"net/http"

	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

// Error is an error reported by the admin API, as the client sees it. Unwrap
// gives back the store error kind, so errors.Is(err, store.ErrNotFound) and
// errors.As(err, &*store.ValidationError) work the same through HTTP.
type Error struct {
	Status  int    `json:"-"`
	Kind    string `json:"kind"`
	Message string `json:"error"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error {
	switch e.Kind {
	case "validation":
		return &store.ValidationError{Field: e.Field, Rule: e.Rule}
	case "not_found":
		return store.ErrNotFound
	case "exists":
		return store.ErrExists
	case "in_use":
		return store.ErrInUse
	case "closed":
		return store.ErrClosed
	case "unauthorized":
		return ErrUnauthorized
	}
	return nil
}

// ErrUnauthorized: the request carried no token or a wrong one.
var ErrUnauthorized = errors.New("missing or wrong admin token")

// classify maps an error to its HTTP form.
func classify(err error) *Error {
	e := &Error{Status: http.StatusInternalServerError, Kind: "internal", Message: err.Error()}
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		e.Status, e.Kind, e.Field, e.Rule = http.StatusBadRequest, "validation", ve.Field, ve.Rule
	case errors.Is(err, store.ErrNotFound), errors.Is(err, prepaid.ErrUnknownCall):
		e.Status, e.Kind = http.StatusNotFound, "not_found"
	case errors.Is(err, store.ErrExists):
		e.Status, e.Kind = http.StatusConflict, "exists"
	case errors.Is(err, store.ErrInUse):
		e.Status, e.Kind = http.StatusConflict, "in_use"
	case errors.Is(err, store.ErrClosed):
		e.Status, e.Kind = http.StatusConflict, "closed"
	case errors.Is(err, ErrUnauthorized):
		e.Status, e.Kind = http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, errBadRequest):
		e.Status, e.Kind = http.StatusBadRequest, "bad_request"
	case errors.Is(err, errTooLarge):
		e.Status, e.Kind = http.StatusRequestEntityTooLarge, "too_large"
	}
	return e
}

var (
	errBadRequest = errors.New("bad request")
	errTooLarge   = errors.New("request too large")
)
