package webmail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/testenv"
	"github.com/pematangsiantar/webmail/webmail/password"
)

// Passwords of the tests: strongPassword passes the policy (zxcvbn 4);
// the default is what the official letter handed out.
const (
	strongPassword  = "Gerimis-Kopi-Horas-1987"
	strongPassword2 = "Sabtu pagi di Danau Toba"
	letterDefault   = "Siantar2022!"
)

// withDemoDriver makes the demo backend the password-change driver, as
// `webmail demo` does.
func withDemoDriver(b *demo.Backend) []envOption {
	return []envOption{func(c *Config, _ *imapclient.Config) { c.Password = b }}
}

// withChanger sets another driver (the typed-error tests).
func withChanger(ch password.Changer) envOption {
	return func(c *Config, _ *imapclient.Config) { c.Password = ch }
}

// forcedEnv is an app with the demo driver in which acctTU must change its
// password because the server says so ([EXPIRED]).
func forcedEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := newEnvWith(t, withDemoDriver, opts...)
	if err := e.backend.SetMustChange(acctTU.Address, demo.MustChangeExpired); err != nil {
		t.Fatal(err)
	}
	return e
}

// mustBePending signs in and expects the forced change page.
func (b *browser) mustBePending(user, pass string) *page {
	b.e.t.Helper()
	p := b.signIn(user, pass)
	if p.StatusCode != http.StatusSeeOther || p.location() != passwordChangePath {
		b.e.t.Fatalf("sign-in that must change the password: %d %q, want 303 %s\n%s", p.StatusCode, p.location(), passwordChangePath, p.Body)
	}
	return p
}

// changeForm posts the change form of path (the forced page or settings).
func (b *browser) changeForm(path, old, new, confirm string) *page {
	b.e.t.Helper()
	form := b.get(path)
	if form.StatusCode != http.StatusOK {
		b.e.t.Fatalf("GET %s: %d %q\n%s", path, form.StatusCode, form.location(), form.Body)
	}
	return b.post(path, url.Values{"csrf_token": {form.csrf(b.e.t)}, "old_password": {old},
		"new_password": {new}, "confirm_password": {confirm}})
}

// setCookieOf returns the response's Set-Cookie header for name.
func setCookieOf(p *page, name string) string {
	for _, v := range p.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v
		}
	}
	return ""
}

// noPasswordsIn fails when any of the passwords is in the page or the log.
func noPasswordsIn(t *testing.T, e *env, p *page, passwords ...string) {
	t.Helper()
	for _, pw := range passwords {
		if p != nil && strings.Contains(p.Body, pw) {
			t.Errorf("the page shows the password %q", pw)
		}
		if strings.Contains(e.logs.String(), pw) {
			t.Errorf("the log holds the password %q", pw)
		}
	}
}

