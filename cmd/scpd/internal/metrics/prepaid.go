package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scpd/scpd/servicelogic/prepaid"
)

// timedPrepaid measures each prepaid interface as the VPN service sees it:
// for the durable ones, waiting for the group commit and the commit itself.
// ApplyFee is on the way to the first answer (steps 105-107), so this is
// where an operator sees how much of scpd_first_answer_seconds the store
// takes.
type timedPrepaid struct {
	prepaid.Service
	authenticate, applyFee, deductFee, returnFee, settle, markAnswered prometheus.Observer
}

// TimedPrepaid wraps s so that every call of a prepaid interface is observed
// in scpd_prepaid_seconds{interface}.
func TimedPrepaid(r prometheus.Registerer, s prepaid.Service) prepaid.Service {
	vec := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "scpd_prepaid_seconds",
		Help: "Time of one call of a prepaid interface by the service logic; the durable ones include " +
			"waiting for the group commit and the commit (fsyncs).",
		Buckets: []float64{.0002, .0005, .001, .002, .003, .005, .0075, .01, .015, .02, .03, .05, .1, .25, .5, 1}},
		[]string{"interface"})
	r.MustRegister(vec)
	// Children looked up once: WithLabelValues hashes and locks per call.
	return &timedPrepaid{Service: s,
		authenticate: vec.WithLabelValues("authenticate"), applyFee: vec.WithLabelValues("apply_fee"),
		deductFee: vec.WithLabelValues("deduct_fee"), returnFee: vec.WithLabelValues("return_fee"),
		settle: vec.WithLabelValues("settle"), markAnswered: vec.WithLabelValues("mark_answered")}
}

func since(o prometheus.Observer, start time.Time) { o.Observe(time.Since(start).Seconds()) }

func (t *timedPrepaid) Authenticate(ctx context.Context, accountID string) (prepaid.AuthResult, error) {
	defer since(t.authenticate, time.Now())
	return t.Service.Authenticate(ctx, accountID)
}

func (t *timedPrepaid) ApplyFee(ctx context.Context, req prepaid.ApplyRequest) (prepaid.Grant, error) {
	defer since(t.applyFee, time.Now())
	return t.Service.ApplyFee(ctx, req)
}

func (t *timedPrepaid) DeductFee(ctx context.Context, req prepaid.DeductRequest) (prepaid.DeductResult, error) {
	defer since(t.deductFee, time.Now())
	return t.Service.DeductFee(ctx, req)
}

func (t *timedPrepaid) ReturnFee(ctx context.Context, req prepaid.ReturnRequest) (prepaid.ReturnResult, error) {
	defer since(t.returnFee, time.Now())
	return t.Service.ReturnFee(ctx, req)
}

func (t *timedPrepaid) Settle(ctx context.Context, d prepaid.DeductRequest, r prepaid.ReturnRequest) (prepaid.DeductResult, prepaid.ReturnResult, error) {
	defer since(t.settle, time.Now())
	return t.Service.Settle(ctx, d, r)
}

func (t *timedPrepaid) MarkAnswered(ctx context.Context, callID string, seq uint32, at time.Time) error {
	defer since(t.markAnswered, time.Now())
	return t.Service.MarkAnswered(ctx, callID, seq, at)
}

// Recharge is the operator's, not the call path's: passed through unmeasured.
func (t *timedPrepaid) Recharge(ctx context.Context, req prepaid.RechargeRequest) (prepaid.Recharged, error) {
	return t.Service.Recharge(ctx, req)
}
