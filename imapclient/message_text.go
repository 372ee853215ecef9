package imapclient

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// charsetReader is the word decoder's CharsetReader: go-message's charsets,
// and for a charset nobody knows the bytes as they are (made valid UTF-8
// by the caller), so that "=?x-unknown?Q?Rapat?=" still reads "Rapat"
// instead of staying encoded.
func charsetReader(cs string, r io.Reader) (io.Reader, error) {
	if cr, err := charset.Reader(cs, r); err == nil {
		return cr, nil
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return strings.NewReader(legacyText(b)), nil
}

// legacyText reads bytes of unknown charset: as UTF-8 when they are valid
// UTF-8 (RFC 6532 headers, modern 8-bit bodies), otherwise as
// Windows-1252, the de-facto charset of unlabelled 8-bit mail (a superset
// of ISO-8859-1 that maps every byte).
func legacyText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// headerText makes a decoded header (subject, display name, file name)
// valid UTF-8: servers pass raw 8-bit header bytes on as they are.
func headerText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return legacyText([]byte(s))
}

// decodeQP removes quoted-printable encoding leniently: a malformed escape
// ("=ZZ", a lone "=") is kept as it is and reported, the rest decoded.
func decodeQP(raw []byte) (out []byte, bad bool) {
	out = make([]byte, 0, len(raw))
	for len(raw) > 0 {
		line := raw
		nl := bytes.IndexByte(raw, '\n')
		if nl >= 0 {
			line, raw = raw[:nl], raw[nl+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		// Trailing white space is not part of the line (RFC 2045 6.7 (3)).
		line = bytes.TrimRight(line, " \t")
		soft := false
		if bytes.HasSuffix(line, []byte("=")) {
			soft, line = true, line[:len(line)-1]
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c != '=' {
				out = append(out, c)
				continue
			}
			if i+2 < len(line)+0 && isHex(line[i+1]) && isHex(line[i+2]) {
				out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			bad = true
			out = append(out, c)
		}
		if !soft && nl >= 0 {
			out = append(out, '\r', '\n')
		}
	}
	return out, bad
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// unflow joins the soft-broken lines of a format=flowed text (RFC 3676):
// a line ending in a space continues on the next line of the same quote
// depth; with DelSp=yes that space is removed. Quote depth is kept as
// "> " prefixes, space-stuffing is removed, and the signature separator
// "-- " is never joined.
func unflow(text string, delSp bool) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out strings.Builder
	var para strings.Builder
	paraDepth := -1
	flush := func() {
		if paraDepth < 0 {
			return
		}
		if paraDepth > 0 {
			out.WriteString(strings.Repeat(">", paraDepth) + " ")
		}
		out.WriteString(para.String())
		out.WriteByte('\n')
		para.Reset()
		paraDepth = -1
	}
	for i, line := range lines {
		if i == len(lines)-1 && line == "" {
			break
		}
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		line = line[depth:]
		line = strings.TrimPrefix(line, " ") // space-stuffing
		if paraDepth >= 0 && depth != paraDepth {
			flush() // quote depth changed: a flowed line ended wrongly
		}
		paraDepth = depth
		flowed := strings.HasSuffix(line, " ") && line != "-- "
		if flowed && delSp {
			line = line[:len(line)-1]
		}
		para.WriteString(line)
		if !flowed {
			flush()
		}
	}
	flush()
	return out.String()
}
