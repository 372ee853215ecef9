package main

// TestBrowserXSS (issue 5, "Proof"): hostile messages delivered over IMAP
// and opened in headless Chromium through the app, with a canary HTTP
// server on loopback that every payload tries to reach. It asserts that no
// script ran (no JavaScript dialog, no marker in the top window, the page
// title untouched), that the canary received no request at all, that a
// subject and display name full of HTML show as text, and that HTML and
// SVG attachments are downloads that never render.
//
//	WEBMAIL_TEST_CHROMIUM=/usr/bin/chromium go test -run BrowserXSS -v ./cmd/webmail/

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"

	"github.com/pematangsiantar/webmail/testenv"
)

// xssTimeout bounds the whole browser part of one backend.
const xssTimeout = 120 * time.Second

// canary records every request that reaches it.
type canary struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits []string
}

func newCanary(t *testing.T) *canary {
	c := &canary{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.hits = append(c.hits, r.Method+" "+r.URL.String())
		c.mu.Unlock()
		// Answer with something loadable, so that nothing fails for a
		// reason other than being blocked.
		switch {
		case strings.Contains(r.URL.Path, "css") || strings.Contains(r.URL.Path, "import") || strings.Contains(r.URL.Path, "link"):
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprintf(w, "body{background:url(%s/css-nested)}", c.srv.URL)
		default:
			w.Header().Set("Content-Type", "image/gif")
			w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
		}
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *canary) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.hits...)
}

