package webmail

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/imapclient"
)

// Dates relative to the test clock (26 Nov 2025 14:05 UTC = 21:05 WIB).
var (
	today      = time.Date(2025, 11, 26, 8, 30, 0, 0, time.UTC)  // 15:30 WIB
	thisYear   = time.Date(2025, 3, 4, 3, 0, 0, 0, time.UTC)     // 4 Mar
	lastYear   = time.Date(2024, 11, 26, 2, 0, 0, 0, time.UTC)   // 26/11/2024
	wibMorning = time.Date(2025, 11, 25, 23, 30, 0, 0, time.UTC) // 26 Nov 06:30 WIB: today in Jakarta
)

func TestHomeRedirect(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	if p := b.get("/"); p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/login") {
		t.Errorf("/ signed out: %d %q", p.StatusCode, p.location())
	}
	b.mustSignIn(acctTU)
	if p := b.get("/"); p.StatusCode != http.StatusFound || p.location() != "/mail" {
		t.Errorf("/ signed in: %d %q", p.StatusCode, p.location())
	}
}

func TestFolderList(t *testing.T) {
	e := newEnv(t)
	e.appendMessage(acctTU.Address, "INBOX", false, today, plainMessage("Camat Siantar Barat <camat.sb@pematangsiantar.go.id>", acctTU.Address, "Undangan rapat", "Isi", today))
	e.appendMessage(acctTU.Address, "INBOX", false, today, plainMessage("a@b.id", acctTU.Address, "Kedua", "Isi", today))
	e.appendMessage(acctTU.Address, "INBOX", true, today, plainMessage("a@b.id", acctTU.Address, "Sudah dibaca", "Isi", today))
	if err := e.backend.CreateMailbox(acctTU.Address, "Surat Keputusan/2025"); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get("/mail")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t,
		"Webmail Pemerintah Kota Pematangsiantar",
		"<title>(2) Kotak Masuk · Webmail Pematangsiantar</title>",
		`aria-current="page"><span class="name">Kotak Masuk</span> <span class="count">2<span class="visually-hidden"> belum dibaca</span></span>`,
		">Draf<", ">Terkirim<", ">Spam<", ">Tempat Sampah<",
		">Surat Keputusan<", ">2025<", `class="depth-1`,
	)
	// The inbox first, special folders before the user's own (the
	// order among special folders is imapclient's).
	user := strings.Index(p.Body, ">Surat Keputusan<")
	for i, name := range []string{">Kotak Masuk<", ">Draf<", ">Terkirim<", ">Spam<", ">Tempat Sampah<"} {
		at := strings.Index(p.Body, name)
		if at > user || (i == 0 && at > strings.Index(p.Body, ">Draf<")) {
			t.Errorf("%s is out of order", name)
		}
	}
	// The list: unread in bold (class) and for screen readers.
	p.mustContain(t, `<tr class="unread">`, `<span class="visually-hidden">belum dibaca: </span>Camat Siantar Barat`, "Undangan rapat", "Sudah dibaca")
	if n := strings.Count(p.Body, `<tr class="unread">`); n != 2 {
		t.Errorf("%d unread rows, want 2", n)
	}
	// English names.
	b.get("/mail?lang=en").mustNotContain(t, "x") // the redirect itself
	p = b.get("/mail")
	p.mustContain(t, `<html lang="en">`, ">Inbox<", ">Drafts<", ">Sent<", ">Spam<", ">Trash<", ">Sign out</button>")
}

func TestMessageListColumns(t *testing.T) {
	e := newEnv(t)
	e.appendMessage(acctTU.Address, "INBOX", true, lastYear, plainMessage("Lama <lama@b.id>", acctTU.Address, "Surat lama", "x", lastYear))
	e.appendMessage(acctTU.Address, "INBOX", true, thisYear, plainMessage("Tahun ini <ini@b.id>", acctTU.Address, "Surat Maret", "x", thisYear))
	e.appendMessage(acctTU.Address, "INBOX", true, today, plainMessage("Hari ini <hari@b.id>", acctTU.Address, "Surat hari ini", strings.Repeat("isi panjang ", 2000), today))
	e.appendMessage(acctTU.Address, "INBOX", true, wibMorning, plainMessage("Pagi <pagi@b.id>", acctTU.Address, "Surat pagi WIB", "x", wibMorning))
	raw := attachmentMessage(acctTU.Address)
	uid := e.appendMessage(acctTU.Address, "INBOX", true, thisYear, raw)
	flagMessage(t, e, acctTU, "INBOX", uid)
	e.appendMessage(acctTU.Address, "Sent", true, today, plainMessage(acctTU.Address, "Kepala Dinas <kadis@pematangsiantar.go.id>", "Laporan", "x", today))

	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get("/mail")
	p.mustContain(t,
		`<time title="Rabu, 26 November 2025 15:30 WIB">15:30</time>`,
		`<time title="Rabu, 26 November 2025 06:30 WIB">06:30</time>`,
		`>4 Mar</time>`,
		`>26/11/2024</time>`,
		"1–5 dari 5",
		`alt="ada lampiran"`,
		`<span class="flag" aria-hidden="true">⚑</span><span class="visually-hidden">ditandai</span>`,
		`<td class="c-size">24 KB</td>`,
		`>Pengirim</a>`,
	)
	// Newest first.
	if strings.Index(p.Body, "Surat hari ini") > strings.Index(p.Body, "Surat lama") {
		t.Error("not newest first")
	}
	// Sent shows the recipient.
	p = b.get("/mail?folder=Sent")
	p.mustContain(t, `>Penerima</a>`, ">Kepala Dinas</td>", "<title>Terkirim · Webmail Pematangsiantar</title>")
	p.mustNotContain(t, ">"+acctTU.Address+"</td>")
	// Month names in English.
	b.get("/mail?lang=en")
	b.get("/mail").mustContain(t, `title="Wednesday, 26 November 2025 15:30 WIB"`, ">4 Mar</time>", "1–5 of 5")
}

