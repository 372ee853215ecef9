package compose

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Attachment is a file to send with a message. Its content is streamed
// when the message is written, never held in memory.
type Attachment struct {
	// Filename is the name shown to the recipient. Directory parts and
	// control characters are removed; an empty name becomes "lampiran".
	Filename string
	// ContentType is the media type. "" means: from the file name's
	// extension (mime.TypeByExtension), else application/octet-stream.
	ContentType string
	// Size is the decoded size in bytes if known (for size limits, see
	// EncodedSize), -1 if unknown. It is not checked against the content.
	Size int64
	// Open returns the content. It is called once each time the message
	// is written; the returned reader is closed after it has been read.
	Open func() (io.ReadCloser, error)
}

// Message is a message to send or to save as a draft, as the compose form
// holds it. Only From is required; a draft may have no recipients.
type Message struct {
	From        netmail.Address
	To, Cc, Bcc []netmail.Address
	Subject     string
	// HTML is the body as HTML from the rich-text editor, as the browser
	// sent it: it is sanitized with SanitizeHTML when written, and the
	// text/plain alternative is made from it with HTMLToText.
	HTML string
	// Text is the body as plain text, used when HTML is empty (compose
	// without JavaScript): it is sent as it is, and the HTML alternative is
	// made from it (escaped, line breaks kept, http(s) links linked).
	Text string
	// InReplyTo is the Message-ID of the message replied to, with or
	// without angle brackets. It is written as In-Reply-To and appended to
	// References.
	InReplyTo string
	// References are the References of the message replied to or
	// forwarded (ids with or without brackets, or whole header values).
	References  []string
	Attachments []Attachment
	// Date is written in Date's own location: pass the time in the user's
	// zone. Zero means now, in the local zone.
	Date time.Time
	// MessageIDHost is the right-hand side of the Message-ID, e.g.
	// "mail.pematangsiantar.go.id"; "" means the domain of From.
	MessageIDHost string
	// UserAgent, if set, is written as the User-Agent field.
	UserAgent string
}

// Write writes the message to w and returns its Message-ID (without angle
// brackets). keepBcc is false for sending, so that no Bcc field leaves the
// server, and true for a draft, so that resuming it keeps the Bcc list.
//
// The structure is multipart/alternative (text/plain and text/html, both
// UTF-8, quoted-printable) or, with attachments, multipart/mixed with that
// alternative first and the attachments (base64) after it. Every line is
// at most 998 characters (RFC 5322 section 2.1.1). Each attachment is
// opened once and streamed.
func (m *Message) Write(w io.Writer, keepBcc bool) (messageID string, err error) {
	h, id, err := m.header(keepBcc)
	if err != nil {
		return "", err
	}
	html, text := m.bodies()

	if len(m.Attachments) == 0 {
		iw, err := mail.CreateInlineWriter(w, h)
		if err != nil {
			return "", fmt.Errorf("compose: write header: %w", err)
		}
		if err := writeAlternatives(iw, text, html); err != nil {
			return "", err
		}
		if err := iw.Close(); err != nil {
			return "", fmt.Errorf("compose: write: %w", err)
		}
		return id, nil
	}

	mw, err := mail.CreateWriter(w, h)
	if err != nil {
		return "", fmt.Errorf("compose: write header: %w", err)
	}
	iw, err := mw.CreateInline()
	if err != nil {
		return "", fmt.Errorf("compose: write: %w", err)
	}
	if err := writeAlternatives(iw, text, html); err != nil {
		return "", err
	}
	if err := iw.Close(); err != nil {
		return "", fmt.Errorf("compose: write: %w", err)
	}
	for i := range m.Attachments {
		if err := writeAttachment(mw, &m.Attachments[i]); err != nil {
			return "", err
		}
	}
	if err := mw.Close(); err != nil {
		return "", fmt.Errorf("compose: write: %w", err)
	}
	return id, nil
}

// header builds the top-level header and the new Message-ID.
func (m *Message) header(keepBcc bool) (mail.Header, string, error) {
	var h mail.Header
	from, err := cleanAddresses([]netmail.Address{m.From})
	if err != nil {
		return h, "", err
	}
	to, err := cleanAddresses(m.To)
	if err != nil {
		return h, "", err
	}
	cc, err := cleanAddresses(m.Cc)
	if err != nil {
		return h, "", err
	}
	bcc, err := cleanAddresses(m.Bcc)
	if err != nil {
		return h, "", err
	}

	host := m.MessageIDHost
	if host == "" {
		host = from[0].Address[strings.LastIndexByte(from[0].Address, '@')+1:]
	}
	if !validDomain(host) {
		return h, "", fmt.Errorf("compose: Message-ID host %q is not a host name", host)
	}
	// 128 random bits (crypto/rand.Text) make the id unique without any
	// state shared between instances.
	id := rand.Text() + "@" + strings.ToLower(host)

	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}

	h.SetDate(date)
	h.SetAddressList("From", from)
	h.SetAddressList("To", to)
	h.SetAddressList("Cc", cc)
	if keepBcc {
		h.SetAddressList("Bcc", bcc)
	}
	h.SetSubject(cleanHeaderText(m.Subject))
	h.SetMessageID(id)
	if irt := msgIDs(m.InReplyTo); len(irt) > 0 {
		h.SetMsgIDList("In-Reply-To", irt[:1])
	}
	h.SetMsgIDList("References", references(m.References, m.InReplyTo))
	if ua := strings.TrimSpace(cleanHeaderText(m.UserAgent)); ua != "" {
		h.SetText("User-Agent", ua)
	}
	return h, id, nil
}

