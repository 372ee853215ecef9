package webmail

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/pematangsiantar/webmail/imapclient"
)

// TestComposePage checks the form's contract: field names, buttons,
// labels, the editor loaded on this page only, and its CSP.
func TestComposePage(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	list := b.get("/mail")
	list.mustContain(t, `<a class="button compose" href="/compose">Pesan Baru</a>`)
	list.mustNotContain(t, "squire.js", "compose.js")

	p := b.get("/compose")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t,
		`<form method="post" action="/compose" enctype="multipart/form-data"`,
		`name="to"`, `name="cc"`, `name="bcc"`, `name="subject"`, `<textarea id="body" name="body"`,
		`<input id="attachment" name="attachment" type="file" multiple>`,
		`<button type="submit" name="action" value="send" class="send">Kirim</button>`,
		`<button type="submit" name="action" value="save" class="secondary">Simpan Draf</button>`,
		`>Batal</a>`, `value="attach"`, `>Lampirkan</button>`,
		`>Kepada</label>`, `>Cc</label>`, `>Bcc</label>`, `>Subjek</label>`, `<legend>Lampiran</legend>`, `>Pesan</label>`,
		`name="body_format" value="text"`, `name="draft" value=""`, `name="in_reply_to"`, `name="references"`,
		`name="orig_folder"`, `name="orig_uid"`, `name="orig_kind"`,
		`<details class="bcc">`, `data-max-size="26214400"`, "batas 25 MB",
		`vendor/squire/squire.js`, `vendor/dompurify/purify.min.js`, `compose.js`, `compose.css`,
		`<button type="button" data-cmd="bold" title="Tebal" aria-label="Tebal">`,
	)
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src-attr 'unsafe-inline'") || !strings.Contains(csp, "script-src 'self';") ||
		!strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("compose CSP %q", csp)
	}
	if csp := list.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("list CSP relaxed: %q", csp)
	}
	// The vendored files are served under hashed URLs.
	for _, name := range []string{"vendor/squire/squire.js", "vendor/dompurify/purify.min.js", "compose.js"} {
		m := regexp.MustCompile(`src="(/static/[0-9a-f]+/` + regexp.QuoteMeta(name) + `)"`).FindStringSubmatch(p.Body)
		if m == nil {
			t.Errorf("no script %s", name)
			continue
		}
		s := b.get(m[1])
		if s.StatusCode != http.StatusOK || !strings.HasPrefix(s.Header.Get("Content-Type"), "text/javascript") || len(s.Body) < 1000 && name != "compose.js" {
			t.Errorf("%s: %d %s %d bytes", name, s.StatusCode, s.Header.Get("Content-Type"), len(s.Body))
		}
		// Sent gzipped to browsers that take it.
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+m[1], nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		z := b.do(req)
		if z.Header.Get("Content-Encoding") != "gzip" || len(z.Body) >= len(s.Body) {
			t.Errorf("%s: %q, %d bytes gzipped of %d", name, z.Header.Get("Content-Encoding"), len(z.Body), len(s.Body))
		}
	}

	// English.
	b.get("/compose?lang=en")
	en := b.get("/compose")
	en.mustContain(t, ">Send</button>", ">Save draft</button>", ">Cancel</a>", ">To</label>", ">Subject</label>", "New message")

	// Signed out: to the sign-in page, and back here afterwards.
	anon := e.browser()
	if p := anon.get("/compose?to=diskominfo%40pematangsiantar.go.id"); p.StatusCode != http.StatusSeeOther ||
		p.location() != "/login?next=%2Fcompose%3Fto%3Ddiskominfo%2540pematangsiantar.go.id" {
		t.Errorf("signed out: %d %s", p.StatusCode, p.location())
	}
}

func TestComposeMailto(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	for name, tc := range map[string]struct {
		query         string
		to, cc, bcc   string
		subject, body string
	}{
		"params": {query: "to=diskominfo%40pematangsiantar.go.id&cc=umum%40pematangsiantar.go.id&subject=Rapat%20Senin&body=Baris%201%0ABaris%202",
			to: "diskominfo@pematangsiantar.go.id", cc: "umum@pematangsiantar.go.id", subject: "Rapat Senin", body: "Baris 1\nBaris 2"},
		"uri": {query: "uri=" + url.QueryEscape("mailto:diskominfo@pematangsiantar.go.id?subject=Laporan%20A+B&cc=umum@pematangsiantar.go.id&bcc=tatausaha@pematangsiantar.go.id&body=Isi"),
			to: "diskominfo@pematangsiantar.go.id", cc: "umum@pematangsiantar.go.id", bcc: "tatausaha@pematangsiantar.go.id", subject: "Laporan A+B", body: "Isi"},
		"to is a mailto URI": {query: "to=" + url.QueryEscape("mailto:a@pematangsiantar.go.id,b@pematangsiantar.go.id?Subject=Hai"),
			to: "a@pematangsiantar.go.id,b@pematangsiantar.go.id", subject: "Hai"},
	} {
		t.Run(name, func(t *testing.T) {
			_, f := b.composeFields("/compose?" + tc.query)
			got := [5]string{f.Get("to"), f.Get("cc"), f.Get("bcc"), f.Get("subject"), f.Get("body")}
			want := [5]string{tc.to, tc.cc, tc.bcc, tc.subject, tc.body}
			if got != want {
				t.Errorf("fields %q, want %q", got, want)
			}
		})
	}
	// A Bcc from the URI opens the Bcc row.
	p := b.get("/compose?bcc=umum%40pematangsiantar.go.id")
	p.mustContain(t, `<details class="bcc" open>`)
}

