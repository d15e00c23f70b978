// Package metrics exposes scpd's state to Prometheus: the service logic's
// observations (calls by outcome, CAP operations, fees, first-answer
// latency) as counters and a histogram, and the SIGTRAN layers' and the
// store's own counters read at scrape time.
package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/store"
)

// Observer implements servicelogic.Observer with Prometheus metrics.
type Observer struct {
	calls       *counters
	ops         *counters
	fees        *counters
	overload    *counters
	rejects     *counters
	firstAnswer prometheus.Histogram
}

// counters caches the children of a CounterVec: WithLabelValues hashes the
// labels and takes the vector's lock on every call, which on the call path
// (several operations per call, thousands of calls a second) showed in the
// CPU profile of the performance run.
type counters struct {
	vec *prometheus.CounterVec
	mu  sync.RWMutex
	m   map[[2]string]prometheus.Counter
}

func newCounters(opts prometheus.CounterOpts, labels ...string) *counters {
	return &counters{vec: prometheus.NewCounterVec(opts, labels), m: make(map[[2]string]prometheus.Counter)}
}

// with returns the counter for one or two label values (b is ignored for a
// one-label vector).
func (c *counters) with(a, b string) prometheus.Counter {
	key := [2]string{a, b}
	c.mu.RLock()
	x, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return x
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if x, ok := c.m[key]; ok {
		return x
	}
	if b == "" {
		x = c.vec.WithLabelValues(a)
	} else {
		x = c.vec.WithLabelValues(a, b)
	}
	c.m[key] = x
	return x
}

var _ servicelogic.Observer = (*Observer)(nil)

// NewObserver registers the service logic's metrics on r.
func NewObserver(r prometheus.Registerer) *Observer {
	o := &Observer{
		calls: newCounters(prometheus.CounterOpts{Name: "scpd_calls_total",
			Help: "Calls ended, by service and outcome (the CDR outcome)."}, "service", "outcome"),
		ops: newCounters(prometheus.CounterOpts{Name: "scpd_cap_operations_total",
			Help: "CAP operations received (in) and sent (out)."}, "direction", "operation"),
		fees: newCounters(prometheus.CounterOpts{Name: "scpd_fees_minor_units_total",
			Help: "Money frozen, charged and returned by the prepaid interfaces, in minor units."}, "movement"),
		overload: newCounters(prometheus.CounterOpts{Name: "scpd_overload_total",
			Help: "New calls answered by the overload treatment, by the bound reached (calls, store)."}, "bound"),
		rejects: newCounters(prometheus.CounterOpts{Name: "scpd_cap_rejects_sent_total",
			Help: "CAP operations refused with a Reject component (undecodable argument, unknown operation), by problem."}, "problem"),
		firstAnswer: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scpd_first_answer_seconds",
			Help:    "Time from an InitialDP's arrival to scpd's first answer.",
			Buckets: []float64{.0005, .001, .002, .003, .005, .0075, .01, .015, .02, .03, .05, .1, .25, .5, 1, 2.5}}),
	}
	r.MustRegister(o.calls.vec, o.ops.vec, o.fees.vec, o.overload.vec, o.rejects.vec, o.firstAnswer)
	// Counters alerted on are series at 0 from the start, not absent until
	// their first count: rate() and alerts see 0 rather than no data.
	for _, b := range overloadBounds {
		o.overload.with(b, "")
	}
	for _, p := range capRejectProblems {
		o.rejects.with(p, "")
	}
	for _, k := range []servicelogic.FeeKind{servicelogic.FeeFrozen, servicelogic.FeeCharged, servicelogic.FeeReturned} {
		o.fees.with(string(k), "")
	}
	return o
}