func TestPasswordForcedByServer(t *testing.T) {
	// Both ways a server refuses a password that must be changed:
	// RFC 5530 [EXPIRED] (Dovecot) and Zimbra's [ALERT] text.
	for _, how := range []demo.MustChange{demo.MustChangeExpired, demo.MustChangeZimbra} {
		t.Run(fmt.Sprint(how), func(t *testing.T) {
			e := newEnvWith(t, withDemoDriver)
			if err := e.backend.SetMustChange(acctTU.Address, how); err != nil {
				t.Fatal(err)
			}
			b := e.browser()
			p := b.mustBePending("tatausaha", acctTU.Password)

			// The pending cookie: its own name, only for /password,
			// short-lived, not readable by scripts, encrypted.
			ck := setCookieOf(p, pendingCookie)
			for _, want := range []string{"Path=/password;", "Max-Age=600", "HttpOnly", "SameSite=Strict"} {
				if !strings.Contains(ck+";", want) {
					t.Errorf("pending cookie lacks %s: %s", want, ck)
				}
			}
			if strings.Contains(ck, "Secure") {
				t.Errorf("pending cookie is Secure over plain HTTP: %s", ck)
			}
			if strings.Contains(ck, acctTU.Password) || strings.Contains(ck, "tatausaha") {
				t.Errorf("pending cookie is not encrypted: %s", ck)
			}
			// No mail session, no IMAP connection kept.
			if e.cache.Len() != 0 {
				t.Errorf("%d IMAP connections cached for a sign-in that must change its password", e.cache.Len())
			}
			if p := b.get("/mail"); p.StatusCode != http.StatusSeeOther || p.location() != passwordChangePath {
				t.Errorf("/mail while the change is pending: %d %q", p.StatusCode, p.location())
			}
			logs := e.logs.String()
			if !strings.Contains(logs, "event=password_change_required reason=expired account="+acctTU.Address+" ip=127.0.0.1") {
				t.Errorf("no audit line for the required change:\n%s", logs)
			}

			// The change page.
			cp := b.get(passwordChangePath)
			if cp.StatusCode != http.StatusOK {
				t.Fatalf("change page: %d\n%s", cp.StatusCode, cp.Body)
			}
			cp.mustContain(t,
				"<title>Ubah Kata Sandi · ", "<h1>Ubah Kata Sandi</h1>", acctTU.Address,
				"Server surat meminta kata sandi Anda diganti",
				`name="username" value="`+acctTU.Address+`" autocomplete="username"`,
				`name="old_password" type="password" autocomplete="current-password"`,
				`name="new_password" type="password" autocomplete="new-password"`,
				`name="confirm_password" type="password" autocomplete="new-password"`,
				`>Kata sandi lama</label>`, `>Kata sandi baru</label>`, `>Ulangi kata sandi baru</label>`,
				`<button type="submit">Ubah Kata Sandi</button>`,
				`action="/logout"`, `>Keluar</button>`,
				`<meter`, `password.js`,
			)
			cp.mustNotContain(t, acctTU.Password, "<script>", "style=", `details class="usermenu"`)
			if csp := cp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "script-src 'self';") {
				t.Errorf("CSP of the change page: %s", csp)
			}

			// A good new password: signed in, in the inbox, with the
			// flash; the old password no longer works, the new one does.
			p = b.changeForm(passwordChangePath, acctTU.Password, strongPassword, strongPassword)
			if p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
				t.Fatalf("change: %d %q\n%s", p.StatusCode, p.location(), p.Body)
			}
			if ck := setCookieOf(p, pendingCookie); !strings.Contains(ck, "Max-Age=0") {
				t.Errorf("the pending cookie is not deleted after the change: %q", ck)
			}
			inbox := b.get("/mail")
			if inbox.StatusCode != http.StatusOK {
				t.Fatalf("/mail after the change: %d %q", inbox.StatusCode, inbox.location())
			}
			inbox.mustContain(t, "Kotak Masuk", "Kata sandi berhasil diubah.", acctTU.Address)
			b.get("/mail").mustNotContain(t, "Kata sandi berhasil diubah.")
			if !e.backend.CheckPassword(acctTU.Address, strongPassword) {
				t.Error("the backend does not have the new password")
			}
			if p := e.browser().signIn("tatausaha", acctTU.Password); p.StatusCode != http.StatusUnauthorized {
				t.Errorf("the old password still signs in: %d %q", p.StatusCode, p.location())
			}
			if p := e.browser().signIn("tatausaha", strongPassword); p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
				t.Errorf("the new password does not sign in: %d %q", p.StatusCode, p.location())
			}
			logs = e.logs.String()
			if !strings.Contains(logs, "event=password_changed flow=forced account="+acctTU.Address) {
				t.Errorf("no audit line for the change:\n%s", logs)
			}
			noPasswordsIn(t, e, nil, acctTU.Password, strongPassword)
		})
	}
}

func TestPasswordForcedDefault(t *testing.T) {
	defaults, err := password.NewDefaults(map[string]string{acctTU.Address: letterDefault})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, withDemoDriver, func(c *Config, _ *imapclient.Config) { c.Defaults = defaults })
	if err := e.backend.SetPassword(acctTU.Address, letterDefault); err != nil {
		t.Fatal(err)
	}
	// A wrong password is just wrong.
	if p := e.browser().signIn("tatausaha", "salah-sandi"); p.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", p.StatusCode)
	}
	// An account without a default signs in as before.
	e.browser().mustSignIn(acctDisk)

	b := e.browser()
	b.mustBePending("tatausaha", letterDefault)
	if e.cache.Len() != 1 { // acctDisk's only: the default sign-in's connection was dropped
		t.Errorf("%d cached IMAP connections, want 1", e.cache.Len())
	}
	cp := b.get(passwordChangePath)
	cp.mustContain(t, "Anda masih memakai kata sandi bawaan dari surat dinas. Demi keamanan, ganti sekarang.")
	if !strings.Contains(e.logs.String(), "event=password_change_required reason=default account="+acctTU.Address) {
		t.Errorf("no audit line:\n%s", e.logs.String())
	}
	// The default again is refused, as the default (and the old password).
	p := b.changeForm(passwordChangePath, letterDefault, letterDefault, letterDefault)
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("default as the new password: %d", p.StatusCode)
	}
	p.mustContain(t, "tidak boleh sama dengan kata sandi bawaan", "harus berbeda dari kata sandi lama")
	// A good one: signed in. Once changed it no longer matches the
	// default, so the next sign-in goes straight to the mail.
	if p := b.changeForm(passwordChangePath, letterDefault, strongPassword, strongPassword); p.location() != "/mail" {
		t.Fatalf("change: %d %q\n%s", p.StatusCode, p.location(), p.Body)
	}
	e.browser().mustSignIn(demo.Account{Address: acctTU.Address, Password: strongPassword})
	noPasswordsIn(t, e, nil, letterDefault, strongPassword)
}

