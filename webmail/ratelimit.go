package webmail

import (
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter counts failed sign-ins per client address and per account
// with token buckets. It lives in the process: behind several instances
// each one counts on its own, which still bounds guessing to a small
// multiple of the configured rate.
type loginLimiter struct {
	cfg LoginLimit
	now func() time.Time

	mu       sync.Mutex
	ips      map[netip.Prefix]*rate.Limiter
	accounts map[string]*rate.Limiter
}

// maxTracked bounds the memory of the limiter; past it, buckets that have
// refilled completely (and so say nothing) are forgotten.
const maxTracked = 10000

func newLoginLimiter(cfg LoginLimit, now func() time.Time) *loginLimiter {
	return &loginLimiter{cfg: cfg, now: now, ips: map[netip.Prefix]*rate.Limiter{}, accounts: map[string]*rate.Limiter{}}
}

// attempt is a sign-in that has taken one token from each bucket.
type attempt struct {
	l        *loginLimiter
	ip, acct *rate.Reservation
	at       time.Time
}

// begin takes a token from the client's and the account's buckets. It
// returns false, taking nothing, when either is empty.
func (l *loginLimiter) begin(ip netip.Addr, account string) (*attempt, bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	ipLim := bucketOf(l.ips, ipKey(ip), l.cfg.PerIP, l.cfg.IPBurst, now)
	acLim := bucketOf(l.accounts, strings.ToLower(account), l.cfg.PerAccount, l.cfg.AccountBurst, now)
	a := &attempt{l: l, at: now}
	a.ip = ipLim.ReserveN(now, 1)
	a.acct = acLim.ReserveN(now, 1)
	if !a.ip.OK() || !a.acct.OK() || a.ip.DelayFrom(now) > 0 || a.acct.DelayFrom(now) > 0 {
		a.ip.CancelAt(now)
		a.acct.CancelAt(now)
		return nil, false
	}
	return a, true
}

// succeeded gives the tokens back: only failures count, so the staff of an
// office behind one address can all sign in at eight in the morning.
func (a *attempt) succeeded() {
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	a.ip.CancelAt(a.at)
	a.acct.CancelAt(a.at)
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
