//go:build !linux

package store

// ReleaseMappedPages is a no-op where scpd does not know how to drop a file
// mapping's pages; see mapping_linux.go.
func (s *Store) ReleaseMappedPages() error { return nil }
