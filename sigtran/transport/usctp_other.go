//go:build !linux

package transport

import (
	"context"
	"errors"
)

var errUserspaceSCTPLinuxOnly = errors.New("transport userspace-sctp: Linux only (raw IPv4 sockets of protocol 132)")

// UserspaceSCTPAvailable reports that userspace SCTP is Linux only.
func UserspaceSCTPAvailable() error { return errUserspaceSCTPLinuxOnly }

func listenUserspaceSCTP(Config) (Listener, error) { return nil, errUserspaceSCTPLinuxOnly }

func dialUserspaceSCTP(context.Context, Config, []string) (Conn, error) {
	return nil, errUserspaceSCTPLinuxOnly
}
