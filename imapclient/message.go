package imapclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message/charset"
)

// maxTextPart bounds how much of one text body is fetched for display.
const maxTextPart = 4 << 20

// Message fetches a message for reading and marks it \Seen. A part that
// cannot be decoded is shown as far as it can be, with a note in Problems.
func (s *Session) Message(ctx context.Context, folder string, uid uint32) (*Message, error) {
	var m *Message
	err := s.do(ctx, func(c *conn) error {
		var err error
		m, err = c.message(folder, uid)
		return err
	})
	return m, err
}

func (c *conn) message(folder string, uid uint32) (*Message, error) {
	if err := c.selectFolder(folder); err != nil {
		return nil, err
	}
	refs := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"References"}, Peek: true}
	bufs, err := c.client.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, Flags: true, Envelope: true, InternalDate: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
		BodySection:   []*imap.FetchItemBodySection{refs},
	}).Collect()
	if err != nil {
		return nil, c.wrap(err, "fetch message")
	}
	if len(bufs) == 0 || bufs[0].BodyStructure == nil {
		return nil, fmt.Errorf("uid %d in %q: %w", uid, folder, ErrNoSuchMessage)
	}
	b := bufs[0]
	m := &Message{Folder: folder, UID: uid, Size: b.RFC822Size, Date: b.InternalDate,
		References: messageIDs(string(b.FindBodySection(refs)))}
	if env := b.Envelope; env != nil {
		m.Subject, m.MessageID, m.InReplyTo = headerText(env.Subject), env.MessageID, env.InReplyTo
		m.From, m.Sender, m.ReplyTo = addresses(env.From), addresses(env.Sender), addresses(env.ReplyTo)
		m.To, m.Cc, m.Bcc = addresses(env.To), addresses(env.Cc), addresses(env.Bcc)
		if !env.Date.IsZero() {
			m.Date = env.Date
		}
	}
	m.Seen, m.Flagged, m.Answered, m.Draft = flagBits(b.Flags)
	m.Attachments = attachments(b.BodyStructure)

	textPart, htmlPart, calPart := bodyParts(b.BodyStructure)
	var sections []*imap.FetchItemBodySection
	for _, p := range []*textBody{textPart, htmlPart, calPart} {
		if p != nil {
			p.section = &imap.FetchItemBodySection{Part: p.path, Peek: true,
				Partial: &imap.SectionPartial{Offset: 0, Size: maxTextPart}}
			sections = append(sections, p.section)
		}
	}
	if len(sections) > 0 {
		bodies, err := c.client.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, BodySection: sections}).Collect()
		if err != nil {
			return nil, c.wrap(err, "fetch body")
		}
		if len(bodies) == 0 {
			return nil, fmt.Errorf("uid %d in %q: %w", uid, folder, ErrNoSuchMessage)
		}
		if textPart != nil {
			m.Text = textPart.decode(bodies[0].FindBodySection(textPart.section), &m.Problems)
		}
		if htmlPart != nil {
			m.HTML = htmlPart.decode(bodies[0].FindBodySection(htmlPart.section), &m.Problems)
		}
		if calPart != nil {
			m.Calendar = parseEvent(calPart.decode(bodies[0].FindBodySection(calPart.section), &m.Problems))
		}
	}
	if !m.Seen {
		err := c.client.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen},
		}, nil).Close()
		if err != nil {
			return nil, c.wrap(err, "mark read")
		}
	}
	return m, nil
}

// messageIDRe matches one msg-id (RFC 5322 section 3.6.4).
var messageIDRe = regexp.MustCompile(`<[^<>\s]+>`)

// messageIDs returns the msg-ids of a header field such as References,
// without angle brackets.
func messageIDs(field string) []string {
	var ids []string
	for _, id := range messageIDRe.FindAllString(field, 100) {
		ids = append(ids, strings.Trim(id, "<>"))
	}
	return ids
}

// textBody is a text part chosen for display.
type textBody struct {
	path     []int
	encoding string
	charset  string
	// flowed is format=flowed (RFC 3676), delSp its DelSp=yes.
	flowed, delSp bool
	section       *imap.FetchItemBodySection
}

