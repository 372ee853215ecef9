package webmail

// Fuzzing of the parse-and-render path (issue 5, "Proof"): message bytes
// in, the HTML the reading view shows out. Run one target with
//
//	go test -run '^$' -fuzz '^FuzzRenderBody$' -fuzztime 60s ./webmail
//
// Inputs it found interesting are kept in testdata/fuzz/<Target>/ and run
// as ordinary tests by `go test`.

import (
	"bytes"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

// maxFuzzInput keeps each run fast; real bodies are bigger but not
// different in kind.
const maxFuzzInput = 64 << 10

// seedMessages are real MIME shapes for the corpus: the payload table
// delivered the ways mail carries HTML.
func seedMessages() [][]byte {
	var out [][]byte
	hdr := "From: =?utf-8?q?Penyerang_<img_src=3Dx_onerror=3Dalert(1)>?= <x@evil.example>\r\n" +
		"To: diskominfo@pematangsiantar.go.id\r\nSubject: =?utf-8?b?PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==?=\r\nMIME-Version: 1.0\r\n"
	for i, g := range xssPayloads {
		p := g.payloads[i%len(g.payloads)]
		out = append(out,
			[]byte(hdr+"Content-Type: text/html; charset=utf-8\r\n\r\n"+p+"\r\n"),
			[]byte(hdr+"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nteks javascript:alert(1) https://x.id/a\r\n--b\r\n"+
				"Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+
				strings.ReplaceAll(p, "=", "=3D")+"\r\n--b--\r\n"),
		)
	}
	out = append(out,
		[]byte(hdr+"Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\n"+
			"Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPGltZyBzcmM9ImNpZDpsb2dvIiBvbmVycm9yPWFsZXJ0KDEpPg==\r\n--r\r\n"+
			"Content-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n--m\r\n"+
			"Content-Type: text/html; name=\"x.html\"\r\nContent-Disposition: attachment; filename*=utf-8''%3Cimg%20src%3Dx%3E.html\r\n\r\n<script>alert(1)</script>\r\n--m--\r\n"),
		[]byte("Content-Type: text/plain; charset=koi8-r; format=flowed\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4 <b>x</b> http://x.id/?a=<script>\r\n"),
		[]byte("Content-Type: text/html; charset=x-unknown\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n<a href=\"jav&#x09;ascript:alert(1)\">x</a>"),
		[]byte("Content-Type: multipart/alternative; boundary=\"unterminated\r\n\r\n--unterminated\r\nContent-Type: text/html\r\n\r\n<svg onload=alert(1)>"),
	)
	return out
}

// renderMessage picks the body the reading view would show (HTML when
// there is one, else plain text; go-message's reader stands in for the
// server's BODYSTRUCTURE) and renders it as the app does.
func renderMessage(s *sanitizer, raw []byte) (frame string, text []textSegment) {
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return "", nil
	}
	var htmlBody, textBody string
	for n := 0; n < 50; n++ {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		h, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			continue
		}
		ct, _, _ := h.ContentType()
		b, _ := io.ReadAll(io.LimitReader(p.Body, maxFuzzInput))
		switch {
		case ct == "text/html" && htmlBody == "":
			htmlBody = strings.ToValidUTF8(string(b), "\uFFFD")
		case (ct == "text/plain" || ct == "") && textBody == "":
			textBody = strings.ToValidUTF8(string(b), "\uFFFD")
		}
	}
	// The headers are text too: decoding them must not fail in a way
	// that matters, whatever they hold.
	_, _ = mr.Header.Subject()
	_, _ = mr.Header.AddressList("From")
	if htmlBody != "" {
		return string(s.Sanitize(htmlBody, map[string]string{"logo": "data:image/png;base64,iVBORw0KGgo="}).HTML), nil
	}
	return string(s.Sanitize("<pre>"+template.HTMLEscapeString(textBody)+"</pre>", nil).HTML), linkify(textBody)
}

