package compose

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

const pdfName = "Laporan Triwulan – Dinas.pdf"

var wib = time.FixedZone("WIB", 7*3600)

// allBytes is n bytes cycling through all 256 byte values.
func allBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func bytesAttachment(name, ctype string, data []byte) Attachment {
	return Attachment{
		Filename: name, ContentType: ctype, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

func testMessage() *Message {
	return &Message{
		From: netmail.Address{Name: "Dinas Komunikasi dan Informatika", Address: "diskominfo@pematangsiantar.go.id"},
		To: []netmail.Address{
			{Name: "Boi Manalu", Address: "boi@pematangsiantar.go.id"},
			{Address: "sekda@pematangsiantar.go.id"},
		},
		Cc:            []netmail.Address{{Name: "Siti Nurhaliza Damanik", Address: "siti@pematangsiantar.go.id"}},
		Bcc:           []netmail.Address{{Name: "Arsip", Address: "arsip@pematangsiantar.go.id"}},
		Subject:       "Undangan Rapat – Évaluasi Triwulan",
		HTML:          `<div>Yth. Bapak/Ibu,</div><div>Mohon <b>hadir tepat waktu</b> di ruang rapat.</div>`,
		InReplyTo:     "orig-1@mail.example.go.id",
		References:    []string{"<root@mail.example.go.id> <mid@mail.example.go.id>"},
		Date:          time.Date(2025, 3, 4, 9, 30, 15, 0, wib),
		MessageIDHost: "mail.pematangsiantar.go.id",
		UserAgent:     "Webmail Pemerintah Kota Pematangsiantar",
		Attachments: []Attachment{
			bytesAttachment("data.bin", "", allBytes(256*40)),
			bytesAttachment(pdfName, "", []byte("%PDF-1.4\n% laporan\n")),
		},
	}
}

func write(t *testing.T, m *Message, keepBcc bool) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	id, err := m.Write(&b, keepBcc)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes(), id
}

// rawHeader returns the raw top-level header fields, unfolded, in order.
func rawHeader(t *testing.T, raw []byte) []string {
	t.Helper()
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatal("no end of header")
	}
	var fields []string
	for _, l := range strings.Split(string(head), "\r\n") {
		if l != "" && (l[0] == ' ' || l[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1] += l
			continue
		}
		fields = append(fields, l)
	}
	return fields
}

func headerKeys(t *testing.T, raw []byte) map[string]int {
	keys := map[string]int{}
	for _, f := range rawHeader(t, raw) {
		k, _, ok := strings.Cut(f, ":")
		if !ok {
			t.Errorf("header line without colon: %q", f)
		}
		keys[strings.ToLower(k)]++
	}
	return keys
}

