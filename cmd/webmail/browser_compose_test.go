package main

// The browser test of writing mail (issue 3): headless Chromium against
// the running binary, for the embedded demo and, when .ci/stack runs, for
// real Dovecot + Postfix. One user presses Pesan Baru, fills To, Cc and
// Subject, types a body with a bold word, attaches a file through the file
// input and presses Kirim; the message is in Terkirim, and the recipient,
// signed in in another browser, reads it with the bold word and the
// attachment. Then a message to an address the SMTP server refuses: the
// page names the address, and the message is kept in Draf.
//
//	bash .ci/stack start /tmp/stack && . /tmp/stack/env
//	WEBMAIL_TEST_CHROMIUM=/usr/bin/chromium go test -race -run BrowserCompose -v ./cmd/webmail/
//
// The helpers (tabs, sign-in, downloads) are in browser_test.go and
// browser_helpers_test.go.

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"

	"github.com/pematangsiantar/webmail/testenv"
)

// composeFlowTimeout bounds one browser of the compose flows (sign in,
// write, upload, send, look around); nothing may hang CI.
const composeFlowTimeout = 150 * time.Second

// deliveryTimeout bounds the wait for a sent message in the recipient's
// inbox (Postfix delivers through its queue and LMTP, not at once).
const deliveryTimeout = 60 * time.Second

// account is a mail account a browser signs in with.
type account struct {
	address  string
	password string
	imap     mailbox // for cleaning up after the test
}

// composeBackend is a running webmail with a sender and a recipient.
type composeBackend struct {
	name      string
	base      string
	sender    account
	recipient account
	cc        string // an address for Cc that accepts mail
	refused   string // a local address the SMTP server refuses (550 5.1.1)
}

func TestBrowserCompose(t *testing.T) {
	chromium := testenv.Chromium(t)
	bin := buildWebmail(t)

	t.Run("demo", func(t *testing.T) {
		d := startDemo(t, bin)
		acct := func(local string) account {
			addr := local + "@" + domain
			pw, ok := d.Accounts[addr]
			if !ok {
				t.Fatalf("webmail demo did not print the account %s (printed: %v)", addr, d.Accounts)
			}
			return account{address: addr, password: pw, imap: mailbox{Addr: d.IMAPAddr, User: addr, Password: pw}}
		}
		runComposeFlows(t, chromium, &composeBackend{
			name:      "demo",
			base:      d.URL,
			sender:    acct("diskominfo"),
			recipient: acct("bappeda"),
			cc:        "sekretariat@" + domain,
			refused:   "tidakada@" + domain,
		})
	})

	t.Run("dovecot", func(t *testing.T) {
		srv := testenv.Dovecot(t)
		if len(srv.Users) < 2 {
			t.Fatalf("WEBMAIL_TEST_USERS has %d users; the compose test needs a sender and a recipient", len(srv.Users))
		}
		imapURL, err := url.Parse(srv.IMAP)
		if err != nil {
			t.Fatal(err)
		}
		tlsConfig := &tls.Config{RootCAs: testenv.CAPool(t, srv), ServerName: imapURL.Hostname()}
		acct := func(u testenv.User) account {
			return account{address: u.Address, password: u.Password,
				imap: mailbox{Addr: imapURL.Host, TLS: tlsConfig, User: u.Address, Password: u.Password}}
		}
		base := startServe(t, bin,
			"--imap", srv.IMAP,
			"--smtp", srv.SMTP,
			"--backend-ca", srv.CAFile,
			"--domain", domain,
		)
		// Alice writes to Bob (TestBrowser reads Bob's inbox too, each
		// test only its own subjects). The Cc goes to another domain,
		// which the stack's Postfix accepts and discards, so that no
		// other test's mailbox gets mail it does not expect.
		_, userDomain, _ := strings.Cut(srv.Users[0].Address, "@")
		runComposeFlows(t, chromium, &composeBackend{
			name:      "dovecot",
			base:      base,
			sender:    acct(srv.Users[0]),
			recipient: acct(srv.Users[1]),
			cc:        "arsip@example.org",
			refused:   "tidakada@" + userDomain,
		})
	})
}