// detector is a Detector of the test: the directory's verdict per account.
type detector struct {
	mustChange map[string]bool
	calls      atomic.Int32

	mu  sync.Mutex
	err error
}

func (d *detector) MustChange(_ context.Context, account, _ string) (bool, error) {
	d.calls.Add(1)
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mustChange[account], d.err
}

func (d *detector) fail(err error) {
	d.mu.Lock()
	d.err = err
	d.mu.Unlock()
}

func TestPasswordForcedByDetector(t *testing.T) {
	det := &detector{mustChange: map[string]bool{acctTU.Address: true}}
	e := newEnvWith(t, withDemoDriver, func(c *Config, _ *imapclient.Config) { c.Detector = det })
	// A wrong password never reaches the detector.
	e.browser().signIn("tatausaha", "salah")
	if n := det.calls.Load(); n != 0 {
		t.Errorf("detector asked %d times for a wrong password", n)
	}
	e.browser().mustSignIn(acctDisk)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	b.get(passwordChangePath).mustContain(t, "baru saja diatur ulang oleh administrator")
	if !strings.Contains(e.logs.String(), "event=password_change_required reason=ldap account="+acctTU.Address) {
		t.Errorf("no audit line:\n%s", e.logs.String())
	}
	if p := b.changeForm(passwordChangePath, acctTU.Password, strongPassword, strongPassword); p.location() != "/mail" {
		t.Fatalf("change: %d %q\n%s", p.StatusCode, p.location(), p.Body)
	}

	// A detector that fails keeps the door shut.
	det.fail(errors.New("ldap: connection refused"))
	p := e.browser().signIn(acctDisk.Address, acctDisk.Password)
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("detector failing: %d %q", p.StatusCode, p.location())
	}
	p.mustContain(t, `role="alert"`, "Server surat tidak dapat dihubungi")
	p.mustNotContain(t, "ldap", "connection refused")
}

func TestPasswordWrongOld(t *testing.T) {
	e := forcedEnv(t)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	p := b.changeForm(passwordChangePath, "bukan-sandi-lama", strongPassword, strongPassword)
	if p.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong old password: %d", p.StatusCode)
	}
	p.mustContain(t, `role="alert"`, "Kata sandi lama salah.", `name="old_password"`)
	noPasswordsIn(t, e, p, "bukan-sandi-lama", strongPassword, acctTU.Password)
	if !e.backend.CheckPassword(acctTU.Address, acctTU.Password) {
		t.Error("the password was changed")
	}
	if !strings.Contains(e.logs.String(), "event=password_change_failed reason=wrong_old_password flow=forced account="+acctTU.Address) {
		t.Errorf("no audit line:\n%s", e.logs.String())
	}
	// Still pending: the form again.
	if p := b.get("/mail"); p.location() != passwordChangePath {
		t.Errorf("/mail after a failed change: %d %q", p.StatusCode, p.location())
	}
	// In English.
	b.get(passwordChangePath + "?lang=en")
	p = b.changeForm(passwordChangePath, "bukan-sandi-lama", strongPassword, strongPassword)
	p.mustContain(t, `<html lang="en">`, "<title>Change password · ", "The old password is wrong.", ">Old password</label>",
		">New password</label>", ">Repeat the new password</label>")
}