// checkLines checks RFC 5322 section 2.1.1 and 2.3: CRLF line ends only,
// at most 998 characters a line.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	lines := bytes.Split(raw, []byte("\r\n"))
	for i, l := range lines {
		if len(l) > 998 {
			t.Errorf("line %d is %d characters long", i+1, len(l))
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	m := testMessage()
	for _, keepBcc := range []bool{false, true} {
		raw, id := write(t, m, keepBcc)
		checkLines(t, raw)

		// Structure, walked with go-message's entity reader.
		e, err := message.Read(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		var structure []string
		err = e.Walk(func(path []int, ent *message.Entity, err error) error {
			if err != nil {
				return err
			}
			typ, params, _ := ent.Header.ContentType()
			if cs := params["charset"]; cs != "" {
				typ += ";charset=" + cs
			}
			structure = append(structure, strings.Repeat(" ", len(path))+typ)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"multipart/mixed",
			" multipart/alternative",
			"  text/plain;charset=utf-8",
			"  text/html;charset=utf-8",
			" application/octet-stream",
			" application/pdf",
		}
		if strings.Join(structure, "\n") != strings.Join(want, "\n") {
			t.Errorf("structure:\n%s\nwant:\n%s", strings.Join(structure, "\n"), strings.Join(want, "\n"))
		}

		// Fields and parts, with go-message's mail reader.
		mr, err := mail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		h := mr.Header
		if s, err := h.Subject(); err != nil || s != m.Subject {
			t.Errorf("Subject = %q, %v", s, err)
		}
		if !strings.HasPrefix(h.Get("Subject"), "=?utf-8?") {
			t.Errorf("raw Subject %q is not RFC 2047", h.Get("Subject"))
		}
		checkAddrs(t, &h, "From", "Dinas Komunikasi dan Informatika <diskominfo@pematangsiantar.go.id>")
		checkAddrs(t, &h, "To", "Boi Manalu <boi@pematangsiantar.go.id>, <sekda@pematangsiantar.go.id>")
		checkAddrs(t, &h, "Cc", "Siti Nurhaliza Damanik <siti@pematangsiantar.go.id>")
		if keepBcc {
			checkAddrs(t, &h, "Bcc", "Arsip <arsip@pematangsiantar.go.id>")
		} else if h.Has("Bcc") || bytes.Contains(bytes.ToLower(raw), []byte("arsip@")) {
			t.Error("Bcc left in a message to send")
		}
		if d, err := h.Date(); err != nil || !d.Equal(m.Date) {
			t.Errorf("Date = %v, %v", d, err)
		}
		if !strings.HasSuffix(h.Get("Date"), "+0700") {
			t.Errorf("Date %q not in the user's zone", h.Get("Date"))
		}
		gotID, err := h.MessageID()
		if err != nil || gotID != id || !regexp.MustCompile(`^[A-Z2-7]{26}@mail\.pematangsiantar\.go\.id$`).MatchString(id) {
			t.Errorf("Message-ID = %q (%v), Write returned %q", gotID, err, id)
		}
		if l, _ := h.MsgIDList("In-Reply-To"); strings.Join(l, " ") != "orig-1@mail.example.go.id" {
			t.Errorf("In-Reply-To = %q", l)
		}
		if l, _ := h.MsgIDList("References"); strings.Join(l, " ") != "root@mail.example.go.id mid@mail.example.go.id orig-1@mail.example.go.id" {
			t.Errorf("References = %q", l)
		}
		if h.Get("User-Agent") != m.UserAgent || h.Get("Mime-Version") != "1.0" {
			t.Errorf("User-Agent %q, MIME-Version %q", h.Get("User-Agent"), h.Get("Mime-Version"))
		}

		var texts []string
		var files []string
		var datas [][]byte
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(p.Body)
			if err != nil {
				t.Fatal(err)
			}
			switch ph := p.Header.(type) {
			case *mail.InlineHeader:
				if cte := ph.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
					t.Errorf("text part encoded %q", cte)
				}
				texts = append(texts, string(body))
			case *mail.AttachmentHeader:
				name, err := ph.Filename()
				if err != nil {
					t.Errorf("Filename: %v", err)
				}
				files = append(files, name)
				datas = append(datas, body)
			}
		}
		if len(texts) != 2 {
			t.Fatalf("%d text parts", len(texts))
		}
		if want := "Yth. Bapak/Ibu,\nMohon hadir tepat waktu di ruang rapat.\n"; strings.ReplaceAll(texts[0], "\r\n", "\n") != want {
			t.Errorf("text/plain = %q, want %q", texts[0], want)
		}
		if !strings.Contains(texts[1], "<div>Mohon <b>hadir tepat waktu</b> di ruang rapat.</div>") {
			t.Errorf("text/html = %q", texts[1])
		}
		if strings.Join(files, "|") != "data.bin|"+pdfName {
			t.Errorf("file names %q", files)
		}
		if len(datas) == 2 && (!bytes.Equal(datas[0], allBytes(256*40)) || string(datas[1]) != "%PDF-1.4\n% laporan\n") {
			t.Error("attachment bytes differ after the round trip")
		}
	}
}

func checkAddrs(t *testing.T, h *mail.Header, key, want string) {
	t.Helper()
	l, err := h.AddressList(key)
	if err != nil {
		t.Errorf("%s: %v", key, err)
	}
	var got []string
	for _, a := range l {
		got = append(got, strings.TrimSpace(a.Name+" <"+a.Address+">"))
	}
	if strings.Join(got, ", ") != want {
		t.Errorf("%s = %q, want %q", key, strings.Join(got, ", "), want)
	}
}

func TestWriteWithoutAttachments(t *testing.T) {
	m := testMessage()
	m.Attachments = nil
	m.Cc = nil
	m.InReplyTo, m.References, m.UserAgent = "", nil, ""
	raw, _ := write(t, m, false)
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if typ, _, _ := e.Header.ContentType(); typ != "multipart/alternative" {
		t.Errorf("top-level type %q", typ)
	}
	keys := headerKeys(t, raw)
	for _, k := range []string{"cc", "bcc", "in-reply-to", "references", "user-agent"} {
		if keys[k] != 0 {
			t.Errorf("%s written when empty", k)
		}
	}
	for _, k := range []string{"from", "to", "subject", "date", "message-id", "mime-version", "content-type"} {
		if keys[k] != 1 {
			t.Errorf("%s written %d times", k, keys[k])
		}
	}
}

func TestWriteTextOnly(t *testing.T) {
	m := testMessage()
	m.HTML = "  "
	m.Text = "Yth. Bapak,\r\nJadwal: https://siantar.example.go.id/jadwal?id=3&x=1.\r\n\r\n<b>bukan tag</b>"
	m.Attachments = nil
	raw, _ := write(t, m, false)
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		parts = append(parts, strings.ReplaceAll(string(b), "\r\n", "\n"))
	}
	if len(parts) != 2 {
		t.Fatalf("%d parts", len(parts))
	}
	if parts[0] != "Yth. Bapak,\nJadwal: https://siantar.example.go.id/jadwal?id=3&x=1.\n\n<b>bukan tag</b>" {
		t.Errorf("text = %q", parts[0])
	}
	for _, want := range []string{
		`Yth. Bapak,<br>`,
		`<a href="https://siantar.example.go.id/jadwal?id=3&amp;x=1">https://siantar.example.go.id/jadwal?id=3&amp;x=1</a>.`,
		`&lt;b&gt;bukan tag&lt;/b&gt;`,
	} {
		if !strings.Contains(parts[1], want) {
			t.Errorf("html %q lacks %q", parts[1], want)
		}
	}
}

