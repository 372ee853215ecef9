package webmail

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testPNG is a 1×1 PNG.
var testPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

func TestImageURLSignature(t *testing.T) {
	newer, older := testKeys(), testKeys()
	keys := imageProxyKeys([]KeyPair{newer, older})
	now := time.Unix(1_764_000_000, 0)
	me := &session{Account: "a@x", Password: "p", ID: "sess-1", IssuedAt: now, LastSeen: now}
	other := &session{Account: "b@x", Password: "p", ID: "sess-2", IssuedAt: now, LastSeen: now}
	anon := &session{CSRF: "c"}
	target := "https://cdn.example/logo.png?a=1&b=2"
	query := func(raw string) url.Values {
		u, err := url.Parse(raw)
		if err != nil || u.Path != imageProxyPath {
			t.Fatalf("bad proxy URL %q", raw)
		}
		return u.Query()
	}
	q := query(imageProxyURL(keys[0], me.ID, target, now.Add(imageURLLifetime)))
	if got, ok := verifyImageURL(keys, q, me, true, now); !ok || got != target {
		t.Fatalf("own session: %q %v", got, ok)
	}
	if _, ok := verifyImageURL(keys, q, &session{}, false, now); !ok {
		t.Error("without cookie (the sandboxed frame): refused")
	}
	if _, ok := verifyImageURL(keys, q, other, true, now); ok {
		t.Error("another user's session accepted")
	}
	if _, ok := verifyImageURL(keys, q, anon, true, now); ok {
		t.Error("signed-out session accepted")
	}
	if _, ok := verifyImageURL(keys, q, me, true, now.Add(imageURLLifetime+time.Second)); ok {
		t.Error("expired URL accepted")
	}
	if _, ok := verifyImageURL(imageProxyKeys([]KeyPair{testKeys()}), q, me, true, now); ok {
		t.Error("URL signed with unknown keys accepted")
	}
	tamper := func(k, v string) url.Values {
		c := url.Values{}
		for kk, vv := range q {
			c[kk] = append([]string(nil), vv...)
		}
		c.Set(k, v)
		return c
	}
	for name, bad := range map[string]url.Values{
		"url":            tamper("u", "https://cdn.example/other.png"),
		"expiry":         tamper("e", strconv.FormatInt(now.Add(48*time.Hour).Unix(), 10)),
		"tag":            tamper("k", imageSessionTag(keys[0], other.ID)),
		"signature":      tamper("s", base64.RawURLEncoding.EncodeToString(make([]byte, 32))),
		"no signature":   tamper("s", ""),
		"bad expiry":     tamper("e", "soon"),
		"other scheme":   tamper("u", "file:///etc/passwd"),
		"no url":         tamper("u", ""),
		"javascript url": tamper("u", "javascript:alert(1)"),
	} {
		if _, ok := verifyImageURL(keys, bad, me, true, now); ok {
			t.Errorf("tampered %s accepted", name)
		}
		if _, ok := verifyImageURL(keys, bad, &session{}, false, now); ok {
			t.Errorf("tampered %s accepted without cookie", name)
		}
	}
	// Key rotation: a URL made with the older pair (another instance not
	// yet rotated) still verifies.
	qOld := query(imageProxyURL(keys[1], me.ID, target, now.Add(time.Minute)))
	if _, ok := verifyImageURL(keys, qOld, me, true, now); !ok {
		t.Error("URL signed with the older key refused")
	}
	// The signing key is derived, not the cookie's hash key itself.
	if bytes.Equal(keys[0], newer.Hash) || len(keys[0]) != 32 {
		t.Error("proxy key is the cookie key")
	}
	// Only http(s) sources are ever signed.
	app := &app{cfg: Config{SessionKeys: []KeyPair{newer}, Now: func() time.Time { return now }}}
	rw := app.remoteImages(me)
	if got := rw("ftp://cdn.example/x.png"); got != "" {
		t.Errorf("ftp URL signed: %q", got)
	}
	if got := rw("http://cdn.example/x.png"); !strings.HasPrefix(got, imageProxyPath+"?") {
		t.Errorf("http URL: %q", got)
	}
}

