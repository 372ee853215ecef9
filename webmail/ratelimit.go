package webmail

import (
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter counts failed sign-ins per client address and per account
// with token buckets, and bounds how many sign-ins of one address or one
// account are under way at once (a burst of guesses sent together would
// otherwise all be tried before the first failure is counted). It lives
// in the process: behind several instances each one counts on its own,
// which still bounds guessing to a small multiple of the configured rate.
type loginLimiter struct {
	cfg LoginLimit
	now func() time.Time

	mu       sync.Mutex
	ips      map[netip.Prefix]*rate.Limiter
	accounts map[string]*rate.Limiter
	// Sign-ins under way, per client address and per account.
	ipBusy   map[netip.Prefix]int
	acctBusy map[string]int
}

// maxTracked bounds the memory of the limiter; past it, buckets that have
// refilled completely (and so say nothing) are forgotten.
const maxTracked = 10000

// officeFactor multiplies a client address's burst into the number of its
// sign-ins that may be under way at once: the staff of an office behind
// one address all sign in at eight in the morning.
const officeFactor = 4

func newLoginLimiter(cfg LoginLimit, now func() time.Time) *loginLimiter {
	return &loginLimiter{cfg: cfg, now: now,
		ips: map[netip.Prefix]*rate.Limiter{}, accounts: map[string]*rate.Limiter{},
		ipBusy: map[netip.Prefix]int{}, acctBusy: map[string]int{}}
}

// attempt is a sign-in under way; it ends with succeeded or failed.
type attempt struct {
	l            *loginLimiter
	ip           netip.Prefix
	acct         string
	ipLim, acLim *rate.Limiter
	ended        bool
}

// begin admits a sign-in when neither the client's nor the account's
// bucket is empty and fewer than their bursts (officeFactor times the
// burst for an address) of their sign-ins are under way; it takes nothing
// from the buckets yet.
func (l *loginLimiter) begin(ip netip.Addr, account string) (*attempt, bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	a := &attempt{l: l, ip: ipKey(ip), acct: strings.ToLower(account)}
	a.ipLim = bucketOf(l.ips, a.ip, l.cfg.PerIP, l.cfg.IPBurst, now)
	a.acLim = bucketOf(l.accounts, a.acct, l.cfg.PerAccount, l.cfg.AccountBurst, now)
	if a.ipLim.TokensAt(now) < 1 || a.acLim.TokensAt(now) < 1 ||
		l.ipBusy[a.ip] >= officeFactor*l.cfg.IPBurst || l.acctBusy[a.acct] >= l.cfg.AccountBurst {
		return nil, false
	}
	l.ipBusy[a.ip]++
	l.acctBusy[a.acct]++
	return a, true
}

// succeeded ends the attempt without a cost: only failures count.
func (a *attempt) succeeded() { a.end(false) }

// failed ends the attempt and takes a token from each bucket. A bucket
// may go into debt (several failures under way at once): it then stays
// closed for longer.
func (a *attempt) failed() { a.end(true) }

func (a *attempt) end(failed bool) {
	l := a.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.ended {
		return
	}
	a.ended = true
	if l.ipBusy[a.ip]--; l.ipBusy[a.ip] <= 0 {
		delete(l.ipBusy, a.ip)
	}
	if l.acctBusy[a.acct]--; l.acctBusy[a.acct] <= 0 {
		delete(l.acctBusy, a.acct)
	}
	if failed {
		now := l.now()
		a.ipLim.ReserveN(now, 1)
		a.acLim.ReserveN(now, 1)
	}
}

// bucketOf returns the limiter of key, creating it. Called with l.mu held.
func bucketOf[K comparable](m map[K]*rate.Limiter, key K, r rate.Limit, burst int, now time.Time) *rate.Limiter {
	lim, ok := m[key]
	if ok {
		return lim
	}
	if len(m) >= maxTracked {
		for k, v := range m {
			if v.TokensAt(now) >= float64(v.Burst()) {
				delete(m, k)
			}
		}
	}
	lim = rate.NewLimiter(r, burst)
	m[key] = lim
	return lim
}

// ipKey groups IPv6 clients by /64, the block one subscriber usually gets.
func ipKey(ip netip.Addr) netip.Prefix {
	if ip.Is6() && !ip.Is4In6() {
		p, _ := ip.Prefix(64)
		return p
	}
	p, _ := ip.Prefix(ip.BitLen())
	return p
}

// requestLimiter bounds every request of one kind per client address
// (the strength meter's calls), unlike loginLimiter, which only counts
// failures.
type requestLimiter struct {
	r     rate.Limit
	burst int
	now   func() time.Time

	mu  sync.Mutex
	ips map[netip.Prefix]*rate.Limiter
}

func newRequestLimiter(r rate.Limit, burst int, now func() time.Time) *requestLimiter {
	return &requestLimiter{r: r, burst: burst, now: now, ips: map[netip.Prefix]*rate.Limiter{}}
}

// allow takes a token from the client's bucket, reporting false when it
// is empty.
func (l *requestLimiter) allow(ip netip.Addr) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	return bucketOf(l.ips, ipKey(ip), l.r, l.burst, now).AllowN(now, 1)
}