func TestPasswordPolicyViolations(t *testing.T) {
	defaults, err := password.NewDefaults(map[string]string{acctTU.Address: letterDefault})
	if err != nil {
		t.Fatal(err)
	}
	e := forcedEnv(t, func(c *Config, _ *imapclient.Config) {
		c.Defaults = defaults
		c.Policy = password.Policy{MinLength: 12}
	})
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	for _, tc := range []struct {
		name, new, confirm string
		want               []string
	}{
		{"mismatch", strongPassword, strongPassword2, []string{"Ulangan kata sandi baru tidak sama"}},
		{"too short", "Kopi-7a", "Kopi-7a", []string{"terlalu pendek: minimal 12 karakter"}},
		{"same as old", acctTU.Password, acctTU.Password, []string{"harus berbeda dari kata sandi lama"}},
		{"same as default", letterDefault, letterDefault, []string{"tidak boleh sama dengan kata sandi bawaan"}},
		{"contains user", "TataUsaha-Gerimis-Kopi-88", "TataUsaha-Gerimis-Kopi-88", []string{"tidak boleh memuat nama pengguna"}},
		{"too weak", "password1234", "password1234", []string{"terlalu mudah ditebak"}},
		{"all at once", "tatausaha", "x", []string{"Ulangan kata sandi baru tidak sama", "minimal 12 karakter",
			"tidak boleh memuat nama pengguna", "terlalu mudah ditebak", "<li>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := b.changeForm(passwordChangePath, acctTU.Password, tc.new, tc.confirm)
			if p.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", p.StatusCode)
			}
			p.mustContain(t, append([]string{`role="alert"`}, tc.want...)...)
			// The fields come back empty: no password in the page.
			noPasswordsIn(t, e, p, acctTU.Password)
			for _, pw := range []string{tc.new, tc.confirm} {
				if len(pw) >= 6 && !strings.Contains(acctTU.Address, pw) {
					noPasswordsIn(t, e, p, pw)
				}
			}
			if regexp.MustCompile(`type="password"[^>]* value="[^"]`).MatchString(p.Body) {
				t.Error("a password field is filled in")
			}
		})
	}
	if !e.backend.CheckPassword(acctTU.Address, acctTU.Password) {
		t.Error("the password was changed")
	}
	if !strings.Contains(e.logs.String(), "reason=policy rules=mismatch,min_length,contains_user,too_weak") {
		t.Errorf("no audit line with the rules:\n%s", e.logs.String())
	}
	// Policy refusals do not use up the sign-in limits: still allowed.
	if p := b.changeForm(passwordChangePath, acctTU.Password, strongPassword, strongPassword); p.location() != "/mail" {
		t.Fatalf("change after the refusals: %d %q\n%s", p.StatusCode, p.location(), p.Body)
	}
}

// changer is a password.Changer of the test that answers with the error
// it is set to.
type changer struct {
	mu  sync.Mutex
	err error
}

func (c *changer) Change(context.Context, string, string, string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *changer) set(err error) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

func TestPasswordBackendErrors(t *testing.T) {
	ch := &changer{}
	e := newEnv(t, withChanger(ch))
	b := e.browser()
	b.mustSignIn(acctTU)
	for _, tc := range []struct {
		err      error
		status   int
		want     string
		helpdesk bool
	}{
		{fmt.Errorf("zimbra: account.AUTH_FAILED: %w", password.ErrWrongPassword), http.StatusUnauthorized, "Kata sandi lama salah.", false},
		{&password.PolicyError{Rule: password.RuleMinLength, Min: 14, Detail: "zimbraPasswordMinLength"}, http.StatusUnprocessableEntity, "minimal 14 karakter", false},
		{&password.PolicyError{Rule: password.RuleBackend, Detail: "zimbraPasswordMinDigitsOrPuncs"}, http.StatusUnprocessableEntity, "tidak memenuhi kebijakan server surat", true},
		{&password.PolicyError{Rule: "something_new"}, http.StatusUnprocessableEntity, "tidak memenuhi kebijakan server surat", true},
		{password.ErrRecentlyUsed, http.StatusUnprocessableEntity, "sudah pernah Anda pakai", false},
		{password.ErrTooSoon, http.StatusUnprocessableEntity, "belum boleh diganti lagi", true},
		{password.ErrLocked, http.StatusForbidden, "tidak dapat Anda ganti sendiri", true},
		{password.ErrHelpdesk, http.StatusForbidden, "hanya dapat diganti oleh helpdesk", true},
		{fmt.Errorf("soap: dial tcp: %w", password.ErrUnavailable), http.StatusServiceUnavailable, "Server kata sandi tidak dapat dihubungi", true},
		{errors.New("soap: unexpected fault service.FAILURE"), http.StatusBadGateway, "karena kendala di server", true},
	} {
		ch.set(tc.err)
		p := b.changeForm(settingsPasswordPath, acctTU.Password, strongPassword, strongPassword)
		if p.StatusCode != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, p.StatusCode, tc.status)
		}
		p.mustContain(t, `role="alert"`, tc.want)
		p.mustNotContain(t, "zimbra", "soap", "FAILURE", strongPassword)
		if got := strings.Contains(p.Body, testHelpdesk); got != tc.helpdesk {
			t.Errorf("%v: helpdesk shown %v, want %v", tc.err, got, tc.helpdesk)
		}
	}
	// The session is unchanged.
	if p := b.get("/mail"); p.StatusCode != http.StatusOK {
		t.Errorf("/mail after the refusals: %d", p.StatusCode)
	}
	for _, reason := range []string{"wrong_old_password", "backend_policy", "recently_used", "too_soon", "locked", "helpdesk", "unavailable", "reason=error"} {
		if !strings.Contains(e.logs.String(), reason) {
			t.Errorf("no audit line with %s", reason)
		}
	}
}

