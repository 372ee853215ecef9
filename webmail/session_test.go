package webmail

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pematangsiantar/webmail/imapclient"
)

func TestCSRFMissing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/login")
	// Sign-in form without its token (login CSRF).
	p := b.post("/login", url.Values{"username": {"tatausaha"}, "password": {acctTU.Password}})
	if p.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, "Formulir kedaluwarsa, silakan coba lagi", `href="/login"`)
	// A wrong token.
	p = b.post("/login", url.Values{"username": {"tatausaha"}, "password": {acctTU.Password}, "csrf_token": {"x"}})
	if p.StatusCode != http.StatusForbidden {
		t.Fatalf("wrong token: status %d", p.StatusCode)
	}
	// Signed in: sign-out without a token is refused, in English too.
	b.mustSignIn(acctTU)
	b.get("/mail?lang=en")
	p = b.post("/logout", nil)
	if p.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without token: status %d", p.StatusCode)
	}
	p.mustContain(t, "The form has expired, please try again")
	if p := b.get("/mail"); p.StatusCode != http.StatusOK {
		t.Errorf("still signed in after the refused sign-out: %d", p.StatusCode)
	}
	// The header works as well as the field.
	tok := b.get("/mail").csrf(t)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/logout", nil)
	req.Header.Set("X-CSRF-Token", tok)
	if p := b.do(req); p.StatusCode != http.StatusSeeOther {
		t.Errorf("logout with header token: %d", p.StatusCode)
	}
}

func TestTamperedCookie(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	v := b.sessionCookie()
	// Flip a character in the middle of the value.
	i := len(v) / 2
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	b.setCookie(sessionCookie, v[:i]+string(c)+v[i+1:])
	p := b.get("/mail?folder=INBOX")
	if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/login") {
		t.Fatalf("tampered cookie: %d %q", p.StatusCode, p.location())
	}
	p = b.get(p.location())
	if p.StatusCode != http.StatusOK {
		t.Fatalf("login page: %d", p.StatusCode)
	}
	p.mustContain(t, "Sesi Anda tidak lagi berlaku, silakan masuk kembali.")
	// Garbage, and a cookie made with other keys.
	for _, bad := range []string{"garbage", "", strings.Repeat("A", 3000)} {
		b.setCookie(sessionCookie, bad)
		if p := b.get("/mail"); p.StatusCode >= 500 || p.StatusCode == http.StatusOK {
			t.Errorf("cookie %.10q: status %d", bad, p.StatusCode)
		}
		b.setCookie(sessionCookie, bad)
		if p := b.get("/login"); p.StatusCode != http.StatusOK {
			t.Errorf("login page with cookie %.10q: %d", bad, p.StatusCode)
		}
	}
	other := newEnv(t)
	ob := other.browser()
	ob.mustSignIn(acctTU)
	b.setCookie(sessionCookie, ob.sessionCookie())
	if p := b.get("/mail"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("cookie from other keys: %d", p.StatusCode)
	}
}

func TestKeyRotation(t *testing.T) {
	oldKey := testKeys()
	e1 := newEnv(t, func(c *Config, _ *imapclient.Config) { c.SessionKeys = []KeyPair{oldKey} })
	b := e1.browser()
	b.mustSignIn(acctTU)
	cookie := b.sessionCookie()
	// A new instance with a new key first and the old one second still
	// reads the old cookie.
	e2 := newEnv(t, func(c *Config, ic *imapclient.Config) {
		c.SessionKeys = []KeyPair{testKeys(), oldKey}
		ic.Addr = e1.backend.IMAPAddr
	})
	b2 := e2.browser()
	b2.setCookie(sessionCookie, cookie)
	if p := b2.get("/mail"); p.StatusCode != http.StatusOK {
		t.Fatalf("rotated keys: %d %s", p.StatusCode, p.location())
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	// Activity keeps the session alive; the cookie is re-issued at most
	// once a minute.
	e.clock.Add(20 * time.Minute)
	p := b.get("/mail")
	if p.StatusCode != http.StatusOK || p.Header.Get("Set-Cookie") == "" {
		t.Fatalf("after 20 min: %d, set-cookie %q", p.StatusCode, p.Header.Get("Set-Cookie"))
	}
	e.clock.Add(30 * time.Second)
	if p := b.get("/mail"); p.Header.Get("Set-Cookie") != "" {
		t.Errorf("cookie re-issued after 30 s")
	}
	e.clock.Add(25 * time.Minute) // 25.5 min since the last re-issue
	if p := b.get("/mail"); p.StatusCode != http.StatusOK {
		t.Fatalf("after 25 min idle: %d", p.StatusCode)
	}
	e.clock.Add(31 * time.Minute)
	p = b.get("/mail?folder=Sent&page=2")
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("after 31 min idle: %d", p.StatusCode)
	}
	want := "/login?next=" + url.QueryEscape("/mail?folder=Sent&page=2")
	if p.location() != want {
		t.Errorf("redirect to %q, want %q", p.location(), want)
	}
	p = b.get(p.location())
	p.mustContain(t, "Sesi Anda telah berakhir, silakan masuk kembali", `name="next" value="/mail?folder=Sent&amp;page=2"`)
	// Once: the message does not come back.
	b.get("/login").mustNotContain(t, "Sesi Anda telah berakhir")
}

