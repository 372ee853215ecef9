package main

// The forced password change in a real browser, against `webmail demo`,
// whose last account still has the default password of the official
// letter: sign in with it → "Ubah Kata Sandi" (every other page leads
// there; signing out works from it) → a weak password is refused with the
// reason → a strong one is accepted → Kotak Masuk; sign out; the old
// password no longer signs in, the new one does.
//
//	WEBMAIL_TEST_CHROMIUM=/usr/bin/chromium go test -run BrowserPassword -v ./cmd/webmail/

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pematangsiantar/webmail/testenv"
)

func TestBrowserPassword(t *testing.T) {
	chromium := testenv.Chromium(t)
	bin := buildWebmail(t)
	d := startDemo(t, bin)

	// The account the demo marks as still having its default password.
	var address, defaultPassword string
	for addr, note := range d.Notes {
		if strings.Contains(note, "kata sandi bawaan") {
			address, defaultPassword = addr, d.Accounts[addr]
		}
	}
	if address == "" {
		t.Fatalf("webmail demo printed no account marked \"(kata sandi bawaan: …)\" (accounts %v, notes %v)", d.Accounts, d.Notes)
	}
	const (
		weak   = "password123"
		strong = "Bika Ambon & Teh Manis 7"
	)
	b := newTab(t, chromium, d.URL, 2*flowTimeout)

	// Sign in with the default password: the change page, not the mail.
	b.open("/login")
	signIn(b, address, defaultPassword)
	checkChangePage(b, address)
	b.screenshot("password-forced-change")

	// No way round it: the mail leads back to the change page.
	for _, path := range []string{"/", "/mail", "/compose", "/settings/password"} {
		b.open(path)
		if loc := b.location(); loc.Path != "/password/change" {
			b.errorf("%s while the change is pending led to %s, want /password/change", path, loc)
		}
	}

	// Signing out works from the change page; signing in again comes
	// back to it.
	b.clickAndLoad("sign out from the change page", chromedp.CSS(`form[action="/logout"] button[type="submit"]`))
	if loc := b.location(); loc.Path != "/login" {
		b.fatalf("signing out from the change page led to %s, want /login", loc)
	}
	if got := b.text(`main [role="status"]`); got != "Anda telah keluar." {
		b.errorf("after signing out the page says %q", got)
	}
	b.open("/mail")
	if loc := b.location(); loc.Path != "/login" {
		b.errorf("/mail after signing out from the change page led to %s, want /login", loc)
	}
	signIn(b, address, defaultPassword)
	checkChangePage(b, address)

	// The strength meter (JavaScript) shows how weak the weak one is.
	fillPassword(b, "new_password", weak)
	b.do("wait for the strength meter", chromedp.WaitVisible(chromedp.CSS(`p.strength meter`)))
	result(b, "wait for the strength label", chromedp.Poll[bool](
		`document.querySelector('p.strength .strength-label').textContent !== ''`, chromedp.WithPollingTimeout(15*time.Second)))
	if v := eval[float64](b, "read the meter", `document.querySelector('p.strength meter').value`); v > 1 {
		b.errorf("strength meter shows %v for %q, want at most 1", v, weak)
	}
	if got := b.text(`p.strength .strength-label`); got != "Sangat lemah" && got != "Lemah" {
		b.errorf("strength label for %q is %q, want Sangat lemah or Lemah", weak, got)
	}

	// A weak password is refused with the reason; the fields are empty.
	fillPassword(b, "old_password", defaultPassword)
	fillPassword(b, "confirm_password", weak)
	resp := b.clickAndLoad("submit a weak password", chromedp.CSS(`form.password-form button[type="submit"]`))
	if resp != nil && resp.Status != 422 {
		b.errorf("a weak password answered %d, want 422", resp.Status)
	}
	if loc := b.location(); loc.Path != "/password/change" {
		b.fatalf("after a weak password the page is %s, want /password/change", loc)
	}
	if alert := b.text(`[role="alert"]`); !strings.Contains(alert, "terlalu mudah ditebak") {
		b.errorf("alert after a weak password = %q, want the reason (terlalu mudah ditebak)", alert)
	}
	for _, name := range []string{"old_password", "new_password", "confirm_password"} {
		if v := result(b, "read "+name, chromedp.Value(chromedp.CSS(`input[name="`+name+`"]`))); v != "" {
			b.errorf("after the refusal %s holds %q, want it empty", name, v)
		}
	}
	b.screenshot("password-weak-refused")

	// A strong one is accepted: Kotak Masuk, with the confirmation.
	fillPassword(b, "old_password", defaultPassword)
	fillPassword(b, "new_password", strong)
	fillPassword(b, "confirm_password", strong)
	b.do("wait for the strength meter to say enough",
		chromedp.WaitVisible(chromedp.CSS(`p.strength.enough`)))
	b.screenshot("password-strong-meter")
	b.clickAndLoad("submit a strong password", chromedp.CSS(`form.password-form button[type="submit"]`))
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("after a strong password the page is %s, want /mail", loc)
	}
	if h := b.text(`main h1`); h != "Kotak Masuk" {
		b.errorf("heading after the change = %q, want Kotak Masuk", h)
	}
	if got := b.text(`p.flash[role="status"]`); got != "Kata sandi berhasil diubah." {
		b.errorf("flash after the change = %q", got)
	}
	if got := b.text(`details.usermenu summary .account`); got != address {
		b.errorf("user menu shows %q, want %q", got, address)
	}

	// Sign out.
	b.do("open the user menu",
		chromedp.Click(chromedp.CSS(`details.usermenu summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.usermenu button.logout`)),
	)
	if href, _ := b.attr(`details.usermenu a[href="/settings/password"]`, "href"); href == "" {
		b.errorf("the user menu has no link to change the password")
	}
	b.clickAndLoad("sign out", chromedp.CSS(`details.usermenu button.logout`))
	if loc := b.location(); loc.Path != "/login" {
		b.fatalf("signing out led to %s, want /login", loc)
	}

	// The old password no longer works.
	signIn(b, address, defaultPassword)
	if loc := b.location(); loc.Path != "/login" {
		b.fatalf("the old password led to %s, want the sign-in page", loc)
	}
	if alert := b.text(`[role="alert"]`); !strings.Contains(alert, "Nama pengguna atau kata sandi salah.") {
		b.errorf("alert for the old password = %q", alert)
	}

	// The new one does, straight to the mail.
	signIn(b, address, strong)
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("the new password led to %s, want /mail", loc)
	}
	if h := b.text(`main h1`); h != "Kotak Masuk" {
		b.errorf("heading after signing in with the new password = %q", h)
	}

	// Changing it later: the settings page has the same form.
	b.open("/settings/password")
	if loc := b.location(); loc.Path != "/settings/password" {
		b.fatalf("/settings/password led to %s", loc)
	}
	if h := b.text(`main h1`); h != "Ubah Kata Sandi" {
		b.errorf("heading of the settings page = %q", h)
	}
	b.screenshot("password-settings")
}