// TestSendHTMLWithAttachments sends a rich-text message with attachments,
// Cc and Bcc, and checks the bytes delivered to each recipient and the
// copy in Sent.
func TestSendHTMLWithAttachments(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	pdf := binaryData(300 << 10)
	csv := []byte("no;nama\r\n1;Boi Manalu\r\n")
	f.Set("to", `"Dinas Kominfo" <diskominfo@pematangsiantar.go.id>`)
	f.Set("cc", "")
	f.Set("bcc", "umum@pematangsiantar.go.id")
	f.Set("subject", "Undangan rapat – évaluasi SPBE ✓")
	f.Set("body", `<div>Yth. Bapak/Ibu,</div><div>Rapat <b>penting</b> besok.</div>`)
	f.Set("body_format", "html")
	f.Set("action", "send")
	p := b.postCompose(f, []upload{
		{Name: "Notulen – rapat.pdf", Type: "application/pdf", Data: pdf},
		{Name: "daftar hadir.csv", Type: "text/csv", Data: csv},
	}, nil)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/mail?folder=INBOX" {
		t.Fatalf("send: %d %s\n%s\n%s", p.StatusCode, p.location(), p.Body, e.logs)
	}
	b.get("/mail").mustContain(t, `<p class="flash" role="status">Pesan terkirim.</p>`)
	b.get("/mail").mustNotContain(t, "Pesan terkirim.") // once

	got := parseMessage(t, one(t, "diskominfo INBOX", e.folder(acctDisk, "INBOX")).Raw)
	if s := got.subject(t); s != "Undangan rapat – évaluasi SPBE ✓" {
		t.Errorf("subject %q", s)
	}
	if !strings.Contains(got.RawHeader, "Subject: =?utf-8?") && !strings.Contains(got.RawHeader, "Subject: =?UTF-8?") {
		t.Errorf("subject not RFC 2047-encoded:\n%s", got.RawHeader)
	}
	if from := got.addresses(t, "From"); len(from) != 1 || from[0] != "<tatausaha@pematangsiantar.go.id>" {
		t.Errorf("From %q", from)
	}
	if to := got.addresses(t, "To"); len(to) != 1 || to[0] != `"Dinas Kominfo" <diskominfo@pematangsiantar.go.id>` {
		t.Errorf("To %q", to)
	}
	if regexp.MustCompile(`(?im)^bcc:`).MatchString(got.RawHeader) || strings.Contains(got.RawHeader, "umum@") {
		t.Errorf("Bcc leaked:\n%s", got.RawHeader)
	}
	id := got.Header.Get("Message-Id")
	if !strings.HasSuffix(id, "@webmail.pematangsiantar.go.id>") {
		t.Errorf("Message-ID %q", id)
	}
	if d, err := got.Header.Date(); err != nil || !d.Equal(time.Date(2025, 11, 26, 14, 5, 0, 0, time.UTC)) || !strings.Contains(got.Header.Get("Date"), "+0700") {
		t.Errorf("Date %q (%v)", got.Header.Get("Date"), err)
	}
	wantTypes := []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf", "text/csv"}
	if fmt.Sprint(got.Types) != fmt.Sprint(wantTypes) {
		t.Errorf("structure %v, want %v", got.Types, wantTypes)
	}
	if !strings.Contains(got.HTML, "<b>penting</b>") || !strings.Contains(got.Text, "Rapat penting besok.") {
		t.Errorf("bodies:\n%s\n---\n%s", got.Text, got.HTML)
	}
	if !bytes.Equal(got.Attachments["Notulen – rapat.pdf"], pdf) || !bytes.Equal(got.Attachments["daftar hadir.csv"], csv) {
		t.Errorf("attachments differ: %d names %v", len(got.Attachments), keys(got.Attachments))
	}

	// The Bcc recipient got it too, without a Bcc header.
	bcc := parseMessage(t, one(t, "umum INBOX", e.folder(acctUmum, "INBOX")).Raw)
	if bcc.Header.Get("Message-Id") != id || regexp.MustCompile(`(?im)^bcc:`).MatchString(bcc.RawHeader) {
		t.Errorf("Bcc copy: %s\n%s", bcc.Header.Get("Message-Id"), bcc.RawHeader)
	}
	// The same bytes in Sent, read.
	sent := one(t, "Sent", e.folder(acctTU, "Sent"))
	if !sent.has(imap.FlagSeen) {
		t.Errorf("Sent copy flags %v", sent.Flags)
	}
	sp := parseMessage(t, sent.Raw)
	if sp.Header.Get("Message-Id") != id || !bytes.Equal(sp.Attachments["Notulen – rapat.pdf"], pdf) {
		t.Errorf("Sent copy differs")
	}
	if len(e.folder(acctTU, "Drafts")) != 0 {
		t.Error("a draft was left behind")
	}
	// The folder list shows Terkirim with the message.
	b.get("/mail?folder=Sent").mustContain(t, "Undangan rapat – évaluasi SPBE ✓", "Dinas Kominfo")
	if !strings.Contains(e.logs.String(), "event=send") || strings.Contains(e.logs.String(), "penting") {
		t.Errorf("audit log:\n%s", e.logs)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestSendPlainText is the form without JavaScript: the textarea's text
// goes out as text/plain with an HTML alternative made from it.
func TestSendPlainText(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	f.Set("to", "diskominfo@pematangsiantar.go.id; Bagian Umum <umum@pematangsiantar.go.id>")
	f.Set("subject", "Teks biasa")
	f.Set("body", "Baris satu\r\nBaris <dua> & tiga")
	f.Set("action", "send")
	if p := b.postCompose(f, nil, nil); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", p.StatusCode, p.Body)
	}
	got := parseMessage(t, one(t, "INBOX", e.folder(acctDisk, "INBOX")).Raw)
	if !strings.Contains(got.Text, "Baris satu\r\nBaris <dua> & tiga") || !strings.Contains(got.HTML, "Baris &lt;dua&gt; &amp; tiga") {
		t.Errorf("bodies:\n%q\n%q", got.Text, got.HTML)
	}
	if to := got.addresses(t, "To"); len(to) != 2 {
		t.Errorf("To %q", to)
	}
	one(t, "umum INBOX", e.folder(acctUmum, "INBOX"))

	// A urlencoded form (no file input) works the same.
	f.Set("to", "umum@pematangsiantar.go.id")
	f.Set("subject", "Tanpa lampiran")
	if p := b.post("/compose", f); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("urlencoded send: %d\n%s", p.StatusCode, p.Body)
	}
	if n := len(e.folder(acctUmum, "INBOX")); n != 2 {
		t.Errorf("umum has %d messages", n)
	}
}

