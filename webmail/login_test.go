package webmail

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/imapclient"
)

func TestLoginPage(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/login")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t,
		`<html lang="id">`,
		`name="username"`, `autocomplete="username"`,
		`name="password"`, `autocomplete="current-password"`,
		`>Nama pengguna</label>`, `>Kata sandi</label>`, `>Masuk</button>`,
		`name="csrf_token"`,
		`href="/login?lang=en"`, `>English</a>`,
		testHelpdesk,
	)
	p.mustNotContain(t, `role="alert"`, "<script>", "style=")
	if p.Header.Get("Set-Cookie") == "" {
		t.Error("the sign-in page sets no anonymous session cookie (login CSRF)")
	}
}

func TestLoginSuccessAndBareUserName(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	// A bare user name gets the city's domain.
	p := b.signIn("tatausaha", acctTU.Password)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
		t.Fatalf("sign-in: %d %q\n%s", p.StatusCode, p.location(), p.Body)
	}
	c := p.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(c, want) {
			t.Errorf("session cookie lacks %s: %s", want, c)
		}
	}
	if strings.Contains(c, acctTU.Password) || strings.Contains(c, "tatausaha") {
		t.Errorf("cookie is not encrypted: %s", c)
	}
	p = b.get("/mail")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("/mail: %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t, acctTU.Address, "Keluar")
	if !strings.Contains(e.logs.String(), "event=login") || !strings.Contains(e.logs.String(), "account="+acctTU.Address) {
		t.Errorf("no audit line for the sign-in:\n%s", e.logs.String())
	}
	if strings.Contains(e.logs.String(), acctTU.Password) {
		t.Error("the password is in the log")
	}
}

func TestLoginWrongPassword(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.signIn("tatausaha", "salah-sandi")
	if p.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, `role="alert"`, "Nama pengguna atau kata sandi salah.", testHelpdesk,
		`value="tatausaha"`)
	p.mustNotContain(t, "salah-sandi")
	logs := e.logs.String()
	if !strings.Contains(logs, "reason=wrong_password") || !strings.Contains(logs, "account="+acctTU.Address) || !strings.Contains(logs, "ip=127.0.0.1") {
		t.Errorf("no audit line for the failure:\n%s", logs)
	}
	if strings.Contains(logs, "salah-sandi") {
		t.Error("the password is in the log")
	}
	// English.
	b.get("/login?lang=en")
	p = b.signIn("tatausaha", "salah-sandi")
	p.mustContain(t, `<html lang="en">`, "Wrong username or password.", testHelpdesk)
}

func TestLoginMissingFields(t *testing.T) {
	e := newEnv(t)
	p := e.browser().signIn("tatausaha", "")
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, "Isi nama pengguna dan kata sandi.", `value="tatausaha"`)
}

func TestLoginServerUnreachable(t *testing.T) {
	e := newEnvAt(t, imapclient.Config{Addr: closedAddr(t), Security: imapclient.SecurityNone})
	p := e.browser().signIn("tatausaha", "apa-saja")
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, `role="alert"`, "Server surat tidak dapat dihubungi", testHelpdesk, `value="tatausaha"`)
	p.mustNotContain(t, "connection refused", "dial")
}

func TestLoginMustChangePassword(t *testing.T) {
	// Both ways a server says so, RFC 5530 [EXPIRED] (Dovecot) and
	// Zimbra's [ALERT] text, lead to the change page (password_test.go
	// has the whole flow); the wrong password still says wrong password.
	for _, how := range []demo.MustChange{demo.MustChangeExpired, demo.MustChangeZimbra} {
		e := newEnv(t)
		if err := e.backend.SetMustChange(acctTU.Address, how); err != nil {
			t.Fatal(err)
		}
		p := e.browser().signIn("tatausaha", acctTU.Password)
		if p.StatusCode != http.StatusSeeOther || p.location() != "/password/change" {
			t.Fatalf("must-change %d: %d %q\n%s", how, p.StatusCode, p.location(), p.Body)
		}
		if p := e.browser().signIn("tatausaha", "salah"); p.StatusCode != http.StatusUnauthorized {
			t.Errorf("must-change %d, wrong password: status %d", how, p.StatusCode)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *imapclient.Config) {
		c.LoginLimit = LoginLimit{PerIP: rate.Every(time.Hour), IPBurst: 6, PerAccount: rate.Every(time.Hour), AccountBurst: 3}
	})
	b := e.browser()
	for i := range 3 {
		if p := b.signIn("tatausaha", "salah"); p.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, p.StatusCode)
		}
	}
	// The account's bucket is empty: even the right password waits.
	p := b.signIn("tatausaha", acctTU.Password)
	if p.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th attempt: status %d", p.StatusCode)
	}
	p.mustContain(t, `role="alert"`, "Terlalu banyak percobaan masuk", testHelpdesk)
	if p.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Another account from the same address still works (successes do
	// not use up the address's bucket) ...
	b2 := e.browser()
	if p := b2.signIn(acctDisk.Address, acctDisk.Password); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("other account: status %d", p.StatusCode)
	}
	// ... until the address has failed IPBurst times in all.
	b3 := e.browser()
	for i := range 3 {
		if p := b3.signIn("orang-lain", "salah"); p.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d of other account: status %d", i+1, p.StatusCode)
		}
	}
	if p := e.browser().signIn(acctDisk.Address, acctDisk.Password); p.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after the address's failures: status %d", p.StatusCode)
	}
	if !strings.Contains(e.logs.String(), "reason=rate_limited") {
		t.Error("no audit line for the refusal")
	}
}

func TestLoginNextRedirect(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ next, want string }{
		{"/mail?folder=Sent", "/mail?folder=Sent"},
		{"//evil.example", "/mail"},
		{"/\\evil.example", "/mail"},
		{"https://evil.example/", "/mail"},
		{"javascript:alert(1)", "/mail"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"},
		{"\\\\evil.example", "/mail"},
		{"/mail\r\nSet-Cookie: x=y", "/mail"},
	} {
		b := e.browser()
		lp := b.get("/login?next=" + url.QueryEscape(tc.next))
		p := b.post("/login", url.Values{"username": {"tatausaha"}, "password": {acctTU.Password},
			"csrf_token": {lp.csrf(t)}, "next": {tc.next}})
		if p.StatusCode != http.StatusSeeOther || p.location() != tc.want {
			t.Errorf("next=%q: %d %q, want %q", tc.next, p.StatusCode, p.location(), tc.want)
		}
	}
}

func TestLoginWhenSignedInRedirects(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	if p := b.get("/login"); p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
		t.Errorf("/login when signed in: %d %q", p.StatusCode, p.location())
	}
}
