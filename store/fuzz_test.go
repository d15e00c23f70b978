package store

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// The store reads back what a disk gave it: records from the bbolt file,
// redo records and their framing from the journal. A damaged byte must give
// an error (ErrCorruptRecord, a journal that stops early), never a panic or
// a huge allocation; and whatever decodes must encode back to itself, or an
// update of a damaged-but-readable record would write something else.

// recordCodec is one record kind's decode and encode, for the fuzz target.
type recordCodec struct {
	name   string
	decode func(b []byte) (any, error)
	encode func(v any) []byte
}

var recordCodecs = []recordCodec{
	{"subscriber", func(b []byte) (any, error) { return decodeSubscriber("k", b) },
		func(v any) []byte { s := v.(Subscriber); return encodeSubscriber(&s) }},
	{"group", func(b []byte) (any, error) { return decodeGroup("k", b) },
		func(v any) []byte { g := v.(Group); return encodeGroup(&g) }},
	{"account", func(b []byte) (any, error) { return decodeAccount("k", b) },
		func(v any) []byte { a := v.(Account); return encodeAccount(&a) }},
	{"tariff", func(b []byte) (any, error) { return decodeTariff("k", b) },
		func(v any) []byte { t := v.(Tariff); return encodeTariff(&t) }},
	{"reservation", func(b []byte) (any, error) { return decodeReservation("k", b) },
		func(v any) []byte { r := v.(Reservation); return encodeReservation(&r) }},
	{"ledger", func(b []byte) (any, error) { return decodeLedger("k", b) },
		func(v any) []byte { l := v.(LedgerEntry); return encodeLedger(&l) }},
	{"cdr", func(b []byte) (any, error) { return decodeCDR("k", b) },
		func(v any) []byte { c := v.(CDR); return encodeCDR(&c) }},
	{"ledger base", func(b []byte) (any, error) { return decodeLedgerBase("k", b) },
		func(v any) []byte { l := v.(LedgerBase); return encodeLedgerBase(&l) }},
}

// seedRecords are one real encoding of each kind, in recordCodecs' order.
func seedRecords() [][]byte {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	tariff := Tariff{Class: ClassOnNet, PricePerMinute: 5, Initial: 1, Subsequent: 1}
	return [][]byte{
		encodeSubscriber(&Subscriber{MSISDN: "31612345001", IMSI: "204040000000001", Name: "Alice", VPN: true, Prepaid: true, GroupID: "ACME", ShortNumber: "1001", AccountID: "A-1001"}),
		encodeGroup(&Group{ID: "ACME", Name: "ACME Corp", Tariffs: map[string]Tariff{ClassOnNet: tariff}}),
		encodeAccount(&Account{ID: "A-1001", Currency: "EUR", Available: 4000, Frozen: 600, Charged: 400, Opening: 5000, MinThreshold: 100, Created: at, Updated: at}),
		encodeTariff(&tariff),
		encodeReservation(&Reservation{CallID: "0187a1b2c3d4e5f6-00000001", AccountID: "A-1001", Frozen: 600, Granted: 600, Seconds: 300, Tariff: tariff,
			Service: "prepaid", Calling: "31612345001", Called: "31612345002", Deadline: at.Add(time.Hour), Created: at,
			Ops: []Op{{Kind: OpApply, Seq: 1, Amount: 600, Seconds: 300, Balance: 4000}}}),
		encodeLedger(&LedgerEntry{Seq: 7, At: at, AccountID: "A-1001", Kind: LedgerFreeze, Amount: 600, CallID: "0187a1b2c3d4e5f6-00000001", Available: 4000, Frozen: 600, Charged: 400}),
		encodeCDR(&CDR{Seq: 3, CallID: "0187a1b2c3d4e5f6-00000001", Service: "prepaid", AccountID: "A-1001", Calling: "31612345001", Called: "1002",
			Translated: "31612345002", CallClass: ClassOnNet, Start: at, Answer: at.Add(2 * time.Second), End: at.Add(5 * time.Minute), Duration: 298, Charged: 25, Currency: "EUR", Outcome: "normal"}),
		encodeLedgerBase(&LedgerBase{Opening: 5000, Available: 5000, Entries: 1, LastSeq: 1}),
	}
}