// xssBodies are HTML bodies from the payload table of
// webmail/sanitize_payloads_test.go (OWASP, bluemonday, DOMPurify, the
// Roundcube/Zimbra/SnappyMail advisories), pointed at the canary. {C} is
// the canary's URL with a path naming the payload, {H} its host:port, {N}
// the payload's number (for the window.xssN marker).
var xssBodies = []string{
	`<p>Halo</p><script>window.top.xss{N}=1;parent.document.title='pwned';fetch('{C}/script')</script>`,
	`<script src="{C}/script-src"></script><p>ok</p>`,
	`<img src="{C}/img" width="1" height="1">`,
	`<img src=x onerror="top.xss{N}=1;fetch('{C}/onerror');alert(1)">`,
	`<svg onload="top.xss{N}=1;fetch('{C}/svg-onload');alert(1)"><circle r="5"></circle></svg>`,
	`<body onload="top.xss{N}=1;fetch('{C}/body-onload');confirm(1)">isi</body>`,
	`<div style="background:url({C}/css-inline)">latar</div>`,
	`<style>body{background:url({C}/css-style)}</style><p>x</p>`,
	`<style>@import url({C}/import);</style><p>x</p>`,
	`<link rel="stylesheet" href="{C}/link-css"><p>x</p>`,
	`<link rel="prefetch" href="{C}/prefetch"><link rel="preload" as="image" href="{C}/preload">`,
	`<meta http-equiv="refresh" content="0;url={C}/meta-refresh"><p>tunggu</p>`,
	`<base href="{C}/base/"><img src="x.png"><a href="y">y</a>`,
	`<iframe src="{C}/iframe"></iframe>`,
	`<iframe srcdoc="<script>top.xss{N}=1;fetch('{C}/srcdoc')</script>"></iframe>`,
	`<object data="{C}/object"></object><embed src="{C}/embed">`,
	`<form action="{C}/form"><input name="password" autofocus onfocus="fetch('{C}/onfocus')"><button>Masuk</button></form>`,
	`<img srcset="{C}/srcset 1x, {C}/srcset2 2x">`,
	`<table background="{C}/table-background"><tr><td background="{C}/td-background">sel</td></tr></table>`,
	`<body background="{C}/body-background">x</body>`,
	`<video poster="{C}/poster" src="{C}/video"></video><audio src="{C}/audio" autoplay></audio>`,
	`<svg><image href="{C}/svg-image" width="10" height="10"/></svg>`,
	`<svg width="10" height="10"><filter id="f"><feImage href="{C}/feimage"/></filter><rect filter="url(#f)" width="10" height="10"/></svg>`,
	`<svg><use href="{C}/use.svg#x"/></svg>`,
	`<svg><animate attributeName="href" values="javascript:top.xss{N}=1" /><a id="x"><text x="20" y="20">Klik</text></a></svg>`,
	`<svg><set attributeName="onmouseover" to="alert(1)"/><style>@import "{C}/svg-style";</style></svg>`,
	`<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src={C}/mxss-math onerror=alert(1)&gt;">`,
	`<svg></p><style><a id="</style><img src={C}/mxss-svg onerror=alert(1)>">`,
	`<noscript><p title="</noscript><img src={C}/mxss-noscript onerror=alert(1)>">`,
	`<form><math><mtext></form><form><mglyph><style></math><img src="{C}/mxss-form" onerror=alert(1)>`,
	`<a href="javascript:top.xss{N}=1">j</a> <a href="jav&#x09;ascript:alert(1)">k</a> <a href="data:text/html,<script>alert(1)</script>">d</a>`,
	`<img src="jav&#x09;ascript:alert(1)"><img src="//{H}/protocol-relative">`,
	`<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:#fff url({C}/overlay)">Sesi habis, masuk lagi</div>`,
	`<details open ontoggle="top.xss{N}=1;fetch('{C}/ontoggle');alert(1)">x</details>`,
	`<marquee onstart="fetch('{C}/marquee')">x</marquee>`,
	`<style>@font-face{font-family:x;src:url({C}/font)}</style><p style="font-family:x">huruf</p>`,
	`<ul style="list-style-image:url({C}/list-style)"><li>x</li></ul><div style="cursor:url({C}/cursor),auto;border-image:url({C}/border-image) 30">x</div>`,
	`<img src="data:image/svg+xml;base64,{SVG}">`,
	`<a href="https://example.org/" ping="{C}/ping">tautan</a>`,
	`<img src="cid:tidak-ada" onerror="top.xss{N}=1;alert(1)"><img src="{C}/lazy" loading="lazy">`,
	`<object data="data:text/html;base64,{HTML}"></object><iframe src="data:text/html;base64,{HTML}"></iframe>`,
	`<div style="background-image:\75\72\6c({C}/css-escape)">x</div><div style="background:image-set('{C}/image-set' 1x)">y</div>`,
	`<!--[if gte mso 9]><script>fetch('{C}/conditional')</script><![endif]--><p>x</p>`,
	`<xss style="behavior:url({C}/htc)">x</xss><p style="-moz-binding:url({C}/moz)">y</p>`,
}

// hostile is one message to deliver.
type hostile struct {
	n       int
	subject string
	raw     []byte
	uid     imap.UID
	// attachments are the file names that must be downloads.
	attachments []string
}

