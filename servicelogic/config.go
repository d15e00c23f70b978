package servicelogic

import (
	"fmt"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic/vpn"
)

// Kind names a service a service key runs.
type Kind string

// Services.
const (
	// VPN is the VPN service of the method, which invokes the prepaid
	// service for subscribers with a prepaid contract.
	VPN Kind = "vpn"
	// Prepaid is plain prepaid calling through the same four interfaces.
	Prepaid Kind = "prepaid"
)

// MTTreatment is what scpd does with a mobile-terminated InitialDP (T-CSI,
// eventTypeBCSM termAttemptAuthorized): neither service charges the called
// party, so by default the call simply continues.
type MTTreatment string

// MT treatments.
const (
	MTContinue MTTreatment = "continue" // TC-END with Continue, a CDR with outcome mt-continued
	MTRelease  MTTreatment = "release"  // TC-END with ReleaseCall (Causes.MTRelease)
)

// Causes are the Q.850 causes of the ReleaseCall scpd sends for each
// reason it ends a call.
type Causes struct {
	UnknownSubscriber camel.CauseValue // caller not in the subscriber data
	NoVPNContract     camel.CauseValue // step 102: no VPN contract, the VPN service fails
	NoPrepaidContract camel.CauseValue // prepaid service key, subscriber without prepaid
	UnknownAccount    camel.CauseValue
	Expired           camel.CauseValue // account validity ended
	Blocked           camel.CauseValue
	ReportedLost      camel.CauseValue
	NoBalance         camel.CauseValue // below the minimum threshold, or nothing to freeze
	OutOfCredit       camel.CauseValue // the balance ran out during the call
	BadNumber         camel.CauseValue // dialled number neither a short nor a full number
	SystemFailure     camel.CauseValue // the store failed: fail safe, release
	MTRelease         camel.CauseValue
}

// DefaultCauses are the causes documented in the README.
func DefaultCauses() Causes {
	return Causes{
		UnknownSubscriber: camel.CauseCallRejected,
		NoVPNContract:     camel.CauseFacilityNotSubscribed,
		NoPrepaidContract: camel.CauseFacilityNotSubscribed,
		UnknownAccount:    camel.CauseCallRejected,
		Expired:           camel.CauseCallRejected,
		Blocked:           camel.CauseCallRejected,
		ReportedLost:      camel.CauseCallRejected,
		NoBalance:         camel.CauseCallRejected,
		OutOfCredit:       camel.CauseNormalClearing,
		BadNumber:         camel.CauseInvalidNumberFormat,
		SystemFailure:     camel.CauseTemporaryFailure,
		MTRelease:         camel.CauseCallRejected,
	}
}

// Config of the call service logic.
type Config struct {
	// Services maps service keys to services.
	Services  map[int64]Kind
	Numbering vpn.Numbering
	// FirstQuota and NextQuota are the talk time asked of the prepaid
	// logic when the call starts and at each ApplyChargingReport; each
	// ApplyCharging grants what was frozen, at most the quota.
	FirstQuota, NextQuota time.Duration
	// RingingAllowance and ReservationMargin set a reservation's deadline:
	// now + ringing allowance (first quota only) + granted time + margin.
	// Past it, a crashed scpd's sweeper settles the call.
	RingingAllowance, ReservationMargin time.Duration
	// AnswerRecordDelay is how long an answered prepaid call lasts before
	// its answer time is written to the store (for the sweeper after a
	// crash); 0 writes it at once.
	AnswerRecordDelay time.Duration
	// SettleWait is how long to wait, after the final ApplyChargingReport
	// or the disconnect EventReportBCSM, for the other one (MSCs send them
	// in either order).
	SettleWait time.Duration
	// StoreTimeout bounds each prepaid operation.
	StoreTimeout time.Duration
	// SettleRetries are the waits before each new try of a call's Settle
	// that failed (a slow or failing store). The call stays live meanwhile;
	// after the last, its reservation is left to the sweeper.
	SettleRetries []time.Duration
	MT            MTTreatment
	// EmergencyNumbers, dialled, are continued as dialled before any
	// contract, balance or group is looked at, and not charged.
	EmergencyNumbers []string
	Causes           Causes
	Overload         Overload
	// Now is the clock calls are timed by; nil: time.Now (tests set one).
	Now func() time.Time `yaml:"-" json:"-"`
}

// OverloadTreatment is the immediate answer to a new call scpd cannot take.
type OverloadTreatment string

