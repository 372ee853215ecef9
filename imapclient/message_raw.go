package imapclient

import (
	"context"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// RawInfo describes a whole message being streamed by Session.Raw.
type RawInfo struct {
	Subject string
	Size    int64 // RFC822.SIZE
}

// Raw streams the message as stored on the server (BODY.PEEK[], so it is
// not marked read) to fn. fn must consume r before returning; the
// session's connection is busy until it does.
func (s *Session) Raw(ctx context.Context, folder string, uid uint32, fn func(RawInfo, io.Reader) error) error {
	return s.do(ctx, func(c *conn) error {
		return c.raw(folder, uid, fn)
	})
}

func (c *conn) raw(folder string, uid uint32, fn func(RawInfo, io.Reader) error) error {
	if err := c.selectFolder(folder); err != nil {
		return err
	}
	item := &imap.FetchItemBodySection{Peek: true}
	cmd := c.client.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, Envelope: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{item},
	})
	defer cmd.Close()
	var info RawInfo
	var called bool
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for it := msg.Next(); it != nil; it = msg.Next() {
			switch it := it.(type) {
			case imapclient.FetchItemDataEnvelope:
				if it.Envelope != nil {
					info.Subject = headerText(it.Envelope.Subject)
				}
			case imapclient.FetchItemDataRFC822Size:
				info.Size = it.Size
			case imapclient.FetchItemDataBodySection:
				if it.Literal == nil || called {
					continue
				}
				called = true
				if err := fn(info, it.Literal); err != nil {
					return fmt.Errorf("%w: %w", errNotRetryable, err)
				}
			}
		}
	}
	if err := cmd.Close(); err != nil {
		err = c.wrap(err, "fetch message")
		if called {
			return fmt.Errorf("%w: %w", errNotRetryable, err)
		}
		return err
	}
	if !called {
		return fmt.Errorf("uid %d in %q: %w", uid, folder, ErrNoSuchMessage)
	}
	return nil
}
