package imapclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
)

// Errors of folder management; test them with errors.Is.
var (
	// ErrFolderExists means a folder of that name exists already.
	ErrFolderExists = errors.New("imap: folder already exists")
	// ErrInvalidFolderName means the name cannot be used (see
	// FolderNameError for why).
	ErrInvalidFolderName = errors.New("imap: invalid folder name")
	// ErrSpecialFolder means the folder is the inbox or a special-use
	// folder (Sent, Drafts, Junk, Trash, Archive), which is not renamed
	// or deleted.
	ErrSpecialFolder = errors.New("imap: special folder")
)

// NameProblem says what is wrong with a folder name.
type NameProblem string

// Problems of a folder name.
const (
	NameEmpty     NameProblem = "empty"
	NameDelimiter NameProblem = "delimiter" // the leaf holds the hierarchy delimiter
	NameWildcard  NameProblem = "wildcard"  // '%' or '*', the LIST wildcards (RFC 3501 6.3.8)
	NameControl   NameProblem = "control"   // control characters, invalid UTF-8
	NameTooLong   NameProblem = "too_long"
)

// maxFolderName is the longest leaf accepted, in characters.
const maxFolderName = 200

// FolderNameError is a refused folder name; it matches ErrInvalidFolderName.
type FolderNameError struct {
	Name    string
	Problem NameProblem
	Delim   string // the delimiter, for NameDelimiter
}

func (e *FolderNameError) Error() string {
	return fmt.Sprintf("imap: invalid folder name %q: %s", e.Name, e.Problem)
}

// Is makes errors.Is(err, ErrInvalidFolderName) true.
func (e *FolderNameError) Is(target error) bool { return target == ErrInvalidFolderName }

// CheckLeaf validates one level of a folder name (UTF-8; go-imap encodes
// it as modified UTF-7, RFC 3501 5.1.3, on the wire) and returns it
// trimmed.
func CheckLeaf(leaf, delim string) (string, error) {
	leaf = strings.TrimSpace(leaf)
	bad := func(p NameProblem) (string, error) {
		return "", &FolderNameError{Name: leaf, Problem: p, Delim: delim}
	}
	switch {
	case leaf == "":
		return bad(NameEmpty)
	case !utf8.ValidString(leaf) || strings.ContainsFunc(leaf, unicode.IsControl):
		return bad(NameControl)
	case delim != "" && strings.Contains(leaf, delim):
		return bad(NameDelimiter)
	case strings.ContainsAny(leaf, "%*"):
		return bad(NameWildcard)
	case utf8.RuneCountInString(leaf) > maxFolderName:
		return bad(NameTooLong)
	}
	return leaf, nil
}

// FoldersSubscribed lists the folders (as Folders) and which of them the
// user subscribes to. The map is nil when the server cannot say (no
// LIST-EXTENDED, RFC 5258).
func (s *Session) FoldersSubscribed(ctx context.Context) ([]Folder, map[string]bool, error) {
	var folders []Folder
	var subs map[string]bool
	err := s.do(ctx, func(c *conn) error {
		var err error
		if folders, err = c.folders(); err != nil {
			return err
		}
		subs, err = c.subscriptions()
		return err
	})
	return folders, subs, err
}

func (c *conn) subscriptions() (map[string]bool, error) {
	if !c.caps().Has(imap.CapListExtended) && !c.caps().Has(imap.CapIMAP4rev2) {
		return nil, nil
	}
	list, err := c.client.List("", "*", &imap.ListOptions{SelectSubscribed: true}).Collect()
	if err != nil {
		return nil, c.wrap(err, "list subscribed")
	}
	subs := make(map[string]bool, len(list))
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		name := l.Mailbox
		if strings.EqualFold(name, "INBOX") {
			name = "INBOX"
		}
		subs[name] = true
	}
	return subs, nil
}

