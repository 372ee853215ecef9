package imapclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// ErrUnreadableMessage means that the server could not give one message:
// it answered NO or BAD to the FETCH, or the connection broke while the
// message was read, again on a fresh connection (go-imap closes the
// connection on a response it cannot parse). The session stays usable:
// the next request dials again.
var ErrUnreadableMessage = errors.New("imap: message cannot be read")

// errFetch marks the failure of a FETCH of one message's data (not of the
// connection's setup, such as SELECT): see unreadable.
var errFetch = errors.New("fetch failed")

// testHookBodyFetch, set by tests only, runs before the FETCH of a
// message's text sections (to cut the connection in the middle).
var testHookBodyFetch func(*conn)

// fetchErr wraps the failure of a FETCH of message data.
func (c *conn) fetchErr(err error, what string) error {
	return fmt.Errorf("%w: %w", errFetch, c.wrap(err, what))
}

// unreadable classifies the failure of reading one message: a FETCH the
// server refused, or one that broke the connection even after the cache
// had dialled again, is the message's fault (ErrUnreadableMessage); other
// errors are returned as they are.
func unreadable(err error) error {
	if err == nil || !errors.Is(err, errFetch) {
		return err
	}
	for _, other := range []error{ErrAuthFailed, ErrMustChangePassword, ErrNoSuchFolder, ErrOverQuota} {
		if errors.Is(err, other) {
			return err // the account's trouble, not the message's
		}
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) {
		// Refused: NO or BAD, unless the server says it is unavailable.
		if imapErr.Code != imap.ResponseCodeUnavailable && (imapErr.Type == imap.StatusResponseTypeNo || imapErr.Type == imap.StatusResponseTypeBad) {
			return fmt.Errorf("%w: %w", ErrUnreadableMessage, err)
		}
		return err
	}
	if errors.Is(err, ErrUnavailable) {
		// The connection broke while reading the message, on the fresh
		// connection too (Session.do dials again once).
		return fmt.Errorf("%w: %w", ErrUnreadableMessage, err)
	}
	return err
}

// AttachedMessage opens the message/rfc822 part (section path such as "2"
// or "2.3") of a message for reading, like Message: its envelope and
// structure come from the outer message's BODYSTRUCTURE, and its text is
// fetched and decoded as a top-level message's is. Inside it, sections are
// numbered from the part (RFC 3501 section 6.4.5): "2.1", "2.2"... for a
// multipart message, "2.1" for the body of a single-part one. The outer
// message is not marked read (the reader already opened it).
func (s *Session) AttachedMessage(ctx context.Context, folder string, uid uint32, part string) (*Message, error) {
	path, err := parsePartPath(part)
	if err != nil {
		return nil, fmt.Errorf("part %q: %w", part, ErrNoSuchMessage)
	}
	var m *Message
	err = s.do(ctx, func(c *conn) error {
		var err error
		m, err = c.attachedMessage(folder, uid, path)
		return err
	})
	return m, unreadable(err)
}

func (c *conn) attachedMessage(folder string, uid uint32, path []int) (*Message, error) {
	if err := c.selectFolder(folder); err != nil {
		return nil, err
	}
	bufs, err := c.client.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, Envelope: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}).Collect()
	if err != nil {
		return nil, c.fetchErr(err, "fetch structure")
	}
	if len(bufs) == 0 || bufs[0].BodyStructure == nil {
		return nil, fmt.Errorf("uid %d in %q: %w", uid, folder, ErrNoSuchMessage)
	}
	single, _ := lookupPart(bufs[0].BodyStructure, path).(*imap.BodyStructureSinglePart)
	if single == nil || single.MessageRFC822 == nil || single.MessageRFC822.BodyStructure == nil {
		return nil, fmt.Errorf("uid %d part %s is no attached message: %w", uid, partPath(path), ErrNoSuchMessage)
	}
	m := &Message{Folder: folder, UID: uid, Part: partPath(path), Size: int64(single.Size)}
	if env := bufs[0].Envelope; env != nil {
		m.ParentSubject = headerText(env.Subject)
	}
	setEnvelope(m, single.MessageRFC822.Envelope)
	if err := c.fill(uid, m, single.MessageRFC822.BodyStructure, path); err != nil {
		return nil, err
	}
	return m, nil
}