// TestHeaderInjection feeds CR/LF through every input that reaches a
// header: none may start a field of its own.
func TestHeaderInjection(t *testing.T) {
	const evil = "\r\nBcc: victim@evil.example\r\nX-Evil: 1"
	m := testMessage()
	m.Subject = "Rapat" + evil
	m.From.Name = "Diskominfo" + evil
	m.To[0].Name = "Boi\nBcc: victim@evil.example"
	m.Cc[0].Name = "Siti\rX-Evil: 1"
	m.UserAgent = "Webmail" + evil
	m.InReplyTo = "<a@b.example>" + evil
	m.References = []string{"<c@d.example>\r\nX-Evil: 1", "e@f.example\r\nBcc: victim@evil.example"}
	m.Attachments = []Attachment{
		bytesAttachment("surat"+evil+".pdf", "application/pdf"+evil, []byte("x")),
		bytesAttachment("Évaluasi"+evil+".pdf", "", []byte("y")),
	}
	for _, keepBcc := range []bool{false, true} {
		raw, _ := write(t, m, keepBcc)
		checkLines(t, raw)
		lines := strings.Split(string(raw), "\r\n")
		for i, l := range lines {
			ll := strings.ToLower(l)
			if strings.HasPrefix(ll, "x-evil") || strings.HasPrefix(ll, "bcc: victim") {
				t.Errorf("line %d injected: %q", i+1, l)
			}
		}
		mr, err := mail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"From", "To", "Cc", "Bcc"} {
			l, err := mr.Header.AddressList(k)
			if err != nil {
				t.Errorf("%s: %v", k, err)
			}
			for _, a := range l {
				if strings.Contains(a.Address, "victim") {
					t.Errorf("injected address in %s: %v", k, a)
				}
			}
		}
		if s, _ := mr.Header.Subject(); s != "Rapat Bcc: victim@evil.example X-Evil: 1" {
			t.Errorf("Subject = %q", s)
		}
		if l, _ := mr.Header.AddressList("Bcc"); keepBcc != (len(l) == 1) {
			t.Errorf("Bcc = %v", l)
		}
		// Message-ID lists are taken apart into ids (a folded References
		// value has CRLFs between ids); what is not an id is dropped.
		if l, _ := mr.Header.MsgIDList("References"); strings.Join(l, " ") != "c@d.example e@f.example victim@evil.example a@b.example" {
			t.Errorf("References = %q", l)
		}
		if l, _ := mr.Header.MsgIDList("In-Reply-To"); strings.Join(l, " ") != "a@b.example" {
			t.Errorf("In-Reply-To = %q", l)
		}
		var names []string
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if ah, ok := p.Header.(*mail.AttachmentHeader); ok {
				n, _ := ah.Filename()
				names = append(names, n)
				if ct, _, _ := ah.ContentType(); ct != "application/pdf" {
					t.Errorf("attachment type %q", ct)
				}
			}
		}
		want := "surat Bcc: victim@evil.example X-Evil: 1.pdf|Évaluasi Bcc: victim@evil.example X-Evil: 1.pdf"
		if strings.Join(names, "|") != want {
			t.Errorf("file names %q", names)
		}
	}
}