// buildHostile builds the messages for canary c and run tag tag.
func buildHostile(c *canary, tag, to string) []*hostile {
	host := strings.TrimPrefix(c.srv.URL, "http://")
	date := time.Now().Add(-time.Hour)
	var out []*hostile
	add := func(subject, from, ctype, body string, atts []string) {
		n := len(out) + 1
		date = date.Add(time.Second)
		var b strings.Builder
		// Encoded words always (Go's encoder leaves ASCII as it is, and
		// an unencoded phrase with "<>" is not an address).
		fmt.Fprintf(&b, "From: =?utf-8?b?%s?= <penyerang@evil.example>\r\n", base64.StdEncoding.EncodeToString([]byte(from)))
		fmt.Fprintf(&b, "To: %s\r\n", to)
		fmt.Fprintf(&b, "Subject: =?utf-8?b?%s?=\r\n", base64.StdEncoding.EncodeToString([]byte(subject)))
		fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
		fmt.Fprintf(&b, "Message-ID: <xss-%s-%d@evil.example>\r\nMIME-Version: 1.0\r\n", tag, n)
		b.WriteString(ctype)
		b.WriteString("\r\n")
		b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
		out = append(out, &hostile{n: n, subject: subject, raw: []byte(b.String()), attachments: atts})
	}
	expand := func(s string, n int) string {
		svg := `<svg xmlns="http://www.w3.org/2000/svg"><script>fetch('` + c.srv.URL + `/svg-script')</script><image href="` + c.srv.URL + `/svg-img-image"/></svg>`
		doc := `<script>top.xss` + fmt.Sprint(n) + `=1;fetch('` + c.srv.URL + `/data-html')</script>`
		return strings.NewReplacer(
			"{C}", c.srv.URL, "{H}", host, "{N}", fmt.Sprint(n),
			"{SVG}", base64.StdEncoding.EncodeToString([]byte(svg)),
			"{HTML}", base64.StdEncoding.EncodeToString([]byte(doc)),
		).Replace(s)
	}
	for _, body := range xssBodies {
		n := len(out) + 1
		add(fmt.Sprintf("XSS %s %02d", tag, n), "Uji Keamanan", "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
			"<html><body><p>Pesan uji "+fmt.Sprint(n)+"</p>"+expand(body, n)+"</body></html>\n", nil)
	}
	// A plain-text message whose text is markup.
	n := len(out) + 1
	add(fmt.Sprintf("XSS %s %02d teks", tag, n), "Uji Keamanan", "Content-Type: text/plain; charset=utf-8\r\n",
		expand(`<script>top.xss{N}=1;fetch('{C}/plain')</script> <img src="{C}/plain-img"> javascript:alert(1) {C}/plain-link`, n)+"\n", nil)
	// An HTML body in UTF-7, the old charset trick.
	add(fmt.Sprintf("XSS %s %02d utf-7", tag, len(out)+1), "Uji Keamanan", "Content-Type: text/html; charset=utf-7\r\n",
		"+ADw-script+AD4-alert(1)+ADw-/script+AD4-\n", nil)
	// HTML and SVG attachments with script: downloads only.
	n = len(out) + 1
	htmlAtt := expand(`<html><body><script>top.xss{N}=1;fetch('{C}/attachment-html');alert(1)</script><img src="{C}/attachment-img"></body></html>`, n)
	svgAtt := expand(`<svg xmlns="http://www.w3.org/2000/svg" onload="fetch('{C}/attachment-svg-onload')"><script>fetch('{C}/attachment-svg');alert(1)</script></svg>`, n)
	add(fmt.Sprintf("XSS %s %02d lampiran", tag, n), "Uji Keamanan", "Content-Type: multipart/mixed; boundary=\"b\"\r\n",
		"--b\nContent-Type: text/plain; charset=utf-8\n\nLihat lampiran.\n"+
			"--b\nContent-Type: text/html; charset=utf-8; name=\"x.html\"\nContent-Disposition: attachment; filename=\"x.html\"\n\n"+htmlAtt+"\n"+
			"--b\nContent-Type: image/svg+xml; name=\"gambar.svg\"\nContent-Disposition: inline; filename=\"gambar.svg\"\n\n"+svgAtt+"\n"+
			"--b--\n", []string{"x.html", "gambar.svg"})
	// Last (the newest): a subject and display name full of HTML.
	n = len(out) + 1
	add(fmt.Sprintf(`<img src=x onerror=alert(1)><script>alert(2)</script><b>XSS %s %02d</b>`, tag, n),
		`<img src=x onerror=alert(3)>"><svg onload=alert(4)>`, "Content-Type: text/plain; charset=utf-8\r\n", "Isi biasa.\n", nil)
	return out
}

