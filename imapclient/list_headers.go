package imapclient

import (
	"bufio"
	"bytes"
	"mime"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// listHeaderSection is what a list row needs when the server's ENVELOPE
// or BODYSTRUCTURE of some message on the page cannot be parsed: the raw
// header fields, which go-imap passes on as a literal and we parse
// ourselves.
var listHeaderSection = &imap.FetchItemBodySection{
	Specifier:    imap.PartSpecifierHeader,
	HeaderFields: []string{"From", "To", "Subject", "Date", "Content-Type"},
	Peek:         true,
}

// testHookListFetch, set by tests only, runs before a list FETCH with
// ENVELOPE and BODYSTRUCTURE; closing the connection there is what an
// answer go-imap cannot parse does.
var testHookListFetch func(*conn)

// rowItems is what a list FETCH asks for: ENVELOPE and BODYSTRUCTURE, or,
// in the retry of a request whose list FETCH broke the connection, the
// header fields (headerRows).
func (c *conn) rowItems() *imap.FetchOptions {
	if c.headerRows {
		return &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, RFC822Size: true,
			BodySection: []*imap.FetchItemBodySection{listHeaderSection}}
	}
	if testHookListFetch != nil {
		testHookListFetch(c)
	}
	return listItems()
}

// rowsErr wraps the failure of a list FETCH. An answer go-imap cannot
// parse (one message's ENVELOPE or BODYSTRUCTURE) closes the connection:
// then Session.do's retry of the request reads header fields instead.
func (c *conn) rowsErr(err error) error {
	err = c.wrap(err, "fetch list")
	c.headerRows = c.closed()
	return err
}

// row makes a list row from a FETCH of rowItems.
func row(m *imapclient.FetchMessageBuffer) MessageSummary {
	if m.Envelope == nil && m.BodyStructure == nil {
		return summarizeHeaders(m)
	}
	return summarize(m)
}

// summarizeHeaders makes a list row from a FETCH of listHeaderSection.
// Has-attachment becomes "the message is multipart/mixed", as in search.
func summarizeHeaders(m *imapclient.FetchMessageBuffer) MessageSummary {
	s := MessageSummary{UID: uint32(m.UID), Size: m.RFC822Size, Date: m.InternalDate}
	s.Seen, s.Flagged, s.Answered, s.Draft = flagBits(m.Flags)
	raw := m.FindBodySection(listHeaderSection)
	// A header that does not parse to the end still gives its first fields.
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	if v := h.Get("Subject"); v != "" {
		s.Subject = decodeHeaderText(v)
	}
	s.From, s.To = headerAddresses(h.Get("From")), headerAddresses(h.Get("To"))
	if d, err := mail.ParseDate(h.Get("Date")); err == nil {
		s.Date = d
	}
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil {
		s.HasAttachments = mt == "multipart/mixed"
	}
	return s
}

// decodeHeaderText decodes RFC 2047 words and makes the result valid UTF-8.
func decodeHeaderText(v string) string {
	if dec, err := wordDecoder.DecodeHeader(v); err == nil {
		v = dec
	}
	return headerText(strings.TrimSpace(v))
}

// headerAddresses parses an address header. One that does not parse gives
// its decoded text as a name, so the row still says who.
func headerAddresses(v string) []Address {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	list, err := p.ParseList(v)
	if err != nil {
		return []Address{{Name: decodeHeaderText(v)}}
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: headerText(a.Name), Email: a.Address})
	}
	return out
}
