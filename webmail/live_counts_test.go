package webmail

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestLiveCounts covers GET /mail/counts, the poll of static/live.js: only
// for a signed-in session (401 JSON otherwise, no redirect), the JSON
// shape, counts that follow a delivery, and the "(N) " prefix of the
// server-rendered title.
func TestLiveCounts(t *testing.T) {
	e := newEnv(t)
	b := e.browser()

	p := b.get("/mail/counts")
	if p.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("signed out: %d %s %q", p.StatusCode, p.Header.Get("Content-Type"), p.Body)
	}

	e.appendMessage(acctTU.Address, "INBOX", false, today, plainMessage("a@b.id", acctTU.Address, "Satu", "Isi", today))
	e.appendMessage(acctTU.Address, "INBOX", true, today, plainMessage("a@b.id", acctTU.Address, "Dua", "Isi", today))
	b.mustSignIn(acctTU)

	counts := func() countsJSON {
		t.Helper()
		p := b.get("/mail/counts")
		if p.StatusCode != http.StatusOK {
			t.Fatalf("counts: %d %s", p.StatusCode, p.Body)
		}
		if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		if p.Header.Get("Set-Cookie") != "" {
			t.Errorf("a poll rewrote the session cookie: %s", p.Header.Get("Set-Cookie"))
		}
		// The shape live.js reads, key by key.
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(p.Body), &raw); err != nil {
			t.Fatalf("%v: %s", err, p.Body)
		}
		if _, ok := raw["folders"]; !ok {
			t.Errorf("no folders: %s", p.Body)
		}
		if _, ok := raw["inbox_unread"]; !ok {
			t.Errorf("no inbox_unread: %s", p.Body)
		}
		if !strings.Contains(p.Body, `"INBOX":{"unread":`) {
			t.Errorf("folder entry shape: %s", p.Body)
		}
		var c countsJSON
		if err := json.Unmarshal([]byte(p.Body), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := counts()
	if c.InboxUnread != 1 || c.Folders["INBOX"] != (folderCountJSON{Unread: 1, Total: 2}) {
		t.Errorf("before: %+v", c)
	}
	if len(c.Folders) < 5 {
		t.Errorf("only %d folders: %+v", len(c.Folders), c.Folders)
	}
	p = b.get("/mail")
	p.mustContain(t, "<title>(1) Kotak Masuk · Webmail Pematangsiantar</title>", `data-total="2" aria-current="page"`,
		`data-new-mail="Ada pesan baru"`, `id="keys-help"`, "/keys.js", "/live.js", "/mailbox.css")

	// A delivery while the session's connection is cached.
	e.appendMessage(acctTU.Address, "INBOX", false, today, plainMessage("c@d.id", acctTU.Address, "Tiga", "Isi", today))
	e.appendMessage(acctTU.Address, "Sent", false, today, plainMessage(acctTU.Address, "c@d.id", "Empat", "Isi", today))
	c = counts()
	if c.InboxUnread != 2 || c.Folders["INBOX"] != (folderCountJSON{Unread: 2, Total: 3}) || c.Folders["Sent"].Total != 1 {
		t.Errorf("after a delivery: %+v", c)
	}

	// Every signed-in page's title carries the inbox count first; another
	// folder's list keeps its own count after its name.
	b.get("/folders").mustContain(t, "<title>(2) Kelola folder · ")
	b.get("/mail?folder=Sent").mustContain(t, "<title>(2) Terkirim (1) · ")
	b.get("/mail?lang=en")
	b.get("/mail").mustContain(t, "<title>(2) Inbox · ", `data-new-mail="New messages have arrived"`)

	// The reading view's title is the subject alone.
	b.get("/mail/message?folder=INBOX&uid=2").mustContain(t, "<title>Dua · Pematangsiantar Webmail</title>") // English since ?lang=en
	b.get("/mail/message?folder=INBOX&uid=2").mustNotContain(t, "data-title-count")

	// Nothing unread: no prefix.
	b.get("/mail?lang=id")
	for _, uid := range []string{"1", "3"} {
		b.get("/mail/message?folder=INBOX&uid=" + uid)
	}
	if c := counts(); c.InboxUnread != 0 {
		t.Fatalf("after reading: %+v", c)
	}
	b.get("/mail").mustContain(t, "<title>Kotak Masuk · Webmail Pematangsiantar</title>")
}