// TestSendBadAddress: the bad entry is named exactly as typed, everything
// typed is kept, nothing is sent; an upload of the same request is kept
// in a draft.
func TestSendBadAddress(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	f.Set("to", "diskominfo@pematangsiantar.go.id, Boi <boi@pematangsiantar>")
	f.Set("cc", "umum@pematangsiantar.go.id")
	f.Set("subject", "Subjek tetap <ada>")
	f.Set("body", "Isi yang tidak boleh hilang")
	f.Set("action", "send")
	p := b.postCompose(f, nil, nil)
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t, `role="alert"`, "Alamat “Boi &lt;boi@pematangsiantar&gt;” tidak valid",
		`value="diskominfo@pematangsiantar.go.id, Boi &lt;boi@pematangsiantar&gt;"`, `value="umum@pematangsiantar.go.id"`,
		`value="Subjek tetap &lt;ada&gt;"`, "Isi yang tidak boleh hilang</textarea>")
	if n := len(e.folder(acctDisk, "INBOX")); n != 0 {
		t.Errorf("sent anyway: %d", n)
	}
	if n := len(e.folder(acctTU, "Drafts")); n != 0 {
		t.Errorf("%d drafts without an upload", n)
	}

	// No recipient at all.
	f.Set("to", "")
	f.Set("cc", " ; ")
	p = b.postCompose(f, nil, nil)
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no recipient: %d", p.StatusCode)
	}
	p.mustContain(t, "Isi sedikitnya satu penerima")

	// With a file: the draft keeps it.
	f.Set("to", "bukan alamat")
	p = b.postCompose(f, []upload{{Name: "surat.pdf", Data: []byte("%PDF-1.4")}}, nil)
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("with file: %d", p.StatusCode)
	}
	p.mustContain(t, "Alamat “bukan alamat” tidak valid", "surat.pdf", `name="keep" value="d:`)
	d := parseMessage(t, one(t, "Drafts", e.folder(acctTU, "Drafts")).Raw)
	if string(d.Attachments["surat.pdf"]) != "%PDF-1.4" {
		t.Errorf("draft attachments %v", keys(d.Attachments))
	}
	if !strings.Contains(p.Body, fmt.Sprintf(`name="draft" value="%d"`, one(t, "Drafts", e.folder(acctTU, "Drafts")).UID)) {
		t.Error("the page does not carry the draft")
	}
}

// TestHeaderInjection: CR/LF typed into the subject (or a name) cannot
// start a header field.
func TestHeaderInjection(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	f.Set("to", `"Kominfo\r\nBcc: umum@pematangsiantar.go.id" <diskominfo@pematangsiantar.go.id>`)
	f.Set("subject", "Halo\r\nBcc: umum@pematangsiantar.go.id\r\nX-Evil: 1")
	f.Set("body", "x")
	f.Set("action", "send")
	if p := b.postCompose(f, nil, nil); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", p.StatusCode, p.Body)
	}
	got := parseMessage(t, one(t, "INBOX", e.folder(acctDisk, "INBOX")).Raw)
	if regexp.MustCompile(`(?im)^(bcc|x-evil):`).MatchString(got.RawHeader) {
		t.Errorf("header injected:\n%s", got.RawHeader)
	}
	if s := got.subject(t); strings.ContainsAny(s, "\r\n") || !strings.HasPrefix(s, "Halo") {
		t.Errorf("subject %q", s)
	}
	if n := len(e.folder(acctUmum, "INBOX")); n != 0 {
		t.Errorf("injected Bcc received it")
	}
}

