package webmail

import (
	"net/http"
	"testing"

	"github.com/pematangsiantar/webmail/testenv"
)

// BenchmarkDovecotLiveCounts is the cost of one poll of static/live.js
// (GET /mail/counts: one LIST-STATUS on the session's cached connection)
// against real Dovecot, for the choice of polling over IDLE in
// live_counts.go.
func BenchmarkDovecotLiveCounts(b *testing.B) {
	d := testenv.Dovecot(b)
	icfg := dovecotIMAP(b, d)
	e := newEnvAt(b, icfg)
	user := d.Users[0]
	br := e.browser()
	if p := br.signIn(user.Address, user.Password); p.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %d", p.StatusCode)
	}
	br.get("/mail/counts") // warm: the connection is cached
	b.ResetTimer()
	for b.Loop() {
		if p := br.get("/mail/counts"); p.StatusCode != http.StatusOK {
			b.Fatalf("counts: %d %s", p.StatusCode, p.Body)
		}
	}
}
