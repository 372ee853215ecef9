package demo

import (
	"sort"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// imapCaps is what the demo IMAP server advertises: IMAP4rev1 plus the
// extensions imapserver + imapmemserver (and our session) really implement.
// imapserver adds SASL-IR, LITERAL-, AUTH=PLAIN, and after login UNSELECT,
// ENABLE, IDLE, UTF8=ACCEPT and APPENDLIMIT=<MaxMessageBytes>.
// There is no SORT, THREAD, CONDSTORE or QUOTA, and no MOVE: imapmemserver
// (beta.8) answers a MOVE with each EXPUNGE twice, some as "* 0 EXPUNGE",
// which leaves a client's message count wrong; without it clients copy,
// flag and UID EXPUNGE, as they must with Zimbra, which lacks MOVE too.
func (b *Backend) imapCaps() imap.CapSet {
	caps := imap.CapSet{
		imap.CapIMAP4rev1:    {},
		imap.CapNamespace:    {},
		imap.CapUIDPlus:      {},
		imap.CapESearch:      {},
		imap.CapSearchRes:    {},
		imap.CapListExtended: {},
		imap.CapListStatus:   {},
		imap.CapStatusSize:   {},
		imap.CapChildren:     {},
		imap.CapBinary:       {},
		imap.CapSpecialUse:   {},
	}
	if b.noSpecialUse {
		delete(caps, imap.CapSpecialUse)
	}
	return caps
}

// imapSession authenticates against the Backend's mutable password table and
// then delegates to an imapmemserver.UserSession. It overrides the commands
// that touch the mailbox list, so it can keep SPECIAL-USE attributes and
// subscriptions, list parents, and rename hierarchies (RFC 3501 §6.3.5).
type imapSession struct {
	*imapmemserver.UserSession // nil until Login succeeds

	b         *Backend
	acct      *account
	closeOnce sync.Once
}

var (
	_ imapserver.SessionNamespace   = (*imapSession)(nil)
	_ imapserver.SessionMove        = (*imapSession)(nil)
	_ imapserver.SessionAppendLimit = (*imapSession)(nil)
)

// newIMAPSession is imapserver.Options.NewSession. It never fails: Close
// must run for every accepted connection so Close of the Backend can count
// them.
func (b *Backend) newIMAPSession(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
	return &imapSession{b: b}, nil, nil
}

// Login checks the password table. Unknown user and wrong password give the
// same NO [AUTHENTICATIONFAILED] (RFC 5530).
func (s *imapSession) Login(username, password string) error {
	acct := s.b.authenticate(username, password)
	if acct == nil {
		return imapserver.ErrAuthFailed
	}
	acct.mu.Lock()
	mustChange := acct.mustChange
	acct.mu.Unlock()
	switch mustChange {
	case MustChangeExpired:
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeExpired, Text: "Password expired"}
	case MustChangeZimbra:
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlert, Text: "password must be changed before IMAP login permitted"}
	}
	s.acct = acct
	s.UserSession = imapmemserver.NewUserSession(acct.user)
	return nil
}

// Close releases the selected mailbox and marks the connection as finished.
func (s *imapSession) Close() error {
	var err error
	if s.UserSession != nil {
		err = s.UserSession.Close()
	}
	s.closeOnce.Do(s.b.imapConns.Done)
	return err
}

// AppendLimit advertises and enforces APPENDLIMIT (RFC 7889).
func (s *imapSession) AppendLimit() uint32 {
	return MaxMessageBytes
}

// Create creates a mailbox and its missing parents.
func (s *imapSession) Create(name string, options *imap.CreateOptions) error {
	return s.acct.createAll(name, options)
}

// Delete deletes a mailbox (never INBOX); its children, if any, stay.
func (s *imapSession) Delete(name string) error {
	return s.acct.delete(name)
}

// Rename renames a mailbox and every mailbox below it.
func (s *imapSession) Rename(oldName, newName string, options *imap.RenameOptions) error {
	return s.acct.rename(oldName, newName)
}

// Subscribe adds a mailbox to the subscription list.
func (s *imapSession) Subscribe(name string) error {
	return s.acct.subscribe(name, true)
}

// Unsubscribe removes a mailbox from the subscription list.
func (s *imapSession) Unsubscribe(name string) error {
	return s.acct.subscribe(name, false)
}

