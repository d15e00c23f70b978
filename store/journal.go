package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// The journal is a redo log in front of the bbolt file: a batch is durable
// once its record is in the journal (one write, one fdatasync), and the
// file catches up at the next checkpoint (one bbolt commit carrying many
// batches). A bbolt commit costs two fdatasyncs and rewrites the B+tree
// pages on the way to the root; on these disks that set the rate of group
// commits, and with it every answer's wait (BENCHMARKS.md).
//
// File layout (<database>-wal):
//
//	header, 512 bytes: "scpdwal\x01", the database's 16-byte id, crc32c of both
//	records from offset 512: uint32 length, uint32 crc32c(seq, redo),
//	                         uint64 seq, redo (bucket.go)
//
// Records are numbered one after the other; the checkpoint stores the last
// number it carried in the file's meta bucket and the journal is then
// written again from its start. Recovery applies the records numbered
// checkpoint+1, +2, ... in order and stops at the first that is missing,
// torn (crc) or older: a record a crash cut was never answered (one the disk
// damaged is logged, scanJournal). Open, once the file has them, and Close
// empty the journal. The id binds the journal to its database: a journal
// left beside another file is refused.

const (
	journalHeaderSize = 512
	journalRecordHead = 16
	// journalMaxRecord bounds a record's length field, so that a damaged
	// length is not taken for a huge allocation.
	journalMaxRecord = 1 << 30
	// journalGrowth is the step in which the journal file grows.
	journalGrowth = 1 << 20
)

var (
	journalMagic = []byte("scpdwal\x01")
	castagnoli   = crc32.MakeTable(crc32.Castagnoli)
	// ErrJournal is wrapped by errors about the journal file.
	ErrJournal = errors.New("journal")
	// ErrJournalPending: a read-only open found answered batches that are
	// in the journal only.
	ErrJournalPending = errors.New("journal not applied")
)

// JournalPath is where the journal of the database at path lives.
func JournalPath(path string) string { return path + "-wal" }

type journal struct {
	f    *os.File
	path string
	off  int64 // where the next record goes
	size int64 // the file's size
}

func journalHeader(dbID []byte) []byte {
	h := make([]byte, journalHeaderSize)
	copy(h, journalMagic)
	copy(h[8:24], dbID)
	binary.BigEndian.PutUint32(h[24:28], crc32.Checksum(h[:24], castagnoli))
	return h
}

// IsJournal tells whether the file at path begins as an scpd journal does:
// for tools that must not write over one (it holds answered commits that
// its database's file does not have yet).
func IsJournal(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := make([]byte, len(journalMagic))
	_, err = io.ReadFull(f, h)
	return err == nil && bytes.Equal(h, journalMagic)
}

// readJournalHeader checks the header and returns the database id in it.
func readJournalHeader(f *os.File, path string) ([]byte, error) {
	h := make([]byte, 28)
	if _, err := f.ReadAt(h, 0); err != nil {
		return nil, fmt.Errorf("%w %s: read header: %v", ErrJournal, path, err)
	}
	if !bytes.Equal(h[:8], journalMagic) || binary.BigEndian.Uint32(h[24:28]) != crc32.Checksum(h[:24], castagnoli) {
		return nil, fmt.Errorf("%w %s: not an scpd journal (bad header)", ErrJournal, path)
	}
	return h[8:24], nil
}

// openJournal opens the journal of the database with id dbID, creating it
// if it does not exist (or was left empty by a crash while it was being
// created). It refuses a journal written for another database.
func openJournal(path string, dbID []byte) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrJournal, path, err)
	}
	j := &journal{f: f, path: path, off: journalHeaderSize}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w %s: %v", ErrJournal, path, err)
	}
	if fi.Size() < journalHeaderSize || zeroHeader(f) {
		// New, or its creation was cut by a crash before the header was
		// on the disk (nothing is written after the header before that).
		if err := j.create(dbID); err != nil {
			f.Close()
			return nil, err
		}
		return j, nil
	}
	j.size = fi.Size()
	id, err := readJournalHeader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	if !bytes.Equal(id, dbID) {
		f.Close()
		return nil, fmt.Errorf("%w %s belongs to another database (id %x, this file's is %x): it was not written for this file; move it away if this file was replaced on purpose", ErrJournal, path, id, dbID)
	}
	return j, nil
}

// zeroHeader tells a journal whose header never reached the disk.
func zeroHeader(f *os.File) bool {
	h := make([]byte, journalHeaderSize)
	if _, err := f.ReadAt(h, 0); err != nil {
		return false
	}
	for _, b := range h {
		if b != 0 {
			return false
		}
	}
	return true
}

