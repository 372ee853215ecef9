package webmail

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// nestedForward is a message with an attached multipart message (HTML
// body) that has an attached single-part message in turn.
const nestedForward = "From: Sekretariat <sekretariat@pematangsiantar.go.id>\r\n" +
	"To: tatausaha@pematangsiantar.go.id\r\n" +
	"Subject: Fwd: Fwd: Berkas berantai\r\n" +
	"Date: Wed, 26 Nov 2025 09:15:00 +0700\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n" +
	"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLapis luar.\r\n" +
	"--a\r\nContent-Type: message/rfc822\r\n\r\n" +
	"From: Bagian Umum <umum@pematangsiantar.go.id>\r\n" +
	"Subject: Fwd: Berkas berantai\r\n" +
	"Date: Tue, 25 Nov 2025 10:00:00 +0700\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
	"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Lapis <b>tengah</b>.</p><script>alert(1)</script>\r\n" +
	"--b\r\nContent-Type: message/rfc822\r\n\r\n" +
	"From: Camat <camat@pematangsiantar.go.id>\r\n" +
	"Subject: Berkas berantai\r\n" +
	"Date: Mon, 24 Nov 2025 08:00:00 +0700\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
	"Lapis terdalam.\r\n" +
	"--b--\r\n" +
	"--a--\r\n"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "mime", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAttachedMessageView(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	fwd, err := e.backend.AppendTo(acctTU.Address, "INBOX", nil, time.Now(), readFixture(t, "18-message-rfc822.eml"))
	if err != nil {
		t.Fatal(err)
	}
	nested, err := e.backend.AppendTo(acctTU.Address, "INBOX", nil, time.Now(), []byte(nestedForward))
	if err != nil {
		t.Fatal(err)
	}
	checkAttachedView(t, b, "INBOX", fwd, nested)
}

func TestAttachedMessageViewDovecot(t *testing.T) {
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
	folder := fmt.Sprintf("Attached-%d", time.Now().UnixNano())
	testenv.CreateMailbox(t, c, folder)
	t.Cleanup(func() { c.Delete(folder).Wait() })
	var uids []uint32
	for _, raw := range [][]byte{readFixture(t, "18-message-rfc822.eml"), []byte(nestedForward)} {
		app := c.Append(folder, int64(len(raw)), nil)
		app.Write(raw)
		app.Close()
		data, err := app.Wait()
		if err != nil {
			t.Fatal(err)
		}
		uids = append(uids, uint32(data.UID))
	}
	b := e.browser()
	if p := b.signIn(user.Address, user.Password); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", p.StatusCode)
	}
	checkAttachedView(t, b, folder, uids[0], uids[1])
}

// checkAttachedView opens fixture 18 (fwd) and the nested forward through
// the "Buka pesan" links and checks the attached messages' reading views.
func checkAttachedView(t *testing.T, b *browser, folder string, fwd, nested uint32) {
	t.Helper()
	esc := func(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }
	open := partURL("/mail/message", folder, fwd, "2")
	outer := b.get(partURL("/mail/message", folder, fwd, ""))
	outer.mustContain(t, `<a class="open-message" href="`+esc(open)+`">Buka pesan</a>`, "Disposisi surat masuk.eml")

	in := b.get(open)
	if in.StatusCode != http.StatusOK {
		t.Fatalf("attached message: %d\n%s", in.StatusCode, in.Body)
	}
	in.mustContain(t,
		`<h1 class="subject">Disposisi surat masuk</h1>`,
		"Pesan terlampir dalam: Fwd: Disposisi surat masuk",
		`href="`+esc(partURL("/mail/message", folder, fwd, ""))+`"`,
		"Kepala Dinas &lt;kadis@pematangsiantar.go.id&gt;",
		"Mohon ditindaklanjuti segera, terima kasih.",
		`href="`+esc(partURL("/mail/part", folder, fwd, "2.2"))+`" download>Surat-Masuk.pdf</a>`,
		// Its .eml is the attached part itself.
		`href="`+esc(partURL("/mail/part", folder, fwd, "2"))+`" download>Unduh .eml</a>`,
		"<title>Disposisi surat masuk · ")
	// Answered and printed from the message it came in.
	in.mustNotContain(t, "/compose?", "/mail/print?")
	pdf := b.get(partURL("/mail/part", folder, fwd, "2.2"))
	if pdf.StatusCode != http.StatusOK || pdf.Body != "%PDF-1.4\n" || !strings.Contains(pdf.Header.Get("Content-Disposition"), "Surat-Masuk.pdf") {
		t.Errorf("inner attachment: %d %q %q", pdf.StatusCode, pdf.Body, pdf.Header.Get("Content-Disposition"))
	}

	// Nested: an HTML message in its sandboxed frame, then the message
	// attached to it.
	mid := b.get(partURL("/mail/message", folder, nested, "2"))
	if mid.StatusCode != http.StatusOK {
		t.Fatalf("middle message: %d", mid.StatusCode)
	}
	frame := partURL("/mail/body", folder, nested, "2")
	mid.mustContain(t, `<iframe class="body-frame" src="`+esc(frame)+`"`, "Pesan terlampir dalam: Fwd: Fwd: Berkas berantai",
		`href="`+esc(partURL("/mail/message", folder, nested, "2.2"))+`">Buka pesan</a>`)
	body := b.get(frame)
	if body.StatusCode != http.StatusOK || body.Header.Get("Content-Security-Policy") != cspBody {
		t.Fatalf("middle body: %d", body.StatusCode)
	}
	body.mustContain(t, "Lapis <b>tengah</b>.")
	body.mustNotContain(t, "<script")
	inner := b.get(partURL("/mail/message", folder, nested, "2.2"))
	inner.mustContain(t, `<h1 class="subject">Berkas berantai</h1>`, "Lapis terdalam.", "Pesan terlampir dalam: Fwd: Fwd: Berkas berantai")

	// Parts that are not attached messages.
	for _, part := range []string{"1", "9", "2.1"} {
		if p := b.get(partURL("/mail/message", folder, fwd, part)); p.StatusCode != http.StatusNotFound {
			t.Errorf("part %s: %d", part, p.StatusCode)
		}
	}
	if p := b.get(partURL("/mail/message", folder, fwd, "") + "&part=x"); p.StatusCode != http.StatusNotFound {
		t.Errorf("bad part: %d", p.StatusCode)
	}
}

