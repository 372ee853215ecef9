package webmail

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/testenv"
)

// TestDovecot runs the main user flow against real Dovecot over STARTTLS
// with its self-signed certificate trusted through the CA setting: the
// wrong password, an [EXPIRED] account, sign-in, the folder list, a
// message with an attachment, a folder and a message that do not exist,
// and sign-out.
func TestDovecot(t *testing.T) {
	d := testenv.Dovecot(t)
	icfg := dovecotIMAP(t, d)
	user := d.Users[0]
	e := newEnvAt(t, icfg)

	// A message with a UTF-8 attachment name, in the user's INBOX.
	subject := fmt.Sprintf("Notulen rapat %d", time.Now().UnixNano())
	raw := "From: Sekretariat <sekretariat@pematangsiantar.go.id>\r\nTo: " + user.Address + "\r\n" +
		"Subject: " + subject + "\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTerlampir notulen.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''Notulen%20%E2%80%93%20Final.pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
	c, err := goimap.DialStartTLS(icfg.Addr, &goimap.Options{TLSConfig: icfg.TLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user.Address, user.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	app := c.Append("INBOX", int64(len(raw)), nil)
	app.Write([]byte(raw))
	app.Close()
	appended, err := app.Wait()
	if err != nil {
		t.Fatal(err)
	}

	b := e.browser()
	if p := b.signIn(user.Address, "salah-sandi"); p.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d", p.StatusCode)
	} else {
		p.mustContain(t, "Nama pengguna atau kata sandi salah.", testHelpdesk)
	}
	if d.Expired.Address != "" {
		// Real Dovecot's NO [EXPIRED]: the forced change page
		// (TestDovecotPasswordExpired has more).
		p := e.browser().signIn(d.Expired.Address, d.Expired.Password)
		if p.StatusCode != http.StatusSeeOther || p.location() != "/password/change" {
			t.Errorf("expired account: %d %q, want the change page", p.StatusCode, p.location())
		}
	}
	// A bare user name gets the domain.
	local := strings.SplitN(user.Address, "@", 2)[0]
	if p := b.signIn(local, user.Password); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d\n%s", p.StatusCode, p.Body)
	}
	list := b.get("/mail?folder=INBOX")
	list.mustContain(t, "Kotak Masuk", "Terkirim", "Draf", "Spam", "Tempat Sampah", subject)

	uid := appended.UID
	msg := b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid))
	msg.mustContain(t, subject, "Sekretariat", "Notulen – Final.pdf")
	href := regexp.MustCompile(`href="(/mail/part\?[^"]+)"`).FindStringSubmatch(msg.Body)
	if href == nil {
		t.Fatalf("no download link:\n%s", msg.Body)
	}
	dl := b.get(strings.ReplaceAll(href[1], "&amp;", "&"))
	if dl.StatusCode != http.StatusOK || dl.Body != "%PDF-1.4\n" {
		t.Errorf("download: %d %q", dl.StatusCode, dl.Body)
	}
	if cd := dl.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "filename*=UTF-8''Notulen%20%E2%80%93%20Final.pdf") {
		t.Errorf("Content-Disposition %q", cd)
	}

	if p := b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid+100000)); p.StatusCode != http.StatusNotFound {
		t.Errorf("missing message: status %d", p.StatusCode)
	}
	if p := b.get("/mail?folder=Tidak%20Ada"); p.StatusCode != http.StatusNotFound {
		t.Errorf("missing folder: status %d", p.StatusCode)
	}

	out := b.post("/logout", map[string][]string{"csrf_token": {list.csrf(t)}})
	if out.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", out.StatusCode)
	}
	b.get("/login").mustContain(t, "Anda telah keluar")
	if p := b.get("/mail"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out /mail: status %d", p.StatusCode)
	}
}
