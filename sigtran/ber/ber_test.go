package ber

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseTable(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		tag   Tag
		value string
		len   int
	}{
		{"short length", "020105", TagInteger, "05", 3},
		{"context [0] primitive", "800101", Context(0), "01", 3},
		{"application 2 constructed (TC-BEGIN)", "62034801aa", ApplicationC(2), "4801aa", 5},
		{"high tag [50] constructed", "bf320380010a", ContextC(50), "80010a", 6},
		{"high tag [57] primitive", "9f390100", Context(57), "00", 4},
		{"high tag two octets [200]", "9f814801ff", Context(200), "ff", 5},
		{"long length 0x81", "0481" + "80" + string(bytes.Repeat([]byte("ab"), 128)), TagOctetString, string(bytes.Repeat([]byte("ab"), 128)), 131},
		{"long length 0x82", "04820100" + string(bytes.Repeat([]byte("cd"), 256)), TagOctetString, string(bytes.Repeat([]byte("cd"), 256)), 260},
		{"indefinite SEQUENCE", "3080020101020102" + "0000", TagSequence, "020101020102", 10},
		{"nested indefinite", "a080" + "3080" + "0500" + "0000" + "0000", ContextC(0), "308005000000", 10},
		{"empty NULL", "0500", TagNull, "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := unhex(t, tc.in)
			got, err := Parse(in)
			if err != nil {
				t.Fatalf("Parse(%s): %v", tc.in, err)
			}
			if got.Tag != tc.tag {
				t.Errorf("tag = %v, want %v", got.Tag, tc.tag)
			}
			if !bytes.Equal(got.Value, unhex(t, tc.value)) {
				t.Errorf("value = %x, want %s", got.Value, tc.value)
			}
			if got.Len != tc.len {
				t.Errorf("len = %d, want %d", got.Len, tc.len)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrTruncated},
		{"tag only", "30", ErrTruncated},
		{"length beyond input", "0405aabb", ErrLengthOverflow},
		{"long length beyond input", "048200ffaa", ErrLengthOverflow},
		{"long length octets missing", "0482", ErrTruncated},
		{"five length octets", "0485ffffffffff", ErrLengthEncoding},
		{"reserved length", "04ff", ErrLengthEncoding},
		{"indefinite primitive", "0480aa0000", ErrIndefinite},
		{"indefinite without end", "3080020101", ErrTruncated},
		{"high tag truncated", "9f81", ErrTruncated},
		{"high tag leading zero group", "9f8001", ErrTagEncoding},
		{"high tag too large", "9fffffffff7f00", ErrTagEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(unhex(t, tc.in))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse(%s) error = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

func TestParseTooDeep(t *testing.T) {
	var b []byte
	for i := 0; i < MaxDepth+2; i++ {
		b = append(b, 0x30, 0x80)
	}
	for i := 0; i < MaxDepth+2; i++ {
		b = append(b, 0, 0)
	}
	if _, err := Parse(b); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("error = %v, want ErrTooDeep", err)
	}
}

func TestParseOnlyTrailing(t *testing.T) {
	if _, err := ParseOnly(unhex(t, "0500ff")); !errors.Is(err, ErrTrailingData) {
		t.Fatalf("error = %v, want ErrTrailingData", err)
	}
}

func TestReader(t *testing.T) {
	r := NewReader(unhex(t, "800101"+"9f3203aabbcc"+"a1030500ff"))
	var tags []Tag
	for r.More() {
		tlv, err := r.Next()
		if err != nil {
			t.Fatalf("Next: %v (after %v)", err, tags)
		}
		tags = append(tags, tlv.Tag)
	}
	want := []Tag{Context(0), Context(50), ContextC(1)}
	if len(tags) != len(want) {
		t.Fatalf("tags = %v, want %v", tags, want)
	}
	for i := range want {
		if tags[i] != want[i] {
			t.Errorf("tag %d = %v, want %v", i, tags[i], want[i])
		}
	}
	r = NewReader(unhex(t, "8001"))
	if _, err := r.Next(); err == nil || r.More() {
		t.Fatalf("truncated element: err = %v, More = %v; want an error and no more", err, r.More())
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		v   int64
		enc string
	}{
		{0, "020100"}, {1, "020101"}, {127, "02017f"}, {128, "02020080"}, {255, "020200ff"},
		{256, "02020100"}, {-1, "0201ff"}, {-128, "020180"}, {-129, "0202ff7f"},
		{2147483647, "02047fffffff"}, {864000, "02030d2f00"}, {-9223372036854775808, "02088000000000000000"},
	}
	for _, tc := range tests {
		var e Encoder
		e.Int(TagInteger, tc.v)
		if got := hex.EncodeToString(e.Bytes()); got != tc.enc {
			t.Errorf("Int(%d) = %s, want %s", tc.v, got, tc.enc)
		}
		tlv, err := ParseOnly(e.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseInt(tlv.Value)
		if err != nil || got != tc.v {
			t.Errorf("ParseInt(%s) = %d, %v; want %d", tc.enc, got, err, tc.v)
		}
	}
	if _, err := ParseInt(nil); !errors.Is(err, ErrIntegerLength) {
		t.Errorf("empty integer: %v", err)
	}
	if _, err := ParseInt(make([]byte, 9)); !errors.Is(err, ErrIntegerLength) {
		t.Errorf("9-octet integer: %v", err)
	}
}

func TestTagEncoding(t *testing.T) {
	tests := []struct {
		tag Tag
		enc string
	}{
		{Context(0), "80"}, {ContextC(1), "a1"}, {Context(30), "9e"}, {Context(31), "9f1f"},
		{Context(50), "9f32"}, {ContextC(50), "bf32"}, {Context(127), "9f7f"}, {Context(128), "9f8100"},
		{Context(16383), "9fff7f"}, {ApplicationC(2), "62"}, {Application(8), "48"}, {TagSequence, "30"},
		{Tag{ClassPrivate, false, 19}, "d3"},
	}
	for _, tc := range tests {
		got := hex.EncodeToString(appendTag(nil, tc.tag))
		if got != tc.enc {
			t.Errorf("appendTag(%v) = %s, want %s", tc.tag, got, tc.enc)
		}
		back, n, err := parseTag(unhex(t, tc.enc))
		if err != nil || back != tc.tag || n != len(tc.enc)/2 || tc.tag.encodedLen() != n {
			t.Errorf("parseTag(%s) = %v, %d, %v; want %v", tc.enc, back, n, err, tc.tag)
		}
	}
}

func TestEncoderLongLengths(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 65536} {
		var e Encoder
		m := e.Begin(TagSequence)
		e.Octets(TagOctetString, make([]byte, n))
		e.End(m)
		outer, err := ParseOnly(e.Bytes())
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		inner, err := ParseOnly(outer.Value)
		if err != nil || len(inner.Value) != n {
			t.Fatalf("n=%d: inner %d octets, %v", n, len(inner.Value), err)
		}
	}
	// Length octets exactly as X.690 8.1.3.5 writes them.
	var e Encoder
	m := e.Begin(ContextC(0))
	e.Raw(make([]byte, 200))
	e.End(m)
	if got := hex.EncodeToString(e.Bytes()[:3]); got != "a081c8" {
		t.Errorf("200-octet header = %s, want a081c8", got)
	}
}

func TestNestedBackPatch(t *testing.T) {
	var e Encoder
	outer := e.Begin(ApplicationC(2))
	e.Octets(Application(8), []byte{1, 2, 3, 4})
	comp := e.Begin(ApplicationC(12))
	inv := e.Begin(ContextC(1))
	e.Int(TagInteger, 1)
	e.Int(TagInteger, 0)
	arg := e.Begin(TagSequence)
	e.Octets(Context(0), bytes.Repeat([]byte{0x11}, 150))
	e.End(arg)
	e.End(inv)
	e.End(comp)
	e.End(outer)

	top, err := ParseOnly(e.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(top.Value)
	otid, _ := r.Next()
	cp, err := r.Next()
	if err != nil || !bytes.Equal(otid.Value, []byte{1, 2, 3, 4}) || cp.Tag != ApplicationC(12) {
		t.Fatalf("otid %x, component portion %v, %v", otid.Value, cp.Tag, err)
	}
	inner := NewReader(cp.Value)
	invoke, err := inner.Next()
	if err != nil || invoke.Tag != ContextC(1) {
		t.Fatalf("invoke %v %v", invoke.Tag, err)
	}
}

func TestOID(t *testing.T) {
	tests := []struct {
		arcs []uint32
		enc  string
		str  string
	}{
		{[]uint32{0, 4, 0, 0, 1, 0, 50, 1}, "04000001003201", "0.4.0.0.1.0.50.1"},
		{[]uint32{0, 4, 0, 0, 1, 21, 3, 4}, "04000001150304", "0.4.0.0.1.21.3.4"},
		{[]uint32{0, 4, 0, 0, 1, 23, 3, 4}, "04000001170304", "0.4.0.0.1.23.3.4"},
		{[]uint32{0, 0, 17, 773, 1, 1, 1}, "00118605010101", "0.0.17.773.1.1.1"},
		{[]uint32{2, 100, 3}, "813403", "2.100.3"},
	}
	for _, tc := range tests {
		o := MakeOID(tc.arcs...)
		if got := hex.EncodeToString(o); got != tc.enc {
			t.Errorf("MakeOID(%v) = %s, want %s", tc.arcs, got, tc.enc)
		}
		if got := o.String(); got != tc.str {
			t.Errorf("String() = %s, want %s", got, tc.str)
		}
		if _, err := ParseOID(o); err != nil {
			t.Errorf("ParseOID(%s): %v", tc.enc, err)
		}
	}
	for _, bad := range []string{"", "0480", "8001"} {
		if _, err := ParseOID(unhex(t, bad)); !errors.Is(err, ErrOIDEncoding) {
			t.Errorf("ParseOID(%s) = %v, want ErrOIDEncoding", bad, err)
		}
	}
}

func TestPrimitives(t *testing.T) {
	var e Encoder
	e.Bool(Context(1), true)
	e.Bool(Context(1), false)
	e.Null(Context(2))
	e.BitString(Context(0), []byte{0x80}, 7)
	if got := hex.EncodeToString(e.Bytes()); got != "8101ff810100820080020780" {
		t.Fatalf("encoding = %s", got)
	}
	if v, err := ParseBool([]byte{0x01}); err != nil || !v {
		t.Errorf("ParseBool(01) = %v, %v", v, err)
	}
	if _, err := ParseBool(nil); !errors.Is(err, ErrBooleanLength) {
		t.Errorf("ParseBool(empty) = %v", err)
	}
	if err := ParseNull([]byte{0}); !errors.Is(err, ErrNullLength) {
		t.Errorf("ParseNull(00) = %v", err)
	}
	if bits, unused, err := ParseBitString([]byte{7, 0x80}); err != nil || unused != 7 || bits[0] != 0x80 {
		t.Errorf("ParseBitString = %x %d %v", bits, unused, err)
	}
	if _, _, err := ParseBitString([]byte{8, 0}); !errors.Is(err, ErrBitStringEncoding) {
		t.Errorf("ParseBitString(unused 8) = %v", err)
	}
}

func TestEncoderNoAllocsWithCapacity(t *testing.T) {
	e := NewEncoder(make([]byte, 0, 512))
	ten := make([]byte, 10)
	allocs := testing.AllocsPerRun(100, func() {
		e.Reset()
		m := e.Begin(TagSequence)
		e.Int(Context(0), 42)
		e.Octets(Context(1), ten)
		e.End(m)
	})
	if allocs > 0 {
		t.Errorf("encoder allocates %.0f times per value with enough capacity", allocs)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"020105", "bf320380", "3080020101020102" + "0000", "04820100", "9f8148", "a080308005000000" + "0000"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tlv, err := Parse(b)
		if err != nil {
			return
		}
		if tlv.Len > len(b) || len(tlv.Value) > tlv.Len {
			t.Fatalf("Len %d / value %d beyond input %d", tlv.Len, len(tlv.Value), len(b))
		}
		r := NewReader(tlv.Value)
		for r.More() {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		if tlv.Tag == TagOID {
			if o, err := ParseOID(tlv.Value); err == nil {
				_ = o.String()
			}
		}
		_, _ = ParseInt(tlv.Value)
	})
}

func BenchmarkParseNested(b *testing.B) {
	in, _ := hex.DecodeString("62434804000000016b1e281c060700118605010101a011600f80020780a1090607040000010032016c1ba119020101020100301180018e8307039153000000f09f3a03010203")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		t, _ := Parse(in)
		r := NewReader(t.Value)
		for r.More() {
			if _, err := r.Next(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