// Overload treatments.
const (
	OverloadRelease  OverloadTreatment = "release"  // ReleaseCall with Overload.Cause
	OverloadContinue OverloadTreatment = "continue" // Continue: the call goes on, not charged
)

// Overload bounds the work scpd takes on. Past a bound a new InitialDP is
// answered at once with the treatment, instead of waiting behind the store
// until the MSC's timer expires; calls in progress keep their service.
type Overload struct {
	// MaxCalls bounds calls in progress (0: no bound).
	MaxCalls int
	// MaxStoreQueue bounds the store operations waiting to be committed
	// (0: no bound): the sign that the disk is not keeping up.
	MaxStoreQueue int
	Treatment     OverloadTreatment
	Cause         camel.CauseValue
}

// DefaultConfig has service key 100 run VPN and 200 plain prepaid, with
// five-minute quotas.
func DefaultConfig() Config {
	return Config{
		Services:          map[int64]Kind{100: VPN, 200: Prepaid},
		Numbering:         vpn.Numbering{CountryCode: "31", NationalPrefix: "0", InternationalPrefix: "00", MaxShortNumber: 6},
		FirstQuota:        5 * time.Minute,
		NextQuota:         5 * time.Minute,
		RingingAllowance:  3 * time.Minute,
		ReservationMargin: time.Minute,
		SettleWait:        2 * time.Second,
		AnswerRecordDelay: 5 * time.Second,
		StoreTimeout:      5 * time.Second,
		SettleRetries:     []time.Duration{time.Second, 5 * time.Second, 25 * time.Second},
		MT:                MTContinue,
		EmergencyNumbers:  []string{"112", "911"},
		Causes:            DefaultCauses(),
		Overload:          Overload{MaxStoreQueue: 2000, Treatment: OverloadRelease, Cause: camel.CauseSwitchingCongestion},
	}
}

// Validate checks the configuration and names the field at fault.
func (c *Config) Validate() error {
	if len(c.Services) == 0 {
		return fmt.Errorf("services: at least one service key")
	}
	for k, kind := range c.Services {
		if k < 0 || k > 2147483647 {
			return fmt.Errorf("services: service key %d: must be 0..2147483647 (Integer4)", k)
		}
		if kind != VPN && kind != Prepaid {
			return fmt.Errorf("services: key %d: service %q: use vpn or prepaid", k, kind)
		}
	}
	if c.FirstQuota < time.Second || c.NextQuota < time.Second {
		return fmt.Errorf("first_quota and next_quota: at least 1s")
	}
	if c.FirstQuota > 864000*100*time.Millisecond || c.NextQuota > 864000*100*time.Millisecond {
		return fmt.Errorf("first_quota and next_quota: at most 86400s (maxCallPeriodDuration)")
	}
	if c.SettleWait <= 0 || c.StoreTimeout <= 0 {
		return fmt.Errorf("settle_wait and store_timeout: must be positive")
	}
	for _, w := range c.SettleRetries {
		if w <= 0 {
			return fmt.Errorf("settle_retries: each wait must be positive")
		}
	}
	if c.MT != MTContinue && c.MT != MTRelease {
		return fmt.Errorf("mt_treatment %q: use continue or release", c.MT)
	}
	if c.Overload.Treatment != OverloadRelease && c.Overload.Treatment != OverloadContinue {
		return fmt.Errorf("overload.treatment %q: use release or continue", c.Overload.Treatment)
	}
	if c.Overload.MaxCalls < 0 || c.Overload.MaxStoreQueue < 0 {
		return fmt.Errorf("overload: max_calls and max_store_queue must not be negative (0: no bound)")
	}
	if c.Numbering.MaxShortNumber <= 0 {
		return fmt.Errorf("numbering.max_short_number: must be positive")
	}
	// Q.850 cause values are 7 bits: a larger one fails to encode on every
	// call that needs it (scpd's config check says so first; a program
	// building a Config gets told here).
	k := &c.Causes
	for _, v := range []camel.CauseValue{c.Overload.Cause, k.UnknownSubscriber, k.NoVPNContract, k.NoPrepaidContract,
		k.UnknownAccount, k.Expired, k.Blocked, k.ReportedLost, k.NoBalance, k.OutOfCredit, k.BadNumber, k.SystemFailure, k.MTRelease} {
		if v > 127 {
			return fmt.Errorf("release cause %d: must be 0-127 (Q.850 cause value)", v)
		}
	}
	return nil
}