// TestDraftRoundTrip: save with an attachment, resume, attach more,
// remove one, send: the draft is gone and the message has what was kept.
func TestDraftRoundTrip(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	one1 := binaryData(70 << 10)
	f.Set("to", "Diskominfo <diskominfo@pematangsiantar.go.id>")
	f.Set("bcc", "umum@pematangsiantar.go.id")
	f.Set("subject", "Draf laporan")
	f.Set("body", "<div>Isi <i>draf</i></div>")
	f.Set("body_format", "html")
	f.Set("action", "save")
	p := b.postCompose(f, []upload{{Name: "lampiran satu.bin", Type: "application/octet-stream", Data: one1}}, nil)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.StatusCode, p.Body)
	}
	uid1 := draftOf(t, p.location())
	if p.location() != "/compose?draft="+uidStr(uid1) {
		t.Errorf("location %q", p.location())
	}
	d := one(t, "Drafts", e.folder(acctTU, "Drafts"))
	if d.UID != uid1 || !d.has(imap.FlagDraft) || !d.has(imap.FlagSeen) {
		t.Errorf("draft %d flags %v", d.UID, d.Flags)
	}
	dp := parseMessage(t, d.Raw)
	if bcc := dp.addresses(t, "Bcc"); len(bcc) != 1 {
		t.Errorf("draft Bcc %q", bcc)
	}

	// Resumed: fields, editor content and attachment, and the flash once.
	page, rf := b.composeFields(p.location())
	asScript(t, page, rf)
	page.mustContain(t, `<p class="flash" role="status">Draf disimpan.</p>`, "lampiran satu.bin", "70 KB",
		`<details class="bcc" open>`, `data-html="`)
	if rf.Get("draft") != uidStr(uid1) || rf.Get("to") != `"Diskominfo" <diskominfo@pematangsiantar.go.id>` ||
		rf.Get("bcc") != "umum@pematangsiantar.go.id" || rf.Get("subject") != "Draf laporan" ||
		!strings.Contains(rf.Get("body"), "Isi <i>draf</i>") || fmt.Sprint(rf["keep"]) != "[d:2]" {
		t.Errorf("resumed form %v", rf)
	}
	// Opening the draft from the list lands in the compose page.
	b.get("/mail?folder=Drafts").mustContain(t, `href="/compose?draft=`+uidStr(uid1)+`"`)
	if r := b.get("/mail/message?folder=Drafts&uid=" + uidStr(uid1)); r.StatusCode != http.StatusSeeOther || r.location() != "/compose?draft="+uidStr(uid1) {
		t.Errorf("draft opened: %d %s", r.StatusCode, r.location())
	}

	// Attach a second file without JavaScript (Lampirkan).
	rf.Set("action", "attach")
	two := []byte("isi kedua")
	p = b.postCompose(rf, []upload{{Name: "dua.txt", Type: "text/plain", Data: two}}, nil)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach: %d\n%s", p.StatusCode, p.Body)
	}
	uid2 := draftOf(t, p.location())
	if d := one(t, "Drafts after attach", e.folder(acctTU, "Drafts")); d.UID != uid2 || uid2 == uid1 {
		t.Errorf("drafts: %d (was %d, want %d)", d.UID, uid1, uid2)
	}
	page, rf = b.composeFields(p.location())
	asScript(t, page, rf)
	page.mustNotContain(t, "Draf disimpan.") // attaching says nothing
	if fmt.Sprint(rf["keep"]) != "[d:2 d:3]" {
		t.Fatalf("keeps %v\n%s", rf["keep"], page.Body)
	}

	// Remove the first one.
	rf.Set("action", "remove:d:2")
	p = b.postCompose(rf, nil, nil)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", p.StatusCode, p.Body)
	}
	page, rf = b.composeFields(p.location())
	asScript(t, page, rf)
	page.mustNotContain(t, "lampiran satu.bin")
	page.mustContain(t, "dua.txt")

	// Send: the draft goes, the message keeps the file and the formatting.
	rf.Set("action", "send")
	if p = b.postCompose(rf, nil, nil); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", p.StatusCode, p.Body)
	}
	if n := len(e.folder(acctTU, "Drafts")); n != 0 {
		t.Errorf("%d drafts left after sending", n)
	}
	got := parseMessage(t, one(t, "INBOX", e.folder(acctDisk, "INBOX")).Raw)
	if len(got.Attachments) != 1 || !bytes.Equal(got.Attachments["dua.txt"], two) || !strings.Contains(got.HTML, "<i>draf</i>") {
		t.Errorf("sent message: %v\n%s", keys(got.Attachments), got.HTML)
	}
	one(t, "Bcc from the draft", e.folder(acctUmum, "INBOX"))
}

// asScript makes a form read from a page look like the one compose.js
// sends: the editor starts from data-html and posts HTML.
func asScript(t *testing.T, p *page, f url.Values) {
	t.Helper()
	m := regexp.MustCompile(`data-html="([^"]*)"`).FindStringSubmatch(p.Body)
	if m == nil || m[1] == "" {
		t.Fatalf("no editor HTML in the page")
	}
	f.Set("body", html.UnescapeString(m[1]))
	f.Set("body_format", "html")
}

