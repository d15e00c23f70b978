package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w (a read
// transaction's snapshot; writers go on meanwhile). It returns the size.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	if err := s.syncFile(); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// WriteFileAtomic writes what fill produces to path through a temporary file
// in the same directory, fsynced and renamed, mode 0600: a crash never leaves
// a half-written backup under the final name.
func WriteFileAtomic(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// The new name must survive a power cut as well as the contents.
	return SyncDir(dir)
}

// SyncDir fsyncs a directory: a file created or renamed in it is there
// after a power cut only once its directory entry is on the disk.
func SyncDir(dir string) error {
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
