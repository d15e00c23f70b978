package camel

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/pcap/captured"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// capturedTCAP returns the TCAP messages of the captures in the
// repository's testdata (M3UA DATA → SCCP → TCAP), in capture order,
// without repeats: real InitialDPs and whole calls of every phase, as fuzz
// seeds.
func capturedTCAP(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, capture := range captured.DATA(tb, "*.pcap") {
		for _, d := range capture {
			var m sccp.Message
			if m.Decode(d.Payload) != nil {
				continue
			}
			if !slices.ContainsFunc(out, func(b []byte) bool { return bytes.Equal(b, m.Data) }) {
				out = append(out, m.Data)
			}
		}
	}
	if len(out) == 0 {
		tb.Fatal("no TCAP message in ../testdata/*.pcap")
	}
	return out
}

// knownOpcodes are the operation codes the package names, in order; a
// fuzz input picks one by index (or, past the end, a raw code).
var knownOpcodes = func() []Opcode {
	ops := make([]Opcode, 0, len(opcodeNames))
	for op := range opcodeNames {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}()

func opcodeIndex(op Opcode) uint8 { return uint8(slices.Index(knownOpcodes, op)) }

// roundTripArgument checks what DecodeArgument accepted: the argument is
// of the operation, it encodes in the phase, the encoding decodes, and
// encoding that again gives the same octets (the encoder is canonical, so
// decode → encode is a fixed point after one step).
func roundTripArgument(t *testing.T, op Opcode, ph Phase, in []byte, a Argument) []byte {
	t.Helper()
	if a.Opcode() != op {
		t.Fatalf("%v decoded as a %T (%v)", op, a, a.Opcode())
	}
	enc, err := AppendArgument(nil, a, ph)
	if err != nil {
		t.Fatalf("%v in %v: %x decoded to %+v, which does not encode: %v", op, ph, in, a, err)
	}
	b, err := DecodeArgument(op, ph, enc)
	if err != nil {
		t.Fatalf("%v in %v: re-encoding %x (from %x) does not decode: %v", op, ph, enc, in, err)
	}
	again, err := AppendArgument(nil, b, ph)
	if err != nil || !bytes.Equal(again, enc) {
		t.Fatalf("%v in %v: %x → %x → %x, %v", op, ph, in, enc, again, err)
	}
	return enc
}

// FuzzDecodeArgument is the generic decode by operation code, as the
// service logic and the simulator call it: any opcode the package knows
// (or an unknown one), any phase, any parameter. Errors are *DecodeError;
// an operation without an argument takes only an empty parameter; what
// decodes round-trips.
func FuzzDecodeArgument(f *testing.F) {
	seeds := map[Opcode][]string{
		OpInitialDP:                  {fixtureMOInitialDP, fixtureMTInitialDPPhase2, fixtureMTInitialDPPhase4, idpFullHex},
		OpConnect:                    {connectPrepaidHex, connectFullHex, connectNAInfoHex},
		OpContinueWithArgument:       {cwaFullHex, "30 0a bf 3b 07 a3 05 a1 03 80 01 02"},
		OpCallInformationRequest:     {cirqAllHex},
		OpCallInformationReport:      {cirpAllHex},
		OpFurnishChargingInformation: {fciAppendHex, fciDefaultsHex},
		OpReleaseCall:                {"04 02 80 90", "30 04 80 02 80 90", "a2 04 80 02 80 90"},
		OpRequestReportBCSMEvent:     {rrbcsmPrepaidHex},
		OpEventReportBCSM:            {erbODisconnectHex, "30 11 80 01 07 a2 02 a5 00 a3 03 81 01 02 a4 03 80 01 01"},
		OpApplyCharging:              {acPhase2Hex, acPhase3Hex, acPhase4Hex},
		OpApplyChargingReport:        {acrFinalHex, "04 0d a0 0b a0 03 81 01 01 a1 04 80 02 0b b8"},
		OpResetTimer:                 {"30 03 81 01 1e"},
		OpCancel:                     {"80 01 05", "a2 06 80 01 05 81 01 02"},
		OpContinue:                   {""},
		OpActivityTest:               {""},
		OpPlayAnnouncement:           {"30 00"},
	}
	for op, hexes := range seeds {
		for _, s := range hexes {
			for _, ph := range []Phase{Phase2, Phase3, Phase4} {
				f.Add(opcodeIndex(op), uint8(ph-Phase2), unhex(f, s))
			}
		}
	}
	// Every Invoke of the captured calls, in its capture's phase.
	for _, b := range capturedTCAP(f) {
		var m tcap.Message
		if m.Decode(b) != nil {
			continue
		}
		for _, c := range m.Components {
			if c.Type == tcap.Invoke && !c.Opcode.IsGlobal() {
				for _, ph := range []Phase{Phase2, Phase3, Phase4} {
					f.Add(opcodeIndex(Opcode(c.Opcode.Local)), uint8(ph-Phase2), c.Parameter)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, opIndex, p uint8, param []byte) {
		op := Opcode(opIndex) // past the known codes: the raw value, mostly unknown
		if int(opIndex) < len(knownOpcodes) {
			op = knownOpcodes[opIndex]
		}
		ph := Phase2 + Phase(p%3)
		a, err := DecodeArgument(op, ph, param)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || a != nil {
				t.Fatalf("%v in %v: error %T %v with argument %v", op, ph, err, err, a)
			}
			if !ph.Allows(op) && !errors.Is(err, ErrNotInPhase) {
				t.Fatalf("%v is not in %v, but the error is %v", op, ph, err)
			}
			return
		}
		if a == nil {
			if (op != OpContinue && op != OpActivityTest) || len(param) != 0 {
				t.Fatalf("%v in %v: %x decoded to no argument", op, ph, param)
			}
			return
		}
		roundTripArgument(t, op, ph, param, a)
	})
}

// FuzzInitialDPBegin is the path of every call into scpd: a TC-BEGIN is
// decoded, its application context gives the phase, and each Invoke's
// parameter is decoded by its operation code, as servicelogic does. An
// InitialDP that decodes is sent again in a Begin built from it, which
// must come through the same path to the same encoding.
func FuzzInitialDPBegin(f *testing.F) {
	for _, b := range capturedTCAP(f) {
		f.Add(b)
	}
	for _, ph := range []Phase{Phase2, Phase3, Phase4} {
		for _, idp := range []*InitialDPArg{ExampleMOInitialDP(), ExampleMTInitialDP()} {
			param, err := AppendArgument(nil, idp, ph)
			if err != nil {
				f.Fatal(err)
			}
			b, err := tcap.NewBegin(tcap.NewTransactionID(0x0102), tcap.NewAARQ(ph.ApplicationContext()),
				tcap.NewInvoke(1, int64(OpInitialDP), param)).Append(nil)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, idps := beginPath(t, b)
		for _, c := range idps {
			// Build the Begin anew around the re-encoded InitialDP.
			out, err := tcap.NewBegin(c.otid, tcap.NewAARQ(c.ph.ApplicationContext()),
				tcap.NewInvoke(c.invokeID, int64(OpInitialDP), c.param)).Append(nil)
			if err != nil {
				t.Fatalf("Begin around %x: %v", c.param, err)
			}
			ph, again := beginPath(t, out)
			if ph != c.ph || len(again) != 1 || !bytes.Equal(again[0].param, c.param) || again[0].invokeID != c.invokeID {
				t.Fatalf("rebuilt Begin %x (from %x) gives phase %v, %+v; want %v, %x", out, b, ph, again, c.ph, c.param)
			}
		}
	})
}

type decodedIDP struct {
	otid     tcap.TransactionID
	ph       Phase
	invokeID int8
	param    []byte // the canonical re-encoding
}

// beginPath runs b through TCAP and CAP decoding as a TC-BEGIN from a
// gsmSSF, returning the phase and the InitialDPs that decoded.
func beginPath(t *testing.T, b []byte) (Phase, []decodedIDP) {
	t.Helper()
	var m tcap.Message
	if err := m.Decode(b); err != nil {
		var ce *tcap.ComponentError
		if !errors.As(err, &ce) {
			return 0, nil
		}
	}
	if m.Type != tcap.Begin || m.Dialogue == nil {
		return 0, nil
	}
	ph, ok := PhaseOf(m.Dialogue.ApplicationContext)
	if !ok {
		return 0, nil
	}
	var out []decodedIDP
	for _, c := range m.Components {
		if c.Type != tcap.Invoke || c.Opcode.IsGlobal() {
			continue
		}
		op := Opcode(c.Opcode.Local)
		if int64(op) != c.Opcode.Local {
			op = -1 // beyond int32: no CAP operation
		}
		a, err := DecodeArgument(op, ph, c.Parameter)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%v: error %T %v is not a *DecodeError", op, err, err)
			}
			continue
		}
		if a == nil {
			continue
		}
		enc := roundTripArgument(t, op, ph, c.Parameter, a)
		if op == OpInitialDP {
			out = append(out, decodedIDP{otid: m.OTID, ph: ph, invokeID: c.InvokeID, param: enc})
		}
	}
	return ph, out
}

