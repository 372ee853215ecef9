package main

// The mailbox browser test: headless Chromium against the running binary
// (`webmail demo`, and `webmail serve` in front of real Dovecot when
// .ci/stack runs), working a Kotak Masuk as a user does: select three
// messages, Spam, Urungkan; search by a word of a body; create, rename
// and delete a folder with a non-ASCII name; and the keyboard (j/k/o)
// when the page loads keys.js with a key handler.
//
//	bash .ci/stack start /tmp/stack && . /tmp/stack/env
//	WEBMAIL_TEST_CHROMIUM=/usr/bin/chromium go test -run BrowserMailbox -v ./cmd/webmail/

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"

	"github.com/pematangsiantar/webmail/testenv"
)

// mailboxTimeout bounds one mailbox flow.
const mailboxTimeout = 150 * time.Second

func TestBrowserMailbox(t *testing.T) {
	chromium := testenv.Chromium(t)
	bin := buildWebmail(t)

	backends := []struct {
		name  string
		start func(t *testing.T) *backend
	}{
		{"demo", func(t *testing.T) *backend {
			d := startDemo(t, bin)
			// The demo is a process of this test alone: any account will
			// do; not the one the other browser tests use.
			const address = "bappeda@" + domain
			password, ok := d.Accounts[address]
			if !ok {
				t.Fatalf("webmail demo did not print the account %s (printed: %v)", address, d.Accounts)
			}
			return &backend{name: "demo", base: d.URL, address: address, password: password,
				imap: mailbox{Addr: d.IMAPAddr, User: address, Password: password}}
		}},
		{"dovecot", func(t *testing.T) *backend {
			srv := testenv.Dovecot(t)
			// The last user, like TestBrowser (the imapclient tests work in
			// the first one's mailbox); every fixture has a subject unique
			// to this run and is selected by it, so sharing is safe.
			u := srv.Users[len(srv.Users)-1]
			imapURL, err := url.Parse(srv.IMAP)
			if err != nil {
				t.Fatal(err)
			}
			base := startServe(t, bin, "--imap", srv.IMAP, "--smtp", srv.SMTP,
				"--backend-ca", srv.CAFile, "--domain", domain)
			return &backend{name: "dovecot", base: base, address: u.Address, password: u.Password,
				imap: mailbox{
					Addr:     imapURL.Host,
					TLS:      &tls.Config{RootCAs: testenv.CAPool(t, srv), ServerName: imapURL.Hostname()},
					User:     u.Address,
					Password: u.Password,
				}}
		}},
	}
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			start := time.Now()
			testMailboxFlow(t, chromium, bk.start(t))
			t.Logf("%s mailbox flow took %v", bk.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// mailboxFixtures are the messages of one run: subjects share a random
// tag (for the clean-up); one body has a word found nowhere else.
type mailboxFixtures struct {
	tag      string
	subjects []string
	bodyWord string
	wordIdx  int // the message whose body has bodyWord
}

func newMailboxFixtures() *mailboxFixtures {
	var b [5]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	tag := hex.EncodeToString(b[:])
	f := &mailboxFixtures{tag: tag, bodyWord: "rekapitulasi" + tag[:6] + "zq", wordIdx: 3}
	for i := range 5 {
		f.subjects = append(f.subjects, fmt.Sprintf("Uji kotak surat %s nomor %d", tag, i+1))
	}
	return f
}

// appendFixtures puts the five messages into the INBOX, newest first
// (so they are on the first page), and removes every message whose
// subject carries the tag from every folder when the test ends.
func appendFixtures(t *testing.T, mb mailbox, f *mailboxFixtures) {
	t.Helper()
	c := mb.dial(t)
	defer c.Close()
	now := time.Now().Truncate(time.Second)
	for i, subj := range f.subjects {
		body := fmt.Sprintf("Yth. Bapak/Ibu,\r\n\r\nIni pesan uji nomor %d.\r\n", i+1)
		if i == f.wordIdx {
			body += "Mohon periksa " + f.bodyWord + " terlampir.\r\n"
		}
		date := now.Add(-time.Duration(i) * time.Minute)
		raw := "From: Bagian Umum <umum@" + domain + ">\r\n" +
			"To: " + mb.User + "\r\n" +
			"Subject: " + subj + "\r\n" +
			"Date: " + date.Format(time.RFC1123Z) + "\r\n" +
			fmt.Sprintf("Message-Id: <mailbox-test-%s-%d@%s>\r\n", f.tag, i, domain) +
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
		cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: date})
		if _, err := io.WriteString(cmd, raw); err != nil {
			t.Fatalf("APPEND: %v", err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("APPEND: %v", err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("APPEND: %v", err)
		}
	}
	_ = c.Logout().Wait()
	t.Cleanup(func() { removeTagged(t, mb, f.tag) })
}

// removeTagged deletes, in every folder, exactly the messages whose
// subject contains tag.
func removeTagged(t *testing.T, mb mailbox, tag string) {
	c := mb.dial(t)
	defer c.Close()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Logf("clean-up: LIST: %v", err)
		return
	}
	for _, m := range list {
		if slices.Contains(m.Attrs, imap.MailboxAttrNoSelect) || slices.Contains(m.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		if _, err := c.Select(m.Mailbox, nil).Wait(); err != nil {
			continue
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: tag}}}, nil).Wait()
		if err != nil || len(data.AllUIDs()) == 0 {
			continue
		}
		set := imap.UIDSetNum(data.AllUIDs()...)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			t.Logf("clean-up: STORE in %s: %v", m.Mailbox, err)
			continue
		}
		if err := c.UIDExpunge(set).Close(); err != nil {
			t.Logf("clean-up: UID EXPUNGE in %s: %v", m.Mailbox, err)
		}
	}
	_ = c.Logout().Wait()
}