func (j *journal) create(dbID []byte) error {
	if err := j.f.Truncate(0); err != nil {
		return fmt.Errorf("%w %s: %v", ErrJournal, j.path, err)
	}
	if _, err := j.f.WriteAt(journalHeader(dbID), 0); err != nil {
		return fmt.Errorf("%w %s: write header: %v", ErrJournal, j.path, err)
	}
	j.size = journalHeaderSize
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("%w %s: sync: %v", ErrJournal, j.path, err)
	}
	// The file's name must survive a power cut as well as its records.
	if err := syncDir(filepath.Dir(j.path)); err != nil {
		return fmt.Errorf("%w %s: %v", ErrJournal, j.path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// appendJournalRecord frames the record numbered seq onto buf.
func appendJournalRecord(buf []byte, seq uint64, rec []byte) []byte {
	at := len(buf)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(rec)))
	buf = binary.BigEndian.AppendUint32(buf, 0)
	buf = binary.BigEndian.AppendUint64(buf, seq)
	buf = append(buf, rec...)
	binary.BigEndian.PutUint32(buf[at+4:at+8], crc32.Checksum(buf[at+8:], castagnoli))
	return buf
}

// write puts framed records (the first numbered first) at the journal's
// end and waits for the disk.
func (j *journal) write(records []byte, first uint64) error {
	if end := j.off + int64(len(records)); end > j.size {
		// Grow the file ahead of the records, with zeros (fallocate would
		// leave unwritten extents, whose first write is a metadata change
		// again): an fdatasync of records that only overwrite the file's
		// blocks has no size or extent change to commit, ~25-45 % cheaper
		// on ext4 here. Recovery stops at the zeros (no record numbered 0).
		size := (end + journalGrowth) / journalGrowth * journalGrowth
		if _, err := j.f.WriteAt(make([]byte, size-j.size), j.size); err != nil {
			return fmt.Errorf("%w %s: grow to %d bytes: %v", ErrJournal, j.path, size, err)
		}
		j.size = size
	}
	if _, err := j.f.WriteAt(records, j.off); err != nil {
		return fmt.Errorf("%w %s: write records from %d: %v", ErrJournal, j.path, first, err)
	}
	// fdatasync: the data and, when the records made the file longer, its
	// size. Records overwrite earlier rounds' space, so mostly only data.
	if err := unix.Fdatasync(int(j.f.Fd())); err != nil {
		return fmt.Errorf("%w %s: fdatasync records from %d: %v", ErrJournal, j.path, first, err)
	}
	j.off += int64(len(records))
	return nil
}

// clear cuts the journal back to its header.
func (j *journal) clear() error {
	if err := j.f.Truncate(journalHeaderSize); err != nil {
		return fmt.Errorf("%w %s: truncate: %v", ErrJournal, j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("%w %s: sync: %v", ErrJournal, j.path, err)
	}
	j.off, j.size = journalHeaderSize, journalHeaderSize
	return nil
}

// rewind makes the next record go to the journal's start: every record
// before is in the file (checkpointed).
func (j *journal) rewind() { j.off = journalHeaderSize }

func (j *journal) close() error { return j.f.Close() }

// scanJournal calls fn for the records numbered after, after+1, ... in
// order, stopping at the first that is not there. It returns the number of
// the last one passed to fn (after when none), and whether the next one was
// there but cut short or damaged (its crc): a record a crash cut was never
// answered, but damage to an answered one loses it and all after it.
func scanJournal(f *os.File, after uint64, fn func(seq uint64, rec []byte) error) (last uint64, damaged bool, err error) {
	last = after
	var prev uint64
	end := int64(journalHeaderSize)
	head := make([]byte, journalRecordHead)
	for {
		if _, err := f.ReadAt(head, end); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return last, false, nil
			}
			return last, false, err
		}
		n := binary.BigEndian.Uint32(head[0:4])
		sum := binary.BigEndian.Uint32(head[4:8])
		seq := binary.BigEndian.Uint64(head[8:16])
		// The round at offset 512 may begin with records the file already
		// has (a checkpoint whose commit reported failure but reached the
		// file): skip them while the chain is contiguous.
		if prev == 0 {
			if seq == 0 || seq > last+1 {
				return last, false, nil
			}
		} else if seq != prev+1 {
			return last, false, nil
		}
		if n > journalMaxRecord {
			return last, true, nil
		}
		rec := make([]byte, 8+int(n)) // seq and redo: what the crc covers
		copy(rec, head[8:16])
		if _, err := f.ReadAt(rec[8:], end+journalRecordHead); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return last, true, nil
			}
			return last, false, err
		}
		if crc32.Checksum(rec, castagnoli) != sum {
			return last, true, nil
		}
		if seq > after {
			if err := fn(seq, rec[8:]); err != nil {
				return last, false, err
			}
			last = seq
		}
		prev, end = seq, end+journalRecordHead+int64(n)
	}
}

