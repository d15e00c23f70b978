//go:build !linux

package store

// releaseMappedPages is a no-op where scpd does not know how to drop a file
// mapping's pages; see mapping_linux.go.
func (s *Store) releaseMappedPages() error { return nil }