// The label values known in advance, for the series that exist at 0 from
// the start.
var (
	// servicelogic's admit names these bounds.
	overloadBounds = []string{"calls", "store"}
	// servicelogic's reject and rejectFor send these problems.
	capRejectProblems = []string{tcap.InvokeUnrecognizedOperation.String(), tcap.InvokeMistypedParameter.String()}
	// The codes sigtran/m3ua answers with: its sendError calls and the
	// decoders' Error.Code.
	m3uaErrorCodes = []m3ua.ErrorCode{m3ua.ErrCodeInvalidVersion, m3ua.ErrCodeUnsupportedMessageClass,
		m3ua.ErrCodeUnsupportedMessageType, m3ua.ErrCodeUnsupportedTrafficMode, m3ua.ErrCodeUnexpectedMessage,
		m3ua.ErrCodeProtocolError, m3ua.ErrCodeRefusedManagementBlocking, m3ua.ErrCodeParameterFieldError,
		m3ua.ErrCodeUnexpectedParameter, m3ua.ErrCodeMissingParameter, m3ua.ErrCodeInvalidRoutingContext,
		m3ua.ErrCodeNoConfiguredASForASP}
	tcapTypes = []string{tcap.Unidirectional.String(), tcap.Begin.String(), tcap.Continue.String(),
		tcap.End.String(), tcap.Abort.String()}
	pAbortCauses = []string{tcap.UnrecognizedMessageType.String(), tcap.UnrecognizedTransactionID.String(),
		tcap.BadlyFormattedTransactionPortion.String(), tcap.IncorrectTransactionPortion.String(),
		tcap.ResourceLimitation.String()}
	// "normal" is what the dialogue layer's Stats calls an end without abort.
	endReasons = []string{"normal", dialogue.AbortUser.String(), dialogue.AbortProvider.String(),
		dialogue.AbortACNotSupported.String(), dialogue.AbortAssociationLost.String(),
		dialogue.AbortReturned.String(), dialogue.AbortShutdown.String()}
)

// zeroFill adds to m the known keys it lacks, at 0 (the layers' Stats
// leave out what has not happened yet).
func zeroFill[K comparable](m map[K]uint64, known []K) map[K]uint64 {
	for _, k := range known {
		if _, ok := m[k]; !ok {
			m[k] = 0
		}
	}
	return m
}

func (o *Observer) CallEnded(k servicelogic.Kind, outcome string) {
	service := string(k)
	if service == "" { // a service key scpd has no service for
		service = "none"
	}
	o.calls.with(service, outcome).Inc()
}

func (o *Observer) Operation(in bool, op camel.Opcode) {
	dir := "out"
	if in {
		dir = "in"
	}
	// The opcode of an incoming invoke is whatever the peer sent; naming
	// unknown ones "opcode(N)" made one series (and one cached
	// counter, kept for ever) per distinct value: unbounded cardinality.
	name := "other"
	if op.Known() {
		name = op.String()
	}
	o.ops.with(dir, name).Inc()
}

func (o *Observer) FirstAnswer(d time.Duration) { o.firstAnswer.Observe(d.Seconds()) }

func (o *Observer) Overload(bound string) { o.overload.with(bound, "").Inc() }

func (o *Observer) Reject(problem string) { o.rejects.with(problem, "").Inc() }

func (o *Observer) Fee(k servicelogic.FeeKind, amount int64) {
	if amount > 0 {
		o.fees.with(string(k), "").Add(float64(amount))
	}
}

// stateCollector reads the layers' counters at scrape time.
type stateCollector struct {
	st    *stack.Stack
	store *store.Store
	calls func() int

	assoc, dialogues, active, tcapMsgs, pAborts, rejects, ended, tcapDropped, m3uaErr, m3uaData, sccp, batches, commits, pending, dbBytes, journalBytes, oldestCDR, jWrites *prometheus.Desc
}

