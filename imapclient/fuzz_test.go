package imapclient

// Fuzzing of the decoders that see raw bytes from the server (issue 5,
// "Proof"): MIME parameters (RFC 2231 continuations, RFC 2047 words),
// charsets and transfer encodings. None may panic, and what reaches the
// app is valid UTF-8. Run one target with
//
//	go test -run '^$' -fuzz '^FuzzParam$' -fuzztime 60s ./imapclient

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
)

// FuzzParam decodes a file name given as Content-Disposition and
// Content-Type parameters: a plain value, an RFC 2231 encoded one, and
// continuations in any order.
func FuzzParam(f *testing.F) {
	for _, s := range [][5]string{
		{"laporan.pdf", "", "", "", ""},
		{"", "utf-8''Notulen%20Rapat%20%E2%80%93%20Final.pdf", "", "", ""},
		{"", "", "utf-8''Notulen%20", "Rapat.pdf", "%E2%80%93"},
		{"=?utf-8?q?Laporan_=E2=80=93_Final?= =?utf-8?b?LnBkZg==?=", "", "", "", ""},
		{"=?iso-8859-1?q?caf=E9?=.txt", "", "", "", ""},
		{"", "iso-8859-2'id'%B1%E6.txt", "", "", ""},
		{"", "", "koi8-r''%F0%D2", "%C9%D7", ""},
		{"", "shift_jis''%82%A0", "", "", ""},
		{"", "x-unknown''%FF%FE", "", "", ""},
		{"=?x-unknown?b?////?=", "", "", "", ""},
		{"", "'''", "%", "%zz", "%E2%80"},
		{"../../etc/passwd", "", "", "", ""},
		{"=?utf-8?q?=3Cimg_src=3Dx_onerror=3Dalert(1)=3E.html?=", "", "", "", ""},
		{"\xff\xfe\x00.txt", "", "", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, plain, star, c0, c1, c2 string) {
		// Bytes that are not UTF-8 in a plain parameter are passed on as
		// the server sent them (cleanFilename replaces them later); what
		// the decoders produce must be UTF-8.
		valid := true
		for _, s := range []string{plain, star, c0, c1, c2} {
			valid = valid && utf8.ValidString(s)
		}
		for _, params := range []map[string]string{
			{"filename": plain},
			{"filename*": star},
			{"filename*0*": c0, "filename*1": c1, "filename*2*": c2},
			{"filename*0": c0, "filename*1*": c1, "filename*10*": c2},
			{"filename*0*": star, "filename*x": c1},
		} {
			got := param(params, "filename")
			if valid && !utf8.ValidString(got) {
				t.Errorf("param(%q) = %q: not UTF-8", params, got)
			}
			p := &imap.BodyStructureSinglePart{
				Type: "application", Subtype: "octet-stream",
				Params:   map[string]string{"name": plain},
				Extended: &imap.BodyStructureSinglePartExt{Disposition: &imap.BodyStructureDisposition{Value: "attachment", Params: params}},
			}
			name := partFilename(p)
			if valid && !utf8.ValidString(name) {
				t.Errorf("partFilename(%q) = %q: not UTF-8", params, name)
			}
		}
	})
}

// FuzzToUTF8 converts a body from a named charset after removing a
// transfer encoding, the way a text part is read.
func FuzzToUTF8(f *testing.F) {
	for _, s := range []struct {
		body         []byte
		cs, encoding string
	}{
		{[]byte("Halo dunia"), "utf-8", "7bit"},
		{[]byte("caf=E9 =\r\nlanjut"), "iso-8859-1", "quoted-printable"},
		{[]byte("SGFsbyBkdW5pYQ==\r\n"), "us-ascii", "base64"},
		{[]byte("SGFsbyBk\r\n  dW5p YQ=!!="), "utf-8", "base64"},
		{[]byte("=ZZ=\r\n=E2=80"), "utf-8", "quoted-printable"},
		{[]byte("\xf0\xd2\xc9\xd7\xc5\xd4"), "koi8-r", "8bit"},
		{[]byte("\xc4\xe3\xba\xc3"), "gb2312", ""},
		{[]byte("\xa7\x41\xa6\x6e"), "big5", "binary"},
		{[]byte("\x82\xa0\x82\xa2"), "shift_jis", ""},
		{[]byte("\xbe\xc8\xb3\xe7"), "euc-kr", ""},
		{[]byte("\x93quoted\x94"), "windows-1252", ""},
		{[]byte("\xff\xfe\xfd"), "x-unknown", "x-uuencode"},
		{[]byte("\x1b$B$3$s\x1b(B"), "iso-2022-jp", ""},
		{[]byte("+AGEAYgBj-"), "utf-7", ""},
	} {
		f.Add(s.body, s.cs, s.encoding)
	}
	f.Fuzz(func(t *testing.T, body []byte, cs, encoding string) {
		if len(body) > 64<<10 {
			return
		}
		decoded, _ := io.ReadAll(decodeTransfer(bytes.NewReader(body), encoding))
		var problems []string
		if out := toUTF8(decoded, strings.ToLower(cs), &problems); !utf8.ValidString(out) {
			t.Errorf("toUTF8(%q, %q) = %q: not UTF-8", decoded, cs, out)
		}
		tb := &textBody{encoding: strings.ToLower(encoding), charset: strings.ToLower(cs), path: []int{1}}
		if out := tb.decode(body, &problems); !utf8.ValidString(out) {
			t.Errorf("decode(%q, %q, %q) = %q: not UTF-8", body, encoding, cs, out)
		}
		if out := convert(string(body), cs); !utf8.ValidString(out) {
			t.Errorf("convert(%q, %q) = %q: not UTF-8", body, cs, out)
		}
	})
}