// runComposeFlows sends a message and sends one to a refused recipient.
func runComposeFlows(t *testing.T, chromium string, be *composeBackend) {
	var b [4]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	marker := "uji-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		removeMarked(t, be.sender.imap, marker, imap.MailboxAttrSent, imap.MailboxAttrDrafts)
		removeMarked(t, be.recipient.imap, marker, "INBOX")
	})
	t.Run("send", func(t *testing.T) {
		start := time.Now()
		testComposeSend(t, chromium, be, marker)
		t.Logf("%s: send flow took %v", be.name, time.Since(start).Round(time.Millisecond))
	})
	t.Run("refused", func(t *testing.T) {
		start := time.Now()
		testComposeRefused(t, chromium, be, marker)
		t.Logf("%s: refused-recipient flow took %v", be.name, time.Since(start).Round(time.Millisecond))
	})
}

// Selectors of the compose page.
const (
	composeLink   = `nav.sidebar a.button.compose`
	editorSel     = `div.editor#body-editor[contenteditable]`
	boldButton    = `.toolbar button[data-cmd=bold]`
	fileInput     = `input[type=file][name=attachment]`
	attachedNames = `#attachment-list li[data-id] .name`
	sendButton    = `button[type=submit][name=action][value=send]`
	sentFolder    = `nav.sidebar li.role-sent a.folder`
	draftsFolder  = `nav.sidebar li.role-drafts a.folder`
)

// The body typed in the editor: before, the bold word, after. The bold
// word occurs nowhere else in the message.
const (
	bodyBefore = "Yth. Bapak/Ibu, rapat koordinasi bersifat "
	boldWord   = "penting"
	bodyAfter  = " dan dimulai pukul 09.00 WIB."
)

// testComposeSend: Pesan Baru, To/Cc/Subject, a body with a bold word, a
// file through the file input, Kirim; the message in Terkirim (and not
// left in Draf); the recipient reads it, with the bold word and the
// attachment, and downloads the attachment.
func testComposeSend(t *testing.T, chromium string, be *composeBackend, marker string) {
	subject := "Undangan Rapat – " + marker
	att := newTestMessage("compose") // for its attachment: a PDF-like file with a UTF-8 name
	path := writeAttachment(t, att.AttachmentName, att.Attachment)

	b := newTab(t, chromium, be.base, composeFlowTimeout)
	signInTo(b, be.sender)
	openCompose(b)
	fill(b, "to", be.recipient.address)
	fill(b, "cc", be.cc)
	fill(b, "subject", subject)
	typeBoldBody(b)
	attach(b, path, att.AttachmentName)
	b.screenshot("compose-" + be.name + "-filled")

	resp := b.clickAndLoad("press Kirim", chromedp.CSS(sendButton))
	if resp != nil && resp.Status != 200 {
		b.errorf("the page after Kirim answered %d, want 200", resp.Status)
	}
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("Kirim led to %s, want a folder (/mail)", loc)
	}
	if got := b.text(`p.flash[role="status"]`); got != "Pesan terkirim." {
		b.errorf("after Kirim the page says %q, want %q", got, "Pesan terkirim.")
	}

	// The draft that held the upload is gone; the message is in Terkirim.
	b.clickAndLoad("open Draf", chromedp.CSS(draftsFolder))
	if row := findRow(b, subject); row != nil {
		b.errorf("the sent message %q is still in Draf", subject)
	}
	b.clickAndLoad("open Terkirim", chromedp.CSS(sentFolder))
	if h := b.text(`main h1`); h != "Terkirim" {
		b.errorf("heading of the Sent folder = %q, want Terkirim", h)
	}
	row := findRow(b, subject)
	if row == nil {
		b.fatalf("the sent message %q is not in Terkirim", subject)
	}
	if row.Unread {
		b.errorf("the copy in Terkirim is unread, want it \\Seen")
	}
	if !strings.Contains(row.Who, be.recipient.address) {
		b.errorf("Terkirim lists the recipient as %q, want it to contain %s", row.Who, be.recipient.address)
	}
	b.clickAndLoad("open the sent message", chromedp.CSS(`table.messages td.c-subject a[href=`+cssString(row.Href)+`]`))
	if got := b.text(`main h1.subject`); got != subject {
		b.errorf("subject of the Sent copy = %q, want %q", got, subject)
	}
	if got := b.text(`main section.attachments a[download]`); got != att.AttachmentName {
		b.errorf("attachment of the Sent copy = %q, want %q", got, att.AttachmentName)
	}

	// The recipient, in a browser of their own.
	r := newTab(t, chromium, be.base, composeFlowTimeout)
	signInTo(r, be.recipient)
	row = waitForRow(r, subject)
	if !row.Unread {
		r.errorf("the new message is not shown as unread")
	}
	if row.Clip != "ada lampiran" {
		r.errorf("attachment marker of the new message = %q, want %q", row.Clip, "ada lampiran")
	}
	if !strings.Contains(row.Who, be.sender.address) {
		r.errorf("sender column = %q, want it to contain %s", row.Who, be.sender.address)
	}
	r.clickAndLoad("open the new message", chromedp.CSS(`table.messages td.c-subject a[href=`+cssString(row.Href)+`]`))
	if got := r.text(`main h1.subject`); got != subject {
		r.errorf("subject in the reading view = %q, want %q", got, subject)
	}
	headers := eval[map[string]string](r, "read the headers", `(() => {
		const m = {};
		for (const dt of document.querySelectorAll('dl.headers dt')) {
			const dd = dt.nextElementSibling;
			m[dt.textContent.trim()] = dd ? dd.textContent.trim() : '';
		}
		return m;
	})()`)
	for _, h := range []struct{ name, want string }{
		{"Dari", be.sender.address},
		{"Kepada", be.recipient.address},
		{"Cc", be.cc},
	} {
		if !strings.Contains(headers[h.name], h.want) {
			r.errorf("%s = %q, want it to contain %s (headers: %q)", h.name, headers[h.name], h.want, headers)
		}
	}
	checkBoldInFrame(r)
	link := `main section.attachments a[download]`
	if got := r.text(link); got != att.AttachmentName {
		r.errorf("attachment link = %q, want %q", got, att.AttachmentName)
	}
	r.screenshot("compose-" + be.name + "-received")
	download(r, chromedp.CSS(link), att.AttachmentName, att.Attachment)
}