// RegisterState registers gauges and counters read from the stack, the
// store and the service logic at each scrape.
func RegisterState(r prometheus.Registerer, st *stack.Stack, db *store.Store, activeCalls func() int) {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	r.MustRegister(&stateCollector{st: st, store: db, calls: activeCalls,
		assoc:     d("scpd_m3ua_associations", "M3UA associations of each peer (seen since start) in each ASP state.", "peer", "state"),
		dialogues: d("scpd_tcap_dialogues_open", "Open TCAP dialogues."),
		active:    d("scpd_calls_active", "Calls in progress."),
		tcapMsgs:  d("scpd_tcap_messages_total", "TCAP messages by direction and type.", "direction", "type"),
		pAborts:   d("scpd_tcap_p_aborts_sent_total", "P-Aborts sent, by cause.", "cause"),
		rejects:   d("scpd_tcap_rejects_sent_total", "Reject components sent for malformed components."),
		ended:     d("scpd_tcap_dialogues_ended_total", "Dialogues ended, by how: normal or the abort cause.", "reason"),
		tcapDropped: d("scpd_tcap_messages_refused_total",
			"TCAP messages that served no dialogue: discarded (undecodable, or a Unidirectional), or naming a transaction not open (unknown-transaction).", "reason"),
		m3uaErr:   d("scpd_m3ua_errors_sent_total", "M3UA ERR messages sent, by error code.", "code"),
		m3uaData:  d("scpd_m3ua_data_total", "M3UA DATA messages by peer and direction, and those dropped.", "peer", "direction"),
		sccp:      d("scpd_sccp_messages_total", "SCCP messages by kind.", "kind"),
		batches:   d("scpd_store_batched_operations_total", "Store operations run through the group committer."),
		commits:   d("scpd_store_commits_total", "Durable group commits (each one record in the store's journal, fsynced)."),
		pending:   d("scpd_store_operations_pending", "Store operations waiting for their commit (overload.max_store_queue bounds it for new calls)."),
		jWrites:   d("scpd_store_journal_writes_total", "Writes to the store's journal, one fdatasync each; a write carries every group commit waiting for it."),
		dbBytes:   d("scpd_store_database_bytes", "Size of the database file: bbolt grows it ahead of use, in steps of up to 16 MiB; its CDRs and ledger grow ~750 bytes a call until scpd purge."),
		oldestCDR: d("scpd_store_oldest_cdr_timestamp_seconds", "End time of the oldest CDR kept (0: none), for alerting before the disk fills."),
		journalBytes: d("scpd_store_journal_bytes",
			"Size of the store's journal file (<database>-wal): written again from its start after each checkpoint, it grows in 1 MiB steps to the most written between two."),
	})
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.assoc, c.dialogues, c.active, c.tcapMsgs, c.pAborts, c.rejects, c.ended, c.tcapDropped, c.m3uaErr, c.m3uaData, c.sccp, c.batches, c.commits, c.pending, c.dbBytes, c.journalBytes, c.oldestCDR, c.jWrites} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	counter := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, l...)
	}
	c.collectAssociations(gauge, counter)
	for code, n := range zeroFill(c.st.Node.ErrorsSent(), m3uaErrorCodes) {
		counter(c.m3uaErr, float64(n), code.String())
	}
	t := c.st.TCAP.Stats()
	gauge(c.dialogues, float64(t.Open))
	gauge(c.active, float64(c.calls()))
	for typ, n := range zeroFill(t.Sent, tcapTypes) {
		counter(c.tcapMsgs, float64(n), "out", typ)
	}
	for typ, n := range zeroFill(t.Received, tcapTypes) {
		counter(c.tcapMsgs, float64(n), "in", typ)
	}
	for cause, n := range zeroFill(t.PAbortsSent, pAbortCauses) {
		counter(c.pAborts, float64(n), cause)
	}
	counter(c.rejects, float64(t.RejectsSent))
	counter(c.tcapDropped, float64(t.Discarded), "discarded")
	counter(c.tcapDropped, float64(t.UnknownTID), "unknown-transaction")
	for reason, n := range zeroFill(t.Ended, endReasons) {
		counter(c.ended, float64(n), reason)
	}
	r := c.st.Router.Stats()
	for kind, n := range map[string]uint64{"unitdata-in": r.UnitdataIn, "unitdata-out": r.UnitdataOut, "service-in": r.ServiceIn,
		"service-out": r.ServiceOut, "malformed": r.Malformed, "routing-failure": r.RoutingFailures, "management": r.ManagementIn,
		"screened": r.Screened, "segmented": r.Segmented} {
		counter(c.sccp, float64(n), kind)
	}
	calls, commits := c.store.BatchStats()
	counter(c.batches, float64(calls))
	counter(c.commits, float64(commits))
	counter(c.jWrites, float64(c.store.JournalStats().Writes))
	gauge(c.pending, float64(c.store.Queued()))
	if h, err := c.store.History(); err == nil {
		gauge(c.dbBytes, float64(h.DatabaseBytes))
		gauge(c.journalBytes, float64(h.JournalBytes))
		oldest := 0.0
		if !h.OldestCDR.IsZero() {
			oldest = float64(h.OldestCDR.UnixNano()) / 1e9
		}
		gauge(c.oldestCDR, oldest)
	}
}

