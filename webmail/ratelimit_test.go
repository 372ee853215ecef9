package webmail

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestLoginLimiterConcurrency: an office behind one address may have many
// sign-ins under way at once, one account only a few, and failures that
// were under way together put the buckets into debt.
func TestLoginLimiterConcurrency(t *testing.T) {
	now := time.Date(2025, 11, 26, 8, 0, 0, 0, time.UTC)
	cfg := LoginLimit{PerIP: rate.Every(6 * time.Second), IPBurst: 10, PerAccount: rate.Every(12 * time.Second), AccountBurst: 5}
	l := newLoginLimiter(cfg, func() time.Time { return now })
	office := netip.MustParseAddr("203.0.113.7")

	// Eight o'clock: 40 staff sign in at once, each with their account.
	var open []*attempt
	for i := range officeFactor * cfg.IPBurst {
		a, ok := l.begin(office, fmt.Sprintf("staf%d@pematangsiantar.go.id", i))
		if !ok {
			t.Fatalf("sign-in %d of the office refused", i+1)
		}
		open = append(open, a)
	}
	if _, ok := l.begin(office, "satu.lagi@pematangsiantar.go.id"); ok {
		t.Error("more sign-ins under way than the address may have")
	}
	for _, a := range open {
		a.succeeded()
		a.succeeded() // ending twice changes nothing
	}
	last, ok := l.begin(office, "satu.lagi@pematangsiantar.go.id")
	if !ok {
		t.Fatal("successful sign-ins used up the address's tokens")
	}
	last.succeeded()
	if len(l.ipBusy) != 0 || len(l.acctBusy) != 0 {
		t.Errorf("still under way: %v %v", l.ipBusy, l.acctBusy)
	}

	// One account, guessed from many addresses at once: at most its burst
	// under way, and their failures close it for longer than one would.
	const victim = "sekda@pematangsiantar.go.id"
	open = open[:0]
	for i := range cfg.AccountBurst {
		a, ok := l.begin(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), victim)
		if !ok {
			t.Fatalf("guess %d refused while the account had tokens", i+1)
		}
		open = append(open, a)
	}
	if _, ok := l.begin(netip.MustParseAddr("198.51.100.200"), victim); ok {
		t.Error("more guesses of one account under way than its burst")
	}
	for _, a := range open {
		a.failed()
	}
	now = now.Add(12 * time.Second) // one token back
	if _, ok := l.begin(netip.MustParseAddr("198.51.100.201"), victim); !ok {
		t.Error("the account stays closed after its tokens came back")
	}

	// An address whose concurrent guesses all failed owes the tokens.
	attacker := netip.MustParseAddr("192.0.2.66")
	open = open[:0]
	for i := range officeFactor * cfg.IPBurst {
		a, ok := l.begin(attacker, fmt.Sprintf("korban%d@pematangsiantar.go.id", i))
		if !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		open = append(open, a)
	}
	for _, a := range open {
		a.failed()
	}
	// 40 failures against a burst of 10: 30 tokens of debt, 3 minutes.
	now = now.Add(3 * time.Minute)
	if _, ok := l.begin(attacker, "korban@pematangsiantar.go.id"); ok {
		t.Error("the debt of concurrent failures was forgiven")
	}
	now = now.Add(12 * time.Second)
	if _, ok := l.begin(attacker, "korban@pematangsiantar.go.id"); !ok {
		t.Error("the address stays closed after paying its debt")
	}
}