// List answers LIST and LSUB, with LIST-EXTENDED selection options (RFC
// 5258), CHILDREN attributes, SPECIAL-USE attributes (RFC 6154, always
// returned, as Dovecot and Zimbra do) and LIST-STATUS (RFC 5819).
func (s *imapSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	return s.acct.list(w, ref, patterns, options, !s.b.noSpecialUse)
}

func errNo(code imap.ResponseCode, text string) error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Code: code, Text: text}
}

// create makes one mailbox. Caller must not hold acct.mu.
func (acct *account) create(name string, use imap.MailboxAttr) error {
	acct.mu.Lock()
	defer acct.mu.Unlock()
	return acct.createLocked(name, use)
}

func (acct *account) createLocked(name string, use imap.MailboxAttr) error {
	if err := acct.user.Create(name, nil); err != nil {
		return err
	}
	acct.folders[name] = &folderInfo{specialUse: use}
	return nil
}

// createAll makes a mailbox and any missing parent (RFC 3501 §6.3.3).
func (acct *account) createAll(name string, options *imap.CreateOptions) error {
	name = strings.TrimRight(name, string(Delimiter))
	if name == "" {
		return errNo(imap.ResponseCodeCannot, "Invalid mailbox name")
	}
	if strings.EqualFold(name, FolderInbox) {
		return errNo(imap.ResponseCodeAlreadyExists, "Mailbox already exists")
	}
	var use imap.MailboxAttr
	if options != nil && len(options.SpecialUse) > 0 {
		use = options.SpecialUse[0]
	}

	acct.mu.Lock()
	defer acct.mu.Unlock()
	if acct.folders[name] != nil {
		return errNo(imap.ResponseCodeAlreadyExists, "Mailbox already exists")
	}
	parts := strings.Split(name, string(Delimiter))
	for i := 1; i < len(parts); i++ {
		parent := strings.Join(parts[:i], string(Delimiter))
		if parent == "" || acct.folders[parent] != nil {
			continue
		}
		if err := acct.createLocked(parent, ""); err != nil {
			return err
		}
	}
	return acct.createLocked(name, use)
}

// delete removes one mailbox. INBOX cannot be deleted (RFC 3501 §6.3.4).
func (acct *account) delete(name string) error {
	if name == FolderInbox {
		return errNo(imap.ResponseCodeCannot, "INBOX cannot be deleted")
	}
	acct.mu.Lock()
	defer acct.mu.Unlock()
	if err := acct.user.Delete(name); err != nil {
		return err
	}
	delete(acct.folders, name)
	return nil
}

// rename renames a mailbox and its inferiors (RFC 3501 §6.3.5). Renaming
// INBOX (which moves its messages) is not supported.
func (acct *account) rename(oldName, newName string) error {
	newName = strings.TrimRight(newName, string(Delimiter))
	if oldName == FolderInbox {
		return errNo(imap.ResponseCodeCannot, "Renaming INBOX is not supported")
	}
	if newName == "" || strings.EqualFold(newName, FolderInbox) {
		return errNo(imap.ResponseCodeCannot, "Invalid mailbox name")
	}
	prefix := oldName + string(Delimiter)
	if strings.HasPrefix(newName, prefix) {
		return errNo(imap.ResponseCodeCannot, "Cannot move a mailbox into itself")
	}

	acct.mu.Lock()
	defer acct.mu.Unlock()
	info := acct.folders[oldName]
	if info == nil {
		return errNo(imap.ResponseCodeNonExistent, "No such mailbox")
	}
	if acct.folders[newName] != nil {
		return errNo(imap.ResponseCodeAlreadyExists, "Mailbox already exists")
	}
	var children []string
	for name := range acct.folders {
		if strings.HasPrefix(name, prefix) {
			children = append(children, name)
		}
	}
	sort.Strings(children)
	for _, child := range children {
		if acct.folders[newName+strings.TrimPrefix(child, oldName)] != nil {
			return errNo(imap.ResponseCodeAlreadyExists, "A mailbox below the new name already exists")
		}
	}

	// Missing parents of the new name are created first.
	parts := strings.Split(newName, string(Delimiter))
	for i := 1; i < len(parts); i++ {
		parent := strings.Join(parts[:i], string(Delimiter))
		if parent == "" || acct.folders[parent] != nil {
			continue
		}
		if err := acct.createLocked(parent, ""); err != nil {
			return err
		}
	}
	for _, pair := range append([]string{oldName}, children...) {
		to := newName + strings.TrimPrefix(pair, oldName)
		if err := acct.user.Rename(pair, to, nil); err != nil {
			return err
		}
		acct.folders[to] = acct.folders[pair]
		delete(acct.folders, pair)
	}
	return nil
}