// delimiter is the account's hierarchy delimiter ("" when flat).
func (c *conn) delimiter(folders []Folder) (string, error) {
	for _, f := range folders {
		if f.Delim != "" {
			return f.Delim, nil
		}
	}
	// LIST "" "" returns the delimiter of the root (RFC 3501 6.3.8).
	list, err := c.client.List("", "", nil).Collect()
	if err != nil {
		return "", c.wrap(err, "list delimiter")
	}
	if len(list) > 0 && list[0].Delim != 0 {
		return string(list[0].Delim), nil
	}
	return "", nil
}

// findFolder returns the named folder of the list.
func findFolder(folders []Folder, name string) (Folder, bool) {
	if strings.EqualFold(name, "INBOX") {
		name = "INBOX"
	}
	for _, f := range folders {
		if f.Name == name {
			return f, true
		}
	}
	return Folder{}, false
}

// CreateFolder creates leaf under parent ("" for the top level), joined by
// the server's delimiter, subscribes to it, and returns its full name.
func (s *Session) CreateFolder(ctx context.Context, parent, leaf string) (string, error) {
	var name string
	err := s.do(ctx, func(c *conn) error {
		folders, err := c.folders()
		if err != nil {
			return err
		}
		delim, err := c.delimiter(folders)
		if err != nil {
			return err
		}
		if leaf, err = CheckLeaf(leaf, delim); err != nil {
			return err
		}
		name = leaf
		if parent != "" {
			p, ok := findFolder(folders, parent)
			if !ok {
				return fmt.Errorf("parent %q: %w", parent, ErrNoSuchFolder)
			}
			if delim == "" {
				return &FolderNameError{Name: leaf, Problem: NameDelimiter}
			}
			name = p.Name + delim + leaf
		}
		if _, ok := findFolder(folders, name); ok {
			return fmt.Errorf("create %q: %w", name, ErrFolderExists)
		}
		if err := c.client.Create(name, nil).Wait(); err != nil {
			// The folder list said the name was free, so ALREADYEXISTS
			// means it exists now: another session created it meanwhile,
			// or Dovecot (maildir) created it and still answered
			// ALREADYEXISTS, as it does when other sessions of the same
			// user create or delete folders at the same moment. Either
			// way the user has the folder they asked for.
			if err = c.manageErr(err, "create "+name); !errors.Is(err, ErrFolderExists) {
				return err
			}
		}
		// Clients that show subscribed folders only should see it too.
		if err := c.client.Subscribe(name).Wait(); err != nil && c.droppedBy(err) {
			return c.wrap(err, "subscribe "+name)
		}
		return nil
	})
	return name, err
}

// RenameFolder gives a folder a new last name (it stays under the same
// parent; its subfolders move with it, RFC 3501 6.3.5) and returns the new
// full name. The inbox and special-use folders are refused.
func (s *Session) RenameFolder(ctx context.Context, name, leaf string) (string, error) {
	var newName string
	err := s.do(ctx, func(c *conn) error {
		folders, err := c.folders()
		if err != nil {
			return err
		}
		f, err := c.manageable(folders, name)
		if err != nil {
			return err
		}
		if leaf, err = CheckLeaf(leaf, f.Delim); err != nil {
			return err
		}
		newName = leaf
		if f.Depth > 0 {
			newName = strings.TrimSuffix(f.Name, f.Leaf) + leaf
		}
		if newName == f.Name {
			return nil
		}
		if _, ok := findFolder(folders, newName); ok {
			return fmt.Errorf("rename to %q: %w", newName, ErrFolderExists)
		}
		subs, _ := c.subscriptions()
		if err := c.leave(f); err != nil {
			return err
		}
		if err := c.client.Rename(f.Name, newName, nil).Wait(); err != nil {
			return c.manageErr(err, "rename "+f.Name)
		}
		// Servers differ on whether subscriptions follow a rename: make
		// the new name's match the old one's.
		if subs[f.Name] {
			c.client.Unsubscribe(f.Name).Wait()
			if err := c.client.Subscribe(newName).Wait(); err != nil && c.droppedBy(err) {
				return c.wrap(err, "subscribe "+newName)
			}
		}
		return nil
	})
	return newName, err
}