func FuzzRecordDecoders(f *testing.F) {
	for i, b := range seedRecords() {
		f.Add(uint8(i), b)
		f.Add(uint8(i), b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, kind uint8, b []byte) {
		c := recordCodecs[int(kind)%len(recordCodecs)]
		v, err := c.decode(b)
		// A count read from the record must not size an allocation past
		// what the record's bytes can hold, even when decoding then fails.
		if r, ok := v.(Reservation); ok && cap(r.Ops) > len(b) {
			t.Fatalf("reservation %x: room for %d operations made from %d bytes", b, cap(r.Ops), len(b))
		}
		if err != nil {
			return
		}
		again, err := c.decode(c.encode(v))
		if err != nil {
			t.Fatalf("%s %x decoded to %+v, whose encoding does not decode: %v", c.name, b, v, err)
		}
		if !reflect.DeepEqual(again, v) {
			t.Fatalf("%s %x decoded to %+v, and its encoding to %+v", c.name, b, v, again)
		}
	})
}

// FuzzRedoRecord applies arbitrary redo records to a real bbolt write
// transaction (rolled back): recovery meets them when a journal is damaged
// in a way its crc does not catch, or written by a newer scpd.
func FuzzRedoRecord(f *testing.F) {
	st, err := Open(filepath.Join(f.TempDir(), "scpd.db"), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	seeds := seedRecords()
	r := &redo{}
	r.put(bAccounts, []byte("A-1001"), seeds[2])
	r.put(bReservations, []byte("0187a1b2c3d4e5f6-00000001"), seeds[4])
	r.del(bOpen, []byte("0187a1b2c3d4e5f6-00000001"))
	r.setSequence(bLedger, 7)
	f.Add(r.b)
	f.Add(r.b[:len(r.b)-3])
	f.Fuzz(func(t *testing.T, rec []byte) {
		n := 0
		if err := eachRedoOp(rec, func(op redoOp) error { n++; return nil }); err != nil {
			n = -1
		}
		tx, err := st.db.Begin(true)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := applyRedo(tx, rec); err == nil && n < 0 {
			t.Fatalf("redo record %x: applied although it does not decode", rec)
		}
	})
}

// FuzzJournalScan frames records as the syncer does, follows them with
// arbitrary bytes (a crash's torn write, another round's old records,
// damage) and checks that recovery reads back exactly the framed records,
// then stops.
func FuzzJournalScan(f *testing.F) {
	dir := f.TempDir()
	f.Add([]byte("abc"), []byte{}, uint8(2))
	f.Add(seedRecords()[4], bytes.Repeat([]byte{0}, 40), uint8(1))
	f.Add([]byte{}, appendJournalRecord(nil, 9, []byte("old")), uint8(3))
	damaged := appendJournalRecord(nil, 3, []byte("next, damaged"))
	damaged[5] ^= 0x40 // its crc
	f.Add([]byte("x"), damaged, uint8(2))
	f.Fuzz(func(t *testing.T, payload, tail []byte, count uint8) {
		var recs [][]byte
		buf := journalHeader(make([]byte, 16))
		for i := range int(count % 8) {
			rec := append([]byte{byte(i)}, payload...)
			recs = append(recs, rec)
			buf = appendJournalRecord(buf, uint64(i+1), rec)
		}
		// Should the tail hold a whole valid frame numbered next, the scan
		// may read it too; anything else there ends the scan.
		buf = append(buf, tail...)
		path := filepath.Join(dir, "wal")
		if err := os.WriteFile(path, buf, 0o600); err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		var got [][]byte
		off := journalHeaderSize
		last, _, err := scanJournal(fh, 0, func(seq uint64, rec []byte) error {
			if seq != uint64(len(got)+1) {
				t.Fatalf("record %d passed after %d", seq, len(got))
			}
			// What was read must be a whole, intact frame at its place.
			frame := appendJournalRecord(nil, seq, rec)
			if off+len(frame) > len(buf) || !bytes.Equal(buf[off:off+len(frame)], frame) {
				t.Fatalf("record %d passed is not the frame at offset %d", seq, off)
			}
			off += len(frame)
			got = append(got, bytes.Clone(rec))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < len(recs) || last != uint64(len(got)) {
			t.Fatalf("scan read %d records (last %d), %d were framed", len(got), last, len(recs))
		}
		for i, rec := range recs {
			if !bytes.Equal(got[i], rec) {
				t.Fatalf("record %d read back %x, framed %x", i+1, got[i], rec)
			}
		}
	})
}