// testComposeRefused: a message to an address the SMTP server refuses,
// with an attachment. The page names the address and says the message
// was saved; everything typed and the attachment are still there; the
// message is in Draf, once, and opens again with its text and attachment.
func testComposeRefused(t *testing.T, chromium string, be *composeBackend, marker string) {
	subject := "Surat Edaran – " + marker + " (ditolak)"
	const body = "Isi surat ini harus tetap tersimpan."
	att := newTestMessage("refused")
	path := writeAttachment(t, att.AttachmentName, att.Attachment)

	b := newTab(t, chromium, be.base, composeFlowTimeout)
	signInTo(b, be.sender)
	openCompose(b)
	fill(b, "to", be.refused)
	fill(b, "subject", subject)
	// The upload saves a draft without the body; the body typed after it
	// only reaches Draf if the failed send keeps the message.
	attach(b, path, att.AttachmentName)
	b.do("type the body",
		chromedp.Click(chromedp.CSS(editorSel)),
		chromedp.KeyEvent(body),
	)

	resp := b.clickAndLoad("press Kirim", chromedp.CSS(sendButton))
	if resp != nil && resp.Status != 422 {
		b.errorf("Kirim to a refused recipient answered %d, want 422", resp.Status)
	}
	if loc := b.location(); loc.Path != "/compose" {
		b.fatalf("Kirim to a refused recipient led to %s, want the compose page again", loc)
	}
	alert := b.text(`[role="alert"]`)
	for _, want := range []string{be.refused, "alamat tidak dikenal", "pesan disimpan di Draf"} {
		if !strings.Contains(alert, want) {
			b.errorf("alert after a refused recipient = %q, want it to contain %q", alert, want)
		}
	}
	b.screenshot("compose-" + be.name + "-refused")
	checkComposeKept(b, be.refused, subject, body, att.AttachmentName)

	// In Draf, once (each save replaced the previous version).
	b.clickAndLoad("open Draf", chromedp.CSS(draftsFolder))
	if h := b.text(`main h1`); h != "Draf" {
		b.errorf("heading of the Drafts folder = %q, want Draf", h)
	}
	n := eval[int](b, "count the drafts", `[...document.querySelectorAll('table.messages td.c-subject a')]
		.filter(a => a.textContent.trim() === `+jsString(subject)+`).length`)
	if n != 1 {
		b.errorf("Draf lists %d messages %q, want 1", n, subject)
	}
	row := findRow(b, subject)
	if row == nil {
		b.fatalf("the refused message %q is not in Draf", subject)
	}
	if !strings.Contains(row.Who, be.refused) {
		b.errorf("Draf lists the recipient as %q, want it to contain %s", row.Who, be.refused)
	}
	b.clickAndLoad("open the draft", chromedp.CSS(`table.messages td.c-subject a[href=`+cssString(row.Href)+`]`))
	if loc := b.location(); loc.Path != "/compose" {
		b.fatalf("the draft opened %s, want the compose page", loc)
	}
	checkComposeKept(b, be.refused, subject, body, att.AttachmentName)
}