// FuzzErrorParameter decodes b as the parameter of each CAP error code
// (ReturnError) and as a CAP-U-ABORT-REASON; what decodes round-trips.
func FuzzErrorParameter(f *testing.F) {
	for _, s := range []struct {
		code ErrorCode
		hex  string
	}{
		{ErrorCodeCancelFailed, "30 06 80 01 01 81 01 05"}, {ErrorCodeRequestedInfoError, "0a 01 02"},
		{ErrorCodeSystemFailure, "0a 01 03"}, {ErrorCodeTaskRefused, "0a 01 01"}, {ErrorCodeMissingParameter, ""},
		{ErrorCodeMissingCustomerRecord, ""}, {ErrorCode(99), "0a 01 05"},
	} {
		f.Add(uint8(s.code), unhex(f, s.hex))
	}
	f.Fuzz(func(t *testing.T, code uint8, b []byte) {
		c := ErrorCode(code)
		p, err := DecodeErrorParameter(c, b)
		var de *DecodeError
		switch {
		case err != nil:
			if !errors.As(err, &de) || p != nil {
				t.Fatalf("%v: error %T %v with parameter %v", c, err, err, p)
			}
		case p == nil:
			if len(b) != 0 {
				t.Fatalf("%v: %x decoded to no parameter", c, b)
			}
		default:
			if p.Code() != c {
				t.Fatalf("%v decoded as %T", c, p)
			}
			e := ber.NewEncoder(nil)
			if err := p.Encode(e); err != nil {
				t.Fatalf("%v: %x decoded to %+v, which does not encode: %v", c, b, p, err)
			}
			enc := append([]byte(nil), e.Bytes()...)
			q, err := DecodeErrorParameter(c, enc)
			if err != nil {
				t.Fatalf("%v: re-encoding %x does not decode: %v", c, enc, err)
			}
			e.Reset()
			if err := q.Encode(e); err != nil || !bytes.Equal(e.Bytes(), enc) {
				t.Fatalf("%v: %x → %x → %x, %v", c, b, enc, e.Bytes(), err)
			}
		}
		var r UAbortReason
		if err := r.Decode(b); err == nil {
			e := ber.NewEncoder(nil)
			if err := r.Encode(e); err != nil {
				t.Fatalf("abort reason %x decoded to %v, which does not encode: %v", b, r, err)
			}
			var back UAbortReason
			if err := back.Decode(e.Bytes()); err != nil || back != r {
				t.Fatalf("abort reason %x → %v → %x → %v, %v", b, r, e.Bytes(), back, err)
			}
		} else if !errors.As(err, &de) {
			t.Fatalf("abort reason: error %T %v is not a *DecodeError", err, err)
		}
	})
}

// FuzzFixedFormats decodes b as each fixed-size octet format of CAP
// (DateAndTime, TimeAndTimezone, RedirectionInformation, IMEI); whatever
// decodes must re-encode and decode to the same value.
func FuzzFixedFormats(f *testing.F) {
	for _, s := range []string{"02 62 11 62 41 03 50", "02 62 11 62 41 03 50 4a", "02 62 11 62 41 03 50 80", "13 02",
		"53 09 87 65 43 21 09 f8", "53 09 87 65 43 21 09 87", "02 62 11 62 41 03 5a"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzNumber[DateAndTime](t, b)
		fuzzNumber[TimeAndTimezone](t, b)
		fuzzNumber[RedirectionInformation](t, b)
		fuzzNumber[IMEI](t, b)
	})
}