// subjectsIn lists, over IMAP, the subjects containing tag in the folder
// with the special use attr (the INBOX when attr is "").
func subjectsIn(t *testing.T, mb mailbox, attr imap.MailboxAttr, tag string) []string {
	t.Helper()
	c := mb.dial(t)
	defer c.Close()
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	name := ""
	if attr == "" {
		name = "INBOX"
	}
	for _, m := range list {
		if attr != "" && slices.Contains(m.Attrs, attr) {
			name = m.Mailbox
		}
	}
	if name == "" {
		t.Fatalf("no folder with the special use %s", attr)
	}
	if _, err := c.Select(name, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("SELECT %s: %v", name, err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: tag}}}, nil).Wait()
	if err != nil {
		t.Fatalf("UID SEARCH in %s: %v", name, err)
	}
	var out []string
	if uids := data.AllUIDs(); len(uids) > 0 {
		msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{Envelope: true}).Collect()
		if err != nil {
			t.Fatalf("FETCH in %s: %v", name, err)
		}
		for _, m := range msgs {
			out = append(out, m.Envelope.Subject)
		}
	}
	slices.Sort(out)
	_ = c.Logout().Wait()
	return out
}

// listedFixtures are the fixtures' subjects in the list on screen.
func listedFixtures(b *tab, f *mailboxFixtures) []string {
	b.t.Helper()
	b.do("wait for the page", chromedp.WaitVisible(chromedp.CSS(`main#content`)))
	got := eval[[]string](b, "read the subjects", `[...document.querySelectorAll('table.messages td.c-subject a')].map(a => a.textContent.trim()).filter(s => s.includes(`+jsString(f.tag)+`))`)
	slices.Sort(got)
	return got
}

// folderNames are the names in the sidebar.
func folderNames(b *tab) []string {
	b.t.Helper()
	var names []string
	for _, f := range readFolders(b) {
		names = append(names, f.Name)
	}
	return names
}