// TestAttachXHR is the script's path: JSON answers, no redirects.
func TestAttachXHR(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	page, f := b.composeFields("/compose")
	token := page.csrf(t)
	f.Del("csrf_token")
	f.Set("to", "diskominfo@pematangsiantar.go.id, salah@")
	f.Set("subject", "Lewat skrip")
	f.Set("action", "attach")
	hdr := http.Header{"X-Requested-With": {"XMLHttpRequest"}, "X-Csrf-Token": {token}}
	p := b.postCompose(f, []upload{{Name: "foto.jpg", Type: "image/jpeg", Data: binaryData(2048)}}, hdr)
	r := composeJSONOf(t, p)
	// The bad entry is named; the draft is saved without it.
	if p.StatusCode != http.StatusUnprocessableEntity || r.Draft == 0 || len(r.Attachments) != 1 ||
		r.Attachments[0].ID != "d:2" || r.Attachments[0].Name != "foto.jpg" || r.Attachments[0].Size != 2048 ||
		!strings.Contains(r.Error, "salah@") {
		t.Fatalf("attach: %d %+v", p.StatusCode, r)
	}
	d := parseMessage(t, one(t, "Drafts", e.folder(acctTU, "Drafts")).Raw)
	if to := d.addresses(t, "To"); len(to) != 1 || d.subject(t) != "Lewat skrip" {
		t.Errorf("draft To %q", to)
	}

	// Remove it through the script.
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("draft", uidStr(r.Draft))
	f["keep"] = []string{"d:2"}
	f.Set("action", "remove:d:2")
	p = b.postCompose(f, nil, hdr)
	r2 := composeJSONOf(t, p)
	if p.StatusCode != http.StatusOK || r2.Draft == 0 || r2.Draft == r.Draft || len(r2.Attachments) != 0 || r2.Error != "" {
		t.Fatalf("remove: %d %+v", p.StatusCode, r2)
	}
	if !strings.Contains(p.Body, `"attachments":[]`) {
		t.Errorf("attachments not an empty list: %s", p.Body)
	}
	one(t, "Drafts after remove", e.folder(acctTU, "Drafts"))
}

func TestComposeCSRF(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("action", "send")
	f.Del("csrf_token")
	if p := b.postCompose(f, nil, nil); p.StatusCode != http.StatusForbidden {
		t.Errorf("multipart without token: %d", p.StatusCode)
	}
	f.Set("csrf_token", "salah")
	if p := b.postCompose(f, []upload{{Name: "a.txt", Data: []byte("a")}}, nil); p.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %d", p.StatusCode)
	}
	f.Del("csrf_token")
	if p := b.post("/compose", f); p.StatusCode != http.StatusForbidden {
		t.Errorf("urlencoded without token: %d", p.StatusCode)
	}
	if p := b.postCompose(f, nil, http.Header{"X-Requested-With": {"XMLHttpRequest"}}); p.StatusCode != http.StatusForbidden ||
		composeJSONOf(t, p).Error == "" {
		t.Errorf("script without token: %d %s", p.StatusCode, p.Body)
	}
	if n := len(e.folder(acctDisk, "INBOX")); n != 0 {
		t.Error("sent without a token")
	}
}

// replyOriginal is a message to answer: Reply-To set, a thread behind it,
// the user in To, others in Cc.
func replyOriginal(to string) string {
	return `From: Boi Manalu <boi@dinas.example>
Reply-To: Dinas Kominfo <diskominfo@pematangsiantar.go.id>
To: ` + to + `, Boi Manalu <boi@dinas.example>
Cc: Bagian Umum <umum@pematangsiantar.go.id>, TATAUSAHA@pematangsiantar.go.id
Subject: RE: Re: Jadwal rapat
Date: Tue, 04 Mar 2025 10:00:00 +0700
Message-ID: <orig-1@dinas.example>
In-Reply-To: <prev@dinas.example>
References: <root@dinas.example> <prev@dinas.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Rapat dipindah ke hari Kamis.
Mohon hadir.
`
}

