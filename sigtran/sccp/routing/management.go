package routing

import "github.com/scpd/scpd/sigtran/sccp"

// SCCP management message formats (Q.713 §5.3).
const (
	scmgSSA = 1 // subsystem allowed
	scmgSSP = 2 // subsystem prohibited
	scmgSST = 3 // subsystem status test
)

// management answers a subsystem status test for a subsystem that has a
// user with subsystem allowed (Q.714 §5.3.4); other SCMG messages are only
// counted.
func (r *Router) management(p Path, m *sccp.Message) {
	d := m.Data
	if len(d) < 5 || d[0] != scmgSST {
		return
	}
	ssn := d[1]
	if r.user(ssn) == nil {
		return // no answer means prohibited; the tester keeps testing
	}
	ssa := []byte{scmgSSA, ssn, byte(r.net.PointCode()), byte(r.net.PointCode() >> 8), 0}
	mgmt := sccp.Address{RouteOnSSN: true, SSN: sccp.SSNManagement}
	// SCMG is sent in class 0 with no special option (Q.713 §5.1): never
	// with return on error, whatever the node's own users send with.
	_ = r.sendUnitdata(p, m.Calling, mgmt, ssa, false)
}
