package imapclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// System flags and keywords the product sets.
const (
	FlagSeen      = `\Seen`
	FlagAnswered  = `\Answered`
	FlagFlagged   = `\Flagged`
	FlagDraft     = `\Draft`
	FlagDeleted   = `\Deleted`
	FlagForwarded = `$Forwarded` // RFC 5788 keyword
)

// defaultNames are the names given to special folders the server lacks.
var defaultNames = map[Role]string{
	RoleSent: "Sent", RoleDrafts: "Drafts", RoleJunk: "Junk", RoleTrash: "Trash", RoleArchive: "Archive",
}

// specialUseAttr is the RFC 6154 attribute of each role.
var specialUseAttr = map[Role]imap.MailboxAttr{
	RoleSent: imap.MailboxAttrSent, RoleDrafts: imap.MailboxAttrDrafts, RoleJunk: imap.MailboxAttrJunk,
	RoleTrash: imap.MailboxAttrTrash, RoleArchive: imap.MailboxAttrArchive,
}

// SpecialFolder returns the name of the folder with the given role,
// creating it (with its RFC 6154 attribute where the server supports
// CREATE-SPECIAL-USE) when the account has none.
func (s *Session) SpecialFolder(ctx context.Context, role Role) (string, error) {
	var name string
	err := s.do(ctx, func(c *conn) error {
		var err error
		name, err = c.specialFolder(role)
		return err
	})
	return name, err
}

func (c *conn) specialFolder(role Role) (string, error) {
	if role == RoleInbox {
		return "INBOX", nil
	}
	folders, err := c.folders()
	if err != nil {
		return "", err
	}
	for _, f := range folders {
		if f.Role == role {
			return f.Name, nil
		}
	}
	name, ok := defaultNames[role]
	if !ok {
		return "", fmt.Errorf("no folder for role %q: %w", role, ErrNoSuchFolder)
	}
	var opts *imap.CreateOptions
	if c.caps().Has(imap.CapCreateSpecialUse) {
		opts = &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{specialUseAttr[role]}}
	}
	if err := c.client.Create(name, opts).Wait(); err != nil {
		var imapErr *imap.Error
		if !errors.As(err, &imapErr) || imapErr.Code != imap.ResponseCodeAlreadyExists {
			return "", c.wrap(err, "create "+name)
		}
	}
	return name, nil
}

// Append stores a message of size bytes in folder with the given flags
// and internal date (zero: now). open is called for the bytes, again if the
// connection has to be redialled. It returns the new message's UID when
// the server tells it (UIDPLUS, RFC 4315), else 0.
func (s *Session) Append(ctx context.Context, folder string, flags []string, date time.Time, size int64, open func() (io.ReadCloser, error)) (uint32, error) {
	var uid uint32
	err := s.do(ctx, func(c *conn) error {
		r, err := open()
		if err != nil {
			return fmt.Errorf("%w: open message: %w", errNotRetryable, err)
		}
		defer r.Close()
		opts := &imap.AppendOptions{Time: date}
		for _, f := range flags {
			opts.Flags = append(opts.Flags, imap.Flag(f))
		}
		cmd := c.client.Append(folder, size, opts)
		_, copyErr := io.Copy(cmd, io.LimitReader(r, size))
		closeErr := cmd.Close()
		data, err := cmd.Wait()
		switch {
		case copyErr != nil:
			return fmt.Errorf("append to %q: %w", folder, copyErr)
		case closeErr != nil:
			return c.wrap(closeErr, "append to "+folder)
		case err != nil:
			return c.wrap(err, "append to "+folder)
		}
		uid = uint32(data.UID)
		// New mail in the selected folder changes its order.
		if c.selected == folder {
			c.changed.Store(true)
		}
		return nil
	})
	return uid, err
}

// AddFlags adds flags (such as FlagAnswered) to messages of a folder.
func (s *Session) AddFlags(ctx context.Context, folder string, uids []uint32, flags ...string) error {
	return s.do(ctx, func(c *conn) error {
		return c.store(folder, uids, imap.StoreFlagsAdd, flags)
	})
}

func (c *conn) store(folder string, uids []uint32, op imap.StoreFlagsOp, flags []string) error {
	if len(uids) == 0 {
		return nil
	}
	if err := c.selectFolder(folder); err != nil {
		return err
	}
	f := make([]imap.Flag, len(flags))
	for i, fl := range flags {
		f[i] = imap.Flag(fl)
	}
	err := c.client.Store(uidSet(uids), &imap.StoreFlags{Op: op, Silent: true, Flags: f}, nil).Close()
	if err != nil {
		return c.wrap(err, "store "+strings.Join(flags, " "))
	}
	return nil
}

// Expunge permanently removes exactly these messages: STORE \Deleted,
// then UID EXPUNGE of the same UIDs (RFC 4315), never a folder-wide
// EXPUNGE that would also remove what other clients marked. Without
// UIDPLUS the messages stay, marked \Deleted.
func (s *Session) Expunge(ctx context.Context, folder string, uids ...uint32) error {
	return s.do(ctx, func(c *conn) error {
		if err := c.store(folder, uids, imap.StoreFlagsAdd, []string{FlagDeleted}); err != nil {
			return err
		}
		caps := c.caps()
		if !caps.Has(imap.CapUIDPlus) && !caps.Has(imap.CapIMAP4rev2) {
			return nil
		}
		if err := c.client.UIDExpunge(uidSet(uids)).Close(); err != nil {
			return c.wrap(err, "uid expunge")
		}
		c.changed.Store(true)
		return nil
	})
}

func uidSet(uids []uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}