func TestReply(t *testing.T) {
	e := newEnv(t)
	uid := e.appendMessage(acctTU.Address, "INBOX", true, thisYear, replyOriginal(acctTU.Address))
	b := e.browser()
	b.mustSignIn(acctTU)
	msg := b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uid))
	msg.mustContain(t,
		fmt.Sprintf(`<a class="button" href="/compose?reply=%d&amp;folder=INBOX">Balas</a>`, uid),
		fmt.Sprintf(`href="/compose?replyall=%d&amp;folder=INBOX">Balas ke Semua</a>`, uid),
		fmt.Sprintf(`href="/compose?forward=%d&amp;folder=INBOX">Teruskan</a>`, uid))

	page, f := b.composeFields(fmt.Sprintf("/compose?reply=%d&folder=INBOX", uid))
	page.mustContain(t, "<h1>Balas</h1>")
	want := map[string]string{
		"to": `"Dinas Kominfo" <diskominfo@pematangsiantar.go.id>`, "cc": "", "subject": "Re: Jadwal rapat",
		"in_reply_to": "orig-1@dinas.example", "references": "root@dinas.example prev@dinas.example orig-1@dinas.example",
		"orig_folder": "INBOX", "orig_uid": uidStr(uid), "orig_kind": "reply", "folder": "INBOX",
	}
	for k, v := range want {
		if f.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, f.Get(k), v)
		}
	}
	if !strings.Contains(f.Get("body"), "Pada Selasa, 4 Maret 2025 10:00 WIB, Boi Manalu menulis:") ||
		!strings.Contains(f.Get("body"), "> Rapat dipindah ke hari Kamis.") {
		t.Errorf("quoted body:\n%s", f.Get("body"))
	}

	// Reply to all: the user's own address (any case) is left out.
	_, all := b.composeFields(fmt.Sprintf("/compose?replyall=%d&folder=INBOX", uid))
	if all.Get("to") != `"Dinas Kominfo" <diskominfo@pematangsiantar.go.id>, "Boi Manalu" <boi@dinas.example>` ||
		all.Get("cc") != `"Bagian Umum" <umum@pematangsiantar.go.id>` {
		t.Errorf("reply all: to %q cc %q", all.Get("to"), all.Get("cc"))
	}

	// English header line.
	b.get("/mail?lang=en")
	_, en := b.composeFields(fmt.Sprintf("/compose?reply=%d&folder=INBOX", uid))
	if !strings.Contains(en.Get("body"), "On Tuesday, 4 March 2025 10:00 WIB, Boi Manalu wrote:") {
		t.Errorf("English quote header:\n%s", en.Get("body"))
	}
	b.get("/mail?lang=id")

	f.Set("body", "Baik, saya hadir.\n"+f.Get("body"))
	f.Set("action", "send")
	p := b.postCompose(f, nil, nil)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/mail?folder=INBOX" {
		t.Fatalf("send: %d %s\n%s", p.StatusCode, p.location(), p.Body)
	}
	got := parseMessage(t, one(t, "INBOX", e.folder(acctDisk, "INBOX")).Raw)
	if got.subject(t) != "Re: Jadwal rapat" || got.Header.Get("In-Reply-To") != "<orig-1@dinas.example>" ||
		got.Header.Get("References") != "<root@dinas.example> <prev@dinas.example> <orig-1@dinas.example>" {
		t.Errorf("threading: %q %q %q", got.subject(t), got.Header.Get("In-Reply-To"), got.Header.Get("References"))
	}
	if !strings.Contains(got.Text, "Pada Selasa, 4 Maret 2025 10:00 WIB, Boi Manalu menulis:") {
		t.Errorf("text:\n%s", got.Text)
	}
	orig := e.folder(acctTU, "INBOX")
	if !one(t, "INBOX", orig).has(imap.FlagAnswered) {
		t.Errorf("original flags %v", orig[0].Flags)
	}
}

func TestForward(t *testing.T) {
	e := newEnv(t)
	uid := e.appendMessage(acctTU.Address, "INBOX", true, thisYear, attachmentMessage(acctTU.Address))
	b := e.browser()
	b.mustSignIn(acctTU)
	page, f := b.composeFields(fmt.Sprintf("/compose?forward=%d&folder=INBOX", uid))
	page.mustContain(t, "<h1>Teruskan</h1>", "Perwali No. 5 – Pajak Daerah.pdf", "laporan&#34;x.html")
	if f.Get("subject") != "Fwd: Salinan Perwali – lampiran" || f.Get("to") != "" || f.Get("orig_kind") != "forward" ||
		fmt.Sprint(f["keep"]) != "[o:2 o:3]" || f.Get("in_reply_to") != "" {
		t.Errorf("forward form %v", f)
	}
	body := f.Get("body")
	for _, w := range []string{"---------- Pesan yang diteruskan ----------", "Dari: Bagian Hukum <hukum@pematangsiantar.go.id>",
		"Subjek: Salinan Perwali – lampiran", "Terlampir salinan Perwali."} {
		if !strings.Contains(body, w) {
			t.Errorf("forward body lacks %q:\n%s", w, body)
		}
	}
	// Drop the HTML attachment, send with the PDF.
	f["keep"] = []string{"o:2"}
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("action", "send")
	if p := b.postCompose(f, nil, nil); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", p.StatusCode, p.Body)
	}
	got := parseMessage(t, one(t, "INBOX", e.folder(acctDisk, "INBOX")).Raw)
	pdf := got.Attachments["Perwali No. 5 – Pajak Daerah.pdf"]
	if len(got.Attachments) != 1 || string(pdf) != "%PDF-1.4\n%\xc7\xec\x8f\xa2\n1 0 obj\n<</Type/Catalog>>\nendobj\n%%EOF\n" {
		t.Errorf("forwarded attachments %v %q", keys(got.Attachments), pdf)
	}
	if got.subject(t) != "Fwd: Salinan Perwali – lampiran" {
		t.Errorf("subject %q", got.subject(t))
	}
	if !one(t, "INBOX", e.folder(acctTU, "INBOX")).has(imap.Flag(imapclient.FlagForwarded)) {
		t.Error("original not $Forwarded")
	}
}

