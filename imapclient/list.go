package imapclient

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// sortCache is the UID order of the selected mailbox by date, newest first.
type sortCache struct {
	uidValidity uint32
	numMessages uint32
	uids        []imap.UID
}

// List returns one page (1-based) of a folder's messages, newest first:
// by Date header where the server can SORT, otherwise by arrival. The cost
// is one FETCH of the page's messages; the date order of a large folder is
// computed once by the server and kept while the folder does not change.
func (s *Session) List(ctx context.Context, folder string, page, perPage int) (*Page, error) {
	var p *Page
	err := s.do(ctx, func(c *conn) error {
		var err error
		p, err = c.list(folder, page, perPage)
		return err
	})
	return p, err
}

// ListWithFolders returns the folder list and one page of a folder, as a
// folder view needs both: the folder list is requested in the same round
// trip (pipelined) as the page. A folder missing from the list is
// ErrNoSuchFolder even when a cached connection still has it selected.
func (s *Session) ListWithFolders(ctx context.Context, folder string, page, perPage int) ([]Folder, *Page, error) {
	var folders []Folder
	var p *Page
	err := s.do(ctx, func(c *conn) error {
		wait := c.foldersAsync()
		var err error
		p, err = c.list(folder, page, perPage)
		var ferr error
		folders, ferr = wait()
		if ferr != nil {
			return ferr
		}
		if !selectable(folders, folder) {
			c.selected = ""
			return fmt.Errorf("folder %q: %w", folder, ErrNoSuchFolder)
		}
		return err
	})
	return folders, p, err
}

// selectable reports whether name is in the list and can hold messages.
func selectable(folders []Folder, name string) bool {
	for _, f := range folders {
		if f.Name == name {
			return !f.NoSelect
		}
	}
	return false
}

func (c *conn) list(folder string, page, perPage int) (*Page, error) {
	if perPage <= 0 {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	if err := c.selectFolder(folder); err != nil {
		return nil, err
	}
	total := int(c.numMessages)
	p := &Page{Folder: folder, Total: total, Page: page, PerPage: perPage}
	if pages := p.Pages(); page > pages {
		page, p.Page = pages, pages
	}
	if total == 0 {
		return p, nil
	}
	// Newest first: page 1 holds the last perPage positions.
	hi := total - (page-1)*perPage
	lo := max(hi-perPage+1, 1)

	opts := &imap.FetchOptions{
		UID: true, Flags: true, Envelope: true, InternalDate: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}
	var msgs []*imapclient.FetchMessageBuffer
	var err error
	if c.caps().Has(imap.CapSort) {
		uids, err := c.dateOrder()
		if err != nil {
			return nil, err
		}
		if lo > len(uids) {
			return p, nil
		}
		hi = min(hi, len(uids))
		// uids is newest first: positions total-hi .. total-lo.
		n := len(uids)
		want := uids[n-hi : n-lo+1]
		msgs, err = c.client.Fetch(imap.UIDSetNum(want...), opts).Collect()
		if err != nil {
			return nil, c.wrap(err, "fetch list")
		}
		rank := make(map[imap.UID]int, len(want))
		for i, u := range want {
			rank[u] = i
		}
		sort.Slice(msgs, func(i, j int) bool { return rank[msgs[i].UID] < rank[msgs[j].UID] })
	} else {
		msgs, err = c.client.Fetch(seqRange(uint32(lo), uint32(hi)), opts).Collect()
		if err != nil {
			return nil, c.wrap(err, "fetch list")
		}
		sort.Slice(msgs, func(i, j int) bool { return msgs[i].SeqNum > msgs[j].SeqNum })
	}
	p.Messages = make([]MessageSummary, 0, len(msgs))
	for _, m := range msgs {
		p.Messages = append(p.Messages, summarize(m))
	}
	return p, nil
}

// dateOrder returns the selected mailbox's UIDs sorted by date, newest
// first, from the cache while the server has reported no new or expunged
// message since (RFC 3501 section 7.3.1, 7.4.1): the order of a large
// folder is sorted once by the server, and each page then costs O(page).
func (c *conn) dateOrder() ([]imap.UID, error) {
	if sc := c.sorted; sc != nil && !c.changed.Load() && sc.uidValidity == c.uidValidity &&
		sc.numMessages == c.numMessages {
		return sc.uids, nil
	}
	// Cleared before the command, so a change reported while it runs
	// leaves the new order stale.
	c.changed.Store(false)
	// UIDSort with nil criteria panics in beta.8: always pass a value.
	nums, err := c.client.UIDSort(&imapclient.SortOptions{
		SearchCriteria: &imap.SearchCriteria{},
		SortCriteria:   []imapclient.SortCriterion{{Key: imapclient.SortKeyDate, Reverse: true}},
	}).Wait()
	if err != nil {
		return nil, c.wrap(err, "sort")
	}
	uids := make([]imap.UID, len(nums))
	for i, n := range nums {
		uids[i] = imap.UID(n)
	}
	c.sorted = &sortCache{uidValidity: c.uidValidity, numMessages: c.numMessages, uids: uids}
	return uids, nil
}

// summarize turns a FETCH response into a list row.
func summarize(m *imapclient.FetchMessageBuffer) MessageSummary {
	s := MessageSummary{UID: uint32(m.UID), Size: m.RFC822Size, Date: m.InternalDate}
	if env := m.Envelope; env != nil {
		s.Subject = headerText(env.Subject)
		s.From = addresses(env.From)
		s.To = addresses(env.To)
		if !env.Date.IsZero() {
			s.Date = env.Date
		}
	}
	s.Seen, s.Flagged, s.Answered, s.Draft = flagBits(m.Flags)
	if m.BodyStructure != nil {
		s.HasAttachments = len(attachments(m.BodyStructure)) > 0
	}
	return s
}

func flagBits(flags []imap.Flag) (seen, flagged, answered, draft bool) {
	for _, f := range flags {
		switch imap.Flag(strings.ToLower(string(f))) {
		case `\seen`:
			seen = true
		case `\flagged`:
			flagged = true
		case `\answered`:
			answered = true
		case `\draft`:
			draft = true
		}
	}
	return
}

func addresses(in []imap.Address) []Address {
	out := make([]Address, 0, len(in))
	for _, a := range in {
		if a.IsGroupStart() || a.IsGroupEnd() {
			continue
		}
		email := a.Addr()
		if a.Host == "" {
			email = a.Mailbox
		}
		out = append(out, Address{Name: headerText(strings.TrimSpace(a.Name)), Email: email})
	}
	return out
}

// partPath formats an IMAP section path such as 1.2.
func partPath(path []int) string {
	parts := make([]string, len(path))
	for i, n := range path {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ".")
}

func seqRange(lo, hi uint32) imap.SeqSet {
	var s imap.SeqSet
	s.AddRange(lo, hi)
	return s
}