// signInTo opens the sign-in page and signs in as a.
func signInTo(b *tab, a account) {
	b.t.Helper()
	b.open("/login")
	signIn(b, a.address, a.password)
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("signing in as %s led to %s, want /mail", a.address, loc)
	}
}

// openCompose presses Pesan Baru and waits for the editor.
func openCompose(b *tab) {
	b.t.Helper()
	if got := b.text(composeLink); got != "Pesan Baru" {
		b.errorf("the compose link says %q, want Pesan Baru", got)
	}
	b.clickAndLoad("press Pesan Baru", chromedp.CSS(composeLink))
	if loc := b.location(); loc.Path != "/compose" {
		b.fatalf("Pesan Baru led to %s, want /compose", loc)
	}
	if h := b.text(`main h1`); h != "Pesan Baru" {
		b.errorf("heading of the compose page = %q, want Pesan Baru", h)
	}
	b.do("wait for the editor", chromedp.WaitVisible(chromedp.CSS(editorSel)))
	if hidden := eval[bool](b, "look at the textarea", `document.querySelector('textarea[name=body]').hidden`); !hidden {
		b.errorf("the body textarea is still shown next to the editor")
	}
}

// fill types v into the field named name and checks it holds v.
func fill(b *tab, name, v string) {
	b.t.Helper()
	sel := chromedp.CSS(`#compose input[name=` + name + `]`)
	b.do("fill in "+name, chromedp.Clear(sel), chromedp.SendKeys(sel, v))
	if got := result(b, "read "+name, chromedp.Value(sel)); got != v {
		b.errorf("the %s field holds %q after typing %q", name, got, v)
	}
}

// typeBoldBody types the body as a user does: text, the bold button, the
// word, the bold button again, more text. The editor must then hold the
// word, and only the word, in bold.
func typeBoldBody(b *tab) {
	b.t.Helper()
	bold := chromedp.CSS(boldButton)
	// Squire notes the caret on the document's selectionchange events,
	// which Chromium delivers in a task of their own; a click that comes
	// before them (as DevTools input can, a hand cannot) would make the
	// bold button act on where the caret was a keystroke earlier. So the
	// test pauses, as a user does, before each click on the button.
	pause := chromedp.Evaluate[chromedp.Void](`new Promise(r => setTimeout(r, 100))`, chromedp.EvalAwaitPromise)
	b.do("type the body with a bold word",
		chromedp.Click(chromedp.CSS(editorSel)),
		chromedp.KeyEvent(bodyBefore),
		pause,
		chromedp.Click(bold),
		chromedp.KeyEvent(boldWord),
		pause,
		chromedp.Click(bold),
		chromedp.KeyEvent(bodyAfter),
	)
	html := eval[string](b, "read the editor", `document.getElementById('body-editor').innerHTML`)
	if !boldRE.MatchString(stripZWS(html)) {
		b.errorf("after bold, %q, bold: the editor holds %q, want <b>%s</b>", boldWord, html, boldWord)
	}
	if text := eval[string](b, "read the editor's text", `document.getElementById('body-editor').textContent`); stripZWS(text) != bodyBefore+boldWord+bodyAfter {
		b.errorf("the editor's text is %q, want %q", text, bodyBefore+boldWord+bodyAfter)
	}
}