// TestSendRefusedRecipient: the SMTP server refuses an address; the page
// names it with the reason and the message, attachment included, waits in
// Drafts.
func TestSendRefusedRecipient(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	f.Set("to", "diskominfo@pematangsiantar.go.id, nobody@pematangsiantar.go.id")
	f.Set("subject", "Untuk yang tidak ada")
	f.Set("body", "Isi")
	f.Set("action", "send")
	data := binaryData(5000)
	p := b.postCompose(f, []upload{{Name: "berkas.bin", Data: data}}, nil)
	if p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t, "server pengiriman menolak penerima di bawah ini; pesan disimpan di Draf.",
		"<li><strong>nobody@pematangsiantar.go.id</strong>: alamat tidak dikenal</li>",
		"berkas.bin", `value="Untuk yang tidak ada"`, `name="keep" value="d:`)
	d := one(t, "Drafts", e.folder(acctTU, "Drafts"))
	if !strings.Contains(p.Body, fmt.Sprintf(`name="draft" value="%d"`, d.UID)) {
		t.Error("page lacks the draft")
	}
	if dp := parseMessage(t, d.Raw); !bytes.Equal(dp.Attachments["berkas.bin"], data) {
		t.Error("draft lacks the attachment")
	}
	if n := len(e.folder(acctDisk, "INBOX")); n != 0 {
		t.Error("delivered to the other recipient anyway")
	}
	if n := len(e.folder(acctTU, "Sent")); n != 0 {
		t.Error("copied to Sent")
	}
}

// TestSendSMTPUnavailable: the submission server is down; the message is
// kept in Drafts and the user told so.
func TestSendSMTPUnavailable(t *testing.T) {
	var down string
	e := newEnv(t, func(c *Config, _ *imapclient.Config) {
		down = closedAddr(t)
		c.SMTP.Addr = down
	})
	b := e.browser()
	b.mustSignIn(acctTU)
	page, f := b.composeFields("/compose")
	page.mustContain(t, `data-max-size="26214400"`) // the SIZE lookup failed: the configured limit
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("subject", "Server mati")
	f.Set("action", "send")
	p := b.postCompose(f, []upload{{Name: "a.txt", Data: []byte("aaa")}}, nil)
	if p.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t, "Server pengiriman tidak dapat dihubungi; pesan disimpan di Draf.", "a.txt", `value="Server mati"`)
	d := parseMessage(t, one(t, "Drafts", e.folder(acctTU, "Drafts")).Raw)
	if string(d.Attachments["a.txt"]) != "aaa" {
		t.Error("draft lacks the attachment")
	}
}

// TestSizeLimit: a message over the limit is refused naming the limit,
// early when the request says its size, and nothing is stored.
func TestSizeLimit(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *imapclient.Config) { c.MaxMessageSize = 64 << 10 })
	b := e.browser()
	b.mustSignIn(acctTU)
	page, f := b.composeFields("/compose")
	page.mustContain(t, `data-max-size="65536"`, "paling besar 64 KB")
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("subject", "Besar")
	f.Set("action", "send")
	p := b.postCompose(f, []upload{{Name: "besar.bin", Data: binaryData(100 << 10)}}, nil)
	if p.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t, "Ukuran lampiran melebihi batas 64 KB", `value="Besar"`)
	f.Set("action", "attach")
	p = b.postCompose(f, []upload{{Name: "a.bin", Data: binaryData(40 << 10)}, {Name: "b.bin", Data: binaryData(40 << 10)}}, nil)
	if p.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("attach: %d", p.StatusCode)
	}
	// Far over: refused before the body is read, with the translated page.
	p = b.postCompose(f, []upload{{Name: "huge.bin", Data: make([]byte, 3<<20)}}, nil)
	if p.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("huge: %d", p.StatusCode)
	}
	p.mustContain(t, "Ukuran lampiran melebihi batas 64 KB")
	p = b.postCompose(f, []upload{{Name: "huge.bin", Data: make([]byte, 3<<20)}}, http.Header{"X-Requested-With": {"XMLHttpRequest"}})
	if r := composeJSONOf(t, p); p.StatusCode != http.StatusRequestEntityTooLarge || r.Error != "Ukuran lampiran melebihi batas 64 KB." {
		t.Errorf("huge via the script: %d %+v", p.StatusCode, r)
	}
	if n := len(e.folder(acctDisk, "INBOX")) + len(e.folder(acctTU, "Drafts")); n != 0 {
		t.Errorf("%d messages stored", n)
	}
	// Other forms take no large bodies at all.
	big := url.Values{"username": {strings.Repeat("x", 2<<20)}}
	if p := b.post("/login", big); p.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("large sign-in form: %d", p.StatusCode)
	}
}

func TestAttachmentRoom(t *testing.T) {
	// The demo's 35 MiB SIZE leaves room for the default 25 MB.
	if r := attachmentRoom(35 << 20); r < DefaultMaxMessageSize || r > 35<<20*3/4 {
		t.Errorf("room in 35 MiB: %d", r)
	}
	if r := attachmentRoom(10 << 20); r >= 10<<20*3/4 {
		t.Errorf("room in 10 MiB: %d", r)
	}
	e := newEnv(t)
	a := &app{cfg: e.cfg, sizes: &sizeLimit{}, log: e.cfg.Logger}
	a.cfg.MaxMessageSize = DefaultMaxMessageSize
	a.cfg.SMTP.Addr = e.backend.SMTPAddr
	if got := a.maxMessageSize(t.Context()); got != DefaultMaxMessageSize {
		t.Errorf("limit with the demo: %d", got)
	}
}

