package imapclient

import (
	"context"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// roleOrder is the order of special folders in the folder list, as in
// Zimbra: Inbox, Sent, Drafts, Junk, Trash, then Archive.
var roleOrder = map[Role]int{RoleInbox: 0, RoleSent: 1, RoleDrafts: 2, RoleJunk: 3, RoleTrash: 4, RoleArchive: 5}

// roleAttrs maps RFC 6154 attributes (and XLIST's \Spam), lower-cased,
// to roles.
var roleAttrs = map[string]Role{
	`\sent`: RoleSent, `\drafts`: RoleDrafts, `\junk`: RoleJunk, `\spam`: RoleJunk,
	`\trash`: RoleTrash, `\archive`: RoleArchive,
}

// roleNames are well-known folder names for servers that mark nothing,
// lower-cased; English names of common servers and clients, and the
// Indonesian ones.
var roleNames = map[string]Role{
	"sent": RoleSent, "sent items": RoleSent, "sent messages": RoleSent, "sent mail": RoleSent, "terkirim": RoleSent,
	"drafts": RoleDrafts, "draft": RoleDrafts, "draf": RoleDrafts,
	"junk": RoleJunk, "spam": RoleJunk, "junk e-mail": RoleJunk, "junk email": RoleJunk, "bulk mail": RoleJunk,
	"trash": RoleTrash, "deleted items": RoleTrash, "deleted messages": RoleTrash, "bin": RoleTrash, "tempat sampah": RoleTrash, "sampah": RoleTrash,
	"archive": RoleArchive, "archives": RoleArchive, "arsip": RoleArchive,
}

// Folders lists the account's folders with message and unread counts:
// special folders first (Inbox, Sent, Drafts, Junk, Trash, Archive), then
// the user's own folders in tree order.
func (s *Session) Folders(ctx context.Context) ([]Folder, error) {
	var folders []Folder
	err := s.do(ctx, func(c *conn) error {
		var err error
		folders, err = c.folders()
		return err
	})
	return folders, err
}

// foldersAsync starts listing the folders and returns a function that waits
// for the result, so other commands can be pipelined meanwhile. The
// function must be called before the connection is handed back.
func (c *conn) foldersAsync() func() ([]Folder, error) {
	type result struct {
		folders []Folder
		err     error
	}
	ch := make(chan result, 1)
	go func() {
		f, err := c.folders()
		ch <- result{f, err}
	}()
	return func() ([]Folder, error) {
		r := <-ch
		return r.folders, r.err
	}
}

func (c *conn) folders() ([]Folder, error) {
	caps := c.caps()
	opts := &imap.ListOptions{}
	statusOpts := &imap.StatusOptions{NumMessages: true, NumUnseen: true}
	listStatus := caps.Has(imap.CapListStatus) || caps.Has(imap.CapIMAP4rev2)
	if listStatus {
		opts.ReturnStatus = statusOpts
	}
	if caps.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	list, err := c.client.List("", "*", opts).Collect()
	if err != nil {
		return nil, c.wrap(err, "list")
	}
	if !listStatus {
		// Pipeline one STATUS per folder instead of LIST-STATUS.
		cmds := make([]*imapclient.StatusCommand, len(list))
		for i, l := range list {
			if !hasAttr(l.Attrs, imap.MailboxAttrNoSelect) && !hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
				cmds[i] = c.client.Status(l.Mailbox, statusOpts)
			}
		}
		for i, cmd := range cmds {
			if cmd == nil {
				continue
			}
			// A folder that vanished meanwhile just shows no counts.
			if data, err := cmd.Wait(); err == nil {
				list[i].Status = data
			} else if c.droppedBy(err) {
				return nil, c.wrap(err, "status")
			}
		}
	}
	return buildFolders(list), nil
}

// buildFolders turns LIST data into the ordered folder list.
func buildFolders(list []*imap.ListData) []Folder {
	folders := make([]Folder, 0, len(list))
	taken := map[Role]bool{}
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		f := Folder{Name: l.Mailbox, Leaf: l.Mailbox, NoSelect: hasAttr(l.Attrs, imap.MailboxAttrNoSelect)}
		if l.Delim != 0 {
			f.Delim = string(l.Delim)
			parts := strings.Split(l.Mailbox, f.Delim)
			f.Leaf = parts[len(parts)-1]
			f.Depth = len(parts) - 1
		}
		if strings.EqualFold(l.Mailbox, "INBOX") {
			f.Name, f.Leaf, f.Role = "INBOX", "INBOX", RoleInbox
		}
		for _, a := range l.Attrs {
			if r, ok := roleAttrs[strings.ToLower(string(a))]; ok && !taken[r] {
				f.Role = r
			}
		}
		if f.Role != RoleNone {
			taken[f.Role] = true
		}
		if l.Status != nil {
			if l.Status.NumMessages != nil {
				f.Total = *l.Status.NumMessages
			}
			if l.Status.NumUnseen != nil {
				f.Unread = *l.Status.NumUnseen
			}
		}
		folders = append(folders, f)
	}
	// Name fallback for servers without special-use attributes: a
	// top-level folder, or a direct child of INBOX (Courier/Cyrus style).
	for i := range folders {
		f := &folders[i]
		if f.Role != RoleNone || f.NoSelect {
			continue
		}
		parent := strings.TrimSuffix(f.Name, f.Delim+f.Leaf)
		if f.Depth > 1 || (f.Depth == 1 && !strings.EqualFold(parent, "INBOX")) {
			continue
		}
		if r, ok := roleNames[strings.ToLower(f.Leaf)]; ok && !taken[r] {
			f.Role = r
			taken[r] = true
		}
	}
	sort.SliceStable(folders, func(i, j int) bool {
		a, b := folders[i], folders[j]
		ra, aSpecial := roleOrder[a.Role]
		rb, bSpecial := roleOrder[b.Role]
		aSpecial = aSpecial && a.Role != RoleNone
		bSpecial = bSpecial && b.Role != RoleNone
		switch {
		case aSpecial && bSpecial:
			return ra < rb
		case aSpecial != bSpecial:
			return aSpecial
		}
		return treeLess(a, b)
	})
	return folders
}

// treeLess orders folders so that children follow their parent.
func treeLess(a, b Folder) bool {
	pa, pb := splitPath(a), splitPath(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if x, y := strings.ToLower(pa[i]), strings.ToLower(pb[i]); x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

func splitPath(f Folder) []string {
	if f.Delim == "" {
		return []string{f.Name}
	}
	return strings.Split(f.Name, f.Delim)
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}
