package imapclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Transfer is what a Move, Copy or Delete did.
type Transfer struct {
	From, To string
	// Count is the number of messages moved (or copied, or deleted): the
	// given UIDs that still existed. UIDs gone meanwhile are no error.
	Count int
	// UIDs maps each moved message's UID in From to its new UID in To,
	// from the server's COPYUID (RFC 4315 section 3, RFC 6851 section
	// 4.3): what an undo needs. Nil when the server does not say.
	UIDs map[uint32]uint32
	// Permanent is set when Delete removed the messages for good (they
	// were in Trash already) instead of moving them to Trash.
	Permanent bool
}

// FlagChange is what SetFlags did.
type FlagChange struct {
	// Count is the number of given messages that still exist (all of
	// them now have, or lack, the flags).
	Count int
	// Changed are the UIDs whose flags really changed: the messages to
	// set back on undo, leaving those that were already so alone.
	Changed []uint32
}

// Move moves messages from one folder to another: MOVE (RFC 6851) where
// the server has it, otherwise UID COPY, UID STORE +FLAGS.SILENT \Deleted
// and UID EXPUNGE of exactly those UIDs (RFC 4315), never a folder-wide
// EXPUNGE. Without UIDPLUS (no UID EXPUNGE) the originals stay, marked
// \Deleted. A destination that does not exist is ErrNoSuchFolder, with
// nothing touched.
func (s *Session) Move(ctx context.Context, from string, uids []uint32, to string) (Transfer, error) {
	var t Transfer
	err := s.do(ctx, func(c *conn) error {
		var err error
		t, err = c.transfer(from, uids, to, false)
		return err
	})
	return t, err
}

// Copy copies messages to another folder; Transfer.UIDs are the copies'.
func (s *Session) Copy(ctx context.Context, from string, uids []uint32, to string) (Transfer, error) {
	var t Transfer
	err := s.do(ctx, func(c *conn) error {
		var err error
		t, err = c.transfer(from, uids, to, true)
		return err
	})
	return t, err
}

// MoveTo moves messages to the account's folder of a role (RoleJunk for
// Spam, RoleArchive for Arsipkan, RoleInbox for "not spam"), creating
// the folder when the account has none.
func (s *Session) MoveTo(ctx context.Context, from string, uids []uint32, role Role) (Transfer, error) {
	var t Transfer
	err := s.do(ctx, func(c *conn) error {
		to, err := c.specialFolder(role)
		if err != nil {
			return err
		}
		t, err = c.transfer(from, uids, to, false)
		return err
	})
	return t, err
}

// Delete moves messages to Trash; inside Trash it removes them for good
// (Transfer.Permanent), as only deleting inside Trash is permanent.
func (s *Session) Delete(ctx context.Context, folder string, uids []uint32) (Transfer, error) {
	var t Transfer
	err := s.do(ctx, func(c *conn) error {
		trash, err := c.specialFolder(RoleTrash)
		if err != nil {
			return err
		}
		if folder == trash {
			n, err := c.expungeUIDs(folder, uids)
			t = Transfer{From: folder, Count: n, Permanent: true}
			return err
		}
		t, err = c.transfer(folder, uids, trash, false)
		return err
	})
	return t, err
}

// DeleteForever removes messages for good, wherever they are, and returns
// how many there were: STORE \Deleted, then UID EXPUNGE of exactly those
// UIDs. Without UIDPLUS they stay, marked \Deleted.
func (s *Session) DeleteForever(ctx context.Context, folder string, uids []uint32) (int, error) {
	var n int
	err := s.do(ctx, func(c *conn) error {
		var err error
		n, err = c.expungeUIDs(folder, uids)
		return err
	})
	return n, err
}

// EmptyFolder removes every message of a folder for good (Kosongkan
// Tempat Sampah / Spam) and returns how many there were. The UIDs are
// searched first and only those are expunged: a message arriving
// meanwhile, or marked \Deleted by another client, is left alone.
func (s *Session) EmptyFolder(ctx context.Context, folder string) (int, error) {
	var n int
	err := s.do(ctx, func(c *conn) error {
		if err := c.selectFolder(folder); err != nil {
			return err
		}
		data, err := c.client.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		if err != nil {
			return c.wrap(err, "uid search all")
		}
		uids := make([]uint32, 0, len(data.AllUIDs()))
		for _, u := range data.AllUIDs() {
			uids = append(uids, uint32(u))
		}
		n = len(uids)
		return c.deleteExact(folder, uids)
	})
	return n, err
}