// boldRE matches the bold word in HTML.
var boldRE = regexp.MustCompile(`<(b|strong)(\s[^>]*)?>\s*` + boldWord + `\s*</(b|strong)>`)

// stripZWS removes what editors put into typed text for the caret's
// sake: zero-width spaces (Squire, around a format toggled with the
// caret alone) and no-break spaces (a space typed last in a text node).
func stripZWS(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\u200b", ""), "\u00a0", " ")
}

// writeAttachment writes a file to attach, under its own (UTF-8) name.
func writeAttachment(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// attach chooses the file in the file input, as a user does in the file
// dialog; the page uploads it at once. It waits until the upload has
// finished and the attachment is listed.
func attach(b *tab, path, name string) {
	b.t.Helper()
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(fileInput), []string{path}))
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	// Listed under its name, and no upload in flight (the Lampirkan
	// button is disabled during one).
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll(`+jsString(attachedNames)+`)]
			.some(s => s.textContent === `+jsString(name)+`) &&
		!document.querySelector('button.attach').disabled`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(0))); err != nil {
		b.fatalf("the attachment %q was not listed after choosing it: %v", name, err)
	}
	if status := eval[string](b, "read the upload status", `(() => {
		const s = document.getElementById('attach-status');
		return s.classList.contains('error') ? s.textContent : '';
	})()`); status != "" {
		b.errorf("the upload says %q", status)
	}
	// The upload stored the file in a draft, which the form now names.
	if v := eval[string](b, "read the draft field", `document.querySelector('#compose input[name=draft]').value`); v == "" || v == "0" {
		b.errorf("after the upload the form names no draft (draft=%q)", v)
	}
}

// checkComposeKept checks the compose page holds the recipient, the
// subject, the body and the one attachment.
func checkComposeKept(b *tab, to, subject, body, attName string) {
	b.t.Helper()
	b.do("wait for the editor", chromedp.WaitVisible(chromedp.CSS(editorSel)))
	if got := result(b, "read To", chromedp.Value(chromedp.CSS(`#compose input[name=to]`))); !strings.Contains(got, to) {
		b.errorf("To holds %q, want %s kept", got, to)
	}
	if got := result(b, "read Subject", chromedp.Value(chromedp.CSS(`#compose input[name=subject]`))); got != subject {
		b.errorf("Subject holds %q, want %q kept", got, subject)
	}
	if got := eval[string](b, "read the editor", `document.getElementById('body-editor').textContent`); !strings.Contains(got, body) {
		b.errorf("the editor holds %q, want the body %q kept", got, body)
	}
	names := eval[[]string](b, "list the attachments", `[...document.querySelectorAll(`+jsString(attachedNames)+`)].map(s => s.textContent)`)
	if len(names) != 1 || names[0] != attName {
		b.errorf("attachments listed: %q, want [%q]", names, attName)
	}
}

// waitForRow reloads the inbox until the message with subject is listed.
func waitForRow(b *tab, subject string) *listRow {
	b.t.Helper()
	deadline := time.Now().Add(deliveryTimeout)
	for {
		b.open("/mail")
		if row := findRow(b, subject); row != nil {
			return row
		}
		if time.Now().After(deadline) {
			b.fatalf("the message %q did not arrive in the inbox within %v", subject, deliveryTimeout)
		}
		time.Sleep(time.Second)
	}
}

// frameBold is what the body frame shows of the bold word.
type frameBold struct {
	Text   string `json:"text"`   // the frame's visible text
	Tag    string `json:"tag"`    // b or strong around the word, "" if none
	Weight string `json:"weight"` // computed font weight of the word
	HTML   string `json:"html"`
}

