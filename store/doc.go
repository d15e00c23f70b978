// Package store keeps scpd's persistent state in one bbolt file: subscribers,
// VPN groups, prepaid accounts, tariffs, reservations (fees frozen for a call),
// the append-only ledger of every money movement, and call detail records.
//
// Key layout (bucket → key → value):
//
//	meta          "schema"                       → uint32 big-endian schema version
//	              "id"                           → 16 random bytes, the journal's binding (schema 3)
//	              "journal"                      → uint64 number of the last journal record the file holds
//	subscribers   MSISDN (international digits)  → subscriber record
//	imsi          IMSI digits                    → MSISDN
//	shortnum      groupID 0x00 short number      → MSISDN
//	groups        group id                       → group record
//	accounts      account id                     → account record
//	tariffs       call class                     → tariff record
//	reservations  call id                        → reservation record (open and settled)
//	open          call id                        → deadline (int64 unix ns, big-endian)
//	ledger        uint64 sequence, big-endian    → ledger entry
//	cdrs          end time (unix ns) + sequence  → CDR
//	refs          account id 0x00 reference      → ledger sequence, amount (idempotent recharges; older files: sequence only)
//	ledgerbase    account id                     → ledger base: what purged entries add up to (schema 2)
//
// Records are a compact binary encoding (codec.go): a version byte followed by
// varints and length-prefixed strings. The call path reads and rewrites an
// account and a reservation several times per call, and JSON cost several
// microseconds per record where this costs a few hundred nanoseconds.
//
// Ledger and CDR keys grow monotonically, so their inserts append to the last
// page of the tree (FillPercent 1.0) instead of splitting pages at random.
// Callers should also prefer call ids that grow over time (for example a
// time-ordered prefix): reservations are keyed by call id.
//
// Every money movement goes through the functions in money.go, which keep, for
// every account and at every commit,
//
//	opening + recharged = available + frozen + charged
//
// and append a ledger entry. Audit (audit.go) replays the ledger to check it,
// starting from each account's ledger base once Purge (purge.go) has folded
// old entries into it.
//
// Durability (batch.go, journal.go): a write is durable, and its caller
// answered, once its group commit's redo record is in the journal beside
// the file (<file>-wal) — one write and one fdatasync. The committer keeps
// one bbolt write transaction open across group commits and commits it to
// the file at each checkpoint; Open applies what the journal holds beyond
// the last checkpoint. View checkpoints first, so it sees every answered
// write; ViewRecent, for the call path, does not wait (see its comment).
package store