// TestSessionExpiredWhileComposing: the form posted after the idle
// timeout is saved to Drafts with the cookie's credentials; after signing
// in again the user is back on the message.
func TestSessionExpiredWhileComposing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("subject", "Ditulis lama sekali")
	f.Set("body", "Paragraf panjang")
	f.Set("action", "send")
	e.clock.Add(DefaultIdleTimeout + time.Minute)
	p := b.postCompose(f, []upload{{Name: "laporan.pdf", Data: []byte("%PDF")}}, nil)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	d := one(t, "Drafts", e.folder(acctTU, "Drafts"))
	want := "/login?next=" + url.QueryEscape("/compose?draft="+uidStr(d.UID))
	if p.location() != want {
		t.Fatalf("location %q, want %q", p.location(), want)
	}
	if n := len(e.folder(acctDisk, "INBOX")); n != 0 {
		t.Error("sent with an expired session")
	}
	lp := b.get(p.location())
	lp.mustContain(t, "Pesan yang sedang Anda tulis sudah disimpan di Draf", `name="next" value="/compose?draft=`+uidStr(d.UID)+`"`)
	in := b.post("/login", url.Values{"username": {acctTU.Address}, "password": {acctTU.Password},
		"next": {"/compose?draft=" + uidStr(d.UID)}, "csrf_token": {lp.csrf(t)}})
	if in.StatusCode != http.StatusSeeOther || in.location() != "/compose?draft="+uidStr(d.UID) {
		t.Fatalf("sign-in: %d %s", in.StatusCode, in.location())
	}
	page, rf := b.composeFields(in.location())
	page.mustContain(t, "laporan.pdf")
	if rf.Get("subject") != "Ditulis lama sekali" || !strings.Contains(rf.Get("body"), "Paragraf panjang") {
		t.Errorf("restored form %v", rf)
	}

	// The script gets JSON with where to go.
	e.clock.Add(DefaultIdleTimeout + time.Minute)
	rf.Set("action", "attach")
	token := rf.Get("csrf_token")
	p = b.postCompose(rf, nil, http.Header{"X-Requested-With": {"XMLHttpRequest"}, "X-Csrf-Token": {token}})
	r := composeJSONOf(t, p)
	if p.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(r.Redirect, "/login?next=%2Fcompose%3Fdraft%3D") || r.Draft == 0 {
		t.Errorf("script, expired: %d %+v", p.StatusCode, r)
	}
	one(t, "Drafts after the second expiry", e.folder(acctTU, "Drafts"))
}

// TestComposeGetsLost: a draft that does not exist is a 404, not a crash.
func TestComposeMissingDraft(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	if p := b.get("/compose?draft=999"); p.StatusCode != http.StatusNotFound {
		t.Errorf("missing draft: %d", p.StatusCode)
	}
	if p := b.get("/compose?reply=999&folder=INBOX"); p.StatusCode != http.StatusNotFound {
		t.Errorf("missing original: %d", p.StatusCode)
	}
	_, f := b.composeFields("/compose")
	f.Set("action", "bogus")
	if p := b.postCompose(f, nil, nil); p.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown action: %d", p.StatusCode)
	}
}

func TestParseRecipients(t *testing.T) {
	var f composeForm
	f.To = `Boi <boi@pematangsiantar.go.id>, boi@, "x" <y>`
	rc := f.parseRecipients()
	if len(rc.To) != 1 || fmt.Sprint(rc.Bad) != `[boi@ "x" <y>]` {
		t.Errorf("parsed %v bad %q", rc.To, rc.Bad)
	}
}

// TestSendSMTPAuthFailed: the password changed elsewhere, so SMTP refuses
// it while the session's IMAP connection still works: the message is
// saved as a draft and the user told to sign in again.
func TestSendSMTPAuthFailed(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	_, f := b.composeFields("/compose")
	if err := e.backend.SetPassword(acctTU.Address, "sandi-baru-yang-panjang"); err != nil {
		t.Fatal(err)
	}
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("subject", "Sandi diganti")
	f.Set("action", "send")
	p := b.postCompose(f, nil, nil)
	if p.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d\n%s", p.StatusCode, p.Body)
	}
	p.mustContain(t, "Server pengiriman tidak menerima kata sandi Anda", "pesan disimpan di Draf.", `value="Sandi diganti"`)
	changed := acctTU
	changed.Password = "sandi-baru-yang-panjang"
	one(t, "Drafts", e.folder(changed, "Drafts"))
	if n := len(e.folder(acctDisk, "INBOX")); n != 0 {
		t.Error("sent anyway")
	}
}

func TestDecodedSize(t *testing.T) {
	for _, n := range []int64{0, 1, 21, 57, 58, 1000, 70 << 10, 20 << 20} {
		enc := (n + 2) / 3 * 4
		enc += (enc + 75) / 76 * 2
		got := decodedSize(imapclient.Attachment{ContentType: "application/pdf", Size: enc}, true)
		if got < n || got > n+2 {
			t.Errorf("%d bytes (%d encoded): estimated %d", n, enc, got)
		}
	}
}