// checkBoldInFrame checks the body frame shows the whole body with the bold
// word in <b> or <strong>, rendered bold.
func checkBoldInFrame(b *tab) {
	b.t.Helper()
	const frame = `main iframe[sandbox]`
	b.do("wait for the body frame", chromedp.WaitVisible(chromedp.CSS(frame)))
	fb := frameEval[frameBold](b, `(() => {
		const word = `+jsString(boldWord)+`;
		const clean = s => s.replace(/\u200b/g, '').trim();
		const b = [...document.body.querySelectorAll('b, strong')].find(e => clean(e.textContent) === word);
		// The innermost element holding the word comes last in document order.
		const inner = [...document.body.querySelectorAll('*')].reverse().find(e => e.textContent.includes(word));
		return {
			text: document.body.innerText,
			tag: b ? b.tagName.toLowerCase() : '',
			weight: inner ? String(getComputedStyle(inner).fontWeight) : '',
			html: document.body.innerHTML,
		};
	})()`)
	if want := bodyBefore + boldWord + bodyAfter; !strings.Contains(stripZWS(fb.Text), want) {
		b.errorf("the body frame shows %q, want %q", fb.Text, want)
	}
	if fb.Tag == "" {
		b.errorf("the body frame has no <b> or <strong> around %q: %s", boldWord, tail(fb.HTML, 1500))
	}
	if w, err := strconv.Atoi(fb.Weight); err != nil || w < 600 {
		b.errorf("%q is shown with font weight %q, want bold (≥ 600)", boldWord, fb.Weight)
	}
}

// frameEval evaluates a JavaScript expression with a truthy value in the
// body frame: through the frame's own target when Chromium isolates the
// sandboxed frame (as frameText does), else in the frame of the page.
func frameEval[T any](b *tab, js string) T {
	b.t.Helper()
	targets := result(b, "list the targets", func(ctx context.Context, _ *chromedp.Target) ([]*target.Info, error) {
		return chromedp.Targets(ctx)
	})
	for _, ti := range targets {
		if ti.Type == "iframe" && strings.Contains(ti.URL, "/mail/body") {
			fctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(ti.TargetID), chromedp.WithDetachOnCancel())
			defer cancel()
			v, err := chromedp.Run(fctx, chromedp.Evaluate[T](js))
			if err != nil {
				b.fatalf("evaluate in the body frame's target: %v", err)
			}
			b.t.Logf("body frame read from its own target (Chromium isolates the sandboxed frame)")
			return v
		}
	}
	nodes := result(b, "find the body frame", chromedp.Nodes(chromedp.CSS(`main iframe[sandbox]`)))
	return result(b, "evaluate in the body frame", chromedp.Poll[T](js,
		chromedp.WithPollingInFrame(nodes[0]), chromedp.WithPollingTimeout(10*time.Second)))
}

// removeMarked deletes the test's messages (subject containing marker)
// from the account's folders: "INBOX" or special-use attributes such as
// \Sent. Failures are only logged: the stack is thrown away anyway.
func removeMarked(t *testing.T, mb mailbox, marker string, folders ...imap.MailboxAttr) {
	c := mb.dial(t)
	defer c.Close()
	var names []string
	want := map[imap.MailboxAttr]bool{}
	for _, f := range folders {
		if f == "INBOX" {
			names = append(names, "INBOX")
		} else {
			want[f] = true
		}
	}
	if len(want) > 0 {
		list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
		if err != nil {
			t.Logf("clean-up: LIST: %v", err)
		}
		for _, l := range list {
			for _, a := range l.Attrs {
				if want[a] {
					names = append(names, l.Mailbox)
				}
			}
		}
	}
	for _, name := range names {
		if _, err := c.Select(name, nil).Wait(); err != nil {
			t.Logf("clean-up: SELECT %s: %v", name, err)
			continue
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{
			Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: marker}},
		}, nil).Wait()
		if err != nil {
			t.Logf("clean-up: SEARCH in %s: %v", name, err)
			continue
		}
		uids := data.AllUIDs()
		if len(uids) == 0 {
			continue
		}
		set := imap.UIDSetNum(uids...)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			t.Logf("clean-up: STORE in %s: %v", name, err)
			continue
		}
		if err := c.UIDExpunge(set).Close(); err != nil {
			t.Logf("clean-up: UID EXPUNGE in %s: %v", name, err)
		}
	}
	_ = c.Logout().Wait()
}