// cleanAddresses checks each address strictly (see ParseAddressList) and
// removes control characters from the display names; net/mail then quotes
// or RFC 2047-encodes the names on output.
func cleanAddresses(as []netmail.Address) ([]*mail.Address, error) {
	out := make([]*mail.Address, 0, len(as))
	for _, a := range as {
		if !validAddress(a.Address) {
			return nil, &AddressError{Input: a.Address}
		}
		out = append(out, &mail.Address{Name: strings.TrimSpace(cleanHeaderText(a.Name)), Address: a.Address})
	}
	return out, nil
}

// bodies returns the HTML and the plain-text alternatives.
func (m *Message) bodies() (html, text string) {
	if strings.TrimSpace(m.HTML) != "" {
		clean := SanitizeHTML(m.HTML)
		return htmlDocument(clean), HTMLToText(clean)
	}
	text = strings.ToValidUTF8(m.Text, "\uFFFD")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return htmlDocument(TextToHTML(text)), text
}

// htmlDocument wraps a body fragment in a minimal document; the charset
// is in the part's Content-Type too, the meta element is for readers that
// save the part to a file.
func htmlDocument(body string) string {
	// No white space around the body: a draft's HTML part, sanitized,
	// gives back exactly what the editor held.
	return `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>` +
		body + "</body></html>"
}

func writeAlternatives(iw *mail.InlineWriter, text, html string) error {
	for _, p := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		var h mail.InlineHeader
		h.SetContentType(p.typ, map[string]string{"charset": "utf-8"})
		// Quoted-printable keeps every line under 77 characters whatever
		// the editor produced (RFC 2045 section 6.7).
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := iw.CreatePart(h)
		if err != nil {
			return fmt.Errorf("compose: write %s part: %w", p.typ, err)
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return fmt.Errorf("compose: write %s part: %w", p.typ, err)
		}
		if err := pw.Close(); err != nil {
			return fmt.Errorf("compose: write %s part: %w", p.typ, err)
		}
	}
	return nil
}

func writeAttachment(mw *mail.Writer, a *Attachment) (err error) {
	name := cleanFilename(a.Filename)
	if a.Open == nil {
		return fmt.Errorf("compose: attachment %q has no content", name)
	}
	aw, err := mw.CreateAttachment(attachmentHeader(name, a.ContentType))
	if err != nil {
		return fmt.Errorf("compose: attachment %q: %w", name, err)
	}
	rc, err := a.Open()
	if err != nil {
		return fmt.Errorf("compose: open attachment %q: %w", name, err)
	}
	defer func() {
		if cerr := rc.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("compose: close attachment %q: %w", name, cerr)
		}
	}()
	// io.Copy streams through go-message's base64 encoder with a 32 KiB
	// buffer: memory does not grow with the attachment.
	if _, err := io.Copy(aw, rc); err != nil {
		return fmt.Errorf("compose: attachment %q: %w", name, err)
	}
	if err := aw.Close(); err != nil {
		return fmt.Errorf("compose: attachment %q: %w", name, err)
	}
	return nil
}

// EncodedSize is the size that n bytes of an attachment take in the
// message: base64 (4 bytes for 3) with a CRLF after every 76 characters.
// Add a few kilobytes for headers and bodies to compare with a limit.
func EncodedSize(n int64) int64 {
	if n <= 0 {
		return 0
	}
	b := (n + 2) / 3 * 4
	return b + (b+75)/76*2
}

// Built is a message written to a temporary file, to be streamed to SMTP
// and to IMAP without holding it in memory.
type Built struct {
	// Path is the temporary file (mode 0600).
	Path string
	// Size is the message's size in bytes, for the SMTP SIZE check
	// (RFC 1870) and the IMAP APPEND literal.
	Size int64
	// MessageID is the Message-ID, without angle brackets.
	MessageID string
}

// Build writes the message to a new temporary file in dir ("" means
// os.TempDir()) and returns it. The caller streams it (Open) as many times
// as needed, then calls Remove. Memory use does not depend on the size of
// the attachments.
func (m *Message) Build(dir string, keepBcc bool) (_ *Built, err error) {
	f, err := os.CreateTemp(dir, "compose-*.eml")
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	cw := &countingWriter{w: bufio.NewWriterSize(f, 64<<10)}
	id, err := m.Write(cw, keepBcc)
	if err != nil {
		return nil, err
	}
	if err := cw.w.Flush(); err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	return &Built{Path: f.Name(), Size: cw.n, MessageID: id}, nil
}

// Open opens the built message for reading from the start.
func (b *Built) Open() (io.ReadCloser, error) {
	return os.Open(b.Path)
}

// Remove deletes the temporary file. Removing it twice is not an error.
func (b *Built) Remove() error {
	if err := os.Remove(b.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