func TestEmptyFolder(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get("/mail?folder=Trash")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, "Tidak ada pesan", `<h1>Tempat Sampah</h1>`)
	p.mustNotContain(t, `<table class="messages">`, "dari 0")
}

func TestPagination(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *imapclient.Config) { c.PerPage = 10 })
	for i := range 25 {
		d := thisYear.Add(time.Duration(i) * time.Hour)
		e.appendMessage(acctTU.Address, "INBOX", true, d, plainMessage("a@b.id", acctTU.Address, fmt.Sprintf("Pesan nomor %02d", i+1), "x", d))
	}
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get("/mail")
	p.mustContain(t, "1–10 dari 25", "Pesan nomor 25", "Pesan nomor 16", `href="/mail?folder=INBOX&amp;page=2" rel="next"`)
	p.mustNotContain(t, "Pesan nomor 15", `rel="prev"`)
	p = b.get("/mail?folder=INBOX&page=3")
	p.mustContain(t, "21–25 dari 25", "Pesan nomor 05", "Pesan nomor 01", `href="/mail?folder=INBOX&amp;page=2" rel="prev"`)
	p.mustNotContain(t, `rel="next"`, "Pesan nomor 06")
	// Each row links to its message, remembering the page.
	if !regexp.MustCompile(`href="/mail/message\?folder=INBOX&amp;page=3&amp;uid=\d+"`).MatchString(p.Body) {
		t.Error("no message links with the page")
	}
	// Past the end: the last page.
	if p := b.get("/mail?folder=INBOX&page=9"); p.StatusCode != http.StatusSeeOther || p.location() != "/mail?folder=INBOX&page=3" {
		t.Errorf("page 9: %d %q", p.StatusCode, p.location())
	}
	if p := b.get("/mail?page=abc"); p.StatusCode != http.StatusOK {
		t.Errorf("bad page number: %d", p.StatusCode)
	}
}

// attachmentMessage is a multipart message with a text body and a PDF
// whose name needs RFC 2231 encoding.
func attachmentMessage(to string) string {
	return `From: Bagian Hukum <hukum@pematangsiantar.go.id>
To: ` + to + `
Subject: =?UTF-8?Q?Salinan_Perwali_=E2=80=93_lampiran?=
Date: Tue, 04 Mar 2025 10:00:00 +0700
Message-ID: <att-1@test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Terlampir salinan Perwali. Lihat https://jdih.pematangsiantar.go.id/perwali untuk arsip.
<script>alert(1)</script>

--b1
Content-Type: application/pdf; name="perwali.pdf"
Content-Disposition: attachment; filename*=UTF-8''Perwali%20No.%205%20%E2%80%93%20Pajak%20Daerah.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKJSVFT0YK
--b1
Content-Type: text/html; name="laporan.html"
Content-Disposition: attachment; filename="../../etc/laporan\"x.html"

<script>alert(document.cookie)</script>
--b1--
`
}

// flagMessage sets \Flagged on a message, as another client would.
func flagMessage(t *testing.T, e *env, a demo.Account, folder string, uid uint32) {
	t.Helper()
	withIMAP(t, e, a, func(c *goimap.Client) {
		if _, err := c.Select(folder, nil).Wait(); err != nil {
			t.Fatal(err)
		}
		store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged}}
		if err := c.Store(imap.UIDSetNum(imap.UID(uid)), store, nil).Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// withIMAP runs fn on a plain go-imap connection to the demo backend, for
// changes made "elsewhere" (another client, another device).
func withIMAP(t *testing.T, e *env, a demo.Account, fn func(*goimap.Client)) {
	t.Helper()
	c, err := goimap.DialInsecure(e.backend.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(a.Address, a.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	fn(c)
	_ = c.Logout().Wait()
}