// TestPasswordEveryRouteRedirects walks the route table: while a change is
// pending, every route that is not public leads to the change page. A
// route added later without the check fails here.
func TestPasswordEveryRouteRedirects(t *testing.T) {
	e := forcedEnv(t)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	tok := b.get(passwordChangePath).csrf(t)
	public := map[string]bool{
		"/healthz": true, "/static/:hash/*": true,
		"/login": true, "/logout": true,
		passwordChangePath: true, pendingPath + "/strength": true,
	}
	seen := map[string]bool{}
	checked := 0
	for _, r := range e.app.Routes() {
		if public[r.Path] {
			continue
		}
		method := r.Method
		if method == echo.RouteNotFound {
			method = http.MethodGet // a group's catch-all
		}
		path := regexp.MustCompile(`:[^/]+`).ReplaceAllString(r.Path, "x")
		path = strings.ReplaceAll(path, "*", "x")
		if path == "" {
			path = "/"
		}
		var p *page
		if method == http.MethodGet {
			p = b.get(path)
		} else {
			req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(url.Values{"csrf_token": {tok}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			p = b.do(req)
		}
		if p.StatusCode != http.StatusSeeOther || p.location() != passwordChangePath {
			t.Errorf("%s %s (route %s %s) while a change is pending: %d %q, want 303 %s",
				method, path, r.Method, r.Path, p.StatusCode, p.location(), passwordChangePath)
		}
		seen[r.Method+" "+r.Path] = true
		checked++
	}
	for _, want := range []string{"GET /", "GET /mail", "GET /mail/message", "GET /mail/body", "GET /mail/part",
		"GET /compose", "POST /compose", "GET /settings/password", "POST /settings/password"} {
		if !seen[want] {
			t.Errorf("route %s was not checked (routes: %v)", want, seen)
		}
	}
	t.Logf("%d routes lead to the change page", checked)
	// The public ones are still reachable.
	if p := b.get("/healthz"); p.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", p.StatusCode)
	}
	lp := b.get("/login")
	if lp.StatusCode != http.StatusOK {
		t.Fatalf("/login while pending: %d %q", lp.StatusCode, lp.location())
	}
	lp.mustContain(t, `href="/password/change"`, "Lanjutkan mengganti kata sandi")
	if css := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(lp.Body); css == nil {
		t.Error("no stylesheet on the sign-in page")
	} else if p := b.get(css[1]); p.StatusCode != http.StatusOK {
		t.Errorf("static file while pending: %d", p.StatusCode)
	}
	// And nothing of the mailbox was ever served.
	if e.cache.Len() != 0 {
		t.Errorf("%d IMAP connections while pending", e.cache.Len())
	}
	// Signing in as someone else is possible, and that session wins.
	b.mustSignIn(acctDisk)
	if p := b.get("/mail"); p.StatusCode != http.StatusOK {
		t.Errorf("/mail signed in as another account: %d %q", p.StatusCode, p.location())
	}
}

func TestPasswordSignOutFromChangePage(t *testing.T) {
	e := forcedEnv(t)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	cp := b.get(passwordChangePath)
	p := b.post("/logout", url.Values{"csrf_token": {cp.csrf(t)}})
	if p.StatusCode != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("sign-out: %d %q", p.StatusCode, p.location())
	}
	ck := setCookieOf(p, pendingCookie)
	if !strings.Contains(ck, "Max-Age=0") || !strings.Contains(ck, "Path=/password") {
		t.Errorf("sign-out does not delete the pending cookie: %q", ck)
	}
	b.get("/login").mustContain(t, "Anda telah keluar.")
	// Nothing is pending any more: the sign-in page, not the change page.
	if p := b.get("/mail"); !strings.HasPrefix(p.location(), "/login") {
		t.Errorf("/mail after sign-out: %d %q", p.StatusCode, p.location())
	}
	if p := b.get(passwordChangePath); p.location() != "/login" {
		t.Errorf("change page after sign-out: %d %q", p.StatusCode, p.location())
	}
}

func TestPasswordPendingExpires(t *testing.T) {
	e := forcedEnv(t)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	e.clock.Add(pendingLifetime + time.Second)
	if p := b.get("/mail"); !strings.HasPrefix(p.location(), "/login") {
		t.Errorf("/mail after the pending change expired: %d %q", p.StatusCode, p.location())
	}
	p := b.get(passwordChangePath)
	if p.location() != "/login" {
		t.Fatalf("change page after it expired: %d %q", p.StatusCode, p.location())
	}
	b.get("/login").mustContain(t, "Waktu untuk mengganti kata sandi sudah habis")
}