// subscribe sets the subscription state of an existing mailbox.
func (acct *account) subscribe(name string, on bool) error {
	acct.mu.Lock()
	defer acct.mu.Unlock()
	info := acct.folders[name]
	if info == nil {
		return errNo(imap.ResponseCodeNonExistent, "No such mailbox")
	}
	var err error
	if on {
		err = acct.user.Subscribe(name)
	} else {
		err = acct.user.Unsubscribe(name)
	}
	if err != nil {
		return err
	}
	info.subscribed = on
	return nil
}

// listEntry is one row of a LIST answer before filtering.
type listEntry struct {
	name string
	info folderInfo // zero for a parent that does not exist
	real bool       // false: a missing parent, listed as \Noselect
}

func (acct *account) list(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions, specialUse bool) error {
	if len(patterns) == 0 {
		// LIST "" "": the hierarchy delimiter and root (RFC 3501 §6.3.8).
		return w.WriteList(&imap.ListData{
			Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect},
			Delim: Delimiter,
		})
	}

	// Snapshot under the lock; STATUS is read afterwards, per mailbox.
	acct.mu.Lock()
	byName := make(map[string]*listEntry, len(acct.folders))
	for name, info := range acct.folders {
		byName[name] = &listEntry{name: name, info: *info, real: true}
	}
	acct.mu.Unlock()
	for name := range byName {
		parts := strings.Split(name, string(Delimiter))
		for i := 1; i < len(parts); i++ {
			parent := strings.Join(parts[:i], string(Delimiter))
			if _, ok := byName[parent]; !ok && parent != "" {
				byName[parent] = &listEntry{name: parent}
			}
		}
	}
	entries := make([]*listEntry, 0, len(byName))
	for _, e := range byName {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool {
		// INBOX first, then by name.
		if (entries[i].name == FolderInbox) != (entries[j].name == FolderInbox) {
			return entries[i].name == FolderInbox
		}
		return entries[i].name < entries[j].name
	})

	hasChildren := func(name string, subscribedOnly bool) bool {
		prefix := name + string(Delimiter)
		for _, e := range entries {
			if strings.HasPrefix(e.name, prefix) && (!subscribedOnly || e.info.subscribed) {
				return true
			}
		}
		return false
	}

	for _, e := range entries {
		matched := false
		for _, pattern := range patterns {
			if imapserver.MatchList(e.name, Delimiter, ref, pattern) {
				matched = true
				break
			}
		}
		if !matched {
			continue
		}
		if options.SelectSpecialUse && (!specialUse || e.info.specialUse == "") {
			continue
		}

		data := imap.ListData{Mailbox: e.name, Delim: Delimiter}
		if options.SelectSubscribed {
			// RFC 5258 §3: RECURSIVEMATCH also returns mailboxes that only
			// have a subscribed descendant, with CHILDINFO ("SUBSCRIBED").
			if options.SelectRecursiveMatch && hasChildren(e.name, true) {
				data.ChildInfo = &imap.ListDataChildInfo{Subscribed: true}
			} else if !e.info.subscribed {
				continue
			}
		}
		if !e.real {
			data.Attrs = append(data.Attrs, imap.MailboxAttrNoSelect)
		}
		if hasChildren(e.name, false) {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasChildren)
		} else {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasNoChildren)
		}
		if e.info.subscribed && (options.SelectSubscribed || options.ReturnSubscribed) {
			data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
		}
		if specialUse && e.info.specialUse != "" {
			data.Attrs = append(data.Attrs, e.info.specialUse)
		}
		if options.ReturnStatus != nil && e.real {
			// A mailbox deleted since the snapshot just gets no STATUS.
			if st, err := acct.user.Status(e.name, options.ReturnStatus); err == nil {
				data.Status = st
			}
		}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}