// breakingProxy forwards IMAP connections to addr, replacing old by bad
// (of the same length) in what the server sends: a response go-imap
// cannot parse, which makes it close the connection.
func breakingProxy(t *testing.T, addr string, old, bad []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer client.Close()
				server, err := net.Dial("tcp", addr)
				if err != nil {
					return
				}
				defer server.Close()
				go func() { io.Copy(server, client); server.Close() }()
				buf := make([]byte, 64<<10)
				for {
					n, err := server.Read(buf)
					if n > 0 {
						if _, werr := client.Write(bytes.ReplaceAll(buf[:n], old, bad)); werr != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestUnreadableMessageView: a message whose FETCH response breaks the
// client's parser (so go-imap closes the connection, twice: the cache
// dials again once) gets a page of its own, and the session goes on.
func TestUnreadableMessageView(t *testing.T) {
	e := newEnv(t)
	// A second app, in front of the breaking proxy to the same server.
	proxy := breakingProxy(t, e.backend.IMAPAddr, []byte(`"RUSAK-PARSER"`), []byte(`"RUSAK"PARSER"`))
	e2 := newEnvAt(t, imapclient.Config{Addr: proxy, Security: imapclient.SecurityNone})
	b := e2.browser()
	b.mustSignIn(acctTU)
	broken, err := e.backend.AppendTo(acctTU.Address, "INBOX", nil, time.Now(), []byte(
		"From: a@example.org\r\nTo: tatausaha@pematangsiantar.go.id\r\nSubject: RUSAK-PARSER\r\n"+
			"Date: Wed, 26 Nov 2025 09:15:00 +0700\r\nContent-Type: text/plain\r\n\r\nIsi.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	sound, err := e.backend.AppendTo(acctTU.Address, "INBOX", nil, time.Now(), readFixture(t, "18-message-rfc822.eml"))
	if err != nil {
		t.Fatal(err)
	}

	p := b.get(partURL("/mail/message", "INBOX", broken, ""))
	if p.StatusCode != http.StatusBadGateway {
		t.Fatalf("broken message: %d\n%s", p.StatusCode, e2.logs.String())
	}
	p.mustContain(t, "Pesan ini tidak dapat ditampilkan seluruhnya", "<title>Pesan tidak dapat ditampilkan · ",
		fmt.Sprintf(`href="/mail/source?folder=INBOX&amp;uid=%d"`, broken), fmt.Sprintf(`href="/mail/eml?folder=INBOX&amp;uid=%d"`, broken),
		`id="content"`)
	p.mustNotContain(t, "/compose?")
	if !strings.Contains(e2.logs.String(), "message cannot be read") {
		t.Error("the unreadable message was not logged")
	}
	// The session is still there: the next request dials again.
	ok := b.get(partURL("/mail/message", "INBOX", sound, ""))
	if ok.StatusCode != http.StatusOK {
		t.Fatalf("next message: %d", ok.StatusCode)
	}
	ok.mustContain(t, "Berikut pesan yang diteruskan.")
	// An attached message that cannot be read: a page too, with the way
	// back to the message it came in.
	ap := b.get(partURL("/mail/message", "INBOX", broken, "2"))
	if ap.StatusCode != http.StatusBadGateway {
		t.Fatalf("broken attached message: %d", ap.StatusCode)
	}
	ap.mustContain(t, "Pesan ini tidak dapat ditampilkan seluruhnya", html.EscapeString(partURL("/mail/message", "INBOX", broken, "")))
}

// TestEmptyEnvelopeNote: the embedded server gives an empty ENVELOPE for a
// header line without a colon; the page still renders, with the note.
func TestEmptyEnvelopeNote(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	uid, err := e.backend.AppendTo(acctTU.Address, "INBOX", nil, time.Now(), readFixture(t, "28-broken-header-no-colon.eml"))
	if err != nil {
		t.Fatal(err)
	}
	p := b.get(partURL("/mail/message", "INBOX", uid, ""))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", p.StatusCode, e.logs.String())
	}
	p.mustContain(t, "Sebagian isi pesan ini tidak dapat dibaca dengan benar.", "(tanpa subjek)", "Lihat sumber")
}
