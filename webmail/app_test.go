package webmail

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	check := func(p *page) {
		t.Helper()
		h := p.Header
		for k, want := range map[string]string{
			"Content-Security-Policy": cspPage,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"Cache-Control":           "no-store",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", p.Request.URL.Path, k, got, want)
			}
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("HSTS over plain HTTP")
		}
	}
	check(b.get("/login"))
	check(b.get("/no/such/page"))
	b.mustSignIn(acctTU)
	check(b.get("/mail"))
	// No inline script or style anywhere in our pages (the CSP forbids
	// them; the message body frame has its own policy).
	for _, path := range []string{"/login", "/mail", "/nope"} {
		p := b.get(path)
		if regexp.MustCompile(`<script>|<style|\sstyle=|\son[a-z]+=`).MatchString(p.Body) {
			t.Errorf("%s has inline script or style", path)
		}
	}
}

func TestHTTPSBehindTrustedProxy(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *imapclient.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie not Secure behind an HTTPS proxy: %s", resp.Header.Get("Set-Cookie"))
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS under HTTPS")
	}

	// From an untrusted peer the headers are ignored.
	e2 := newEnv(t)
	req2, _ := http.NewRequest(http.MethodGet, e2.srv.URL+"/login", nil)
	req2.Header.Set("X-Forwarded-Proto", "https")
	resp, err = http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if strings.Contains(resp.Header.Get("Set-Cookie"), "Secure") || resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("X-Forwarded-Proto believed from an untrusted peer")
	}
}

