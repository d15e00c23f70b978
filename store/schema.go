package store

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this build writes. Version 0 is a file without
// the meta bucket (new or created before versioning).
const SchemaVersion = 3

// bucketID indexes allBuckets; Tx caches the handles.
type bucketID int

const (
	bMeta bucketID = iota
	bSubscribers
	bIMSI
	bShortNum
	bGroups
	bAccounts
	bTariffs
	bReservations
	bOpen
	bLedger
	bCDRs
	bRefs
	bLedgerBase
)

var allBuckets = [...][]byte{
	bMeta:         []byte("meta"),
	bSubscribers:  []byte("subscribers"),
	bIMSI:         []byte("imsi"),
	bShortNum:     []byte("shortnum"),
	bGroups:       []byte("groups"),
	bAccounts:     []byte("accounts"),
	bTariffs:      []byte("tariffs"),
	bReservations: []byte("reservations"),
	bOpen:         []byte("open"),
	bLedger:       []byte("ledger"),
	bCDRs:         []byte("cdrs"),
	bRefs:         []byte("refs"),
	bLedgerBase:   []byte("ledgerbase"),
}

var (
	kSchema = []byte("schema")
	// kID is the database's random 16-byte identity, which its journal
	// carries (journal.go).
	kID = []byte("id")
	// kJournal is the number of the last journal record the file holds.
	kJournal = []byte("journal")
)

func binary64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// migrations[v] upgrades a file from version v to v+1. Add new steps at the
// end and bump SchemaVersion; a step must be safe on any file of version v.
var migrations = []func(tx *bolt.Tx) error{
	0: func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	},
	// 2: ledger bases, what purged ledger entries add up to (purge.go).
	1: func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(allBuckets[bLedgerBase]); err != nil {
			return fmt.Errorf("create bucket %s: %w", allBuckets[bLedgerBase], err)
		}
		return nil
	},
	// 3: the journal (journal.go). A version-2 build would open the file
	// without applying its journal and lose what the journal holds.
	2: func(tx *bolt.Tx) error {
		meta := tx.Bucket(allBuckets[bMeta])
		if meta.Get(kID) != nil {
			return nil
		}
		id := make([]byte, 16)
		if _, err := rand.Read(id); err != nil {
			return fmt.Errorf("database id: %w", err)
		}
		return meta.Put(kID, id)
	},
}

// checkSchema returns the file's version, refusing one newer than this build.
func checkSchema(tx *bolt.Tx) (uint32, error) {
	meta := tx.Bucket(allBuckets[bMeta])
	if meta == nil {
		return 0, nil
	}
	raw := meta.Get(kSchema)
	if raw == nil {
		return 0, nil
	}
	if len(raw) != 4 {
		return 0, fmt.Errorf("meta %q: %w: %d bytes", kSchema, ErrCorruptRecord, len(raw))
	}
	v := binary.BigEndian.Uint32(raw)
	if v > SchemaVersion {
		return v, fmt.Errorf("%w: file has schema version %d, this scpd knows up to %d; upgrade scpd", ErrSchemaTooNew, v, SchemaVersion)
	}
	return v, nil
}

func migrate(tx *bolt.Tx, log *slog.Logger) error {
	v, err := checkSchema(tx)
	if err != nil {
		return err
	}
	if v == SchemaVersion {
		return nil
	}
	if len(migrations) != SchemaVersion {
		panic("store: migrations table does not match SchemaVersion")
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
		log.Info("store schema migrated", "from", v, "to", v+1)
	}
	return tx.Bucket(allBuckets[bMeta]).Put(kSchema, binary.BigEndian.AppendUint32(nil, SchemaVersion))
}

// Schema returns the schema version of the open file.
func (s *Store) Schema() (uint32, error) {
	var v uint32
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		v, err = checkSchema(tx)
		return err
	})
	return v, err
}