// textTemplate renders plain-text segments as message_show.html does.
var textTemplate = template.Must(template.New("text").Parse(
	`<pre class="body-text">{{range .}}{{if .URL}}<a href="{{.URL}}" target="_blank" rel="noopener noreferrer">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}</pre>`))

// checkText checks the plain-text rendering: nothing lost, links only to
// http(s), and the rendered page safe.
func checkText(t *testing.T, in string, segs []textSegment) {
	t.Helper()
	var all strings.Builder
	for _, s := range segs {
		all.WriteString(s.Text)
		if s.URL != "" && !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
			t.Errorf("link to %q in plain text %q", s.URL, in)
		}
	}
	if all.String() != in {
		t.Errorf("linkify changed the text: %q → %q", in, all.String())
	}
	var buf bytes.Buffer
	if err := textTemplate.Execute(&buf, segs); err != nil {
		t.Fatalf("render plain text: %v", err)
	}
	for _, p := range unsafeHTML(buf.String(), false) {
		t.Errorf("plain text %q rendered unsafely: %s\n%s", in, p, buf.String())
	}
}

// checkSafe fails on anything executable in the sanitizer's output.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("output is not UTF-8: %q", out)
	}
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Errorf("<script in output\n  in:  %q\n  out: %q", in, out)
	}
	for _, p := range unsafeHTML(out, false) {
		t.Errorf("%s\n  in:  %q\n  out: %q", p, in, out)
	}
}

func FuzzRenderBody(f *testing.F) {
	for _, m := range seedMessages() {
		f.Add(m)
	}
	// The MIME fixture set of the repository (generated by its script),
	// when present: real shapes of real mail.
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "mime", "*.eml"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) <= maxFuzzInput {
			f.Add(b)
		}
	}
	s := newSanitizer()
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > maxFuzzInput {
			return
		}
		frame, segs := renderMessage(s, raw)
		checkSafe(t, string(raw), frame)
		if segs != nil {
			var in strings.Builder
			for _, s := range segs {
				in.WriteString(s.Text)
			}
			checkText(t, in.String(), segs)
		}
	})
}

func FuzzSanitize(f *testing.F) {
	for _, g := range xssPayloads {
		for _, p := range g.payloads {
			f.Add(p)
		}
	}
	s := newSanitizer()
	inline := map[string]string{"logo@kota": "data:image/png;base64,iVBORw0KGgo="}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > maxFuzzInput {
			return
		}
		// The IMAP client hands over UTF-8 only (imapclient.toUTF8).
		in = strings.ToValidUTF8(in, "\uFFFD")
		res := s.Sanitize(in, inline)
		checkSafe(t, in, string(res.HTML))
		if res.RemoteBlocked < 0 {
			t.Errorf("RemoteBlocked = %d", res.RemoteBlocked)
		}
	})
}

func FuzzPlainText(f *testing.F) {
	for _, seed := range []string{
		"Lihat https://pematangsiantar.go.id/berita?id=5, lalu http://x.id.\n<b>bukan tag</b> javascript:alert(1)",
		"<script>alert(1)</script> https://x.id/\"><script>alert(1)</script>",
		"http://a.b/c'onmouseover='alert(1) https://x.id/`x` (https://y.id/z) [http://q.id]",
		"mailto:x@y.id vbscript:x data:text/html,<script>alert(1)</script>",
		"\x00\xff\u202e https://\u202egro.li/ http://",
	} {
		f.Add(seed)
	}
	s := newSanitizer()
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > maxFuzzInput {
			return
		}
		in = strings.ToValidUTF8(in, "\uFFFD") // the IMAP client hands over UTF-8 only
		checkText(t, in, linkify(in))
		out := string(s.Sanitize("<pre>"+template.HTMLEscapeString(in)+"</pre>", nil).HTML)
		checkSafe(t, in, out)
	})
}
