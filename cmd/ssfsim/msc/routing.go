package msc

import "github.com/scpd/scpd/sigtran/sccp/routing"

// routingConfig: the simulated MSC asks for UDTS on undeliverable messages,
// as MSCs do, so a lab sees routing faults.
func routingConfig() routing.Config { return routing.Config{ReturnOnError: true} }