func testMailboxFlow(t *testing.T, chromium string, be *backend) {
	f := newMailboxFixtures()
	appendFixtures(t, be.imap, f)
	b := newTab(t, chromium, be.base, mailboxTimeout)
	b.open("/login")
	signIn(b, be.address, be.password)
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("signing in as %s led to %s, want /mail", be.address, loc)
	}
	all := slices.Sorted(slices.Values(f.subjects))
	if got := listedFixtures(b, f); !slices.Equal(got, all) {
		b.fatalf("Kotak Masuk lists the fixtures %q, want all five %q", got, all)
	}

	t.Run("spam-undo", func(t *testing.T) {
		b := b.on(t)
		start := time.Now()
		picked := []string{f.subjects[0], f.subjects[2], f.subjects[4]}
		rest := []string{f.subjects[1], f.subjects[3]}
		for _, s := range picked {
			uid := eval[string](b, "find the checkbox of "+s, `(() => {
				for (const a of document.querySelectorAll('table.messages td.c-subject a')) {
					if (a.textContent.trim() !== `+jsString(s)+`) continue;
					const box = a.closest('tr').querySelector('input.select-row');
					return box ? box.value : '';
				}
				return '';
			})()`)
			if uid == "" {
				b.fatalf("no checkbox in the row of %q", s)
			}
			box := chromedp.CSS(`table.messages input.select-row[value=` + cssString(uid) + `]`)
			// The row's link covers the row; the checkbox must stay
			// clickable above it.
			if hit := checkboxHit(b, box); hit != "" {
				b.fatalf("a mouse click on the checkbox of %q lands on %s", s, hit)
			}
			b.do("select "+s, chromedp.Click(box))
		}
		if n := eval[int](b, "count the ticked boxes", `document.querySelectorAll('table.messages input.select-row:checked').length`); n != 3 {
			b.fatalf("%d boxes are ticked after selecting three", n)
		}
		b.clickAndLoad("press Spam", chromedp.CSS(`form#actions button[name="action"][value="spam"]`))
		if got, want := b.text(`.flash p`), "3 pesan dipindahkan ke Spam"; !strings.Contains(got, want) {
			b.errorf("the flash after Spam says %q, want %q", got, want)
		}
		if h := b.text(`main h1`); h != "Kotak Masuk" {
			b.errorf("after Spam the page is %q, want Kotak Masuk", h)
		}
		if got := listedFixtures(b, f); !slices.Equal(got, rest) {
			inbox := subjectsIn(t, be.imap, "", f.tag)
			rows := eval[string](b, "read the range", `(document.querySelector('main p.range') || {textContent: ''}).textContent.trim()`)
			b.errorf("after Spam Kotak Masuk lists the fixtures %q (range %q), want only %q (the server's INBOX holds %q)", got, rows, rest, inbox)
		}
		// In Spam, really (the flash's Urungkan is on this page only).
		if got := subjectsIn(t, be.imap, imap.MailboxAttrJunk, f.tag); !slices.Equal(got, picked) {
			t.Errorf("after Spam the Spam folder holds the fixtures %q, want %q", got, picked)
		}
		if got := b.text(`.flash form.undo button`); got != "Urungkan" {
			b.errorf("the undo button says %q, want Urungkan", got)
		}
		b.clickAndLoad("press Urungkan", chromedp.CSS(`.flash form.undo button`))
		if got := listedFixtures(b, f); !slices.Equal(got, all) {
			b.errorf("after Urungkan Kotak Masuk lists the fixtures %q, want all five %q", got, all)
		}
		if got := subjectsIn(t, be.imap, imap.MailboxAttrJunk, f.tag); len(got) != 0 {
			t.Errorf("after Urungkan the Spam folder still holds the fixtures %q", got)
		}
		b.clickAndLoad("open Spam", chromedp.CSS(`nav.sidebar li.role-junk a.folder`))
		if h := b.text(`main h1`); h != "Spam" {
			b.errorf("the Spam link led to %q", h)
		}
		if got := listedFixtures(b, f); len(got) != 0 {
			b.errorf("after Urungkan Spam lists the fixtures %q", got)
		}
		t.Logf("spam and undo took %v", time.Since(start).Round(time.Millisecond))
	})

	t.Run("search", func(t *testing.T) {
		b := b.on(t)
		start := time.Now()
		b.open("/mail")
		box := chromedp.CSS(`header.topbar input[name="q"]`)
		b.do("type into the search box", chromedp.WaitVisible(box), chromedp.Clear(box), chromedp.SendKeys(box, f.bodyWord))
		b.clickAndLoad("submit the search", chromedp.CSS(`header.topbar form.searchbox button[type="submit"]`))
		loc := b.location()
		if loc.Path != "/mail/search" || loc.Query().Get("q") != f.bodyWord {
			b.errorf("the search led to %s, want /mail/search?q=%s (bookmarkable)", loc, f.bodyWord)
		}
		want := []string{f.subjects[f.wordIdx]}
		if got := listedFixtures(b, f); !slices.Equal(got, want) {
			b.errorf("searching %q found the fixtures %q, want only %q", f.bodyWord, got, want)
		}
		if got := result(b, "read the search box", chromedp.Value(box)); got != f.bodyWord {
			b.errorf("the search box holds %q after the search, want the query %q", got, f.bodyWord)
		}
		t.Logf("search took %v", time.Since(start).Round(time.Millisecond))
	})

	t.Run("folders", func(t *testing.T) {
		b := b.on(t)
		start := time.Now()
		name := "Arsip Rapat – 2025 " + f.tag[:4]
		renamed := "Arsip Rapat – Selesai " + f.tag[:4]
		t.Cleanup(func() { deleteFolders(t, be.imap, name, renamed) })
		b.open("/mail")
		b.clickAndLoad("open Kelola folder", chromedp.CSS(`nav.sidebar p.folders-manage-link a`))
		if loc := b.location(); loc.Path != "/folders" {
			b.fatalf("Kelola folder led to %s, want /folders", loc)
		}
		field := chromedp.CSS(`section.create input[name="name"]`)
		b.do("type the new folder's name", chromedp.WaitVisible(field), chromedp.Clear(field), chromedp.SendKeys(field, name))
		b.clickAndLoad("create the folder", chromedp.CSS(`section.create button[type="submit"]`))
		if got := b.text(`.flash`); got != "Folder dibuat." {
			b.errorf("after creating the folder the flash says %q, want %q", got, "Folder dibuat.")
		}
		if names := folderNames(b); !slices.Contains(names, name) {
			b.fatalf("the new folder %q is not in the sidebar %q", name, names)
		}
		if !imapHasFolder(t, be.imap, name) {
			t.Errorf("the server has no folder named %q after creating it", name)
		}

		// Rename it in its row of the table.
		row := folderRow(b, name)
		input := chromedp.CSS(row + ` form[action="/folders/rename"] input[name="name"]`)
		b.do("type the new name", chromedp.Clear(input), chromedp.SendKeys(input, renamed))
		b.clickAndLoad("rename the folder", chromedp.CSS(row+` form[action="/folders/rename"] button[type="submit"]`))
		if got := b.text(`.flash`); got != "Nama folder diganti." {
			b.errorf("after renaming the flash says %q, want %q", got, "Nama folder diganti.")
		}
		names := folderNames(b)
		if !slices.Contains(names, renamed) || slices.Contains(names, name) {
			b.fatalf("after renaming %q to %q the sidebar lists %q", name, renamed, names)
		}
		if !imapHasFolder(t, be.imap, renamed) || imapHasFolder(t, be.imap, name) {
			t.Errorf("after renaming, the server does not have exactly %q (instead of %q)", renamed, name)
		}

		// Delete it: a confirmation first, nothing deleted until then.
		row = folderRow(b, renamed)
		b.clickAndLoad("press Hapus", chromedp.CSS(row+` form[action="/folders/delete"] button`))
		if got := b.text(`section.confirm h2`); !strings.Contains(got, renamed) {
			b.errorf("the confirmation asks %q, want it to name %q", got, renamed)
		}
		if !imapHasFolder(t, be.imap, renamed) {
			b.fatalf("the folder %q is gone before the deletion was confirmed", renamed)
		}
		b.clickAndLoad("confirm the deletion", chromedp.CSS(`section.confirm button.danger`))
		if got := b.text(`.flash`); got != "Folder dihapus." {
			b.errorf("after deleting the flash says %q, want %q", got, "Folder dihapus.")
		}
		if names := folderNames(b); slices.Contains(names, renamed) {
			b.errorf("the deleted folder %q is still in the sidebar %q", renamed, names)
		}
		if imapHasFolder(t, be.imap, renamed) {
			t.Errorf("the server still has the folder %q after deleting it", renamed)
		}
		t.Logf("folders took %v", time.Since(start).Round(time.Millisecond))
	})

	t.Run("keyboard", func(t *testing.T) {
		b := b.on(t)
		// Start without a remembered row (keys.js highlights the row
		// opened last, kept in sessionStorage).
		eval[bool](b, "forget the last opened row", `(sessionStorage.clear(), true)`)
		b.open("/mail")
		b.do("wait for the list", chromedp.WaitVisible(chromedp.CSS(`table.messages tbody tr`)))
		src := eval[string](b, "look for keys.js", `(() => { const s = document.querySelector('script[src*="keys"]'); return s ? s.src : ''; })()`)
		if src == "" {
			b.fatalf("the message list does not load keys.js")
		}
		if n := eval[int](b, "count the rows", `document.querySelectorAll('table.messages tbody tr').length`); n < 3 {
			b.fatalf("the list has %d rows, want at least 3 (the five fixtures)", n)
		}
		eval[bool](b, "leave any field", `(document.activeElement && document.activeElement.blur && document.activeElement.blur(), true)`)
		if i := highlighted(b, "loading the page"); i != -1 {
			b.errorf("a fresh list highlights row %d, want none before a key is pressed", i)
		}
		press := func(key string) int {
			b.do("press "+key, chromedp.KeyEvent(key))
			return highlighted(b, key)
		}
		if i := press("j"); i != 0 {
			b.errorf("j highlighted row %d, want the first row (0)", i)
		}
		if i := press("j"); i != 1 {
			b.errorf("j, j highlighted row %d, want the second row (1)", i)
		}
		back := press("k")
		if back != 0 {
			b.errorf("j, j, k highlighted row %d, want the first row (0) again", back)
		}
		href := eval[string](b, "read the highlighted row's link", fmt.Sprintf(`(() => {
			const a = document.querySelectorAll('table.messages tbody tr')[%d].querySelector('td.c-subject a');
			return a ? a.href : '';
		})()`, back))
		if _, err := chromedp.RunResponse(b.ctx, chromedp.KeyEvent("o")); err != nil {
			b.fatalf("press o: %v", err)
		}
		if loc := b.location().String(); loc != href {
			b.errorf("o opened %s, want the highlighted message %s", loc, href)
		}
	})
}