// appendHostile puts the messages into the INBOX of mb over one IMAP
// connection, records their UIDs, and removes them when the test ends.
func appendHostile(t *testing.T, mb mailbox, msgs []*hostile) {
	t.Helper()
	c := mb.dial(t)
	defer c.Close()
	var uids []imap.UID
	for _, m := range msgs {
		cmd := c.Append("INBOX", int64(len(m.raw)), nil)
		if _, err := cmd.Write(m.raw); err != nil {
			t.Fatalf("APPEND %d: %v", m.n, err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("APPEND %d: %v", m.n, err)
		}
		data, err := cmd.Wait()
		if err != nil {
			t.Fatalf("APPEND %d: %v", m.n, err)
		}
		if data == nil || data.UID == 0 {
			t.Fatalf("APPEND %d: the server reported no UID (UIDPLUS)", m.n)
		}
		m.uid = data.UID
		uids = append(uids, data.UID)
	}
	_ = c.Logout().Wait()
	t.Cleanup(func() {
		c := mb.dial(t)
		defer c.Close()
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Logf("clean-up: SELECT INBOX: %v", err)
			return
		}
		set := imap.UIDSetNum(uids...)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			t.Logf("clean-up: STORE: %v", err)
			return
		}
		if err := c.UIDExpunge(set).Close(); err != nil {
			t.Logf("clean-up: UID EXPUNGE: %v", err)
		}
		_ = c.Logout().Wait()
	})
}

func TestBrowserXSS(t *testing.T) {
	chromium := testenv.Chromium(t)
	bin := buildWebmail(t)

	t.Run("demo", func(t *testing.T) {
		d := startDemo(t, bin)
		const address = "diskominfo@" + domain
		password, ok := d.Accounts[address]
		if !ok {
			t.Fatalf("webmail demo did not print the account %s (printed: %v)", address, d.Accounts)
		}
		runXSS(t, chromium, d.URL, mailbox{Addr: d.IMAPAddr, User: address, Password: password})
	})

	t.Run("dovecot", func(t *testing.T) {
		srv := testenv.Dovecot(t)
		// The last user, as TestBrowser (never at the same time: same
		// package, not parallel); the messages are found by UID, so mail
		// that other packages' tests deliver meanwhile does not matter.
		u := srv.Users[len(srv.Users)-1]
		imapURL, err := url.Parse(srv.IMAP)
		if err != nil {
			t.Fatal(err)
		}
		base := startServe(t, bin, "--imap", srv.IMAP, "--smtp", srv.SMTP, "--backend-ca", srv.CAFile, "--domain", domain)
		runXSS(t, chromium, base, mailbox{
			Addr:     imapURL.Host,
			TLS:      &tls.Config{RootCAs: testenv.CAPool(t, srv), ServerName: imapURL.Hostname()},
			User:     u.Address,
			Password: u.Password,
		})
	})
}