// DeleteFolder deletes a folder with its subfolders and their messages.
// The inbox and special-use folders (and folders holding one) are refused.
func (s *Session) DeleteFolder(ctx context.Context, name string) error {
	return s.do(ctx, func(c *conn) error {
		folders, err := c.folders()
		if err != nil {
			return err
		}
		f, err := c.manageable(folders, name)
		if err != nil {
			return err
		}
		// Deepest first: a server may refuse to delete a folder with
		// inferiors, or keep it as \Noselect (RFC 3501 6.3.4).
		victims := []Folder{f}
		for _, g := range folders {
			if f.Delim != "" && strings.HasPrefix(g.Name, f.Name+f.Delim) {
				if g.Role != RoleNone {
					return fmt.Errorf("delete %q holds %q: %w", f.Name, g.Name, ErrSpecialFolder)
				}
				victims = append(victims, g)
			}
		}
		slices.SortStableFunc(victims, func(a, b Folder) int { return b.Depth - a.Depth })
		if err := c.leave(f); err != nil {
			return err
		}
		for _, v := range victims {
			if err := c.client.Delete(v.Name).Wait(); err != nil {
				return c.manageErr(err, "delete "+v.Name)
			}
			// Subscriptions outlive the folder on some servers.
			c.client.Unsubscribe(v.Name).Wait()
		}
		return nil
	})
}

// Subscribe subscribes to a folder (RFC 3501 6.3.6).
func (s *Session) Subscribe(ctx context.Context, name string) error {
	return s.do(ctx, func(c *conn) error {
		if err := c.client.Subscribe(name).Wait(); err != nil {
			return c.manageErr(err, "subscribe "+name)
		}
		return nil
	})
}

// Unsubscribe unsubscribes from a folder (RFC 3501 6.3.7).
func (s *Session) Unsubscribe(ctx context.Context, name string) error {
	return s.do(ctx, func(c *conn) error {
		if err := c.client.Unsubscribe(name).Wait(); err != nil {
			return c.manageErr(err, "unsubscribe "+name)
		}
		return nil
	})
}

// manageable returns the folder if it exists and may be renamed or
// deleted.
func (c *conn) manageable(folders []Folder, name string) (Folder, error) {
	f, ok := findFolder(folders, name)
	if !ok {
		return f, fmt.Errorf("folder %q: %w", name, ErrNoSuchFolder)
	}
	if f.Role != RoleNone {
		return f, fmt.Errorf("folder %q (%s): %w", name, f.Role, ErrSpecialFolder)
	}
	return f, nil
}

// leave unselects the selected mailbox when it is f or below it: some
// servers refuse to rename or delete the selected mailbox.
func (c *conn) leave(f Folder) error {
	sel := c.selected
	if sel == "" || (sel != f.Name && (f.Delim == "" || !strings.HasPrefix(sel, f.Name+f.Delim))) {
		return nil
	}
	c.selected = ""
	c.sorted = nil
	var err error
	if c.caps().Has(imap.CapUnselect) || c.caps().Has(imap.CapIMAP4rev2) {
		err = c.client.Unselect().Wait()
	} else {
		// EXAMINE, not CLOSE: CLOSE would expunge.
		_, err = c.client.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	}
	if err != nil && c.droppedBy(err) {
		return c.wrap(err, "unselect")
	}
	return nil
}

// manageErr classifies a refused CREATE/RENAME/DELETE.
func (c *conn) manageErr(err error, what string) error {
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists {
		return fmt.Errorf("imap %s: %w: %w", what, ErrFolderExists, err)
	}
	return c.wrap(err, what)
}
