package store

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkFdatasync measures this disk's raw durable-write rate (one 4 KiB
// page and an fdatasync), the floor under every bbolt commit (which costs
// two), so that the prepaid benchmark figures can be read against it.
func BenchmarkFdatasync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "sync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.WriteAt(page, int64(i%64)*4096); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fdatasync/s")
}

// BenchmarkCallerLookup is the read the call path does per InitialDP: one
// View finding the caller by MSISDN, the called short number in its group,
// the tariff for the call class (with the group override) and the account.
func BenchmarkCallerLookup(b *testing.B) {
	st, err := Open(filepath.Join(b.TempDir(), "scpd.db"), Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const members = 10000
	err = st.Update(func(tx *Tx) error {
		if err := tx.PutTariff(Tariff{Class: ClassOnNet, PricePerMinute: 5, Initial: 1, Subsequent: 1}); err != nil {
			return err
		}
		for g := 0; g < 100; g++ {
			if err := tx.PutGroup(Group{ID: fmt.Sprintf("G%03d", g), Name: "group"}, true); err != nil {
				return err
			}
		}
		for i := 0; i < members; i++ {
			id := fmt.Sprintf("A-%05d", i)
			if _, err := tx.CreateAccount(Account{ID: id, Currency: "EUR", Opening: 1000}, t0); err != nil {
				return err
			}
			s := Subscriber{MSISDN: fmt.Sprintf("316120%05d", i), VPN: true, GroupID: fmt.Sprintf("G%03d", i%100),
				ShortNumber: fmt.Sprintf("%d", 1000+i/100), Prepaid: true, AccountID: id}
			if err := tx.PutSubscriber(s, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i = (i + 7919) % members
			err := st.View(func(tx *Tx) error {
				caller, err := tx.Subscriber(fmt.Sprintf("316120%05d", i))
				if err != nil {
					return err
				}
				if _, err := tx.GroupMember(caller.GroupID, "1042"); err != nil {
					return err
				}
				if _, err := tx.TariffFor(caller.GroupID, ClassOnNet); err != nil {
					return err
				}
				_, err = tx.Account(caller.AccountID)
				return err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