func TestSessionMaxLifetime(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	for range 24 {
		e.clock.Add(29 * time.Minute)
		if p := b.get("/mail"); p.StatusCode != http.StatusOK {
			t.Fatalf("within the lifetime: %d", p.StatusCode)
		}
	}
	e.clock.Add(29 * time.Minute) // 12h05m after sign-in
	if p := b.get("/mail"); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("past the lifetime: %d", p.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	before := b.sessionCookie()
	tok := b.get("/mail").csrf(t)
	p := b.post("/logout", url.Values{"csrf_token": {tok}})
	if p.StatusCode != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("logout: %d %q", p.StatusCode, p.location())
	}
	after := b.sessionCookie()
	if after == before {
		t.Fatal("the session cookie was not replaced")
	}
	// The new cookie holds no account: decode it as the app would.
	st := newSessionStore(mustDefaults(t, e.cfg))
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: after})
	if s := st.read(req, e.clock.Now()); s.Account != "" || s.Password != "" || s.ID != "" {
		t.Errorf("the cookie still holds the account: %+v", s)
	}
	p = b.get("/login")
	p.mustContain(t, "Anda telah keluar")
	if p := b.get("/login"); strings.Contains(p.Body, "Anda telah keluar") {
		t.Error("the sign-out message shows twice")
	}
	if p := b.get("/mail"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("/mail after sign-out: %d", p.StatusCode)
	}
	if e.cache.Len() != 0 {
		t.Errorf("%d IMAP connections left after sign-out", e.cache.Len())
	}
	// English.
	b.mustSignIn(acctTU)
	b.get("/mail?lang=en")
	b.post("/logout", url.Values{"csrf_token": {b.get("/mail").csrf(t)}})
	b.get("/login").mustContain(t, "You have signed out.")
}

func mustDefaults(t *testing.T, c Config) Config {
	t.Helper()
	c, err := c.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPasswordChangedElsewhere(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	if err := e.backend.SetPassword(acctTU.Address, "sandi-baru-3"); err != nil {
		t.Fatal(err)
	}
	// The cached connection is still logged in; a new instance (or a
	// dropped connection) has to log in again and fails.
	e.cache.Drop(sessionIDOf(t, e, b))
	p := b.get("/mail")
	if p.StatusCode != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("after password change: %d %q\n%s", p.StatusCode, p.location(), p.Body)
	}
	b.get("/login").mustContain(t, `role="alert"`, "tidak lagi diterima server surat", testHelpdesk)
}

// sessionIDOf decodes the browser's session id.
func sessionIDOf(t *testing.T, e *env, b *browser) string {
	t.Helper()
	st := newSessionStore(mustDefaults(t, e.cfg))
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: b.sessionCookie()})
	s := st.read(req, e.clock.Now())
	if s.ID == "" {
		t.Fatal("no session id")
	}
	return s.ID
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/mail", "/mail"},
		{"/mail/message?folder=INBOX&uid=3", "/mail/message?folder=INBOX&uid=3"},
		{"", ""},
		{"mail", ""},
		{"//evil.example", ""},
		{"/\\evil.example", ""},
		{"/a\\b", ""},
		{"https://evil.example", ""},
		{"javascript:alert(1)", ""},
		{"/\t/evil.example", ""},
		{"/ok\n", ""},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
