package webmail

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// TestDovecotSend sends through real Postfix (submission, STARTTLS with
// the stack's CA, SASL through Dovecot) from one test user to another, who
// receives it over LMTP in Dovecot; then a refused recipient keeps the
// message in Drafts.
func TestDovecotSend(t *testing.T) {
	d := testenv.Dovecot(t)
	if len(d.Users) < 2 {
		t.Fatal("WEBMAIL_TEST_USERS needs two users: one sends, the other receives")
	}
	pool := testenv.CAPool(t, d)
	icfg := dovecotIMAP(t, d)
	scfg, err := smtpclient.ParseURL(d.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	scfg.TLS = &tls.Config{RootCAs: pool, ServerName: "localhost"}
	scfg.Hello = testHello
	e := newEnvAt(t, icfg, func(c *Config, _ *imapclient.Config) { c.SMTP = scfg })
	alice, bob := d.Users[0], d.Users[1]

	b := e.browser()
	if p := b.signIn(alice.Address, alice.Password); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d\n%s", p.StatusCode, p.Body)
	}
	stamp := time.Now().UnixNano()
	subject := fmt.Sprintf("Laporan bulanan – %d", stamp)
	data := binaryData(1 << 20)
	_, f := b.composeFields("/compose")
	f.Set("to", bob.Address)
	f.Set("subject", subject)
	f.Set("body", "<div>Mohon <b>segera</b> diperiksa.</div>")
	f.Set("body_format", "html")
	f.Set("action", "send")
	p := b.postCompose(f, []upload{{Name: "Rekap – Januari.xlsx", Type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: data}}, nil)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s\n%s", p.StatusCode, p.Body, e.logs)
	}

	find := func(u testenv.User, folder, subject string) *stored {
		t.Helper()
		c, err := goimap.DialStartTLS(icfg.Addr, &goimap.Options{TLSConfig: icfg.TLS})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Login(u.Address, u.Password).Wait(); err != nil {
			t.Fatal(err)
		}
		_ = c.Create(folder, nil).Wait() // usually exists already
		for _, m := range readFolder(t, c, folder) {
			if bytes.Contains(m.Raw, []byte(fmt.Sprint(stamp))) && strings.Contains(parseMessage(t, m.Raw).subject(t), subject) {
				return &m
			}
		}
		return nil
	}
	var got *stored
	waitFor(t, "delivery to "+bob.Address, func() bool {
		got = find(bob, "INBOX", subject)
		return got != nil
	})
	pm := parseMessage(t, got.Raw)
	if !bytes.Equal(pm.Attachments["Rekap – Januari.xlsx"], data) || !strings.Contains(pm.HTML, "<b>segera</b>") ||
		!strings.Contains(pm.Text, "Mohon segera diperiksa.") || strings.Contains(strings.ToLower(pm.RawHeader), "\r\nbcc:") {
		t.Errorf("delivered message: %v\n%s", keys(pm.Attachments), pm.RawHeader)
	}
	if sent := find(alice, "Sent", subject); sent == nil || !sent.has(imap.FlagSeen) {
		t.Errorf("Sent copy: %+v", sent)
	}

	// Refused by Postfix (unknown local user): kept in Drafts.
	domain := alice.Address[strings.LastIndexByte(alice.Address, '@')+1:]
	nobody := "nobody@" + domain
	subject2 := fmt.Sprintf("Untuk yang tidak ada – %d", stamp)
	_, f = b.composeFields("/compose")
	f.Set("to", nobody)
	f.Set("subject", subject2)
	f.Set("body", "Isi")
	f.Set("action", "send")
	p = b.postCompose(f, []upload{{Name: "catatan.txt", Type: "text/plain", Data: []byte("catatan")}}, nil)
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused: %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t, "<strong>"+nobody+"</strong>: alamat tidak dikenal", "pesan disimpan di Draf.", "catatan.txt")
	draft := find(alice, "Drafts", subject2)
	if draft == nil {
		t.Fatal("no draft kept")
	}
	if string(parseMessage(t, draft.Raw).Attachments["catatan.txt"]) != "catatan" {
		t.Error("the draft lacks the attachment")
	}
	// Resume the draft, then discard it: Dovecot's test accounts are
	// shared by later runs.
	rp, rf := b.composeFields("/compose?draft=" + uidStr(draft.UID))
	rp.mustContain(t, "catatan.txt")
	if rf.Get("to") != nobody || rf.Get("subject") != subject2 {
		t.Errorf("resumed %v", rf)
	}
	c, err := goimap.DialStartTLS(icfg.Addr, &goimap.Options{TLSConfig: icfg.TLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(alice.Address, alice.Password).Wait(); err == nil {
		if _, err := c.Select("Drafts", nil).Wait(); err == nil {
			set := imap.UIDSetNum(imap.UID(draft.UID))
			_ = c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
			_ = c.UIDExpunge(set).Close()
		}
	}
}
