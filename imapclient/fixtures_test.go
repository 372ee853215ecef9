package imapclient

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// plainMessage is a minimal text/plain message.
func plainMessage(subject, body string, date time.Time) []byte {
	return []byte(fmt.Sprintf("From: Sekretariat <sekretariat@pematangsiantar.go.id>\r\n"+
		"To: diskominfo@pematangsiantar.go.id\r\n"+
		"Subject: %s\r\n"+
		"Date: %s\r\n"+
		"Message-ID: <%d@test>\r\n"+
		"MIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		subject, date.Format(time.RFC1123Z), date.UnixNano(), body))
}

// multipartMessage is mixed(alternative(plain, html), pdf attachment) with
// an RFC 2047 subject, a quoted-printable ISO-8859-1 HTML part and an RFC
// 2231 continued UTF-8 file name.
func multipartMessage(attachment []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(attachment)
	var lines []string
	for len(enc) > 76 {
		lines = append(lines, enc[:76])
		enc = enc[76:]
	}
	lines = append(lines, enc)
	return []byte("From: =?utf-8?q?Boi_Manalu?= <boi@pematangsiantar.go.id>\r\n" +
		"To: diskominfo@pematangsiantar.go.id\r\n" +
		"Subject: =?utf-8?q?Undangan_Rapat_=E2=80=93?=\r\n =?iso-8859-1?q?_=C9valuasi?=\r\n" +
		"Date: Mon, 24 Nov 2025 09:30:00 +0700\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" +
		"--outer\r\n" +
		"Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n" +
		"--inner\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Dengan hormat, rapat diadakan hari Senin.\r\n" +
		"--inner\r\n" +
		"Content-Type: text/html; charset=iso-8859-1\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>Rapat hari <b>Senin</b> =E9t=E9.</p>\r\n" +
		"--inner--\r\n" +
		"--outer\r\n" +
		"Content-Type: application/pdf\r\n" +
		"Content-Disposition: attachment;\r\n" +
		" filename*0*=utf-8''Laporan%20Triwulan%20%E2%80%93;\r\n" +
		" filename*1*=%20Dinas.pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" +
		strings.Join(lines, "\r\n") + "\r\n" +
		"--outer--\r\n")
}

// plainLatin1 is an 8-bit ISO-8859-1 message with an encoded subject.
func plainLatin1() []byte {
	return []byte("From: kafe@example.org\r\n" +
		"To: diskominfo@pematangsiantar.go.id\r\n" +
		"Subject: =?iso-8859-1?q?Caf=E9_=E0_Pematangsiantar?=\r\n" +
		"Date: Tue, 25 Nov 2025 10:00:00 +0700\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=iso-8859-1\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n" +
		"Cr\xe8me br\xfbl\xe9e\r\n")
}