func TestPasswordSessionWinsOverStalePending(t *testing.T) {
	e := forcedEnv(t)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	// A pending cookie left over: copy it, sign in as another account
	// (which deletes it), and put it back.
	u, _ := url.Parse(e.srv.URL + pendingPath + "/")
	var stale *http.Cookie
	for _, c := range b.jar.Cookies(u) {
		if c.Name == pendingCookie {
			stale = c
		}
	}
	if stale == nil {
		t.Fatal("no pending cookie in the jar")
	}
	b.mustSignIn(acctDisk)
	b.jar.SetCookies(u, []*http.Cookie{{Name: pendingCookie, Value: stale.Value, Path: pendingPath}})
	if p := b.get("/mail"); p.StatusCode != http.StatusOK {
		t.Errorf("/mail with a session and a stale pending cookie: %d %q", p.StatusCode, p.location())
	}
	p := b.get(passwordChangePath)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
		t.Errorf("change page with a session: %d %q", p.StatusCode, p.location())
	}
	if ck := setCookieOf(p, pendingCookie); !strings.Contains(ck, "Max-Age=0") {
		t.Errorf("the stale pending cookie is not deleted: %q", ck)
	}
}

func TestPasswordTamperedPending(t *testing.T) {
	e := forcedEnv(t)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	u, _ := url.Parse(e.srv.URL + pendingPath + "/")
	b.jar.SetCookies(u, []*http.Cookie{{Name: pendingCookie, Value: "dGFtcGVyZWQ", Path: pendingPath}})
	if p := b.get(passwordChangePath); p.location() != "/login" {
		t.Errorf("tampered pending cookie: %d %q", p.StatusCode, p.location())
	}
}

func TestPasswordCSRF(t *testing.T) {
	e := forcedEnv(t)
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	p := b.post(passwordChangePath, url.Values{"old_password": {acctTU.Password}, "new_password": {strongPassword},
		"confirm_password": {strongPassword}})
	if p.StatusCode != http.StatusForbidden {
		t.Errorf("change without a CSRF token: %d", p.StatusCode)
	}
	if !e.backend.CheckPassword(acctTU.Address, acctTU.Password) {
		t.Error("the password was changed without a CSRF token")
	}
}

func TestPasswordNewPasswordNotYetAccepted(t *testing.T) {
	// A backend that takes the new password but whose IMAP still wants a
	// change (replication lag): the user is told, not sent round again.
	e := newEnvWith(t, func(b *demo.Backend) []envOption {
		return []envOption{withChanger(&laggingBackend{b: b})}
	})
	if err := e.backend.SetMustChange(acctTU.Address, demo.MustChangeExpired); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	p := b.changeForm(passwordChangePath, acctTU.Password, strongPassword, strongPassword)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("change: %d %q", p.StatusCode, p.location())
	}
	b.get("/login").mustContain(t, `role="alert"`, "Kata sandi sudah diubah, tetapi server surat belum menerimanya")
	if p := b.get("/mail"); !strings.HasPrefix(p.location(), "/login") {
		t.Errorf("/mail afterwards: %d %q (want the sign-in page, no loop)", p.StatusCode, p.location())
	}
}

// laggingBackend changes the demo password but leaves the account refused
// as expired, like a backend whose IMAP side has not caught up.
type laggingBackend struct{ b *demo.Backend }

func (l *laggingBackend) Change(ctx context.Context, account, old, new string) error {
	if err := l.b.Change(ctx, account, old, new); err != nil {
		return err
	}
	return l.b.SetMustChange(account, demo.MustChangeExpired)
}

func TestPasswordNotAvailable(t *testing.T) {
	e := newEnv(t) // no driver
	if err := e.backend.SetMustChange(acctTU.Address, demo.MustChangeZimbra); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	p := b.get(passwordChangePath)
	p.mustContain(t, "<h1>Ubah Kata Sandi</h1>", `role="alert"`, "penggantian belum tersedia di webmail ini", testHelpdesk,
		`action="/logout"`)
	p.mustNotContain(t, `name="new_password"`)
	p = b.post(passwordChangePath, url.Values{"csrf_token": {p.csrf(t)}, "old_password": {acctTU.Password},
		"new_password": {strongPassword}, "confirm_password": {strongPassword}})
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("POST without a driver: %d", p.StatusCode)
	}
	// Settings: the same.
	b2 := e.browser()
	b2.mustSignIn(acctDisk)
	p = b2.get(settingsPasswordPath)
	p.mustContain(t, "Penggantian kata sandi belum tersedia di webmail ini", testHelpdesk)
	p.mustNotContain(t, `name="new_password"`)
}

