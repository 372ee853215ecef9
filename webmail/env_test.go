package webmail

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// Test accounts of the demo backend (no seeded mail: each test adds what it
// needs, so the expectations are exact).
var (
	acctTU   = demo.Account{Address: "tatausaha@pematangsiantar.go.id", Name: "Bagian Tata Usaha", Password: "rahasia-tu-1"}
	acctDisk = demo.Account{Address: "diskominfo@pematangsiantar.go.id", Name: "Dinas Komunikasi dan Informatika", Password: "rahasia-dk-2"}
	acctUmum = demo.Account{Address: "umum@pematangsiantar.go.id", Name: "Bagian Umum", Password: "rahasia-um-3"}
)

const testHelpdesk = "Diskominfo Pematangsiantar, telp. (0622) 123456"

// testHello is the app's host name in the tests: EHLO and Message-IDs.
const testHello = "webmail.pematangsiantar.go.id"

// clock is a settable time for the session timeouts.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is the app in front of a real (in-memory) IMAP server.
type env struct {
	t       testing.TB
	backend *demo.Backend
	cache   *imapclient.Cache
	srv     *httptest.Server
	clock   *clock
	logs    *syncBuffer
	cfg     Config
	app     *echo.Echo // its route table, for tests that walk every route
}

type envOption func(*Config, *imapclient.Config)

// newEnv starts a demo backend and the app in front of it.
func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	return newEnvWith(t, nil, opts...)
}

// newEnvWith is newEnv with options that need the backend (the demo's
// password-change driver).
func newEnvWith(t *testing.T, withBackend func(*demo.Backend) []envOption, opts ...envOption) *env {
	t.Helper()
	b, err := demo.Start(demo.Options{Accounts: []demo.Account{acctTU, acctDisk, acctUmum}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	// The demo's submission server: plain text, loopback only.
	withSMTP := func(c *Config, _ *imapclient.Config) {
		c.SMTP = smtpclient.Config{Addr: b.SMTPAddr, Security: smtpclient.SecurityNone, Hello: testHello}
	}
	opts = append([]envOption{withSMTP}, opts...)
	if withBackend != nil {
		opts = append(opts, withBackend(b)...)
	}
	e := newEnvAt(t, imapclient.Config{Addr: b.IMAPAddr, Security: imapclient.SecurityNone}, opts...)
	e.backend = b
	return e
}

// newEnvAt starts the app in front of the IMAP server at icfg.
func newEnvAt(t testing.TB, icfg imapclient.Config, opts ...envOption) *env {
	t.Helper()
	logs := &syncBuffer{}
	clk := &clock{t: time.Date(2025, 11, 26, 14, 5, 0, 0, time.UTC)}
	cfg := Config{
		Domain:      "pematangsiantar.go.id",
		Helpdesk:    testHelpdesk,
		SessionKeys: []KeyPair{testKeys()},
		Logger:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:         clk.Now,
		Hostname:    testHello,
	}
	for _, o := range opts {
		o(&cfg, &icfg)
	}
	if icfg.DialTimeout == 0 {
		icfg.DialTimeout = 2 * time.Second
	}
	cache := imapclient.NewCache(icfg, imapclient.CacheOptions{Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(cache.Close)
	app, err := New(cfg, cache)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return &env{t: t, cache: cache, srv: srv, clock: clk, logs: logs, cfg: cfg, app: app}
}

func testKeys() KeyPair {
	k := KeyPair{Hash: make([]byte, 64), Block: make([]byte, 32)}
	rand.Read(k.Hash)
	rand.Read(k.Block)
	return k
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	e    *env
	jar  *cookiejar.Jar
	http *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, jar: jar, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// page is a response with its body read.
type page struct {
	*http.Response
	Body string
}

func (b *browser) do(req *http.Request) *page {
	b.e.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return &page{Response: resp, Body: string(body)}
}

func (b *browser) get(path string) *page {
	b.e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var reCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf is the token of the first form of a page.
func (p *page) csrf(t testing.TB) string {
	t.Helper()
	m := reCSRF.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", p.Body)
	}
	return m[1]
}

// location is the redirect target, relative to the server.
func (p *page) location() string {
	loc := p.Header.Get("Location")
	if u, err := url.Parse(loc); err == nil && u.Host != "" {
		return u.RequestURI()
	}
	return loc
}

// signIn signs in through the form and returns where it redirected.
func (b *browser) signIn(username, password string) *page {
	b.e.t.Helper()
	lp := b.get("/login")
	return b.post("/login", url.Values{"username": {username}, "password": {password}, "csrf_token": {lp.csrf(b.e.t)}})
}

// mustSignIn signs in and fails the test if that does not work.
func (b *browser) mustSignIn(a demo.Account) {
	b.e.t.Helper()
	p := b.signIn(a.Address, a.Password)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
		b.e.t.Fatalf("sign-in: %d %s\n%s", p.StatusCode, p.location(), p.Body)
	}
}

// sessionCookie is the browser's session cookie value ("" when none).
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.e.srv.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// mustContain fails when the page lacks any of the strings.
func (p *page) mustContain(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.Body, w) {
			t.Errorf("page (%d) lacks %q:\n%s", p.StatusCode, w, p.Body)
		}
	}
}

// mustNotContain fails when the page has any of the strings.
func (p *page) mustNotContain(t *testing.T, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(p.Body, b) {
			t.Errorf("page (%d) has %q", p.StatusCode, b)
		}
	}
}

// appendMessage stores a raw message in an account's folder.
func (e *env) appendMessage(address, folder string, seen bool, date time.Time, raw string) uint32 {
	e.t.Helper()
	var flags []imap.Flag
	if seen {
		flags = append(flags, imap.FlagSeen)
	}
	uid, err := e.backend.AppendTo(address, folder, flags, date, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
	if err != nil {
		e.t.Fatal(err)
	}
	return uid
}

// plainMessage is a simple text message.
func plainMessage(from, to, subject, body string, date time.Time) string {
	return fmt.Sprintf("From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%d@test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
		from, to, subject, date.Format(time.RFC1123Z), date.UnixNano(), body)
}

// closedAddr is a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// dovecotIMAP is the IMAP configuration of the test stack's Dovecot:
// STARTTLS, its self-signed certificate trusted.
func dovecotIMAP(t testing.TB, d *testenv.Server) imapclient.Config {
	t.Helper()
	icfg, err := imapclient.ParseURL(d.IMAP)
	if err != nil {
		t.Fatal(err)
	}
	icfg.TLS = &tls.Config{RootCAs: testenv.CAPool(t, d), ServerName: "localhost"}
	return icfg
}