func TestImageDialerRules(t *testing.T) {
	p := newImageProxy(Config{SessionKeys: []KeyPair{testKeys()}, Now: time.Now})
	refused := []string{
		"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3",
		"224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1",
		"::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "ff05::2",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:192.168.0.1",
		"::127.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "2001:db8::1",
	}
	for _, ip := range refused {
		addr := netip.AddrPortFrom(netip.MustParseAddr(ip), 80).String()
		for _, network := range []string{"tcp4", "tcp6"} {
			if err := p.control(network, addr, nil); err == nil {
				t.Errorf("%s %s allowed", network, addr)
			}
		}
	}
	for _, ip := range []string{"8.8.8.8", "1.1.1.1", "203.0.114.1", "2606:4700:4700::1111", "2a00:1450::1", "::ffff:8.8.8.8"} {
		addr := netip.AddrPortFrom(netip.MustParseAddr(ip), 443).String()
		if err := p.control("tcp6", addr, nil); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
	if err := p.control("udp4", "8.8.8.8:53", nil); err == nil {
		t.Error("udp allowed")
	}
	if err := p.control("tcp4", "not-an-address", nil); err == nil {
		t.Error("unparseable address allowed")
	}
}

// allowLoopback is the test policy: public addresses and 127.0.0.1 (where
// httptest servers listen), recording every address the dialer saw.
type allowLoopback struct {
	mu   sync.Mutex
	seen []netip.Addr
}

func (a *allowLoopback) allow(ip netip.Addr) bool {
	a.mu.Lock()
	a.seen = append(a.seen, ip)
	a.mu.Unlock()
	return ip == netip.MustParseAddr("127.0.0.1") || publicAddr(ip)
}

// imageServer is a remote web server with images, tricks and redirects.
func imageServer(t *testing.T, hits *atomic.Int32, headers chan<- http.Header) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/pixel.png", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if headers != nil {
			select {
			case headers <- r.Header.Clone():
			default:
			}
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Set-Cookie", "track=1")
		w.Header().Set("X-Remote", "yes")
		w.Write(testPNG)
	})
	mux.HandleFunc("/liar.png", func(w http.ResponseWriter, r *http.Request) { // JPEG labelled PNG: passed on as what it is
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00rest"))
	})
	mux.HandleFunc("/x.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)
	})
	mux.HandleFunc("/svg-as-png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)
	})
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<script>alert(1)</script>`)
	})
	mux.HandleFunc("/html-as-png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprint(w, `<html><script>alert(1)</script>`)
	})
	mux.HandleFunc("/big.png", func(w http.ResponseWriter, r *http.Request) { // no Content-Length: cut while reading
		w.Header().Set("Content-Type", "image/png")
		w.Write(testPNG)
		chunk := make([]byte, 64<<10)
		for i := 0; i < (imageMaxBytes/len(chunk))+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/big-declared.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Length", strconv.Itoa(imageMaxBytes+1))
		w.Write(testPNG)
	})
	mux.HandleFunc("/missing.png", http.NotFound)
	mux.HandleFunc("/to-loopback", func(w http.ResponseWriter, r *http.Request) {
		_, port, _ := strings.Cut(r.Host, ":")
		http.Redirect(w, r, "http://127.0.0.2:"+port+"/pixel.png", http.StatusFound)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/r/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if r.Header.Get("Referer") != "" || r.Header.Get("Cookie") != "" {
			http.Error(w, "referer or cookie sent", http.StatusTeapot)
			return
		}
		if n == 0 {
			http.Redirect(w, r, "/pixel.png", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestImageProxyRefusesLoopback: with the real policy, an image on a
// loopback server is never fetched.
func TestImageProxyRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := imageServer(t, &hits, nil)
	p := newImageProxy(Config{SessionKeys: []KeyPair{testKeys()}, Now: time.Now})
	for _, target := range []string{srv.URL + "/pixel.png", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/pixel.png"} {
		if _, _, status := p.fetch(context.Background(), target); status != http.StatusBadGateway {
			t.Errorf("%s: status %d, want 502", target, status)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("loopback server was reached %d times", hits.Load())
	}
}

func TestImageProxyFetch(t *testing.T) {
	var hits atomic.Int32
	headers := make(chan http.Header, 1)
	srv := imageServer(t, &hits, headers)
	pol := &allowLoopback{}
	p := newImageProxy(Config{SessionKeys: []KeyPair{testKeys()}, Now: time.Now})
	p.allow = pol.allow
	ctx := context.Background()

	img, ctype, status := p.fetch(ctx, srv.URL+"/pixel.png")
	if status != http.StatusOK || ctype != "image/png" || !bytes.Equal(img, testPNG) {
		t.Fatalf("png: %d %q %d bytes", status, ctype, len(img))
	}
	h := <-headers
	if h.Get("User-Agent") != imageUserAgent || h.Get("Referer") != "" || h.Get("Cookie") != "" {
		t.Errorf("request headers: %v", h)
	}
	if _, ctype, status := p.fetch(ctx, srv.URL+"/liar.png"); status != http.StatusOK || ctype != "image/jpeg" {
		t.Errorf("mislabelled JPEG: %d %q", status, ctype)
	}
	for path, want := range map[string]int{
		"/x.svg":            http.StatusBadGateway,
		"/svg-as-png":       http.StatusBadGateway,
		"/page.html":        http.StatusBadGateway,
		"/html-as-png":      http.StatusBadGateway,
		"/big.png":          http.StatusBadGateway,
		"/big-declared.png": http.StatusBadGateway,
		"/missing.png":      http.StatusNotFound,
		"/to-loopback":      http.StatusBadGateway,
		"/to-metadata":      http.StatusBadGateway,
		"/to-file":          http.StatusBadGateway,
		"/r/2":              http.StatusOK, // 3 redirects
		"/r/3":              http.StatusBadGateway,
	} {
		if _, _, status := p.fetch(ctx, srv.URL+path); status != want {
			t.Errorf("%s: status %d, want %d", path, status, want)
		}
	}
	// The redirects to 127.0.0.2 and the metadata address were refused by
	// the dialer, after resolution: it saw them.
	pol.mu.Lock()
	defer pol.mu.Unlock()
	var saw2, sawMeta bool
	for _, ip := range pol.seen {
		saw2 = saw2 || ip == netip.MustParseAddr("127.0.0.2")
		sawMeta = sawMeta || ip == netip.MustParseAddr("169.254.169.254")
	}
	if !saw2 || !sawMeta {
		t.Errorf("dialer did not check the redirect targets: %v", pol.seen)
	}
}

// remoteImageMessage is an HTML message with one remote image at src.
func remoteImageMessage(to, src string) string {
	return `From: Humas Pemko <humas@pematangsiantar.go.id>