func TestWriteRejectsBadAddresses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Message)
	}{
		{"no From", func(m *Message) { m.From = netmail.Address{} }},
		{"To without dot", func(m *Message) { m.To = append(m.To, netmail.Address{Address: "boi@localhost"}) }},
		{"Bcc with CRLF", func(m *Message) { m.Bcc = []netmail.Address{{Address: "a@b.example\r\nX-Evil: 1"}} }},
		{"Cc not an address", func(m *Message) { m.Cc = []netmail.Address{{Address: "siti"}} }},
	} {
		m := testMessage()
		tc.edit(m)
		_, err := m.Write(io.Discard, true)
		var ae *AddressError
		if !errors.As(err, &ae) {
			t.Errorf("%s: err = %v, want *AddressError", tc.name, err)
		}
	}
	m := testMessage()
	m.MessageIDHost = "bad host\r\n"
	if _, err := m.Write(io.Discard, false); err == nil {
		t.Error("bad Message-ID host accepted")
	}
	m.MessageIDHost = ""
	_, id := write(t, m, false)
	if !strings.HasSuffix(id, "@pematangsiantar.go.id") {
		t.Errorf("Message-ID %q not from From's domain", id)
	}
}

// TestLongLines: whatever the user types, no line exceeds 998 characters.
func TestLongLines(t *testing.T) {
	m := testMessage()
	words := strings.Repeat("Rapat koordinasi lintas OPD ", 80)
	m.Subject = words + strings.Repeat("x", 3000)
	m.To[0].Name = strings.Repeat("Nama Sangat Panjang ", 60)
	m.HTML = "<div>" + strings.Repeat("a", 5000) + "</div><div>" + words + "</div>"
	m.Attachments = []Attachment{bytesAttachment(strings.Repeat("Évaluasi ", 40)+".pdf", "", []byte("z"))}
	m.References = nil
	for i := 0; i < 200; i++ {
		m.References = append(m.References, "<"+strings.Repeat("r", 60)+itoa3(i)+"@mail.example.go.id>")
	}
	raw, _ := write(t, m, false)
	checkLines(t, raw)
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := mr.Header.MsgIDList("References"); len(l) != maxReferences || !strings.HasPrefix(l[0], strings.Repeat("r", 60)+"000") || l[len(l)-1] != "orig-1@mail.example.go.id" {
		t.Errorf("References: %d ids, first %q, last %q", len(l), l[0], l[len(l)-1])
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ah, ok := p.Header.(*mail.AttachmentHeader); ok {
			n, _ := ah.Filename()
			if r := []rune(n); len(r) != maxFilename || !strings.HasSuffix(n, ".pdf") {
				t.Errorf("long file name kept as %q (%d characters)", n, len(r))
			}
		}
	}
}

