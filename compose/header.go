package compose

import (
	"mime"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
)

// cleanHeaderText makes s safe for a header field: every run of CR and LF
// becomes one space and other control characters become spaces, so user
// input can never end the field and start another (RFC 5322 section 2.2).
// Invalid UTF-8 is replaced.
func cleanHeaderText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevBreak := false
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			if !prevBreak {
				b.WriteByte(' ')
			}
			prevBreak = true
			continue
		case isControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
		prevBreak = false
	}
	return b.String()
}

// isControl reports the characters that have no place in a header value:
// C0 controls except tab, DEL, C1 controls and the Unicode line and
// paragraph separators.
func isControl(r rune) bool {
	return (r < ' ' && r != '\t') || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029'
}

// msgIDs extracts the message identifiers of s, which may be one bare id,
// one id in angle brackets, or a whole References value ("<a@b> <c@d>").
// Identifiers that are not a valid msg-id (RFC 5322 section 3.6.4: printable
// ASCII, no spaces or angle brackets, one "@") are dropped: a broken id in
// the original must not break our header.
func msgIDs(s string) []string {
	var raw []string
	if strings.Contains(s, "<") {
		for {
			i := strings.IndexByte(s, '<')
			if i < 0 {
				break
			}
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				raw = append(raw, s[i+1:])
				break
			}
			raw = append(raw, s[i+1:i+j])
			s = s[i+j+1:]
		}
	} else {
		raw = strings.Fields(s)
	}
	var out []string
	for _, id := range raw {
		if validMsgID(id) {
			out = append(out, id)
		}
	}
	return out
}