To: ` + to + `
Subject: Buletin bergambar
Date: Wed, 26 Nov 2025 09:15:00 +0700
Message-ID: <remote-1@test>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Foto kegiatan:</p><img src="` + src + `" alt="Foto">
`
}

var reProxyImg = regexp.MustCompile(`<img src="(/mail/image\?[^"]+)"`)

func TestImageProxyThroughApp(t *testing.T) {
	var hits atomic.Int32
	remote := imageServer(t, &hits, nil)
	pol := &allowLoopback{}
	testImageProxyAllow = pol.allow
	e := newEnv(t)
	testImageProxyAllow = nil
	src := remote.URL + "/pixel.png?u=tu"
	uid := e.appendMessage(acctTU.Address, "INBOX", false, thisYear, remoteImageMessage(acctTU.Address, src))
	b := e.browser()
	b.mustSignIn(acctTU)
	view := fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid)

	// By default nothing remote is requested: the view shows the link.
	p := b.get(view)
	showURL := fmt.Sprintf("/mail/message?folder=INBOX&amp;images=1&amp;uid=%d", uid)
	p.mustContain(t, `Gambar dari luar diblokir — <a href="`+showURL+`">Tampilkan</a>`)
	m := reBodyURL.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatal("no body frame")
	}
	frame := b.get(html.UnescapeString(m[1]))
	frame.mustNotContain(t, "127.0.0.1", "/mail/image")
	if hits.Load() != 0 {
		t.Fatal("remote image requested without asking")
	}
	b.get(view + "&lang=en") // sets the language cookie and redirects
	en := b.get(view)
	b.get(view + "&lang=id")
	if !strings.Contains(en.Body, "Remote images blocked — <a") || !strings.Contains(en.Body, ">Show</a>") {
		t.Errorf("English notice missing:\n%s", en.Body)
	}

	// Tampilkan: the frame gets images=1, and loads the image via the proxy.
	p = b.get(html.UnescapeString(showURL))
	p.mustNotContain(t, "Gambar dari luar diblokir")
	m = reBodyURL.FindStringSubmatch(p.Body)
	if m == nil || !strings.Contains(m[1], "images=1") {
		t.Fatalf("frame URL without images=1: %v", m)
	}
	frame = b.get(html.UnescapeString(m[1]))
	if csp := frame.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src data: 'self'") {
		t.Errorf("frame CSP %q", csp)
	}
	frame.mustNotContain(t, `src="http`, `src="`+src)
	im := reProxyImg.FindStringSubmatch(frame.Body)
	if im == nil {
		t.Fatalf("no proxied image:\n%s", frame.Body)
	}
	proxyURL := html.UnescapeString(im[1])
	if u, _ := url.Parse(proxyURL); u.Query().Get("u") != src {
		t.Errorf("proxy URL names %q", u.Query().Get("u"))
	}
	if hits.Load() != 0 {
		t.Fatal("remote image requested before the browser asked the proxy")
	}

	checkImage := func(name string, r *page) {
		t.Helper()
		if r.StatusCode != http.StatusOK || r.Body != string(testPNG) {
			t.Fatalf("%s: %d (%d bytes)", name, r.StatusCode, len(r.Body))
		}
		for k, want := range map[string]string{
			"Content-Type":            "image/png",
			"Cache-Control":           "private, max-age=3600",
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'; sandbox",
			"Content-Disposition":     "inline",
			"Set-Cookie":              "",
			"X-Remote":                "",
		} {
			if got := r.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", name, k, got, want)
			}
		}
	}
	// The owner's browser, with its cookie (a top-level request).
	checkImage("owner", b.get(proxyURL))
	// The sandboxed frame sends no cookie at all: the signature decides.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+proxyURL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	checkImage("frame (no cookie)", &page{Response: resp, Body: string(body)})
	if hits.Load() != 2 {
		t.Errorf("remote hits %d, want 2", hits.Load())
	}

	// Another signed-in user: 403, nothing fetched.
	other := e.browser()
	other.mustSignIn(acctDisk)
	if r := other.get(proxyURL); r.StatusCode != http.StatusForbidden || r.Body != "" {
		t.Errorf("other user: %d %q", r.StatusCode, r.Body)
	}
	// A signed-out browser is sent to sign in, like everywhere else.
	anon := e.browser()
	anon.get("/login")
	if r := anon.get(proxyURL); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Errorf("signed out: %d %q", r.StatusCode, r.location())
	}
	// Tampered.
	if r := b.get(strings.Replace(proxyURL, "u%3Dtu", "u%3Dxx", 1)); r.StatusCode != http.StatusForbidden {
		t.Errorf("tampered: %d", r.StatusCode)
	}
	// A URL the proxy was never asked to sign.
	forged := imageProxyPath + "?" + url.Values{"u": {remote.URL + "/pixel.png"}, "e": {"9999999999"}, "k": {"x"}, "s": {"x"}}.Encode()
	if r := b.get(forged); r.StatusCode != http.StatusForbidden {
		t.Errorf("forged: %d", r.StatusCode)
	}
	if hits.Load() != 2 {
		t.Errorf("remote hits %d after refusals, want 2", hits.Load())
	}
	// Expired after an hour (no cookie: the session itself has idled out).
	e.clock.Add(imageURLLifetime + time.Minute)
	resp, err = http.Get(e.srv.URL + proxyURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired: %d", resp.StatusCode)
	}
}

// TestImageProxyDefaultRefusesLoopbackThroughApp: the app's own proxy
// (real policy) does not fetch from a loopback server even with a valid URL.
func TestImageProxyDefaultRefusesLoopbackThroughApp(t *testing.T) {
	var hits atomic.Int32
	remote := imageServer(t, &hits, nil)
	e := newEnv(t)
	uid := e.appendMessage(acctTU.Address, "INBOX", false, thisYear, remoteImageMessage(acctTU.Address, remote.URL+"/pixel.png"))
	b := e.browser()
	b.mustSignIn(acctTU)
	frame := b.get(fmt.Sprintf("/mail/body?folder=INBOX&uid=%d&images=1", uid))
	im := reProxyImg.FindStringSubmatch(frame.Body)
	if im == nil {
		t.Fatalf("no proxied image:\n%s", frame.Body)
	}
	if r := b.get(html.UnescapeString(im[1])); r.StatusCode != http.StatusBadGateway || r.Body != "" {
		t.Errorf("loopback image: %d %q", r.StatusCode, r.Body)
	}
	if hits.Load() != 0 {
		t.Errorf("loopback server reached %d times", hits.Load())
	}
}