// SetFlags adds (add) or removes flags of messages of a folder.
// FlagChange.Changed are the messages that did not already have (or
// lack) them, so that undo touches only those. Meant for one flag at a
// time; with several, Changed are the messages that lacked (or had) all.
func (s *Session) SetFlags(ctx context.Context, folder string, uids []uint32, add bool, flags ...string) (FlagChange, error) {
	var fc FlagChange
	err := s.do(ctx, func(c *conn) error {
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
		set := uidSet(uids)
		changing := &imap.SearchCriteria{UID: []imap.UIDSet{set}}
		op := imap.StoreFlagsDel
		if add {
			changing.NotFlag, op = f, imap.StoreFlagsAdd
		} else {
			changing.Flag = f
		}
		// One after the other: untagged SEARCH responses (without
		// ESEARCH) cannot tell which of two pipelined commands they answer.
		all, err := c.existing(uids)
		if err != nil {
			return err
		}
		ch, err := c.client.UIDSearch(changing, nil).Wait()
		if err != nil {
			return c.wrap(err, "uid search")
		}
		fc.Count = len(all)
		for _, u := range ch.AllUIDs() {
			fc.Changed = append(fc.Changed, uint32(u))
		}
		if len(fc.Changed) == 0 {
			return nil
		}
		if err := c.client.Store(uidSet(fc.Changed), &imap.StoreFlags{Op: op, Silent: true, Flags: f}, nil).Close(); err != nil {
			return c.wrap(err, "store "+strings.Join(flags, " "))
		}
		return nil
	})
	return fc, err
}

// existing returns those of uids that are still in the selected folder.
func (c *conn) existing(uids []uint32) ([]uint32, error) {
	data, err := c.client.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{uidSet(uids)}}, nil).Wait()
	if err != nil {
		return nil, c.wrap(err, "uid search")
	}
	found := make([]uint32, 0, len(uids))
	for _, u := range data.AllUIDs() {
		found = append(found, uint32(u))
	}
	return found, nil
}

// transfer moves (or, with copyOnly, copies) the messages of uids that
// still exist from one folder to another.
func (c *conn) transfer(from string, uids []uint32, to string, copyOnly bool) (Transfer, error) {
	t := Transfer{From: from, To: to}
	if len(uids) == 0 || from == to {
		return t, nil
	}
	if err := c.selectFolder(from); err != nil {
		return t, err
	}
	found, err := c.existing(uids)
	if err != nil || len(found) == 0 {
		return t, err
	}
	set := uidSet(found)
	var data imap.CopyData
	if !copyOnly && c.caps().Has(imap.CapMove) {
		// RFC 6851 section 4.3: COPYUID comes in an untagged OK.
		md, err := c.client.Move(set, to).Wait()
		if err != nil {
			return t, c.destinationError(err, to, "move")
		}
		data.UIDValidity = md.UIDValidity
		data.SourceUIDs, _ = md.SourceUIDs.(imap.UIDSet)
		data.DestUIDs, _ = md.DestUIDs.(imap.UIDSet)
	} else {
		// Not client.Move's own fallback: it pipelines STORE and EXPUNGE
		// behind the COPY, so they run even when the COPY fails, and it
		// expunges the whole folder without UIDPLUS.
		cd, err := c.client.Copy(set, to).Wait()
		if err != nil {
			return t, c.destinationError(err, to, "copy")
		}
		data = *cd
		if !copyOnly {
			if err := c.deleteExact(from, found); err != nil {
				return t, err
			}
		}
	}
	t.Count = len(found)
	t.UIDs = uidMap(data)
	return t, nil
}

// destinationError classifies a refused COPY or MOVE. The destination's
// absence is [TRYCREATE] (RFC 3501 section 6.4.7) on most servers; for one
// that answers a bare NO, the folder is looked up.
func (c *conn) destinationError(err error, to, what string) error {
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Code == "" && imapErr.Type == imap.StatusResponseTypeNo {
		if list, lerr := c.client.List("", to, nil).Collect(); lerr == nil && len(list) == 0 {
			return fmt.Errorf("%s to %q: %w: %w", what, to, ErrNoSuchFolder, err)
		}
	}
	return c.wrap(err, what+" to "+to)
}

