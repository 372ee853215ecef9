package webmail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"

	"github.com/pematangsiantar/webmail/demo"
)

// upload is a file posted in the compose form's attachment input.
type upload struct {
	Name, Type string
	Data       []byte
}

// postCompose posts the compose form as a browser does (multipart), with
// the page's CSRF token unless fields has one. header adds request headers
// (the script's X-Requested-With and X-CSRF-Token).
func (b *browser) postCompose(fields url.Values, files []upload, header http.Header) *page {
	b.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				b.e.t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		// Browsers send the UTF-8 name as it is, quotes escaped.
		h.Set("Content-Disposition", `form-data; name="attachment"; filename="`+strings.ReplaceAll(f.Name, `"`, `%22`)+`"`)
		if f.Type != "" {
			h.Set("Content-Type", f.Type)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			b.e.t.Fatal(err)
		}
		pw.Write(f.Data)
	}
	if err := w.Close(); err != nil {
		b.e.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+"/compose", &buf)
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return b.do(req)
}

// composeForm opens a compose page and returns its form fields, failing
// the test when the page does not open.
func (b *browser) composeFields(path string) (*page, url.Values) {
	b.e.t.Helper()
	p := b.get(path)
	if p.StatusCode != http.StatusOK {
		b.e.t.Fatalf("GET %s: %d %s\n%s", path, p.StatusCode, p.location(), p.Body)
	}
	return p, formFields(b.e.t, p)
}

var (
	reInput    = regexp.MustCompile(`<input\b[^>]*>`)
	reAttr     = regexp.MustCompile(`\b(name|value|type)="([^"]*)"`)
	reTextarea = regexp.MustCompile(`(?s)<textarea\b[^>]*\bname="body"[^>]*>\n?(.*?)</textarea>`)
)

// formFields reads the compose form of a page as a browser without
// JavaScript would send it (no action yet).
func formFields(t testing.TB, p *page) url.Values {
	t.Helper()
	i := strings.Index(p.Body, `<form method="post" action="/compose"`)
	if i < 0 {
		t.Fatalf("no compose form:\n%s", p.Body)
	}
	body := p.Body[i:]
	v := url.Values{}
	for _, in := range reInput.FindAllString(body, -1) {
		attrs := map[string]string{}
		for _, m := range reAttr.FindAllStringSubmatch(in, -1) {
			attrs[m[1]] = html.UnescapeString(m[2])
		}
		if attrs["name"] == "" || attrs["type"] == "file" {
			continue
		}
		v.Add(attrs["name"], attrs["value"])
	}
	m := reTextarea.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no body textarea:\n%s", body)
	}
	v.Set("body", html.UnescapeString(m[1]))
	return v
}

// stored is a message as the IMAP server holds it.
type stored struct {
	UID   uint32
	Flags []imap.Flag
	Raw   []byte
}

func (s stored) has(flag imap.Flag) bool {
	for _, f := range s.Flags {
		if strings.EqualFold(string(f), string(flag)) {
			return true
		}
	}
	return false
}

// readFolder reads every message of a folder, raw, without changing flags.
func readFolder(t testing.TB, c *goimap.Client, folder string) []stored {
	t.Helper()
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", folder, err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	var set imap.SeqSet
	set.AddRange(1, sel.NumMessages)
	sec := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{sec}}).Collect()
	if err != nil {
		t.Fatalf("fetch %s: %v", folder, err)
	}
	var out []stored
	for _, b := range bufs {
		out = append(out, stored{UID: uint32(b.UID), Flags: b.Flags, Raw: b.FindBodySection(sec)})
	}
	return out
}

// folder reads a demo account's folder.
func (e *env) folder(a demo.Account, name string) []stored {
	e.t.Helper()
	c, err := goimap.DialInsecure(e.backend.IMAPAddr, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(a.Address, a.Password).Wait(); err != nil {
		e.t.Fatal(err)
	}
	return readFolder(e.t, c, name)
}

// one returns the only message of a list, failing otherwise.
func one(t testing.TB, what string, msgs []stored) stored {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("%s: %d messages, want 1", what, len(msgs))
	}
	return msgs[0]
}

// parsed is a delivered message taken apart.
type parsed struct {
	Header      mail.Header
	RawHeader   string // the header section as sent, for encoding checks
	Types       []string
	Text, HTML  string
	Attachments map[string][]byte // by decoded file name
}

// parseMessage parses raw bytes with go-message the way a mail reader
// would, and records the MIME structure (content types in walk order).
func parseMessage(t testing.TB, raw []byte) *parsed {
	t.Helper()
	p := &parsed{Attachments: map[string][]byte{}}
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		p.RawHeader = string(raw[:i+2])
	}
	ent, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p.Header = mail.Header{Header: ent.Header}
	err = ent.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		ct, params, _ := part.Header.ContentType()
		p.Types = append(p.Types, ct)
		if strings.HasPrefix(ct, "multipart/") {
			return nil
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			return err
		}
		disp, dparams, _ := part.Header.ContentDisposition()
		if disp == "attachment" {
			name := dparams["filename"]
			if name == "" {
				name = params["name"]
			}
			p.Attachments[name] = body
			return nil
		}
		switch ct {
		case "text/plain":
			p.Text = string(body)
		case "text/html":
			p.HTML = string(body)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk: %v", err)
	}
	return p
}

// subject is the decoded Subject.
func (p *parsed) subject(t testing.TB) string {
	t.Helper()
	s, err := p.Header.Subject()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// addresses are the decoded addresses of a header field.
func (p *parsed) addresses(t testing.TB, field string) []string {
	t.Helper()
	list, err := p.Header.AddressList(field)
	if err != nil {
		t.Fatalf("%s: %v", field, err)
	}
	var out []string
	for _, a := range list {
		out = append(out, a.String())
	}
	return out
}

// composeJSONOf decodes the script's JSON answer.
func composeJSONOf(t testing.TB, p *page) composeJSON {
	t.Helper()
	if ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct != "application/json" {
		t.Fatalf("answer is %q, not JSON: %d\n%s", p.Header.Get("Content-Type"), p.StatusCode, p.Body)
	}
	var r composeJSON
	if err := json.Unmarshal([]byte(p.Body), &r); err != nil {
		t.Fatalf("JSON %q: %v", p.Body, err)
	}
	return r
}

// draftOf is the draft UID in a Location such as /compose?draft=12&...
func draftOf(t testing.TB, loc string) uint32 {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil || u.Path != "/compose" {
		t.Fatalf("not the compose page: %q", loc)
	}
	uid := parseUID(u.Query().Get("draft"))
	if uid == 0 {
		t.Fatalf("no draft in %q", loc)
	}
	return uid
}

// pdfBytes is a fake binary attachment with every byte value, so that any
// transfer-encoding slip shows.
func binaryData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/256)
	}
	return b
}

// waitFolder polls a folder until it has n messages (LMTP delivery is
// asynchronous on real servers).
func waitFor(t testing.TB, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func uidStr(uid uint32) string { return fmt.Sprint(uid) }
