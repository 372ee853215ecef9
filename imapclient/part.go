package imapclient

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Part streams one part of a message (section path such as "2" or "1.2"),
// with its transfer encoding removed, to fn. The message is not marked
// read. fn must consume r before returning; the session's connection is
// busy until it does.
func (s *Session) Part(ctx context.Context, folder string, uid uint32, part string, fn func(PartInfo, io.Reader) error) error {
	return s.do(ctx, func(c *conn) error {
		return c.part(folder, uid, part, fn)
	})
}

func (c *conn) part(folder string, uid uint32, section string, fn func(PartInfo, io.Reader) error) error {
	path, err := parsePartPath(section)
	if err != nil {
		return fmt.Errorf("part %q: %w", section, ErrNoSuchMessage)
	}
	if err := c.selectFolder(folder); err != nil {
		return err
	}
	bufs, err := c.client.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}).Collect()
	if err != nil {
		return c.wrap(err, "fetch structure")
	}
	if len(bufs) == 0 || bufs[0].BodyStructure == nil {
		return fmt.Errorf("uid %d in %q: %w", uid, folder, ErrNoSuchMessage)
	}
	single, _ := lookupPart(bufs[0].BodyStructure, path).(*imap.BodyStructureSinglePart)
	if single == nil {
		return fmt.Errorf("uid %d part %s: %w", uid, section, ErrNoSuchMessage)
	}
	info := PartInfo{Filename: partFilename(single), ContentType: single.MediaType(), Size: int64(single.Size)}

	item := &imap.FetchItemBodySection{Part: path, Peek: true}
	items := []*imap.FetchItemBodySection{item}
	if single.MessageRFC822 == nil {
		// The part's own header first, for its name (see needsMIMEHeader).
		items = []*imap.FetchItemBodySection{{Part: path, Specifier: imap.PartSpecifierMIME, Peek: true}, item}
	}
	cmd := c.client.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, BodySection: items})
	defer cmd.Close()
	var called bool
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for it := msg.Next(); it != nil; it = msg.Next() {
			body, ok := it.(imapclient.FetchItemDataBodySection)
			if !ok || body.Literal == nil {
				continue
			}
			if body.Section != nil && body.Section.Specifier == imap.PartSpecifierMIME {
				hdr, _ := io.ReadAll(io.LimitReader(body.Literal, 64<<10))
				if name := mimeHeaderFilename(hdr); name != "" && !called {
					info.Filename = name
				}
				continue
			}
			called = true
			if err := fn(info, decodeTransfer(body.Literal, single.Encoding)); err != nil {
				// The response has started: never retry on a new connection.
				return fmt.Errorf("%w: %w", errNotRetryable, err)
			}
		}
	}
	if err := cmd.Close(); err != nil {
		err = c.wrap(err, "fetch part")
		if called {
			return fmt.Errorf("%w: %w", errNotRetryable, err)
		}
		return err
	}
	if !called {
		return fmt.Errorf("uid %d part %s: %w", uid, section, ErrNoSuchMessage)
	}
	return nil
}

// decodeTransfer removes a Content-Transfer-Encoding while streaming.
func decodeTransfer(r io.Reader, encoding string) io.Reader {
	switch strings.ToLower(encoding) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Cleaner{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// parsePartPath parses "1.2.3" into section numbers.
func parsePartPath(s string) ([]int, error) {
	if s == "" || len(s) > 64 {
		return nil, errors.New("invalid part path")
	}
	fields := strings.Split(s, ".")
	path := make([]int, len(fields))
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, errors.New("invalid part path")
		}
		path[i] = n
	}
	return path, nil
}