func TestPasswordSettingsChange(t *testing.T) {
	e := newEnvWith(t, withDemoDriver)
	b1, b2 := e.browser(), e.browser()
	b1.mustSignIn(acctTU)
	b2.mustSignIn(acctTU)
	if p := b2.get("/mail"); p.StatusCode != http.StatusOK {
		t.Fatalf("second browser: %d", p.StatusCode)
	}
	// The user menu links to the settings page.
	inbox := b1.get("/mail")
	inbox.mustContain(t, `href="/settings/password"`, ">Ubah kata sandi</a>")
	before, beforeID := b1.sessionCookie(), sessionIDOf(t, e, b1)

	sp := b1.get(settingsPasswordPath)
	sp.mustContain(t, "<h1>Ubah Kata Sandi</h1>", acctTU.Address, `autocomplete="current-password"`, `autocomplete="new-password"`,
		`details class="usermenu"`, `href="/mail"`)
	sp.mustNotContain(t, "password-reason")

	// The wrong old password.
	p := b1.changeForm(settingsPasswordPath, "bukan-sandi-lama", strongPassword, strongPassword)
	if p.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong old password: %d", p.StatusCode)
	}
	p.mustContain(t, "Kata sandi lama salah.")
	// A policy violation.
	p = b1.changeForm(settingsPasswordPath, acctTU.Password, "pendek", "pendek")
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", p.StatusCode)
	}
	p.mustContain(t, "minimal 10 karakter")

	// The change: a new cookie with a new session id and the new
	// password, the inbox with the flash.
	p = b1.changeForm(settingsPasswordPath, acctTU.Password, strongPassword, strongPassword)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
		t.Fatalf("change: %d %q\n%s", p.StatusCode, p.location(), p.Body)
	}
	if b1.sessionCookie() == before || sessionIDOf(t, e, b1) == beforeID {
		t.Error("the session cookie was not re-issued with a new session id")
	}
	b1.get("/mail").mustContain(t, "Kata sandi berhasil diubah.", "Kotak Masuk")
	if p := b1.get("/mail?folder=Sent"); p.StatusCode != http.StatusOK {
		t.Errorf("/mail after the change: %d", p.StatusCode)
	}
	// The other browser's session is over: its password no longer works.
	p = b2.get("/mail")
	if p.StatusCode != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("other session after the change: %d %q", p.StatusCode, p.location())
	}
	b2.get("/login").mustContain(t, `role="alert"`, "Sesi Anda berakhir")
	if p := e.browser().signIn("tatausaha", acctTU.Password); p.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password still signs in: %d", p.StatusCode)
	}
	if !strings.Contains(e.logs.String(), "event=password_changed flow=settings account="+acctTU.Address) {
		t.Errorf("no audit line:\n%s", e.logs.String())
	}
	noPasswordsIn(t, e, nil, acctTU.Password, strongPassword, "bukan-sandi-lama")
}

func TestPasswordRateLimit(t *testing.T) {
	e := forcedEnv(t, func(c *Config, _ *imapclient.Config) {
		c.LoginLimit = LoginLimit{PerIP: rate.Every(time.Minute), IPBurst: 10, PerAccount: rate.Every(2 * time.Minute), AccountBurst: 3}
	})
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	for i := range 3 {
		if p := b.changeForm(passwordChangePath, "tebakan-"+strconv.Itoa(i), strongPassword, strongPassword); p.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, p.StatusCode)
		}
	}
	// Even the right old password now waits.
	p := b.changeForm(passwordChangePath, acctTU.Password, strongPassword, strongPassword)
	if p.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 3 wrong guesses: %d", p.StatusCode)
	}
	p.mustContain(t, `role="alert"`, "Terlalu banyak percobaan, coba lagi dalam 2 menit.")
	if ra := p.Header.Get("Retry-After"); ra != "120" {
		t.Errorf("Retry-After = %q, want 120", ra)
	}
	if !strings.Contains(e.logs.String(), "event=password_change_failed reason=rate_limited") {
		t.Error("no audit line for the refusal")
	}
	// Sign-in and change share the buckets: the same secret behind two doors.
	if p := e.browser().signIn("tatausaha", acctTU.Password); p.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sign-in after the failed changes: %d", p.StatusCode)
	}
	// Time refills the bucket.
	e.clock.Add(2 * time.Minute)
	if p := b.changeForm(passwordChangePath, acctTU.Password, strongPassword, strongPassword); p.location() != "/mail" {
		t.Errorf("change after waiting: %d %q", p.StatusCode, p.location())
	}
}