// journalState reads the database's id and the number of the last journal
// record its file holds.
func journalState(tx *bolt.Tx) (id []byte, seq uint64, err error) {
	meta := tx.Bucket(allBuckets[bMeta])
	if meta == nil {
		return nil, 0, nil
	}
	id = append([]byte(nil), meta.Get(kID)...)
	if raw := meta.Get(kJournal); raw != nil {
		if len(raw) != 8 {
			return nil, 0, fmt.Errorf("meta %q: %w: %d bytes", kJournal, ErrCorruptRecord, len(raw))
		}
		seq = binary.BigEndian.Uint64(raw)
	}
	return id, seq, nil
}

// fileSeq is the number of the last journal record tx's file holds.
func fileSeq(tx *bolt.Tx) uint64 {
	if meta := tx.Bucket(allBuckets[bMeta]); meta != nil {
		if raw := meta.Get(kJournal); len(raw) == 8 {
			return binary.BigEndian.Uint64(raw)
		}
	}
	return 0
}

// recover applies what the journal holds beyond the file's last checkpoint
// (batches answered before a crash) in one bbolt commit, then opens the
// journal for the committer.
func (s *Store) recover() error {
	var id []byte
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		id, seq, err = journalState(tx)
		return err
	})
	if err != nil {
		return err
	}
	if len(id) != 16 {
		return fmt.Errorf("meta %q: %w: %d bytes", kID, ErrCorruptRecord, len(id))
	}
	j, err := openJournal(JournalPath(s.path), id)
	if err != nil {
		return err
	}
	applied := 0
	var last uint64
	var damaged bool
	err = s.db.Update(func(tx *bolt.Tx) error {
		var err error
		last, damaged, err = scanJournal(j.f, seq, func(n uint64, rec []byte) error {
			applied++
			if err := applyRedo(tx, rec); err != nil {
				return fmt.Errorf("%w %s: record %d: %v", ErrJournal, j.path, n, err)
			}
			return nil
		})
		if err != nil || applied == 0 {
			return err
		}
		return tx.Bucket(allBuckets[bMeta]).Put(kJournal, binary64(last))
	})
	if err != nil {
		j.close()
		return err
	}
	if damaged {
		s.log.Warn("store journal: the record after the last applied is cut short or damaged; it and any after it were not applied (a record a crash cut was never answered; if the disk damaged it, commits after the last applied are lost: check the audit)", "journal", j.path, "record", last+1)
	}
	if applied > 0 {
		s.log.Warn("store journal applied: batches answered before the last stop were not yet in the file", "records", applied, "journal", j.path, "last", last)
	}
	// The file has everything now: empty the journal. Records left in it
	// would belong to a history this file may not share (a backup copied
	// over the file has the same id and an older number), and a later
	// round could end just where one of them begins.
	if err := j.clear(); err != nil {
		j.close()
		return err
	}
	s.journal, s.seq = j, last
	return nil
}

// checkJournalApplied refuses a read-only open of a file whose journal
// holds answered batches the file has not got: reading it would show
// balances as they were before them.
func (s *Store) checkJournalApplied() error {
	path := JournalPath(s.path)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("%w %s: %v", ErrJournal, path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && (fi.Size() < journalHeaderSize || zeroHeader(f)) {
		return nil // never got a record: its creation was cut short
	}
	var id []byte
	var seq uint64
	err = s.db.View(func(tx *bolt.Tx) error {
		var err error
		id, seq, err = journalState(tx)
		return err
	})
	if err != nil {
		return err
	}
	jid, err := readJournalHeader(f, path)
	if err != nil {
		return err
	}
	if !bytes.Equal(jid, id) {
		return nil // another database's: not this file's business when only reading
	}
	n := 0
	if _, _, err := scanJournal(f, seq, func(uint64, []byte) error { n++; return nil }); err != nil {
		return fmt.Errorf("%w %s: %v", ErrJournal, path, err)
	}
	if n > 0 {
		return fmt.Errorf("%w: %s holds %d commits the file has not got yet (scpd stopped without closing it); open it read-write once to apply them: start scpd serve, or run a writing command with --db", ErrJournalPending, path, n)
	}
	return nil
}