// runXSS delivers the hostile messages to mb and reads each through the
// app at base.
func runXSS(t *testing.T, chromium, base string, mb mailbox) {
	start := time.Now()
	can := newCanary(t)
	tag := fmt.Sprintf("%d", time.Now().UnixNano()%1e6)
	msgs := buildHostile(can, tag, mb.User)
	appendHostile(t, mb, msgs)
	t.Logf("delivered %d hostile messages in %v; canary at %s", len(msgs), time.Since(start).Round(time.Millisecond), can.srv.URL)

	b := newTab(t, chromium, base, xssTimeout)
	// Every JavaScript dialog is recorded and dismissed (an open dialog
	// would block the page).
	var (
		dmu     sync.Mutex
		dialogs []string
	)
	dismiss := make(chan struct{}, 16)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dmu.Lock()
			dialogs = append(dialogs, fmt.Sprintf("%s %q at %s", e.Type, e.Message, e.URL))
			dmu.Unlock()
			select {
			case dismiss <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatalf("listen for dialogs: %v", err)
	}
	go func() {
		for {
			select {
			case <-b.ctx.Done():
				return
			case <-dismiss:
				_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}
		}
	}()
	dialogCount := func() int {
		dmu.Lock()
		defer dmu.Unlock()
		return len(dialogs)
	}
	// Downloads are refused: an attachment that is a download never
	// becomes a page.
	if _, err := chromedp.Call(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorDeny,
	}); err != nil {
		t.Fatalf("set the download behaviour: %v", err)
	}

	b.open("/login")
	signIn(b, mb.User, mb.Password)
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("signing in led to %s, want /mail", loc)
	}
	// The list: the subject full of HTML is text.
	last := msgs[len(msgs)-1]
	if row := findRow(b, last.subject); row == nil {
		b.errorf("the message with subject %q is not listed with that text", last.subject)
	}
	checkTop(b, "the message list")

	var attachmentURLs []string
	for _, m := range msgs {
		before := len(can.requests())
		d0 := dialogCount()
		path := fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", m.uid)
		b.open(path)
		if loc := b.location(); loc.Path != "/mail/message" {
			b.errorf("message %d: the page went to %s", m.n, loc)
			continue
		}
		if got := b.text(`main h1.subject`); got != m.subject {
			b.errorf("message %d: subject shown as %q, want the text %q", m.n, got, m.subject)
		}
		if n := eval[int](b, "count elements in the headers", `document.querySelectorAll('main h1.subject *, dl.headers img, dl.headers script, dl.headers svg').length`); n != 0 {
			b.errorf("message %d: the subject or headers hold %d elements from the message", m.n, n)
		}
		if title := eval[string](b, "read the title", `document.title`); !strings.Contains(title, m.subject) {
			b.errorf("message %d: page title %q does not show the subject %q as text", m.n, title, m.subject)
		}
		if m == last {
			from := eval[string](b, "read the sender", `[...document.querySelectorAll('dl.headers dd')].map(d => d.textContent).join(' | ')`)
			if !strings.Contains(from, `<img src=x onerror=alert(3)>"><svg onload=alert(4)>`) {
				b.errorf("the display name full of HTML is not shown as text: headers %q", from)
			}
		}
		if m.n == 1 {
			// The frame really shows the message (so the payloads were
			// really delivered to the browser).
			if text := frameText(b); !strings.Contains(text, "Pesan uji 1") {
				b.errorf("body frame of message 1 shows %q, want \"Pesan uji 1\"", text)
			}
		}
		// The frame has loaded with the page (load waits for frames);
		// give refreshes and late loads a moment.
		time.Sleep(150 * time.Millisecond)
		checkTop(b, fmt.Sprintf("message %d", m.n))
		if d := dialogCount(); d != d0 {
			b.errorf("message %d opened %d JavaScript dialogs", m.n, d-d0)
		}
		if hits := can.requests(); len(hits) != before {
			b.errorf("message %d (%s) reached the canary: %q", m.n, m.subject, hits[before:])
		}
		for _, name := range m.attachments {
			links := eval[map[string]string](b, "read the attachment links", `Object.fromEntries([...document.querySelectorAll('main section.attachments a')].map(a => [a.textContent.trim(), a.getAttribute('href')]))`)
			u, ok := links[name]
			if !ok {
				b.errorf("message %d: no link for the attachment %q (links %q)", m.n, name, links)
				continue
			}
			attachmentURLs = append(attachmentURLs, u)
		}
		// The reply quotes the message (subject and body) in the
		// compose page, which runs the app's own script.
		b.open(fmt.Sprintf("/compose?reply=%d&folder=INBOX", m.uid))
		time.Sleep(100 * time.Millisecond)
		checkTop(b, fmt.Sprintf("the reply to message %d", m.n))
		if hits := can.requests(); len(hits) != before {
			b.errorf("the reply to message %d reached the canary: %q", m.n, hits[before:])
		}
	}

	// The attachments: served as downloads with nosniff and a sandbox,
	// and opening their URL in the browser renders nothing.
	cookies := result(b, "read the cookies", chromedp.Action[[]*network.Cookie](func(ctx context.Context, _ *chromedp.Target) ([]*network.Cookie, error) {
		r, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base}})
		return r.Cookies, err
	}))
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if len(attachmentURLs) != 2 {
		t.Errorf("found %d attachment links, want 2 (x.html, gambar.svg)", len(attachmentURLs))
	}
	for _, u := range attachmentURLs {
		req, _ := http.NewRequest(http.MethodGet, base+u, nil)
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("GET %s: %v", u, err)
			continue
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", u, resp.Status)
		}
		if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("GET %s: Content-Disposition %q, want attachment", u, cd)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", u, h.Get("X-Content-Type-Options"))
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q, want default-src 'none' and sandbox", u, csp)
		}
		t.Logf("attachment %s: %s, Content-Type %q, Content-Disposition %q", u, resp.Status, h.Get("Content-Type"), h.Get("Content-Disposition"))
		// In the browser: the navigation becomes a (refused) download.
		before := len(can.requests())
		_ = chromedp.Do(b.ctx, chromedp.Navigate(base+u)) // aborted: it is a download
		time.Sleep(300 * time.Millisecond)
		checkTop(b, "the attachment "+u)
		if hits := can.requests(); len(hits) != before {
			b.errorf("opening the attachment %s reached the canary: %q", u, hits[before:])
		}
	}

	// The body frame's own policy, read directly.
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/mail/body?folder=INBOX&uid=%d", base, msgs[0].uid), nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	if resp, err := client.Do(req); err != nil {
		t.Errorf("GET the body frame: %v", err)
	} else {
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "sandbox"} {
			if !strings.Contains(csp, want) {
				t.Errorf("body frame CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "script-src") || strings.Contains(csp, "allow-scripts") || strings.Contains(csp, "allow-same-origin") {
			t.Errorf("body frame CSP %q allows script or the app's origin", csp)
		}
	}

	// Late requests (refreshes, lazy images): none may come.
	time.Sleep(time.Second)
	if hits := can.requests(); len(hits) != 0 {
		t.Errorf("the canary received %d requests: %q", len(hits), hits)
	}
	// The control: the browser can reach the canary, so zero means blocked.
	b.open("/login")
	_ = chromedp.Do(b.ctx, chromedp.Navigate(can.srv.URL+"/control"))
	if hits := can.requests(); len(hits) == 0 || !strings.HasSuffix(hits[len(hits)-1], "/control") {
		t.Errorf("control: the browser's request to the canary was not recorded (%q): the canary proves nothing", hits)
	}
	dmu.Lock()
	if len(dialogs) != 0 {
		t.Errorf("JavaScript dialogs opened: %q", dialogs)
	}
	dmu.Unlock()
	// The control of the dialog listener: the app's own page opens one.
	b.open("/login")
	b.do("open a control dialog", chromedp.Evaluate[chromedp.Void](`setTimeout(() => alert("kontrol"), 0)`))
	deadline := time.Now().Add(5 * time.Second)
	for dialogCount() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if dialogCount() == 0 {
		t.Errorf("control: a dialog opened by the page was not seen: the dialog check proves nothing")
	}
	t.Logf("%d hostile messages read (and replied to) in %v: no dialog, no marker, no request to the canary",
		len(msgs), time.Since(start).Round(time.Millisecond))
}

// checkTop fails when a payload has left a trace in the top window: an
// xssN marker, a changed title, or a page that is no longer the app's.
func checkTop(b *tab, where string) {
	b.t.Helper()
	marks := eval[[]string](b, "look for markers", `Object.keys(window).filter(k => /^xss\d+$/.test(k))`)
	if len(marks) != 0 {
		b.errorf("%s: script ran in the top window (markers %q)", where, marks)
	}
	if title := eval[string](b, "read the title", `document.title`); strings.Contains(title, "pwned") {
		b.errorf("%s: the page title was changed to %q", where, title)
	}
}