// expungeUIDs removes those of uids that still exist in folder for good
// and returns how many there were.
func (c *conn) expungeUIDs(folder string, uids []uint32) (int, error) {
	if len(uids) == 0 {
		return 0, nil
	}
	if err := c.selectFolder(folder); err != nil {
		return 0, err
	}
	found, err := c.existing(uids)
	if err != nil || len(found) == 0 {
		return 0, err
	}
	return len(found), c.deleteExact(folder, found)
}

// deleteExact marks the messages \Deleted and, where the server has UID
// EXPUNGE (UIDPLUS or IMAP4rev2), expunges exactly them.
func (c *conn) deleteExact(folder string, uids []uint32) error {
	if len(uids) == 0 {
		return nil
	}
	if err := c.store(folder, uids, imap.StoreFlagsAdd, []string{FlagDeleted}); err != nil {
		return err
	}
	if !c.caps().Has(imap.CapUIDPlus) {
		return nil
	}
	if err := c.client.UIDExpunge(uidSet(uids)).Close(); err != nil {
		return c.wrap(err, "uid expunge")
	}
	c.changed.Store(true)
	return nil
}

// uidMap pairs COPYUID's source and destination UIDs, which correspond in
// order (RFC 4315 section 3); nil when the server sent none.
func uidMap(d imap.CopyData) map[uint32]uint32 {
	if d.UIDValidity == 0 {
		return nil
	}
	src, ok1 := d.SourceUIDs.Nums()
	dst, ok2 := d.DestUIDs.Nums()
	if !ok1 || !ok2 || len(src) != len(dst) || len(src) == 0 {
		return nil
	}
	m := make(map[uint32]uint32, len(src))
	for i, u := range src {
		m[uint32(u)] = uint32(dst[i])
	}
	return m
}

// capsWithout returns caps less the ignored ones. IMAP4rev2 implies
// several extensions (MOVE, UIDPLUS, ...): when one of those is ignored,
// IMAP4rev2 is replaced by the others it implies.
func capsWithout(caps imap.CapSet, ignore []string) imap.CapSet {
	if len(ignore) == 0 {
		return caps
	}
	out := caps.Copy()
	implied := []imap.Cap{
		imap.CapNamespace, imap.CapUnselect, imap.CapUIDPlus, imap.CapESearch, imap.CapSearchRes,
		imap.CapEnable, imap.CapIdle, imap.CapSASLIR, imap.CapListExtended, imap.CapListStatus,
		imap.CapMove, imap.CapLiteralMinus, imap.CapStatusSize, imap.CapChildren,
	}
	if _, ok := out[imap.CapIMAP4rev2]; ok {
		delete(out, imap.CapIMAP4rev2)
		for _, c := range implied {
			out[c] = struct{}{}
		}
	}
	for _, name := range ignore {
		delete(out, imap.Cap(strings.ToUpper(name)))
	}
	return out
}

// FormatUIDs writes UIDs as a compact IMAP sequence set ("1:5,9"), for
// carrying a selection in a small space such as a cookie.
func FormatUIDs(uids []uint32) string {
	s := slices.Clone(uids)
	slices.Sort(s)
	s = slices.Compact(s)
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(s[i]), 10))
		if j > i {
			b.WriteByte(':')
			b.WriteString(strconv.FormatUint(uint64(s[j]), 10))
		}
		i = j + 1
	}
	return b.String()
}

// ParseUIDs reads a set written by FormatUIDs, refusing one of more than
// max UIDs (so "1:4294967295" cannot make it allocate gigabytes), zero,
// "*" and anything malformed.
func ParseUIDs(set string, max int) ([]uint32, error) {
	if set == "" {
		return nil, nil
	}
	var out []uint32
	for part := range strings.SplitSeq(set, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := strconv.ParseUint(lo, 10, 32)
		if err != nil || a == 0 {
			return nil, fmt.Errorf("uid set %q: bad number %q", set, lo)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 32); err != nil || b == 0 {
				return nil, fmt.Errorf("uid set %q: bad number %q", set, hi)
			}
			if b < a {
				a, b = b, a
			}
		}
		if b-a >= uint64(max) || len(out)+int(b-a)+1 > max {
			return nil, fmt.Errorf("uid set %q: more than %d uids", set, max)
		}
		for u := a; u <= b; u++ {
			out = append(out, uint32(u))
		}
	}
	return out, nil
}