// lookupPart returns the part at an IMAP section path, descending into
// attached messages (RFC 3501 section 6.4.5), or nil.
func lookupPart(bs imap.BodyStructure, path []int) imap.BodyStructure {
	if len(path) == 0 {
		return nil
	}
	if _, ok := bs.(*imap.BodyStructureSinglePart); ok {
		// The body of a single-part message is section 1.
		if path[0] != 1 {
			return nil
		}
		path = path[1:]
	}
	for _, n := range path {
		switch b := bs.(type) {
		case *imap.BodyStructureMultiPart:
			if n < 1 || n > len(b.Children) {
				return nil
			}
			bs = b.Children[n-1]
		case *imap.BodyStructureSinglePart:
			if b.MessageRFC822 == nil || b.MessageRFC822.BodyStructure == nil {
				return nil
			}
			inner := b.MessageRFC822.BodyStructure
			if mp, ok := inner.(*imap.BodyStructureMultiPart); ok {
				if n < 1 || n > len(mp.Children) {
					return nil
				}
				bs = mp.Children[n-1]
			} else {
				if n != 1 {
					return nil
				}
				bs = inner
			}
		default:
			return nil
		}
	}
	return bs
}

// setEnvelope fills the header fields of m from an ENVELOPE. A message
// whose envelope is missing or empty (a server that could not parse the
// header) gets a note in Problems.
func setEnvelope(m *Message, env *imap.Envelope) {
	if env == nil || env.Subject == "" && len(env.From) == 0 && len(env.Sender) == 0 && len(env.To) == 0 && env.Date.IsZero() && env.MessageID == "" {
		m.Problems = append(m.Problems, "message header unreadable")
		if env == nil {
			return
		}
	}
	m.Subject, m.MessageID, m.InReplyTo = headerText(env.Subject), env.MessageID, env.InReplyTo
	m.From, m.Sender, m.ReplyTo = addresses(env.From), addresses(env.Sender), addresses(env.ReplyTo)
	m.To, m.Cc, m.Bcc = addresses(env.To), addresses(env.Cc), addresses(env.Bcc)
	if !env.Date.IsZero() {
		m.Date = env.Date
	}
}

// maxMIMEHeaders bounds the MIME headers fetched with a message's text for
// attachments whose name the server did give.
const maxMIMEHeaders = 50

// needsMIMEHeader reports whether the i-th attachment's name is read from
// its own MIME header (BODY[P.MIME], in the FETCH of the text sections, so
// without another round trip). The server's BODYSTRUCTURE cannot always be
// trusted with names: the embedded server (Go's mime.ParseMediaType) drops
// an RFC 2231 name in a legacy charset, or keeps only its continuations
// ("er.pdf" for "Bücher.pdf"), which no check of the name can tell. So
// every attachment's header is read, up to maxMIMEHeaders; beyond, only
// those without a name or with a damaged one.
func needsMIMEHeader(i int, at Attachment, single *imap.BodyStructureSinglePart) bool {
	if single.MessageRFC822 != nil {
		return false
	}
	return i < maxMIMEHeaders || at.Filename == "" || strings.ContainsRune(at.Filename, '\uFFFD')
}

// mimeHeaderFilename reads the file name from a part's MIME header (the
// BODY[P.MIME] section): Content-Disposition filename, else Content-Type
// name, with our RFC 2231 and RFC 2047 decoding.
func mimeHeaderFilename(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	if !bytes.HasSuffix(raw, []byte("\r\n\r\n")) && !bytes.HasSuffix(raw, []byte("\n\n")) {
		raw = append(append([]byte(nil), raw...), "\r\n\r\n"...)
	}
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	var name string
	if v := h.Get("Content-Disposition"); v != "" {
		name = param(headerParams(v), "filename")
	}
	if name == "" {
		if v := h.Get("Content-Type"); v != "" {
			name = param(headerParams(v), "name")
		}
	}
	if strings.Contains(name, "=?") {
		if dec, err := wordDecoder.DecodeHeader(name); err == nil {
			name = dec
		}
	}
	return headerText(name)
}

// headerParams splits the parameters of a Content-Type or
// Content-Disposition value into a map with lower-case names, values
// unquoted and otherwise raw (RFC 2231 pieces are joined by param). Unlike
// mime.ParseMediaType it keeps parameters in every charset, and it is
// lenient with sloppy quoting.
func headerParams(v string) map[string]string {
	params := map[string]string{}
	_, rest, ok := strings.Cut(v, ";")
	if !ok {
		return params
	}
	for rest != "" {
		rest = strings.TrimLeft(rest, " \t\r\n;")
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t\r\n")
		var val string
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(rest) && rest[i] != '"'; i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				}
				b.WriteByte(rest[i])
			}
			val, rest = b.String(), rest[min(i+1, len(rest)):]
			if semi := strings.IndexByte(rest, ';'); semi >= 0 {
				rest = rest[semi+1:]
			} else {
				rest = ""
			}
		} else if semi := strings.IndexByte(rest, ';'); semi >= 0 {
			val, rest = strings.TrimSpace(rest[:semi]), rest[semi+1:]
		} else {
			val, rest = strings.TrimSpace(rest), ""
		}
		if key != "" {
			if _, dup := params[key]; !dup {
				params[key] = val
			}
		}
	}
	return params
}
