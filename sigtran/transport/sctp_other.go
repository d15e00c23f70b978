//go:build !linux

package transport

import "context"

// KernelSCTPAvailable reports false: the kernel SCTP path is Linux only.
func KernelSCTPAvailable() bool { return false }

func listenSCTP(Config) (Listener, error) { return nil, ErrNoKernelSCTP }

func dialSCTP(context.Context, Config, []string) (Conn, error) { return nil, ErrNoKernelSCTP }