func TestPasswordStrength(t *testing.T) {
	e := forcedEnv(t)
	ask := func(b *browser, tok, pw string) (*page, strengthJSON) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+pendingPath+"/strength", strings.NewReader(url.Values{"password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(csrfHeader, tok)
		req.Header.Set(echo.HeaderXRequestedWith, "XMLHttpRequest")
		p := b.do(req)
		var r strengthJSON
		if p.StatusCode == http.StatusOK {
			if err := json.Unmarshal([]byte(p.Body), &r); err != nil {
				t.Fatalf("%v: %s", err, p.Body)
			}
		}
		return p, r
	}
	// From the forced change page.
	b := e.browser()
	b.mustBePending("tatausaha", acctTU.Password)
	tok := b.get(passwordChangePath).csrf(t)
	if p, r := ask(b, tok, "password123"); p.StatusCode != http.StatusOK || r.Score > 1 || r.Enough || r.Label == "" {
		t.Errorf("weak: %d %+v", p.StatusCode, r)
	}
	if _, r := ask(b, tok, strongPassword); r.Score != 4 || !r.Enough || r.Label != "Sangat kuat" {
		t.Errorf("strong: %+v", r)
	}
	if p, _ := ask(b, "", "x"); p.StatusCode != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", p.StatusCode)
	}
	// From the settings page, in English.
	b2 := e.browser()
	b2.mustSignIn(acctDisk)
	b2.get("/mail?lang=en")
	tok2 := b2.get(settingsPasswordPath).csrf(t)
	if _, r := ask(b2, tok2, strongPassword); r.Label != "Very strong" {
		t.Errorf("English label: %+v", r)
	}
	// Nobody else.
	b3 := e.browser()
	tok3 := b3.get("/login").csrf(t)
	if p, _ := ask(b3, tok3, strongPassword); p.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a session or a pending change: %d", p.StatusCode)
	}
	// Generous, but bounded.
	limited := false
	for range strengthBurst + 5 {
		if p, _ := ask(b, tok, "abc"); p.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("the strength endpoint is not rate limited")
	}
	noPasswordsIn(t, e, nil, strongPassword)
}

func TestPasswordPendingCookieSecureUnderHTTPS(t *testing.T) {
	e := forcedEnv(t, func(c *Config, _ *imapclient.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	// Behind a TLS-terminating proxy; by hand, since a cookie jar keeps
	// Secure cookies from a plain-HTTP URL.
	send := func(method, path, cookie string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	lp := send(http.MethodGet, "/login", "", nil)
	body, _ := io.ReadAll(lp.Body)
	tok := reCSRF.FindStringSubmatch(string(body))
	if tok == nil || len(lp.Cookies()) == 0 {
		t.Fatal("no sign-in form")
	}
	resp := send(http.MethodPost, "/login", lp.Cookies()[0].Name+"="+lp.Cookies()[0].Value,
		url.Values{"username": {"tatausaha"}, "password": {acctTU.Password}, "csrf_token": {tok[1]}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != passwordChangePath {
		t.Fatalf("sign-in: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var found bool
	for _, v := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, pendingCookie+"=") {
			found = true
			if !strings.Contains(v, "; Secure") || !strings.Contains(v, "Path=/password") {
				t.Errorf("pending cookie under HTTPS: %s", v)
			}
		}
	}
	if !found {
		t.Error("no pending cookie")
	}
}

// TestDovecotPasswordExpired: real Dovecot's NO [EXPIRED] leads to the
// forced change page, and every page to it. The password is not changed
// here (the passwd-file driver's tests do that), so the user stays
// expired for the other tests.
func TestDovecotPasswordExpired(t *testing.T) {
	d := testenv.Dovecot(t)
	if d.Expired.Address == "" {
		t.Fatal("the test stack has no expired user (WEBMAIL_TEST_EXPIRED_USER): restart it with the current .ci/stack")
	}
	icfg := dovecotIMAP(t, d)
	e := newEnvAt(t, icfg)
	b := e.browser()
	if p := b.signIn(d.Expired.Address, "salah-"+d.Expired.Password); p.StatusCode != http.StatusUnauthorized {
		t.Errorf("expired user, wrong password: %d %q", p.StatusCode, p.location())
	}
	b.mustBePending(d.Expired.Address, d.Expired.Password)
	cp := b.get(passwordChangePath)
	cp.mustContain(t, "<h1>Ubah Kata Sandi</h1>", d.Expired.Address, "Server surat meminta kata sandi Anda diganti",
		`action="/logout"`) // no driver configured here: no form, the helpdesk
	cp.mustContain(t, "penggantian belum tersedia", testHelpdesk)
	for _, path := range []string{"/", "/mail", "/compose", settingsPasswordPath} {
		if p := b.get(path); p.StatusCode != http.StatusSeeOther || p.location() != passwordChangePath {
			t.Errorf("%s: %d %q, want the change page", path, p.StatusCode, p.location())
		}
	}
	if e.cache.Len() != 0 {
		t.Errorf("%d IMAP connections cached for the expired user", e.cache.Len())
	}
	if !strings.Contains(e.logs.String(), "event=password_change_required reason=expired account="+d.Expired.Address) {
		t.Errorf("no audit line:\n%s", e.logs.String())
	}
}
