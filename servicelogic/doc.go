// Package servicelogic runs the method of scpd (seed steps 101–111) over
// CAMEL: one call session per TCAP dialogue. The service key of the
// InitialDP selects the service — VPN, or plain prepaid calling — and the
// VPN logic (package vpn) runs first and invokes the prepaid logic (package
// prepaid) through its four interfaces: Authenticate, ApplyFee, DeductFee,
// ReturnFee.
//
// A prepaid call is answered in one TC-CONTINUE with RequestReportBCSMEvent,
// ApplyCharging and Connect or Continue; each ApplyChargingReport charges the
// time used and freezes the next quota; the end of the call — whichever of
// the final ApplyChargingReport and the disconnect EventReportBCSM comes
// first, plus a short wait for the other — charges the used time, returns
// the rest and writes the CDR in the same transaction.
package servicelogic