func validMsgID(id string) bool {
	if len(id) < 3 || len(id) > 250 || strings.Count(id, "@") != 1 || id[0] == '@' || id[len(id)-1] == '@' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// maxReferences caps the References field. RFC 5322 section 3.6.4 says to
// keep the parent's References and append its Message-ID; long threads
// would grow it without end, so, as most clients do, we keep the first id
// (the thread's root) and the most recent ones.
const maxReferences = 20

// references builds the References list: refs, then inReplyTo, without
// duplicates, capped at maxReferences.
func references(refs []string, inReplyTo string) []string {
	var all []string
	seen := make(map[string]bool)
	add := func(s string) {
		for _, id := range msgIDs(s) {
			if !seen[id] {
				seen[id] = true
				all = append(all, id)
			}
		}
	}
	for _, r := range refs {
		add(r)
	}
	add(inReplyTo)
	if len(all) > maxReferences {
		all = append(all[:1:1], all[len(all)-maxReferences+1:]...)
	}
	return all
}

// defaultFilename is the name of an attachment that came without a usable
// one ("lampiran" is Indonesian for attachment).
const defaultFilename = "lampiran"

// cleanFilename makes a file name from a browser or an original message
// safe to send: no directory part (old browsers send C:\fakepath\…), no
// control characters, not empty.
func cleanFilename(name string) string {
	name = cleanHeaderText(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		return defaultFilename
	}
	// A name has to fit a header line once encoded; keep the extension.
	if r := []rune(name); len(r) > maxFilename {
		ext := []rune(path.Ext(name))
		if len(ext) > 16 {
			ext = nil
		}
		name = strings.TrimSpace(string(r[:maxFilename-len(ext)])) + string(ext)
	}
	return name
}

// maxFilename is the longest file name we send, in characters.
const maxFilename = 150

// attachmentContentType is the media type to send for an attachment:
// contentType when it parses, else the type registered for the file name's
// extension, else application/octet-stream. A given
// application/octet-stream counts as unknown, as browsers send it for
// every type they do not know. Only a charset parameter is kept, and only
// from contentType: Go's table says charset=utf-8 for .txt, which a file
// from an office PC (windows-1252) is often not.
func attachmentContentType(contentType, filename string) (string, map[string]string) {
	for i, ct := range []string{cleanHeaderText(contentType), mime.TypeByExtension(strings.ToLower(path.Ext(filename)))} {
		if ct == "" {
			continue
		}
		t, params, err := mime.ParseMediaType(ct)
		if err != nil || !strings.Contains(t, "/") || t == "application/octet-stream" ||
			strings.HasPrefix(t, "multipart/") || strings.HasPrefix(t, "message/") {
			// multipart/* and message/* would need their own structure
			// (RFC 2046 section 5); an attachment body is opaque bytes.
			continue
		}
		out := map[string]string{}
		if cs := params["charset"]; cs != "" && i == 0 {
			out["charset"] = cs
		}
		return t, out
	}
	return "application/octet-stream", map[string]string{}
}

// attachmentHeader is the header of an attachment part named filename.
//
// go-message (v0.18.2) writes a name with SetFilename RFC 2047-encoded
// inside the quoted filename parameter (filename="=?utf-8?q?…?="), which
// is what Outlook, Gmail and most webmails read. RFC 2231 is the standard
// way (RFC 2047 section 5 forbids encoded words in a quoted-string), so a
// non-ASCII name also gets the RFC 2231 continuations filename*0*=…;
// filename*1*=…: readers that know RFC 2231 (Thunderbird, Apple Mail, Go's
// mime.ParseMediaType and so go-message's reader, our imapclient) take
// those, the others take the RFC 2047 one. That field is written folded
// one parameter per line (AddRaw), as go-message would otherwise put it
// all on one long line. Content-Type also carries the name (RFC 2047),
// for old Outlook versions.
func attachmentHeader(filename, contentType string) mail.AttachmentHeader {
	var h mail.AttachmentHeader
	t, params := attachmentContentType(contentType, filename)
	params["name"] = filename
	h.SetContentType(t, params)
	if isASCII(filename) {
		h.SetFilename(filename)
		return h
	}
	h.AddRaw([]byte(contentDisposition(filename)))
	return h
}

// contentDisposition formats the whole Content-Disposition field of an
// attachment with a non-ASCII name, folded, ending in CRLF.
func contentDisposition(filename string) string {
	var b strings.Builder
	b.WriteString("Content-Disposition: attachment;\r\n filename=\"")
	// Q-encoded words never contain white space: one word per line.
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	for i, w := range strings.Fields(mime.QEncoding.Encode("utf-8", filename)) {
		if i > 0 {
			b.WriteString("\r\n ")
		}
		b.WriteString(esc.Replace(w))
	}
	b.WriteString(`"`)
	segs := rfc2231Segments(filename)
	for i, s := range segs {
		if len(segs) == 1 {
			b.WriteString(";\r\n filename*=utf-8''" + s)
			break
		}
		b.WriteString(";\r\n filename*" + strconv.Itoa(i) + "*=")
		if i == 0 {
			b.WriteString("utf-8''")
		}
		b.WriteString(s)
	}
	b.WriteString("\r\n")
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// rfc2231Segment is the longest percent-encoded value of one continuation
// segment, so that each fits on a folded header line.
const rfc2231Segment = 60

// rfc2231Segments percent-encodes value in UTF-8 for an RFC 2231 extended
// parameter (section 4) and splits it into continuation segments (section
// 3) of at most rfc2231Segment characters, never inside a character's
// encoding.
func rfc2231Segments(value string) []string {
	const hex = "0123456789ABCDEF"
	var segs []string
	var cur, enc strings.Builder
	var buf [utf8.UTFMax]byte
	for _, r := range value {
		enc.Reset()
		for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
			if isAttrChar(c) {
				enc.WriteByte(c)
			} else {
				enc.WriteByte('%')
				enc.WriteByte(hex[c>>4])
				enc.WriteByte(hex[c&15])
			}
		}
		if cur.Len() > 0 && cur.Len()+enc.Len() > rfc2231Segment {
			segs = append(segs, cur.String())
			cur.Reset()
		}
		cur.WriteString(enc.String())
	}
	return append(segs, cur.String())
}

// isAttrChar reports RFC 2231 attribute-char: printable ASCII except
// space, "*", "'", "%" and the RFC 2045 tspecials.
func isAttrChar(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	return !strings.ContainsRune(`*'%()<>@,;:\"/[]?=`, rune(c))
}
