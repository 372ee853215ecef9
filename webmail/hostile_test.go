package webmail

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/testenv"
)

// TestHostileMessages opens every message of testdata/hostile through the
// app: the folder list, the reading view with its body frame, the print
// and source views, reply and forward must all answer 200, and no header
// may reach a page as markup.
func TestHostileMessages(t *testing.T) {
	files, err := filepath.Glob("../testdata/hostile/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile messages: %v", err)
	}
	var raws [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, b)
	}

	t.Run("embedded", func(t *testing.T) {
		e := newEnv(t)
		if err := e.backend.CreateMailbox(acctTU.Address, "Arsip Lama"); err != nil {
			t.Fatal(err)
		}
		var uids []uint32
		for _, raw := range raws {
			uid, err := e.backend.AppendTo(acctTU.Address, "Arsip Lama", nil, time.Now(), raw)
			if err != nil {
				t.Fatal(err)
			}
			uids = append(uids, uid)
		}
		b := e.browser()
		b.mustSignIn(acctTU)
		checkHostile(t, b, "Arsip Lama", files, uids)
	})

	t.Run("dovecot", func(t *testing.T) {
		d := testenv.Dovecot(t)
		icfg := dovecotIMAP(t, d)
		user := d.Users[0]
		acct := demo.Account{Address: user.Address, Password: user.Password}
		folder := fmt.Sprintf("Hostile-%d", time.Now().UnixNano())
		var uids []uint32
		withDovecot(t, icfg, acct, func(c *goimap.Client) {
			testenv.CreateMailbox(t, c, folder)
			for _, raw := range raws {
				app := c.Append(folder, int64(len(raw)), nil)
				app.Write(raw)
				app.Close()
				data, err := app.Wait()
				if err != nil {
					t.Fatal(err)
				}
				uids = append(uids, uint32(data.UID))
			}
		})
		t.Cleanup(func() { withDovecot(t, icfg, acct, func(c *goimap.Client) { c.Delete(folder).Wait() }) })
		b := newEnvAt(t, icfg).browser()
		if p := b.signIn(user.Address, user.Password); p.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", p.StatusCode)
		}
		checkHostile(t, b, folder, files, uids)
	})
}

// markup is what a header turned into HTML would leave in a page.
var markup = []string{"<script>alert", "<img src=x", "<b>tebal</b>", "</title><script>"}

func checkHostile(t *testing.T, b *browser, folder string, files []string, uids []uint32) {
	t.Helper()
	list := b.get("/mail?folder=" + url.QueryEscape(folder))
	if list.StatusCode != http.StatusOK {
		t.Fatalf("list: %d\n%s", list.StatusCode, list.Body)
	}
	list.mustNotContain(t, markup...)
	// The crafted subject is there, as text.
	list.mustContain(t, "&lt;script&gt;alert(3)&lt;/script&gt;&lt;b&gt;tebal&lt;/b&gt;")
	if n := strings.Count(list.Body, `name="uid"`); n < len(uids) {
		t.Errorf("list shows %d messages, want %d", n, len(uids))
	}
	for i, uid := range uids {
		name := filepath.Base(files[i])
		q := fmt.Sprintf("folder=%s&uid=%d", url.QueryEscape(folder), uid)
		for _, path := range []string{
			"/mail/message?" + q,
			"/mail/body?" + q,
			"/mail/print?" + q,
			"/mail/source?" + q,
			"/compose?reply=" + fmt.Sprint(uid) + "&folder=" + url.QueryEscape(folder),
			"/compose?replyall=" + fmt.Sprint(uid) + "&folder=" + url.QueryEscape(folder),
			"/compose?forward=" + fmt.Sprint(uid) + "&folder=" + url.QueryEscape(folder),
		} {
			p := b.get(path)
			if p.StatusCode != http.StatusOK {
				t.Errorf("%s: %s: status %d", name, path, p.StatusCode)
				continue
			}
			if !strings.HasPrefix(path, "/mail/source") {
				p.mustNotContain(t, markup...)
			}
		}
	}
}