func itoa3(i int) string {
	return string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
}

// attachmentParts returns the raw Content-Disposition and Content-Type of
// each attachment of raw, as a reader of the bytes would see them.
func attachmentFields(t *testing.T, raw []byte) (disps, types []string) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	err = e.Walk(func(path []int, ent *message.Entity, err error) error {
		if d := ent.Header.Get("Content-Disposition"); strings.HasPrefix(d, "attachment") {
			disps = append(disps, d)
			types = append(types, ent.Header.Get("Content-Type"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return disps, types
}

func TestAttachmentFilenameEncoding(t *testing.T) {
	long := "Laporan Triwulan – Dinas Komunikasi dan Informatika Kota Pematangsiantar 2025 (revisi «final»; ditandatangani).pdf"
	m := testMessage()
	m.Attachments = []Attachment{
		bytesAttachment(pdfName, "", []byte("a")),
		bytesAttachment(long, "", []byte("b")),
		bytesAttachment(`notulen "rapat" 1.txt`, "", []byte("c")),
		bytesAttachment(`C:\fakepath\Peta Wilayah.png`, "", []byte("d")),
		bytesAttachment(`Évaluasi "final" (2).docx`, "", []byte("e")),
	}
	raw, _ := write(t, m, false)
	checkLines(t, raw)

	// On the wire: RFC 2047 in filename and name, RFC 2231 in filename*.
	for _, want := range []string{
		"Content-Disposition: attachment;\r\n filename=\"=?utf-8?q?Laporan_Triwulan_=E2=80=93_Dinas.pdf?=\";\r\n filename*=utf-8''Laporan%20Triwulan%20%E2%80%93%20Dinas.pdf\r\n",
		"Content-Type: application/pdf;\r\n name=\"=?utf-8?q?Laporan_Triwulan_=E2=80=93_Dinas.pdf?=\"\r\n",
		" filename*0*=utf-8''Laporan%20Triwulan%20%E2%80%93%20Dinas%20Komunikasi%20dan%20;\r\n filename*1*=",
	} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("message lacks %q", want)
		}
	}
	wantNames := []string{pdfName, long, `notulen "rapat" 1.txt`, "Peta Wilayah.png", `Évaluasi "final" (2).docx`}
	disps, types := attachmentFields(t, raw)
	if len(disps) != len(wantNames) {
		t.Fatalf("%d attachments", len(disps))
	}
	for i, want := range wantNames {
		// 1. go-message's own reader.
		h := mail.AttachmentHeader{}
		h.Set("Content-Disposition", disps[i])
		if got, err := h.Filename(); err != nil || got != want {
			t.Errorf("go-message Filename = %q, %v; want %q", got, err, want)
		}
		// 2. An RFC 2231 reader (Go's mime.ParseMediaType joins the
		// continuations and prefers filename* over filename).
		_, params, err := mime.ParseMediaType(disps[i])
		if err != nil || params["filename"] != want {
			t.Errorf("RFC 2231 reader: %q, %v; want %q", params["filename"], err, want)
		}
		// 3. A reader that knows RFC 2231 only: drop the RFC 2047 filename.
		// 4. A reader that knows RFC 2047 only: drop the filename* ones.
		var only2231, only2047 []string
		for _, p := range splitParams(disps[i]) {
			p = strings.TrimSpace(p)
			switch {
			case strings.HasPrefix(p, "filename*"):
				only2231 = append(only2231, p)
			case strings.HasPrefix(p, "filename="):
				only2047 = append(only2047, p)
			}
		}
		if !isASCII(want) {
			_, params, err = mime.ParseMediaType("attachment; " + strings.Join(only2231, "; "))
			if err != nil || params["filename"] != want {
				t.Errorf("RFC 2231 only: %q, %v; want %q", params["filename"], err, want)
			}
		}
		_, params, err = mime.ParseMediaType("attachment; " + strings.Join(only2047, "; "))
		if err != nil {
			t.Fatal(err)
		}
		dec, err := new(mime.WordDecoder).DecodeHeader(params["filename"])
		if err != nil || dec != want {
			t.Errorf("RFC 2047 only: %q, %v; want %q", dec, err, want)
		}
		// Content-Type name, RFC 2047, for old readers.
		_, params, err = mime.ParseMediaType(types[i])
		if err != nil {
			t.Fatal(err)
		}
		if dec, err := new(mime.WordDecoder).DecodeHeader(params["name"]); err != nil || dec != want {
			t.Errorf("Content-Type name = %q, %v", dec, err)
		}
	}
	for i, want := range []string{"application/pdf", "application/pdf", "text/plain", "image/png", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"} {
		typ, params, _ := mime.ParseMediaType(types[i])
		if cs := params["charset"]; cs != "" {
			typ += "; charset=" + cs
		}
		if typ != want {
			t.Errorf("type of %q = %q, want %q", wantNames[i], typ, want)
		}
	}
}

func TestAttachmentContentType(t *testing.T) {
	for _, tc := range []struct{ given, name, want string }{
		{"", "a.pdf", "application/pdf"},
		{"", "A.PDF", "application/pdf"},
		{"", "arsip.tanpa-ekstensi-dikenal", "application/octet-stream"},
		{"", "tanpa", "application/octet-stream"},
		{"image/jpeg", "foto.bin", "image/jpeg"},
		{"application/octet-stream", "laporan.pdf", "application/pdf"},
		{"application/octet-stream", "arsip.zzz", "application/octet-stream"},
		{"", "surat.eml", "application/octet-stream"},
		{"text/plain; charset=windows-1252", "catatan.txt", "text/plain; charset=windows-1252"},
		{"", "catatan.txt", "text/plain"},
		{"not a type", "a.pdf", "application/pdf"},
		{"multipart/mixed; boundary=x", "a.bin", "application/octet-stream"},
	} {
		got, params := attachmentContentType(tc.given, tc.name)
		if cs := params["charset"]; cs != "" {
			got += "; charset=" + cs
		}
		if got != tc.want {
			t.Errorf("attachmentContentType(%q, %q) = %q, want %q", tc.given, tc.name, got, tc.want)
		}
	}
}

func TestEncodedSize(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 56, 57, 58, 1000, 100000} {
		m := testMessage()
		m.Attachments = []Attachment{bytesAttachment("a.bin", "", allBytes(n))}
		raw, _ := write(t, m, false)
		// The base64 body sits between the attachment header and the
		// closing boundary.
		_, rest, _ := bytes.Cut(raw, []byte("filename=a.bin\r\n"))
		_, rest, _ = bytes.Cut(rest, []byte("\r\n\r\n"))
		body, _, _ := bytes.Cut(rest, []byte("\r\n--"))
		got := int64(len(body))
		if len(body) > 0 {
			got += 2 // the last line's CRLF belongs to the boundary
		}
		if want := EncodedSize(int64(n)); got != want {
			t.Errorf("EncodedSize(%d) = %d, message has %d", n, want, got)
		}
	}
}

func TestRecipients(t *testing.T) {
	m := testMessage()
	m.Cc = append(m.Cc, netmail.Address{Address: "BOI@pematangsiantar.go.id"})
	m.Bcc = append(m.Bcc, netmail.Address{Name: "lagi", Address: "Siti@Pematangsiantar.go.id"})
	got := strings.Join(m.Recipients(), ",")
	want := "boi@pematangsiantar.go.id,sekda@pematangsiantar.go.id,siti@pematangsiantar.go.id,arsip@pematangsiantar.go.id"
	if got != want {
		t.Errorf("Recipients = %s, want %s", got, want)
	}
}

func TestBuild(t *testing.T) {
	dir := t.TempDir()
	m := testMessage()
	b, err := m.Build(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(b.Path)
	if err != nil || st.Size() != b.Size || st.Mode().Perm() != 0o600 || filepath.Dir(b.Path) != dir {
		t.Errorf("built file %s: %v %v, Size %d", b.Path, st, err, b.Size)
	}
	for i := 0; i < 2; i++ { // SMTP, then IMAP: each Open reads from the start
		rc, err := b.Open()
		if err != nil {
			t.Fatal(err)
		}
		mr, err := mail.CreateReader(bufio.NewReader(rc))
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := mr.Header.MessageID(); id != b.MessageID {
			t.Errorf("Message-ID %q, Built says %q", id, b.MessageID)
		}
		rc.Close()
	}
	if err := b.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := b.Remove(); err != nil {
		t.Errorf("second Remove: %v", err)
	}

	// A failing attachment leaves no file behind.
	m.Attachments = append(m.Attachments, Attachment{Filename: "hilang.pdf", Open: func() (io.ReadCloser, error) {
		return nil, os.ErrNotExist
	}})
	if _, err := m.Build(dir, false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Build with a missing attachment: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

// TestAttachmentOpenedOncePerWrite: each write streams each attachment
// once and closes it.
func TestAttachmentOpenedOncePerWrite(t *testing.T) {
	opened, closed := 0, 0
	m := testMessage()
	m.Attachments = []Attachment{{Filename: "a.txt", Size: -1, Open: func() (io.ReadCloser, error) {
		opened++
		return closeCounter{strings.NewReader("halo"), &closed}, nil
	}}}
	for i := 0; i < 2; i++ {
		write(t, m, false)
	}
	if opened != 2 || closed != 2 {
		t.Errorf("opened %d, closed %d times for 2 writes", opened, closed)
	}
}

type closeCounter struct {
	io.Reader
	n *int
}

func (c closeCounter) Close() error { *c.n++; return nil }

// splitParams splits a header value at the semicolons outside quotes.
func splitParams(v string) []string {
	var out []string
	quoted, esc, start := false, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case esc:
			esc = false
		case c == '\\' && quoted:
			esc = true
		case c == '"':
			quoted = !quoted
		case c == ';' && !quoted:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// TestDraftRoundTrip: a draft saved with keepBcc=true gives back, when
// read again, what the compose page needs to resume it.
func TestDraftRoundTrip(t *testing.T) {
	m := testMessage()
	m.To = append(m.To, netmail.Address{Name: "Évaluasi Öztürk, M.Si", Address: "evaluasi@example.co.id"})
	m.HTML = `<div>Draf <b>belum</b> selesai</div><blockquote type="cite"><p>asli</p></blockquote>`
	raw, _ := write(t, m, true)
	if !bytes.Contains(raw, []byte("=?utf-8?")) || bytes.Contains(raw, []byte("Öztürk")) {
		t.Error("non-ASCII display name not RFC 2047-encoded on the wire")
	}
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var resumed Message
	sawHTML := false
	for _, f := range []struct {
		key  string
		dest *[]netmail.Address
	}{{"To", &resumed.To}, {"Cc", &resumed.Cc}, {"Bcc", &resumed.Bcc}} {
		l, err := mr.Header.AddressList(f.key)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range l {
			*f.dest = append(*f.dest, *a)
		}
	}
	if FormatAddressList(resumed.To) != FormatAddressList(m.To) || FormatAddressList(resumed.Bcc) != FormatAddressList(m.Bcc) {
		t.Errorf("To %q, Bcc %q after the draft round trip", FormatAddressList(resumed.To), FormatAddressList(resumed.Bcc))
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.Header.(*mail.AttachmentHeader); ok {
			break
		}
		if ct, _, _ := p.Header.(*mail.InlineHeader).ContentType(); ct == "text/html" {
			body, _ := io.ReadAll(p.Body)
			// The editor gets the fragment back, without the document frame.
			sawHTML = true
			if got := SanitizeHTML(string(body)); got != m.HTML {
				t.Errorf("resumed HTML\n = %q\nwant %q", got, m.HTML)
			}
		}
	}
	if !sawHTML {
		t.Error("no HTML part in the draft")
	}
}