func TestClientIP(t *testing.T) {
	a := &app{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	for _, tc := range []struct {
		remote, xff, want string
	}{
		{"192.0.2.1:5000", "203.0.113.9", "192.0.2.1"},            // untrusted peer: header ignored
		{"10.1.2.3:5000", "203.0.113.9", "203.0.113.9"},           // trusted proxy
		{"10.1.2.3:5000", "1.1.1.1, 203.0.113.9", "203.0.113.9"},  // spoofed left part ignored
		{"10.1.2.3:5000", "203.0.113.9, 10.9.9.9", "203.0.113.9"}, // chain of our proxies
		{"10.1.2.3:5000", "", "10.1.2.3"},                         // no header
		{"10.1.2.3:5000", "garbage", "10.1.2.3"},                  // unparsable
		{"[2001:db8::1]:5000", "203.0.113.9", "2001:db8::1"},      // IPv6 peer
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := a.clientIP(r); got != tc.want {
			t.Errorf("%s + %q = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.get("/login?lang=en&next=%2Fmail")
	if p.StatusCode != http.StatusSeeOther || p.location() != "/login?next=%2Fmail" {
		t.Fatalf("?lang=en: %d %q", p.StatusCode, p.location())
	}
	c := p.Header.Get("Set-Cookie")
	if !strings.Contains(c, "lang=en") || !strings.Contains(c, "Max-Age=31536000") {
		t.Errorf("lang cookie: %s", c)
	}
	p = b.get(p.location())
	p.mustContain(t, `<html lang="en">`, ">Username</label>", ">Password</label>", ">Sign in</button>", `href="/login?lang=id&amp;next=%2Fmail"`, ">Bahasa Indonesia</a>")
	b.get("/login?lang=id")
	b.get("/login").mustContain(t, `<html lang="id">`, ">Masuk</button>")
	// Unknown languages are ignored; Accept-Language is not followed.
	b2 := e.browser()
	if p := b2.get("/login?lang=fr"); p.StatusCode != http.StatusSeeOther || strings.Contains(p.Header.Get("Set-Cookie"), "lang=") {
		t.Errorf("lang=fr: %d %s", p.StatusCode, p.Header.Get("Set-Cookie"))
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/login", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	b2.do(req).mustContain(t, `<html lang="id">`)
	// The redirect never leaves the site.
	if p := b2.get("//evil.example/?lang=en"); p.location() != "/" {
		t.Errorf("//evil: redirect to %q", p.location())
	}
	// In the user menu.
	b.mustSignIn(acctTU)
	b.get("/mail?folder=Sent").mustContain(t, `href="/mail?folder=Sent&amp;lang=en"`, `aria-current="true" lang="id">Bahasa Indonesia</span>`)
}

func TestNotFoundAndHealth(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.get("/tidak/ada")
	if p.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, "Halaman tidak ditemukan", `href="/login"`)
	if p := b.get("/healthz"); p.StatusCode != http.StatusOK || p.Body != "ok" || p.Header.Get("Set-Cookie") != "" {
		t.Errorf("healthz: %d %q", p.StatusCode, p.Body)
	}
	b.mustSignIn(acctTU)
	b.get("/mail/tidak-ada").mustContain(t, "Halaman tidak ditemukan", `href="/mail"`)
	if p := b.post("/mail", nil); p.StatusCode != http.StatusForbidden {
		t.Errorf("POST without token: %d", p.StatusCode)
	}
}

func TestStaticFiles(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.get("/login")
	m := regexp.MustCompile(`href="(/static/[0-9a-f]+/style.css)"`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatal("no hashed stylesheet URL")
	}
	s := b.get(m[1])
	if s.StatusCode != http.StatusOK || s.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		!strings.HasPrefix(s.Header.Get("Content-Type"), "text/css") {
		t.Errorf("style.css: %d %v", s.StatusCode, s.Header)
	}
	if s.Header.Get("Set-Cookie") != "" {
		t.Error("static file sets a cookie")
	}
	if p := b.get("/static/0000/style.css"); p.Header.Get("Cache-Control") == "public, max-age=31536000, immutable" {
		t.Error("a stale hash is cached for a year")
	}
	if p := b.get("/static/0000/nope.css"); p.StatusCode != http.StatusNotFound {
		t.Errorf("unknown file: %d", p.StatusCode)
	}
	// Page weight: the stylesheet and script stay small for phones on
	// mobile data.
	as, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	for name, max := range map[string]int{"style.css": 16 << 10, "mailbox.css": 8 << 10, "app.js": 2 << 10} {
		if n := len(as.files[name].body); n == 0 || n > max {
			t.Errorf("%s is %d bytes (limit %d)", name, n, max)
		}
	}
}

func TestFormat(t *testing.T) {
	cat, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	wib := time.FixedZone("WIB", 7*3600)
	f := formatter{lang: "id", loc: wib, cat: cat, now: time.Date(2025, 11, 26, 21, 5, 0, 0, wib)}
	en := f
	en.lang = "en"
	for _, tc := range []struct{ got, want string }{
		{f.Size(800), "800 B"},
		{f.Size(12 * 1024), "12 KB"},
		{f.Size(1536 * 1024), "1,5 MB"},
		{en.Size(1536 * 1024), "1.5 MB"},
		{f.Size(3 << 30), "3 GB"},
		{f.Number(1234), "1.234"},
		{en.Number(1234567), "1,234,567"},
		{f.Number(12), "12"},
		{f.ShortDate(time.Date(2025, 11, 26, 7, 5, 0, 0, wib)), "07:05"},
		{f.ShortDate(time.Date(2025, 8, 17, 7, 5, 0, 0, wib)), "17 Agu"},
		{en.ShortDate(time.Date(2025, 8, 17, 7, 5, 0, 0, wib)), "17 Aug"},
		{f.ShortDate(time.Date(2024, 11, 26, 7, 5, 0, 0, wib)), "26/11/2024"},
		{f.LongDate(time.Date(2025, 8, 17, 10, 0, 0, 0, wib)), "Minggu, 17 Agustus 2025 10:00 WIB"},
		{f.ShortDate(time.Time{}), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"laporan.pdf", `attachment; filename="laporan.pdf"; filename*=UTF-8''laporan.pdf`},
		{"Surat Edaran – Wali Kota.pdf", `attachment; filename="Surat Edaran _ Wali Kota.pdf"; filename*=UTF-8''Surat%20Edaran%20%E2%80%93%20Wali%20Kota.pdf`},
		{"100%.txt", `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`},
	} {
		if got := contentDisposition(tc.name); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"../../etc/passwd", "passwd"},
		{`C:\Windows\system32\evil.exe`, "evil.exe"},
		{"a\"b'c.txt", "a_b_c.txt"},
		{"line\r\nbreak.txt", "line__break.txt"},
		{"\u202Egpj.exe", "_gpj.exe"},
		{"...", ""},
		{".bashrc", "bashrc"},
	} {
		if got := cleanFilename(tc.in); got != tc.want {
			t.Errorf("cleanFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	cache := imapclient.NewCache(imapclient.Config{Addr: "127.0.0.1:1", Security: imapclient.SecurityNone}, imapclient.CacheOptions{})
	defer cache.Close()
	for name, cfg := range map[string]Config{
		"no keys":      {},
		"short block":  {SessionKeys: []KeyPair{{Hash: make([]byte, 64), Block: make([]byte, 16)}}},
		"short hash":   {SessionKeys: []KeyPair{{Hash: make([]byte, 8), Block: make([]byte, 32)}}},
		"bad per page": {SessionKeys: []KeyPair{testKeys()}, PerPage: -1},
		"neg idle":     {SessionKeys: []KeyPair{testKeys()}, IdleTimeout: -time.Second},
		"neg size":     {SessionKeys: []KeyPair{testKeys()}, MaxMessageSize: -1},
		"bad hostname": {SessionKeys: []KeyPair{testKeys()}, Hostname: "localhost"},
		"plain SMTP far away": {SessionKeys: []KeyPair{testKeys()},
			SMTP: smtpclient.Config{Addr: "mail.example.com:25", Security: smtpclient.SecurityNone, Hello: "webmail.example.com"}},
		"SMTP without hello": {SessionKeys: []KeyPair{testKeys()}, SMTP: smtpclient.Config{Addr: "127.0.0.1:25", Security: smtpclient.SecurityNone}},
	} {
		if _, err := New(cfg, cache); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Config{SessionKeys: []KeyPair{testKeys()}}, nil); err == nil {
		t.Error("nil cache accepted")
	}
	if _, err := New(Config{SessionKeys: []KeyPair{testKeys()}}, cache); err != nil {
		t.Errorf("minimal config: %v", err)
	}
}