// bodyParts picks the text/plain, text/html and text/calendar bodies of a
// message: the first of each that is not an attachment, not inside an
// attached message.
func bodyParts(bs imap.BodyStructure) (text, html, cal *textBody) {
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		single, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		if single.MessageRFC822 != nil || isAttachment(single) {
			return false
		}
		tb := &textBody{path: append([]int(nil), path...), encoding: strings.ToLower(single.Encoding),
			charset: strings.ToLower(param(single.Params, "charset")),
			flowed:  strings.EqualFold(param(single.Params, "format"), "flowed"),
			delSp:   strings.EqualFold(param(single.Params, "delsp"), "yes")}
		switch single.MediaType() {
		case "text/plain":
			if text == nil {
				text = tb
			}
		case "text/html":
			if html == nil {
				html = tb
			}
		case "text/calendar":
			if cal == nil {
				cal = tb
			}
		}
		return false
	})
	return text, html, cal
}

// isAttachment reports whether a part is meant to be downloaded rather
// than read in the body.
func isAttachment(p *imap.BodyStructureSinglePart) bool {
	if d := p.Disposition(); d != nil && strings.EqualFold(d.Value, "attachment") {
		return true
	}
	if partFilename(p) != "" && !strings.HasPrefix(p.MediaType(), "text/") {
		return true
	}
	switch strings.ToLower(p.Type) {
	case "text":
		return partFilename(p) != "" && !isInline(p)
	case "multipart":
		return false
	}
	return true
}

func isInline(p *imap.BodyStructureSinglePart) bool {
	d := p.Disposition()
	return d != nil && strings.EqualFold(d.Value, "inline")
}

// attachments lists the downloadable parts; an attached message is one
// attachment, not opened up.
func attachments(bs imap.BodyStructure) []Attachment {
	var out []Attachment
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		single, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		if !isAttachment(single) {
			return false
		}
		name := partFilename(single)
		if name == "" && single.MessageRFC822 != nil {
			if env := single.MessageRFC822.Envelope; env != nil && env.Subject != "" {
				name = env.Subject + ".eml"
			} else {
				name = "message.eml"
			}
		}
		out = append(out, Attachment{
			Part:        partPath(path),
			Filename:    name,
			ContentType: single.MediaType(),
			ContentID:   strings.Trim(single.ID, "<> "),
			Size:        int64(single.Size),
			Inline:      isInline(single),
		})
		return false
	})
	return out
}

// decode removes the transfer encoding and converts to UTF-8. What cannot
// be decoded is returned as it is, with a note.
func (t *textBody) decode(raw []byte, problems *[]string) string {
	var decoded []byte
	switch t.encoding {
	case "", "7bit", "8bit", "binary":
		decoded = raw
	case "base64":
		var err error
		decoded, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, &base64Cleaner{r: bytes.NewReader(raw)}))
		if err != nil {
			// What was decoded before the damage is kept.
			*problems = append(*problems, fmt.Sprintf("part %s: %v", partPath(t.path), err))
		}
	case "quoted-printable":
		var bad bool
		if decoded, bad = decodeQP(raw); bad {
			*problems = append(*problems, fmt.Sprintf("part %s: malformed quoted-printable", partPath(t.path)))
		}
	default:
		// Shown as it came, which is still better than nothing.
		decoded = raw
		*problems = append(*problems, "unknown transfer encoding "+t.encoding)
	}
	if len(raw) >= maxTextPart {
		*problems = append(*problems, "body truncated")
	}
	text := toUTF8(decoded, t.charset, problems)
	if t.flowed {
		text = unflow(text, t.delSp)
	}
	return text
}

// toUTF8 converts text in the named charset to UTF-8, leaving it as is
// (with a note) when the charset is unknown.
func toUTF8(b []byte, cs string, problems *[]string) string {
	switch cs {
	case "", "us-ascii", "ascii":
		// Unlabelled (or mislabelled) 8-bit text: UTF-8 or Windows-1252.
		return legacyText(b)
	case "utf-8", "utf8":
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		*problems = append(*problems, "unknown charset "+cs)
		return legacyText(b)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		*problems = append(*problems, "charset "+cs+": "+err.Error())
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// base64Cleaner drops bytes outside the base64 alphabet (line breaks,
// stray spaces) so that sloppy encoders still decode.
type base64Cleaner struct{ r io.Reader }

func (b *base64Cleaner) Read(p []byte) (int, error) {
	for {
		n, err := b.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