// checkChangePage checks that the browser is on the forced change page for
// address, with the fields password managers need.
func checkChangePage(b *tab, address string) {
	b.t.Helper()
	if loc := b.location(); loc.Path != "/password/change" {
		b.fatalf("signing in with the default password led to %s, want /password/change", loc)
	}
	if title := eval[string](b, "the title", `document.title`); !strings.HasPrefix(title, "Ubah Kata Sandi") {
		b.errorf("title of the change page = %q, want Ubah Kata Sandi …", title)
	}
	if h := b.text(`main h1`); h != "Ubah Kata Sandi" {
		b.errorf("heading of the change page = %q", h)
	}
	if got := b.text(`.password-account strong`); got != address {
		b.errorf("the change page names the account %q, want %q", got, address)
	}
	if got := b.text(`.password-reason`); !strings.Contains(got, "kata sandi bawaan") {
		b.errorf("the change page explains %q, want the default-password reason", got)
	}
	for name, want := range map[string]string{
		"username":         "username",
		"old_password":     "current-password",
		"new_password":     "new-password",
		"confirm_password": "new-password",
	} {
		if got, _ := b.attr(`form.password-form input[name="`+name+`"]`, "autocomplete"); got != want {
			b.errorf("autocomplete of %s = %q, want %q", name, got, want)
		}
	}
	if v, _ := b.attr(`form.password-form input[name="username"]`, "value"); v != address {
		b.errorf("hidden username = %q, want %q", v, address)
	}
	for id, want := range map[string]string{
		"old_password": "Kata sandi lama", "new_password": "Kata sandi baru", "confirm_password": "Ulangi kata sandi baru",
	} {
		if got := b.text(`label[for="` + id + `"]`); got != want {
			b.errorf("label of %s = %q, want %q", id, got, want)
		}
	}
	if got := b.text(`form.password-form button[type="submit"]`); got != "Ubah Kata Sandi" {
		b.errorf("submit button = %q", got)
	}
	// The meter appears only once something is typed (and only with
	// JavaScript).
	if hidden := eval[bool](b, "is the meter hidden", `document.querySelector('p.strength').hidden`); !hidden {
		b.errorf("the strength meter shows before anything is typed")
	}
}

// fillPassword replaces the value of a password field by typing.
func fillPassword(b *tab, name, value string) {
	b.t.Helper()
	sel := chromedp.CSS(`form.password-form input[name="` + name + `"]`)
	b.do("type into "+name, chromedp.WaitVisible(sel), chromedp.Clear(sel), chromedp.SendKeys(sel, value))
}
