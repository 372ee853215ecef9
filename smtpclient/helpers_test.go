package smtpclient

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/testenv"
)

// testHello is the EHLO name of every test: fully qualified, as Postfix
// wants it.
const testHello = "webmail.pematangsiantar.go.id"

// account is a mailbox on a test server.
type account struct{ addr, pass string }

// target is a real submission server the tests run against, with the IMAP
// server its mail is delivered to.
type target struct {
	name string
	cfg  Config
	// alice sends, bob receives; expired signs in with 535.
	alice, bob, expired account
	// domain is the local mail domain: unknown users there are refused.
	domain string
	// size is the SIZE the server advertises (0: not known in advance).
	size int64
	// imap dials the IMAP server of the same accounts.
	imap func() (*imapclient.Client, error)
}

// realStack reports whether the tests should use .ci/stack's servers:
// when configured, and always under CI (where their absence fails).
func realStack() bool {
	return os.Getenv("WEBMAIL_TEST_IMAP") != "" || os.Getenv("CI") != ""
}

// quietLogger drops the demo servers' logs (the tests cut connections on
// purpose and the server logs that).
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// demoTarget starts the embedded demo backend.
func demoTarget(t testing.TB) target {
	t.Helper()
	b, err := demo.Start(demo.Options{Logger: quietLogger()})
	if err != nil {
		t.Fatalf("start demo backend: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	a, bo, ex := b.Accounts[0], b.Accounts[1], b.Accounts[2]
	// Like Dovecot's expired account: SMTP AUTH answers 535.
	if err := b.SetMustChange(ex.Address, demo.MustChangeExpired); err != nil {
		t.Fatal(err)
	}
	return target{
		name:    "demo",
		cfg:     Config{Addr: b.SMTPAddr, Security: SecurityNone, Hello: testHello, Timeout: 10 * time.Second},
		alice:   account{a.Address, a.Password},
		bob:     account{bo.Address, bo.Password},
		expired: account{ex.Address, ex.Password},
		domain:  demo.Domain,
		size:    demo.MaxMessageBytes,
		imap:    func() (*imapclient.Client, error) { return imapclient.DialInsecure(b.IMAPAddr, nil) },
	}
}

// postfixTargets returns Postfix's submission ports (STARTTLS, and
// implicit TLS when the stack has one).
func postfixTargets(t testing.TB) []target {
	t.Helper()
	d := testenv.Dovecot(t)
	tlsCfg := &tls.Config{RootCAs: testenv.CAPool(t, d), ServerName: "localhost"}
	iu, err := url.Parse(d.IMAP)
	if err != nil {
		t.Fatal(err)
	}
	dialIMAP := func() (*imapclient.Client, error) {
		return imapclient.DialStartTLS(iu.Host, &imapclient.Options{TLSConfig: tlsCfg})
	}
	if len(d.Users) < 2 {
		t.Fatalf("WEBMAIL_TEST_USERS needs two accounts, has %d", len(d.Users))
	}
	base := target{
		alice:   account{d.Users[0].Address, d.Users[0].Password},
		bob:     account{d.Users[1].Address, d.Users[1].Password},
		expired: account{d.Expired.Address, d.Expired.Password},
		domain:  d.Users[0].Address[strings.LastIndexByte(d.Users[0].Address, '@')+1:],
		imap:    dialIMAP,
	}
	var out []target
	for _, u := range []struct{ name, url string }{{"postfix-starttls", d.SMTP}, {"postfix-smtps", d.SMTPS}} {
		if u.url == "" {
			t.Logf("%s: not configured (WEBMAIL_TEST_SMTPS unset)", u.name)
			continue
		}
		cfg, err := ParseURL(u.url)
		if err != nil {
			t.Fatal(err)
		}
		cfg.TLS, cfg.Hello, cfg.Timeout = tlsCfg, testHello, 20*time.Second
		tg := base
		tg.name, tg.cfg = u.name, cfg
		out = append(out, tg)
	}
	return out
}

// targets returns every server to test against: the demo backend always,
// Postfix when .ci/stack is configured.
func targets(t testing.TB) []target {
	t.Helper()
	ts := []target{demoTarget(t)}
	if !realStack() {
		t.Log("real Postfix not configured (run .ci/stack start DIR and source DIR/env): testing the demo backend only")
		return ts
	}
	return append(ts, postfixTargets(t)...)
}

// token returns a unique string for Message-IDs and subjects.
func token() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// smallMessage builds a plain-text message with the given Message-ID token.
// The Bcc recipients are not in it, as the web layer builds it.
func smallMessage(from, to, tok string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: =?utf-8?q?Undangan_rapat_koordinasi_SPBE_?= %s\r\n", tok)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", tok, testHello)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString("Yth. Bapak/Ibu,\r\n\r\nMohon hadir pada rapat koordinasi hari Senin.\r\n")
	b.WriteString(".a line starting with a dot survives dot-stuffing\r\n")
	b.WriteString("Terima kasih.\r\n")
	return b.Bytes()
}

// findMessage looks in acct's INBOX for the message with Message-ID
// <tok@testHello>, polling until wait has passed; nil if absent.
func (tg target) findMessage(t testing.TB, acct account, tok string, wait time.Duration) []byte {
	t.Helper()
	c, err := tg.imap()
	if err != nil {
		t.Fatalf("%s: dial IMAP: %v", tg.name, err)
	}
	defer c.Close()
	if err := c.Login(acct.addr, acct.pass).Wait(); err != nil {
		t.Fatalf("%s: IMAP login %s: %v", tg.name, acct.addr, err)
	}
	deadline := time.Now().Add(wait)
	for {
		if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			t.Fatalf("%s: select INBOX: %v", tg.name, err)
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{
			{Key: "Message-Id", Value: tok + "@" + testHello},
		}}, nil).Wait()
		if err != nil {
			t.Fatalf("%s: search: %v", tg.name, err)
		}
		if uids := data.AllUIDs(); len(uids) > 0 {
			if len(uids) > 1 {
				t.Errorf("%s: message %s delivered %d times", tg.name, tok, len(uids))
			}
			section := &imap.FetchItemBodySection{Peek: true}
			msgs, err := c.Fetch(imap.UIDSetNum(uids[0]), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
			if err != nil || len(msgs) != 1 {
				t.Fatalf("%s: fetch: %v (%d messages)", tg.name, err, len(msgs))
			}
			return msgs[0].FindBodySection(section)
		}
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// assertNotDelivered sends a marker message to bob and waits for it, then
// checks that the message tok never arrived: Postfix delivers
// asynchronously, so absence alone proves nothing.
func (tg target) assertNotDelivered(t *testing.T, tok string) {
	t.Helper()
	marker := token()
	msg := smallMessage(tg.alice.addr, tg.bob.addr, marker)
	if err := Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass,
		Envelope{From: tg.alice.addr, To: []string{tg.bob.addr}}, int64(len(msg)), bytes.NewReader(msg)); err != nil {
		t.Fatalf("%s: marker send: %v", tg.name, err)
	}
	if tg.findMessage(t, tg.bob, marker, 20*time.Second) == nil {
		t.Fatalf("%s: marker message never arrived", tg.name)
	}
	if got := tg.findMessage(t, tg.bob, tok, 0); got != nil {
		t.Errorf("%s: message %s was delivered to %s although the send failed", tg.name, tok, tg.bob.addr)
	}
}

// fillReader produces a header and then filler lines, exactly n bytes in
// all, without holding them: a message of any size from a few bytes of
// memory. read counts what was consumed.
type fillReader struct {
	head []byte
	n    int64 // bytes still to produce
	read int64
	line []byte
	pos  int
}

func newFillReader(tok string, n int64) *fillReader {
	head := fmt.Appendf(nil, "Subject: filler %s\r\nMessage-ID: <%s@%s>\r\n\r\n", tok, tok, testHello)
	return &fillReader{head: head, n: n, line: []byte(strings.Repeat("0123456789", 7) + "abcdef\r\n")}
}

func (f *fillReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	k := 0
	if len(f.head) > 0 {
		k = copy(p, f.head)
		f.head = f.head[k:]
	}
	for k < len(p) {
		c := copy(p[k:], f.line[f.pos:])
		k += c
		f.pos = (f.pos + c) % len(f.line)
	}
	f.n -= int64(k)
	f.read += int64(k)
	return k, nil
}

// attachmentMessage returns a multipart/mixed message with a text part and
// an attachment of attSize pseudo-random bytes, base64-encoded line by
// line while it is read (RFC 2045 section 6.8: 76 characters a line), and
// its exact length. Nothing of the attachment is ever held whole.
func attachmentMessage(from, to, tok string, attSize int64) (io.Reader, int64) {
	const boundary = "=_webmail_bench_boundary"
	pre := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Laporan %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%q\r\n\r\n"+
		"--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTerlampir laporan bulanan.\r\n"+
		"--%s\r\nContent-Type: application/pdf; name=\"laporan.pdf\"\r\n"+
		"Content-Disposition: attachment; filename=\"laporan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		from, to, tok, time.Now().Format(time.RFC1123Z), tok, testHello, boundary, boundary, boundary)
	post := "--" + boundary + "--\r\n"
	full, rest := attSize/57, attSize%57
	b64 := full * 78
	if rest > 0 {
		b64 += (rest+2)/3*4 + 2
	}
	g := &base64Gen{n: attSize, rng: mathrand.NewPCG(1, 2)}
	return io.MultiReader(strings.NewReader(pre), g, strings.NewReader(post)), int64(len(pre)) + b64 + int64(len(post))
}

// base64Gen yields n pseudo-random bytes as base64 lines of 76 characters.
type base64Gen struct {
	n   int64
	rng *mathrand.PCG
	raw [57]byte
	out [78]byte
	buf []byte // unread part of out
}

func (g *base64Gen) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		if len(g.buf) == 0 {
			if g.n == 0 {
				break
			}
			m := int64(len(g.raw))
			if g.n < m {
				m = g.n
			}
			for i := 0; i < int(m); i += 8 {
				v := g.rng.Uint64()
				for j := 0; j < 8 && i+j < int(m); j++ {
					g.raw[i+j] = byte(v >> (8 * j))
				}
			}
			enc := base64.StdEncoding.EncodedLen(int(m))
			base64.StdEncoding.Encode(g.out[:enc], g.raw[:m])
			g.out[enc], g.out[enc+1] = '\r', '\n'
			g.buf = g.out[:enc+2]
			g.n -= m
		}
		c := copy(p[k:], g.buf)
		g.buf = g.buf[c:]
		k += c
	}
	if k == 0 && g.n == 0 {
		return 0, io.EOF
	}
	return k, nil
}
