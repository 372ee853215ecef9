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
		m, err = c.message(folder, uid, nil)
		return err
	})
	return m, unreadable(err)
}

// MessageWithFolders is Message and Folders in one exchange: the folder
// list is asked for while the message's text is fetched, after it has
// been marked read, so the counts include that.
func (s *Session) MessageWithFolders(ctx context.Context, folder string, uid uint32) (*Message, []Folder, error) {
	var m *Message
	var folders []Folder
	err := s.do(ctx, func(c *conn) error {
		var wait func() ([]Folder, error)
		var err error
		m, err = c.message(folder, uid, func() { wait = c.foldersAsync() })
		if wait == nil {
			return err // refused before the folder list was asked for
		}
		var ferr error
		folders, ferr = wait()
		if err != nil {
			return err
		}
		return ferr
	})
	return m, folders, unreadable(err)
}

// message fetches a message for reading and marks it read. meanwhile, if
// not nil, is called once the message is known to exist and is marked
// read, to pipeline more commands with the fetch of its text.
func (c *conn) message(folder string, uid uint32, meanwhile func()) (*Message, error) {
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
		return nil, c.fetchErr(err, "fetch message")
	}
	if len(bufs) == 0 || bufs[0].BodyStructure == nil {
		return nil, fmt.Errorf("uid %d in %q: %w", uid, folder, ErrNoSuchMessage)
	}
	b := bufs[0]
	m := &Message{Folder: folder, UID: uid, Size: b.RFC822Size, Date: b.InternalDate,
		References: messageIDs(string(b.FindBodySection(refs)))}
	setEnvelope(m, b.Envelope)
	m.Seen, m.Flagged, m.Answered, m.Draft = flagBits(b.Flags)
	if !m.Seen {
		// Before the folder list meanwhile may ask for: its counts
		// must include this message as read.
		err := c.client.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen},
		}, nil).Close()
		if err != nil {
			return nil, c.wrap(err, "mark read")
		}
	}
	if meanwhile != nil {
		meanwhile()
	}
	if err := c.fill(uid, m, b.BodyStructure, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// fill sets the attachments and the text, HTML and calendar bodies of m
// from the body structure bs, which is at section prefix (nil for a whole
// message, the part's path for an attached message). One FETCH gets the
// text sections and the MIME headers of attachments whose names the
// server's BODYSTRUCTURE lacks.
func (c *conn) fill(uid uint32, m *Message, bs imap.BodyStructure, prefix []int) error {
	bodies := bodyParts(bs)
	var singles []*imap.BodyStructureSinglePart
	m.Attachments, singles = attachmentsOf(bs, bodies.demoted, prefix)

	var sections []*imap.FetchItemBodySection
	for _, p := range []*textBody{bodies.text, bodies.html, bodies.cal} {
		if p != nil {
			p.path = append(append([]int(nil), prefix...), p.path...)
			p.section = &imap.FetchItemBodySection{Part: p.path, Peek: true,
				Partial: &imap.SectionPartial{Offset: 0, Size: maxTextPart}}
			sections = append(sections, p.section)
		}
	}
	mimeHeaders := map[int]*imap.FetchItemBodySection{}
	for i, at := range m.Attachments {
		if needsMIMEHeader(i, at, singles[i]) {
			path, err := parsePartPath(at.Part)
			if err != nil {
				continue
			}
			sec := &imap.FetchItemBodySection{Part: path, Specifier: imap.PartSpecifierMIME, Peek: true}
			mimeHeaders[i] = sec
			sections = append(sections, sec)
		}
	}
	if len(sections) == 0 {
		return nil
	}
	if testHookBodyFetch != nil {
		testHookBodyFetch(c)
	}
	bufs, err := c.client.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, BodySection: sections}).Collect()
	if err != nil {
		return c.fetchErr(err, "fetch body")
	}
	if len(bufs) == 0 {
		return fmt.Errorf("uid %d in %q: %w", uid, m.Folder, ErrNoSuchMessage)
	}
	got := bufs[0]
	if p := bodies.text; p != nil {
		m.Text = p.decode(got.FindBodySection(p.section), &m.Problems)
	}
	if p := bodies.html; p != nil {
		m.HTML = p.decode(got.FindBodySection(p.section), &m.Problems)
	}
	if p := bodies.cal; p != nil {
		m.Calendar = parseEvent(p.decode(got.FindBodySection(p.section), &m.Problems))
	}
	for i, sec := range mimeHeaders {
		if name := mimeHeaderFilename(got.FindBodySection(sec)); name != "" && !strings.ContainsRune(name, '\uFFFD') {
			m.Attachments[i].Filename = name
		}
	}
	return nil
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

// bodies are the parts of a message chosen for display.
type bodies struct {
	text, html, cal *textBody
	// demoted are the paths ("1.2") of named text parts that are not
	// the message's body: attachments, although their type is text.
	demoted map[string]bool
}

// bodyParts picks the text/plain, text/html and text/calendar bodies of a
// message: the first of each that is not an attachment, not inside an
// attached message. A text/plain or text/html part with a file name is an
// attachment unless it is the first displayable part (a named HTML part
// after the text of a multipart/mixed is a file sent along, not the body).
func bodyParts(bs imap.BodyStructure) bodies {
	var b bodies
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
		mt := single.MediaType()
		if (mt == "text/plain" || mt == "text/html") && (b.text != nil || b.html != nil) && partFilename(single) != "" {
			if b.demoted == nil {
				b.demoted = map[string]bool{}
			}
			b.demoted[partPath(path)] = true
			return false
		}
		switch mt {
		case "text/plain":
			if b.text == nil {
				b.text = tb
			}
		case "text/html":
			if b.html == nil {
				b.html = tb
			}
		case "text/calendar":
			if b.cal == nil {
				b.cal = tb
			}
		}
		return false
	})
	return b
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

// attachments lists the downloadable parts of a message; an attached
// message is one attachment, not opened up.
func attachments(bs imap.BodyStructure) []Attachment {
	out, _ := attachmentsOf(bs, bodyParts(bs).demoted, nil)
	return out
}

// attachmentsOf lists the downloadable parts of the body structure bs at
// section prefix, with the body structure of each; demoted are named text
// parts that are attachments too (bodyParts).
func attachmentsOf(bs imap.BodyStructure, demoted map[string]bool, prefix []int) ([]Attachment, []*imap.BodyStructureSinglePart) {
	var out []Attachment
	var singles []*imap.BodyStructureSinglePart
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		single, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		if !isAttachment(single) && !demoted[partPath(path)] {
			return false
		}
		name := partFilename(single)
		if name == "" && single.MessageRFC822 != nil {
			if env := single.MessageRFC822.Envelope; env != nil && env.Subject != "" {
				name = headerText(env.Subject) + ".eml"
			} else {
				name = "message.eml"
			}
		}
		out = append(out, Attachment{
			Part:        partPath(append(append([]int(nil), prefix...), path...)),
			Filename:    name,
			ContentType: single.MediaType(),
			ContentID:   strings.Trim(single.ID, "<> "),
			Size:        int64(single.Size),
			Inline:      isInline(single),
		})
		singles = append(singles, single)
		return false
	})
	return out, singles
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