// collectAssociations reports the M3UA values per peer: a peer may hold
// several associations (and reconnects make new ones), and one sample per
// association gave duplicate label sets: the whole scrape failed (500).
func (c *stateCollector) collectAssociations(gauge, counter func(d *prometheus.Desc, v float64, l ...string)) {
	type key struct{ peer, state string }
	states := map[key]int{}
	for _, a := range c.st.Node.Associations() {
		states[key{a.Peer().Name, a.State().String()}]++
	}
	// The node's per-peer totals, not a sum over the associations live at
	// the scrape: one that opened, carried DATA and closed between two
	// scrapes (every ssfsim run, a flapping link) was never counted. They
	// cover every configured peer, so one that never connected is a value
	// (0 active), not a missing series: an alert on "no active
	// association" must fire for it.
	for peer, v := range c.st.Node.PeerTotals() {
		// The ASP states always appear, 0 when no association is in them,
		// so that "no active association" is a value and not a gap.
		for _, st := range []m3ua.State{m3ua.StateDown, m3ua.StateInactive, m3ua.StateActive} {
			k := key{peer, st.String()}
			gauge(c.assoc, float64(states[k]), peer, k.state)
			delete(states, k)
		}
		counter(c.m3uaData, float64(v.DataIn), peer, "in")
		counter(c.m3uaData, float64(v.DataOut), peer, "out")
		counter(c.m3uaData, float64(v.DataDropped), peer, "dropped")
	}
	for k, n := range states { // any other state (closed, not yet forgotten)
		gauge(c.assoc, float64(n), k.peer, k.state)
	}
}

// CommitObserver returns a store.Options.OnCommit that records the size
// and duration of each group commit.
func CommitObserver(r prometheus.Registerer) func(ops int, d time.Duration) {
	size := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scpd_store_commit_operations",
		Help: "Operations carried by one durable group commit.", Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}})
	dur := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scpd_store_commit_seconds",
		Help:    "Time of one durable group commit: from running its operations to its record being in the journal, fsynced (with the wait for the write before it).",
		Buckets: []float64{.0002, .0005, .001, .002, .003, .005, .0075, .01, .015, .02, .03, .05, .1, .25, .5}})
	r.MustRegister(size, dur)
	return func(ops int, d time.Duration) {
		size.Observe(float64(ops))
		dur.Observe(d.Seconds())
	}
}

// CheckpointObserver returns a store.Options.OnCheckpoint that records how
// long each checkpoint (journal records carried into the bbolt file, one
// bbolt commit) held the committer.
func CheckpointObserver(r prometheus.Registerer) func(records int, d time.Duration) {
	dur := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scpd_store_checkpoint_seconds",
		Help:    "Time of one checkpoint: the journal's records since the last one committed to the database file (pages written, two fsyncs); group commits wait meanwhile.",
		Buckets: []float64{.0005, .001, .002, .003, .005, .0075, .01, .015, .02, .03, .05, .1, .25, .5, 1}})
	recs := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scpd_store_checkpoint_records",
		Help: "Journal records (group commits) one checkpoint carried.", Buckets: []float64{1, 4, 16, 64, 128, 256, 512, 1024, 4096}})
	r.MustRegister(dur, recs)
	return func(records int, d time.Duration) {
		dur.Observe(d.Seconds())
		recs.Observe(float64(records))
	}
}
