package webmail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/testenv"
)

// mimeFixture is one entry of testdata/mime/expect.json, written by
// `go run ./testdata/mime/gen`.
type mimeFixture struct {
	File        string   `json:"file"`
	Case        string   `json:"case"`
	Subject     string   `json:"subject"`
	FromName    string   `json:"from_name"`
	FromAddr    string   `json:"from_addr"`
	Phrase      string   `json:"phrase"`
	Attachments []string `json:"attachments"`
	Problems    bool     `json:"problems"`
	Calendar    string   `json:"calendar"`
	Inner       string   `json:"inner"`
	raw         []byte
}

// loadMIMEFixtures reads the fixture set, plus the 5 MB attachment built
// here (too big to keep in the repository).
func loadMIMEFixtures(t *testing.T) []mimeFixture {
	t.Helper()
	dir := filepath.Join("..", "testdata", "mime")
	js, err := os.ReadFile(filepath.Join(dir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx []mimeFixture
	if err := json.Unmarshal(js, &fx); err != nil {
		t.Fatal(err)
	}
	for i := range fx {
		if fx[i].raw, err = os.ReadFile(filepath.Join(dir, fx[i].File)); err != nil {
			t.Fatal(err)
		}
	}
	return append(fx, bigAttachmentFixture())
}

// bigAttachmentSize is the decoded size of the big fixture's attachment.
const bigAttachmentSize = 5 << 20

func bigAttachmentFixture() mimeFixture {
	var b bytes.Buffer
	b.WriteString("From: Bagian Arsip <arsip@pematangsiantar.go.id>\r\nTo: tatausaha@pematangsiantar.go.id\r\n" +
		"Subject: Arsip pindaian 5 MB\r\nDate: Wed, 26 Nov 2025 09:15:00 +0700\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Hasil pindaian arsip terlampir.\r\n--big\r\nContent-Type: application/octet-stream\r\n" +
		"Content-Disposition: attachment; filename=\"pindaian.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	// 57 bytes of data per 76-character base64 line.
	line := "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n"
	for n := 0; n < bigAttachmentSize; n += 57 {
		b.WriteString(line)
	}
	b.WriteString("--big--\r\n")
	return mimeFixture{File: "big-attachment (generated)", Case: "5mb-attachment", Subject: "Arsip pindaian 5 MB",
		FromName: "Bagian Arsip", FromAddr: "arsip@pematangsiantar.go.id", Phrase: "Hasil pindaian arsip terlampir.",
		Attachments: []string{"pindaian.bin"}, raw: b.Bytes()}
}

// embeddedLimits are the fixtures the embedded server (imapmemserver,
// which parses mail with go-message and Go's mime package) describes
// wrongly, so that no client could show them right: a From in an unknown
// charset, or a header line without a colon, leaves ENVELOPE empty. On
// these the page must still render (status 200); what it shows is logged.
// Dovecot gets all of them right (TestMIMEFixturesDovecot). (RFC 2231 file
// names in legacy charsets, which the server's BODYSTRUCTURE loses too, are
// read from the parts' MIME headers by the client, so they are checked.)
var embeddedLimits = map[string]string{
	"broken-unknown-charset": "the server's ENVELOPE has no address for a From in x-unknown",
	"broken-header-no-colon": "the server fails to parse the header: empty ENVELOPE, BODYSTRUCTURE and BODY[]",
}

func TestMIMEFixtures(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	for _, fx := range loadMIMEFixtures(t) {
		uid, err := e.backend.AppendTo(acctTU.Address, "INBOX", nil, time.Now(), fx.raw)
		if err != nil {
			t.Fatalf("%s: %v", fx.File, err)
		}
		t.Run(fx.Case, func(t *testing.T) { checkMIMEFixture(t, b, "INBOX", uid, fx, embeddedLimits[fx.Case]) })
	}
}

func TestMIMEFixturesDovecot(t *testing.T) {
	d := testenv.Dovecot(t)
	icfg := dovecotIMAP(t, d)
	user := d.Users[0]
	e := newEnvAt(t, icfg)

	c, err := goimap.DialStartTLS(icfg.Addr, &goimap.Options{TLSConfig: icfg.TLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user.Address, user.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	// A folder of its own per run: the fixtures do not mix with other
	// tests' mail.
	folder := fmt.Sprintf("Fixtures-%d", time.Now().UnixNano())
	testenv.CreateMailbox(t, c, folder)
	t.Cleanup(func() { c.Delete(folder).Wait() })

	b := e.browser()
	if p := b.signIn(user.Address, user.Password); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", p.StatusCode)
	}
	for _, fx := range loadMIMEFixtures(t) {
		app := c.Append(folder, int64(len(fx.raw)), nil)
		app.Write(fx.raw)
		app.Close()
		data, err := app.Wait()
		if err != nil {
			t.Fatalf("%s: append: %v", fx.File, err)
		}
		t.Run(fx.Case, func(t *testing.T) { checkMIMEFixture(t, b, folder, uint32(data.UID), fx, "") })
	}
}

var reFrameSrc = regexp.MustCompile(`<iframe class="body-frame" src="([^"]+)"`)

// checkMIMEFixture opens one fixture through the app and checks what the
// reader sees: subject, sender, a phrase of the body, the attachment
// names, and the note for broken mail.
//
// limit, when set, is why the server cannot describe this message right:
// then only the status is checked and the rest logged.
func checkMIMEFixture(t *testing.T, b *browser, folder string, uid uint32, fx mimeFixture, limit string) {
	t.Helper()
	errorf := t.Errorf
	if limit != "" {
		errorf = func(format string, args ...any) { t.Logf("known server limit ("+limit+"): "+format, args...) }
	}
	p := b.get(partURL("/mail/message", folder, uid, ""))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d\n%s", fx.File, p.StatusCode, p.Body)
	}
	page := html.UnescapeString(p.Body)
	want := []string{"<title>" + fx.Subject + " · ", fx.FromAddr}
	if fx.FromName != "" {
		want = append(want, fx.FromName+" <"+fx.FromAddr+">")
	}
	want = append(want, fx.Attachments...)
	if fx.Calendar != "" {
		want = append(want, fx.Calendar)
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			errorf("%s: page lacks %q", fx.File, w)
		}
	}
	body := page
	if m := reFrameSrc.FindStringSubmatch(p.Body); m != nil {
		f := b.get(html.UnescapeString(m[1]))
		if f.StatusCode != http.StatusOK {
			t.Fatalf("%s: body frame: status %d", fx.File, f.StatusCode)
		}
		body = html.UnescapeString(f.Body)
		// Tags of the HTML body may split the phrase: compare the text.
		body = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, "")
	}
	if !strings.Contains(body, fx.Phrase) {
		errorf("%s: body lacks %q\n%s", fx.File, fx.Phrase, body)
	}
	// The source view gives the message back byte for byte.
	if src := b.get(partURL("/mail/source", folder, uid, "")); src.StatusCode != http.StatusOK || src.Body != string(fx.raw) {
		errorf("%s: source: status %d, %d bytes, want %d", fx.File, src.StatusCode, len(src.Body), len(fx.raw))
	}
	note := "Sebagian isi pesan ini tidak dapat dibaca dengan benar."
	if fx.Problems && !strings.Contains(page, note) {
		errorf("%s: no note for broken mail", fx.File)
	}
	if !fx.Problems && strings.Contains(page, note) {
		errorf("%s: problem note on a sound message", fx.File)
	}
	if t.Failed() {
		t.Logf("page:\n%s", page)
	}
}

// TestMessageSourceEMLPrint: "Lihat sumber", "Unduh .eml" and the print
// view of a fixture, and the reading view's links to them; the plain-text
// switch; the invitation summary.
func TestMessageSourceEMLPrint(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	byCase := map[string]mimeFixture{}
	for _, fx := range loadMIMEFixtures(t) {
		byCase[fx.Case] = fx
	}
	add := func(c string) uint32 {
		uid, err := e.backend.AppendTo(acctTU.Address, "INBOX", nil, time.Now(), byCase[c].raw)
		if err != nil {
			t.Fatal(err)
		}
		return uid
	}
	uid := add("charset-koi8-r")
	raw := byCase["charset-koi8-r"].raw

	view := b.get(partURL("/mail/message", "INBOX", uid, ""))
	view.mustContain(t,
		fmt.Sprintf(`href="/mail/source?folder=INBOX&amp;uid=%d"`, uid),
		fmt.Sprintf(`href="/mail/eml?folder=INBOX&amp;uid=%d"`, uid),
		fmt.Sprintf(`href="/mail/print?folder=INBOX&amp;uid=%d"`, uid),
		"Lihat sumber", "Unduh .eml", "Cetak")

	src := b.get(partURL("/mail/source", "INBOX", uid, ""))
	if src.StatusCode != http.StatusOK || src.Body != string(raw) {
		t.Fatalf("source: %d, %d bytes, want %d", src.StatusCode, len(src.Body), len(raw))
	}
	for k, v := range map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": cspSource} {
		if got := src.Header.Get(k); got != v {
			t.Errorf("source %s = %q, want %q", k, got, v)
		}
	}

	eml := b.get(partURL("/mail/eml", "INBOX", uid, ""))
	if eml.StatusCode != http.StatusOK || eml.Body != string(raw) {
		t.Fatalf("eml: %d", eml.StatusCode)
	}
	if ct := eml.Header.Get("Content-Type"); ct != "message/rfc822" {
		t.Errorf("eml Content-Type %q", ct)
	}
	if cd := eml.Header.Get("Content-Disposition"); cd != contentDisposition("Съешь ещё булок.eml") {
		t.Errorf("eml Content-Disposition %q", cd)
	}

	pr := b.get(partURL("/mail/print", "INBOX", uid, ""))
	if pr.StatusCode != http.StatusOK {
		t.Fatalf("print: %d", pr.StatusCode)
	}
	pr.mustContain(t, "<h1 class=\"subject\">Съешь ещё булок</h1>", "Дмитрий Соколов", "В чащах юга жил бы цитрус.", "Письмо.txt", "print.js", "print.css")
	pr.mustNotContain(t, "<script>", "onload", "sidebar")

	if p := b.get("/mail/source?folder=INBOX&uid=999999"); p.StatusCode != http.StatusNotFound {
		t.Errorf("source of a missing message: %d", p.StatusCode)
	}

	// HTML and text: the switch to plain text and back.
	uid = add("html-and-text")
	view = b.get(partURL("/mail/message", "INBOX", uid, ""))
	view.mustContain(t, `class="body-frame"`, fmt.Sprintf(`href="/mail/message?folder=INBOX&amp;uid=%d&amp;view=text">Tampilkan teks biasa</a>`, uid))
	text := b.get(partURL("/mail/message", "INBOX", uid, "") + "&view=text")
	text.mustContain(t, `<pre class="body-text">Versi teks siaran pers.`, "Tampilkan versi HTML")
	text.mustNotContain(t, `class="body-frame"`)

	// The invitation.
	uid = add("calendar-invite")
	cal := b.get(partURL("/mail/message", "INBOX", uid, ""))
	cal.mustContain(t, "<h2 id=\"cal-title\">Undangan</h2>", "<dt>Acara</dt><dd>Rapat Evaluasi Program</dd>",
		"<dt>Waktu</dt><dd>Senin, 1 Desember 2025 09:00 WIB – Senin, 1 Desember 2025 11:00 WIB</dd>",
		"<dt>Tempat</dt><dd>Ruang Rapat Lt. 2, Balai Kota</dd>",
		"<dt>Penyelenggara</dt><dd>Sekretaris Daerah &lt;sekda@pematangsiantar.go.id&gt;</dd>")
}
