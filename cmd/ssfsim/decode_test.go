package main

import (
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

var (
	scpSCCP = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP}
	mscSCCP = sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN, NatureOfAddress: sccp.NAIInternational, Digits: "4917000010"}}
)

// layers returns an InitialDP Begin at each layer: TCAP, SCCP, M3UA.
func layers(t *testing.T, ph camel.Phase) (tc, sc, m3 []byte) {
	t.Helper()
	p, err := camel.AppendArgument(nil, camel.ExampleMOInitialDP(), ph)
	if err != nil {
		t.Fatal(err)
	}
	tc, _ = tcap.NewBegin(tcap.NewTransactionID(0x1234), tcap.NewAARQ(ph.ApplicationContext()), tcap.NewInvoke(1, 0, p)).Append(nil)
	sc, _ = sccp.NewUDT(scpSCCP, mscSCCP, tc, true).Append(nil)
	d := m3ua.Data{HasRoutingContext: true, RoutingContext: 1, OPC: 1, DPC: 2, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: 3, Payload: sc}
	m3, _ = d.Append(nil)
	return tc, sc, m3
}

func TestDecodeHexAtEveryLayer(t *testing.T) {
	tc, sc, m3 := layers(t, camel.Phase3)
	for name, b := range map[string][]byte{"tcap": tc, "sccp": sc, "m3ua": m3} {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := run(t, "decode", "--hex", hex.EncodeToString(b))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{"TCAP  begin otid=00001234", "CAP phase 3", "invoke invokeId=1 initialDP", "InitialDPArg",
				"serviceKey: 100", `digits: "4917012345678"`, `iMSI: "262011234567890"`, "eventTypeBCSM: collectedInfo"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if name == "m3ua" && !strings.Contains(out, "M3UA  DATA opc=1 dpc=2 si=3") {
				t.Errorf("no M3UA line:\n%s", out)
			}
			if name != "tcap" && !strings.Contains(out, "called:  pc=2 ssn=146") {
				t.Errorf("no SCCP called address:\n%s", out)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	_, _, m3 := layers(t, camel.Phase2)
	out, errOut, code := run(t, "decode", "--json", "--hex", hex.EncodeToString(m3))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res []struct {
		M3UA struct{ Data struct{ OPC uint32 } }
		SCCP struct {
			Called struct{ SSN uint8 } `json:"calledPartyAddress"`
		}
		TCAP struct {
			OTID       string
			CapPhase   int
			Components []struct {
				Operation string
				Argument  map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	r := res[0]
	if r.M3UA.Data.OPC != 1 || r.SCCP.Called.SSN != 146 || r.TCAP.OTID != "00001234" || r.TCAP.CapPhase != 2 {
		t.Fatalf("decoded %+v", r)
	}
	arg := r.TCAP.Components[0].Argument
	if r.TCAP.Components[0].Operation != "initialDP" || arg["serviceKey"] != float64(100) || arg["iMSI"] != "262011234567890" {
		t.Fatalf("argument %v", arg)
	}
}

// TestDecodePcapFollowsThePhase decodes a capture whose Continue has no
// dialogue portion: the phase comes from the Begin of its transaction.
func TestDecodePcapFollowsThePhase(t *testing.T) {
	_, _, begin := layers(t, camel.Phase2)
	ac, err := camel.AppendArgument(nil, &camel.ApplyChargingArg{AChBillingChargingCharacteristics: camel.AChBillingChargingCharacteristics{
		MaxCallPeriodDuration: 600, ReleaseIfDurationExceeded: true, Tone: true}}, camel.Phase2)
	if err != nil {
		t.Fatal(err)
	}
	cont, _ := tcap.NewContinue(tcap.NewTransactionID(9), tcap.NewTransactionID(0x1234), nil, tcap.NewInvoke(1, int64(camel.OpApplyCharging), ac)).Append(nil)
	sc, _ := sccp.NewUDT(mscSCCP, scpSCCP, cont, false).Append(nil)
	d := m3ua.Data{OPC: 2, DPC: 1, SI: m3ua.SISCCP, NI: m3ua.NINational, Payload: sc}
	answer, _ := d.Append(nil)

	file := filepath.Join(t.TempDir(), "call.pcap")
	f, _ := os.Create(file)
	w, _ := pcap.NewWriter(f)
	msc, scp := netip.MustParseAddrPort("10.0.0.1:2905"), netip.MustParseAddrPort("10.0.0.2:2905")
	w.WriteM3UA(time.Now(), msc, scp, 1, begin)
	w.WriteM3UA(time.Now(), scp, msc, 1, answer)
	w.WriteM3UA(time.Now(), msc, scp, 0, []byte{1, 0, 3, 1, 0, 0, 0, 8}) // ASPUP
	f.Close()

	out, errOut, code := run(t, "decode", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"frame 2", "10.0.0.2:2905 -> 10.0.0.1:2905", "sctp stream 1 ppid 3 checksum ok",
		"TCAP  continue otid=00000009 dtid=00001234", "applyCharging", "maxCallPeriodDuration: 600",
		"releaseIfdurationExceeded: true", "tone: true", "M3UA  ASPSM ASP Up"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "phase assumed") {
		t.Errorf("phase of the Continue was assumed, not taken from its Begin:\n%s", out)
	}
}

func TestDecodeBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"decode", "--hex", "zz"}, "--hex"},
		{[]string{"decode"}, "either a capture file or --hex"},
		{[]string{"decode", "--hex", "0102", "--layer", "isup"}, "unknown layer"},
		{[]string{"decode", "--hex", "deadbeef"}, "--layer"},
		{[]string{"decode", "--phase", "1", "--hex", "00"}, "phase must be 2, 3 or 4"},
		{[]string{"decode", "/nonexistent.pcap"}, "no such file"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want a one-line error mentioning %q", tc.args, code, errOut, tc.want)
		}
	}
	// Malformed CAP inside good layers is reported with the field, not a
	// crash; the message does not decode, so the exit status is 1.
	bad, _ := tcap.NewBegin(tcap.NewTransactionID(1), tcap.NewAARQ(camel.ACPhase2), tcap.NewInvoke(1, 0, []byte{0x30, 0x03, 0x80, 0x01, 0xff})).Append(nil)
	out, _, code := run(t, "decode", "--hex", hex.EncodeToString(bad))
	if code != 1 || !strings.Contains(out, "ERROR camel: InitialDPArg") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