// on is the same browser tab bound to the subtest t (for its failures).
func (b *tab) on(t *testing.T) *tab {
	c := *b
	c.t = t
	return &c
}

// folderRow is a CSS selector of the row of the folder table that shows
// label.
func folderRow(b *tab, label string) string {
	b.t.Helper()
	b.do("wait for the folder table", chromedp.WaitVisible(chromedp.CSS(`table.folder-table`)))
	i := eval[int](b, "find the row of "+label, `[...document.querySelectorAll('table.folder-table tbody tr')].findIndex(tr => tr.querySelector('td').textContent.trim() === `+jsString(label)+`)`)
	if i < 0 {
		b.fatalf("the folder table has no row %q", label)
	}
	return fmt.Sprintf(`table.folder-table tbody tr:nth-child(%d)`, i+1)
}

func imapHasFolder(t *testing.T, mb mailbox, name string) bool {
	t.Helper()
	c := mb.dial(t)
	defer c.Close()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	_ = c.Logout().Wait()
	return slices.ContainsFunc(list, func(m *imap.ListData) bool { return m.Mailbox == name })
}

// deleteFolders removes the test's folders if a failure left them.
func deleteFolders(t *testing.T, mb mailbox, names ...string) {
	c := mb.dial(t)
	defer c.Close()
	for _, n := range names {
		_ = c.Delete(n).Wait() // an error when it is gone: fine
	}
	_ = c.Logout().Wait()
}

