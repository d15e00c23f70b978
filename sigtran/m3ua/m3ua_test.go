package m3ua

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A DATA message as an MSC sends it: routing context 1, OPC 1, DPC 2,
// SCCP, national network, SLS 5, an 8-octet payload (RFC 4666 §3.3.1;
// checked with tshark: m3ua.protocol_data_opc 1, dpc 2, si 3).
const dataHex = "01 00 01 01 00 00 00 2c" +
	"00 06 00 08 00 00 00 01" +
	"02 10 00 1a 00 00 00 01 00 00 00 02 03 02 00 05 09 80 03 07 12 04 43 02 00 92" + "00 00"

func TestDataRoundTrip(t *testing.T) {
	want := Data{HasRoutingContext: true, RoutingContext: 1, OPC: 1, DPC: 2, SI: SISCCP, NI: NINational, SLS: 5,
		Payload: unhex(t, "09 80 03 07 12 04 43 02 00 92")}
	b, err := want.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(b) != hex.EncodeToString(unhex(t, dataHex)) {
		t.Fatalf("Append\n got %x\nwant %x", b, unhex(t, dataHex))
	}
	got, err := DecodeData(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeData = %+v, want %+v", got, want)
	}
}

func TestDecodeDataErrors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		code ErrorCode
	}{
		{"short", "01 00 01 01", ErrCodeProtocolError},
		{"version 2", "02 00 01 01 00 00 00 08", ErrCodeInvalidVersion},
		{"length mismatch", "01 00 01 01 00 00 00 09", ErrCodeProtocolError},
		{"not DATA", "01 00 03 01 00 00 00 08", ErrCodeUnsupportedMessageType},
		{"no protocol data", "01 00 01 01 00 00 00 10 00 06 00 08 00 00 00 01", ErrCodeMissingParameter},
		{"empty routing context", "01 00 01 01 00 00 00 24 00 06 00 04" + "02 10 00 18 00 00 00 01 00 00 00 02 03 02 00 05 09 80 03 07 12 04 43 02", ErrCodeInvalidRoutingContext},
		{"protocol data too short", "01 00 01 01 00 00 00 10 02 10 00 08 00 00 00 01", ErrCodeParameterFieldError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeData(unhex(t, tc.hex))
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("error %v, want code %v", err, tc.code)
			}
		})
	}
}

func TestDecodeManagement(t *testing.T) {
	// ASPUP with no parameters, BEAT with data, and an unknown type.
	m, err := Decode(unhex(t, "01 00 03 01 00 00 00 08"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*messages.AspUp); !ok {
		t.Fatalf("ASPUP decoded as %T", m)
	}
	m, err = Decode(unhex(t, "01 00 03 03 00 00 00 10 00 09 00 08 de ad be ef"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*messages.Heartbeat); !ok {
		t.Fatalf("BEAT decoded as %T", m)
	}
	m, err = Decode(unhex(t, "01 00 0f 01 00 00 00 08"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*messages.Generic); !ok {
		t.Fatalf("unknown class decoded as %T", m)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(unhex(f, dataHex))
	f.Add(unhex(f, "01 00 03 01 00 00 00 08"))
	f.Add(unhex(f, "01 00 03 03 00 00 00 10 00 09 00 08 de ad be ef"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if IsData(b) {
			if d, err := DecodeData(b); err == nil {
				out, err := d.Append(nil)
				if err != nil {
					t.Fatalf("re-encode: %v", err)
				}
				// The encoding is canonical: what it decodes to is what decoded.
				if back, err := DecodeData(out); err != nil || !reflect.DeepEqual(back, d) {
					t.Fatalf("%x → %+v → %x → %+v, %v", b, d, out, back, err)
				}
			}
			return
		}
		_, _ = Decode(b)
	})
}

func BenchmarkDecodeData(b *testing.B) {
	raw := unhex(b, dataHex)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeData(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDataAgreesWithGoM3UA checks the DATA codec against go-m3ua's, an
// independent implementation, both ways.
func TestDataAgreesWithGoM3UA(t *testing.T) {
	for _, d := range []Data{
		{OPC: 1, DPC: 2, SI: SISCCP, NI: NINational, SLS: 5, Payload: []byte{1, 2, 3}},
		{HasNetworkAppearance: true, NetworkAppearance: 9, HasRoutingContext: true, RoutingContext: 7, OPC: 16383, DPC: 1, SI: SISCCP, MP: 1, SLS: 15, Payload: make([]byte, 181)},
		{HasRoutingContext: true, RoutingContext: 1, HasCorrelationID: true, CorrelationID: 42, OPC: 3, DPC: 4, SI: SISCCP, Payload: make([]byte, 4)},
	} {
		ours, err := d.Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		var na, rc, corr *params.Param
		if d.HasNetworkAppearance {
			na = params.NewNetworkAppearance(d.NetworkAppearance)
		}
		if d.HasRoutingContext {
			rc = params.NewRoutingContext(d.RoutingContext)
		}
		if d.HasCorrelationID {
			corr = params.NewCorrelationID(d.CorrelationID)
		}
		theirs, err := messages.NewData(na, rc, params.NewProtocolData(d.OPC, d.DPC, d.SI, d.NI, d.MP, d.SLS, d.Payload), corr).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(ours) != hex.EncodeToString(theirs) {
			t.Fatalf("encodings differ\n ours    %x\n go-m3ua %x", ours, theirs)
		}
		parsed, err := messages.ParseData(ours)
		if err != nil {
			t.Fatalf("go-m3ua cannot parse ours: %v", err)
		}
		pd, _ := parsed.ProtocolData.ProtocolData()
		if pd.OriginatingPointCode != d.OPC || pd.SignalingLinkSelection != d.SLS || len(pd.Data) != len(d.Payload) {
			t.Fatalf("go-m3ua reads %+v", pd)
		}
		back, err := DecodeData(theirs)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, d) {
			t.Fatalf("DecodeData(go-m3ua's) = %+v, want %+v", back, d)
		}
	}
}
