package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// releaseMappedPages drops this process's mappings of the database file's
// pages; the pages stay in the kernel's page cache.
//
// bbolt reads through a shared, read-only memory map, and every page it has
// read stays mapped and counts in scpd's resident set (and in the OOM
// killer's score) as file-backed memory. At open bbolt rebuilds the freelist
// by reading every page (NoFreelistSync, chosen because writing the freelist
// at each commit costs ~20 % of the commit rate), and the sweeper's prune
// reads every settled reservation: afterwards the whole file is mapped,
// although the call path reads only a small part of it again. madvise
// MADV_DONTNEED on a MAP_SHARED file mapping only removes the page-table
// entries: the next read of a page is a minor fault served from the page
// cache, with the same data (bbolt writes with pwrite, never through the map).
func (s *Store) releaseMappedPages() error {
	// Inside a read transaction the map cannot move: bbolt remaps only while
	// holding its mmap lock exclusively, which waits for open readers.
	return s.db.View(func(tx *bolt.Tx) error {
		addr := s.db.Info().Data
		size := uintptr(tx.Size())
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, addr, size, unix.MADV_DONTNEED); errno != 0 {
			return fmt.Errorf("store: release mapped pages of %s (%d bytes): %w", s.path, size, errno)
		}
		return nil
	})
}