// highlighted is the index of the row keys.js marks as current (class
// kb-current), or -1; more than one fails the test.
func highlighted(b *tab, after string) int {
	b.t.Helper()
	rows := eval[[]int](b, "find the highlighted row", `[...document.querySelectorAll('table.messages tbody tr')].flatMap((tr, i) => tr.classList.contains('kb-current') ? [i] : [])`)
	switch len(rows) {
	case 0:
		return -1
	case 1:
		return rows[0]
	}
	b.fatalf("after %s, rows %v are all highlighted, want one", after, rows)
	return -1
}

// checkboxHit returns "" when a mouse click at the centre of the checkbox
// reaches it (or its label), or else a description of what is on top.
func checkboxHit(b *tab, box chromedp.CSS) string {
	b.t.Helper()
	b.do("wait for "+string(box), chromedp.WaitVisible(box))
	return eval[string](b, "hit-test "+string(box), `(() => {
		const box = document.querySelector(`+jsString(string(box))+`);
		box.scrollIntoView({block: 'center'});
		const r = box.getBoundingClientRect();
		const el = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		if (el === box || (el && el.closest('label') === box.closest('label'))) return '';
		if (!el) return 'nothing';
		let d = el.tagName.toLowerCase();
		if (el.className) d += '.' + String(el.className).split(' ').join('.');
		const td = el.closest('td');
		if (td && td.className) d += ' in td.' + td.className;
		if (el.getAttribute('href')) d += ' (href ' + el.getAttribute('href') + ')';
		return d;
	})()`)
}
