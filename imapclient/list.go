package imapclient

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// SortKey is what a message list is ordered by.
type SortKey string

// Sort keys of a message list (RFC 5256 keys DATE, FROM, SUBJECT, SIZE).
const (
	SortDate    SortKey = "date"
	SortFrom    SortKey = "from"
	SortSubject SortKey = "subject"
	SortSize    SortKey = "size"
)

// Order is the order of a message list. The zero value is the default:
// by date, newest first.
type Order struct {
	Key       SortKey // "" means SortDate
	Ascending bool
}

// DefaultOrder is newest first.
var DefaultOrder = Order{Key: SortDate}

// ParseOrder reads a sort key and direction from a URL ("date", "from",
// "subject", "size"; "asc" or "desc"); anything else is the default.
// Dates default to newest first, the other keys to A–Z / smallest first.
func ParseOrder(key, dir string) Order {
	o := Order{Key: SortKey(key)}
	switch o.Key {
	case SortDate, SortFrom, SortSubject, SortSize:
	default:
		o.Key = SortDate
	}
	switch dir {
	case "asc":
		o.Ascending = true
	case "desc":
		o.Ascending = false
	default:
		o.Ascending = o.Key != SortDate
	}
	return o
}

func (o Order) key() SortKey {
	if o.Key == "" {
		return SortDate
	}
	return o.Key
}

// criteria is the RFC 5256 SORT criteria of the order. Ties are broken
// by date, newest first, so a page boundary is stable.
func (o Order) criteria() []imapclient.SortCriterion {
	keys := map[SortKey]imapclient.SortKey{SortDate: imapclient.SortKeyDate, SortFrom: imapclient.SortKeyFrom,
		SortSubject: imapclient.SortKeySubject, SortSize: imapclient.SortKeySize}
	crit := []imapclient.SortCriterion{{Key: keys[o.key()], Reverse: !o.Ascending}}
	if o.key() != SortDate {
		crit = append(crit, imapclient.SortCriterion{Key: imapclient.SortKeyDate, Reverse: true})
	}
	return crit
}

// sortCache holds UID orders of the selected mailbox (sorted lists and
// sorted search results), keyed by order and criteria. All of them are
// dropped together when the mailbox changes.
type sortCache struct {
	uidValidity uint32
	numMessages uint32
	orders      map[string][]imap.UID
}

// maxCachedOrders bounds the orders kept per connection (a 100,000-message
// folder's order is 400 KB).
const maxCachedOrders = 8

// List returns one page (1-based) of a folder's messages, newest first:
// by Date header where the server can SORT, otherwise by arrival. The cost
// is one FETCH of the page's messages; the date order of a large folder is
// computed once by the server and kept while the folder does not change.
func (s *Session) List(ctx context.Context, folder string, page, perPage int) (*Page, error) {
	return s.ListSorted(ctx, folder, DefaultOrder, page, perPage)
}

// ListSorted is List in the given order. Without SORT on the server, only
// dates can be ordered (by arrival); another key gives the date order with
// Page.SortFallback set.
func (s *Session) ListSorted(ctx context.Context, folder string, order Order, page, perPage int) (*Page, error) {
	var p *Page
	err := s.do(ctx, func(c *conn) error {
		var err error
		p, err = c.list(folder, order, page, perPage)
		return err
	})
	return p, err
}

// ListWithFolders returns the folder list and one page of a folder, as a
// folder view needs both: the folder list is requested in the same round
// trip (pipelined) as the page. A folder missing from the list is
// ErrNoSuchFolder even when a cached connection still has it selected.
func (s *Session) ListWithFolders(ctx context.Context, folder string, page, perPage int) ([]Folder, *Page, error) {
	return s.ListWithFoldersSorted(ctx, folder, DefaultOrder, page, perPage)
}

// ListWithFoldersSorted is ListWithFolders in the given order (see
// ListSorted).
func (s *Session) ListWithFoldersSorted(ctx context.Context, folder string, order Order, page, perPage int) ([]Folder, *Page, error) {
	var folders []Folder
	var p *Page
	err := s.do(ctx, func(c *conn) error {
		wait := c.foldersAsync()
		var err error
		p, err = c.list(folder, order, page, perPage)
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

// listItems are the FETCH items of a list row.
func listItems() *imap.FetchOptions {
	return &imap.FetchOptions{
		UID: true, Flags: true, Envelope: true, InternalDate: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}
}

func (c *conn) list(folder string, order Order, page, perPage int) (*Page, error) {
	if perPage <= 0 {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	if p, ok := c.listFromCache(folder, order, page, perPage); ok {
		return p, nil
	}
	if err := c.selectFolder(folder); err != nil {
		return nil, err
	}
	total := int(c.numMessages)
	p := &Page{Folder: folder, Total: total, Page: page, PerPage: perPage, Order: order}
	if pages := p.Pages(); page > pages {
		page, p.Page = pages, pages
	}
	if total == 0 {
		return p, nil
	}
	if c.caps().Has(imap.CapSort) {
		uids, err := c.sortedUIDs(order, nil)
		if err != nil {
			return nil, err
		}
		p.Messages, err = c.summaries(pageOf(uids, page, perPage))
		return p, err
	}
	if order.key() != SortDate {
		// Without SORT the only order the server gives is arrival.
		p.SortFallback = true
		p.Order = Order{Key: SortDate, Ascending: order.Ascending}
	}
	var lo, hi int
	if p.Order.Ascending {
		lo = (page-1)*perPage + 1
		hi = min(lo+perPage-1, total)
	} else {
		// Newest first: page 1 holds the last perPage positions.
		hi = total - (page-1)*perPage
		lo = max(hi-perPage+1, 1)
	}
	msgs, err := c.client.Fetch(seqRange(uint32(lo), uint32(hi)), c.rowItems()).Collect()
	if err != nil {
		return nil, c.rowsErr(err)
	}
	asc := p.Order.Ascending
	sort.Slice(msgs, func(i, j int) bool { return (msgs[i].SeqNum < msgs[j].SeqNum) == asc })
	p.Messages = make([]MessageSummary, 0, len(msgs))
	for _, m := range msgs {
		p.Messages = append(p.Messages, row(m))
	}
	return p, nil
}

// listFromCache serves a page of the selected folder from a cached order
// in one round trip: the NOOP that asks for news and the UID FETCH of the
// page are pipelined. It reports false, having changed nothing the normal
// path relies on, when there is no cached order or the NOOP brought news
// (new or expunged mail: the page may be wrong, so it is built again).
func (c *conn) listFromCache(folder string, order Order, page, perPage int) (*Page, bool) {
	sc := c.sorted
	if c.selected != folder || c.client.Mailbox() == nil || sc == nil || c.changed.Load() ||
		sc.uidValidity != c.uidValidity || sc.numMessages != c.numMessages || !c.caps().Has(imap.CapSort) {
		return nil, false
	}
	uids, ok := sc.orders[orderKey(order, nil)]
	if !ok {
		return nil, false
	}
	p := &Page{Folder: folder, Total: int(c.numMessages), Page: page, PerPage: perPage, Order: order}
	if pages := p.Pages(); page > pages {
		page, p.Page = pages, pages
	}
	want := pageOf(uids, page, perPage)
	noop := c.client.Noop()
	var fetch *imapclient.FetchCommand
	if len(want) > 0 {
		fetch = c.client.Fetch(imap.UIDSetNum(want...), c.rowItems())
	}
	var msgs []*imapclient.FetchMessageBuffer
	var fetchErr error
	if fetch != nil {
		if msgs, fetchErr = fetch.Collect(); fetchErr != nil {
			c.rowsErr(fetchErr) // the normal path then fails and is retried
		}
	}
	if err := noop.Wait(); err != nil || fetchErr != nil || c.changed.Load() ||
		c.client.Mailbox() == nil || c.client.Mailbox().NumMessages != c.numMessages {
		return nil, false
	}
	p.Messages = inOrder(msgs, want)
	return p, true
}

// pageOf is the part of uids on a 1-based page.
func pageOf(uids []imap.UID, page, perPage int) []imap.UID {
	lo := (page - 1) * perPage
	if lo >= len(uids) {
		return nil
	}
	return uids[lo:min(lo+perPage, len(uids))]
}

// summaries fetches the list rows of the selected mailbox's uids, in the
// order given.
func (c *conn) summaries(uids []imap.UID) ([]MessageSummary, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	msgs, err := c.client.Fetch(imap.UIDSetNum(uids...), c.rowItems()).Collect()
	if err != nil {
		return nil, c.rowsErr(err)
	}
	return inOrder(msgs, uids), nil
}

// inOrder turns FETCH responses into list rows in the order of uids.
func inOrder(msgs []*imapclient.FetchMessageBuffer, uids []imap.UID) []MessageSummary {
	rank := make(map[imap.UID]int, len(uids))
	for i, u := range uids {
		rank[u] = i
	}
	sort.Slice(msgs, func(i, j int) bool { return rank[msgs[i].UID] < rank[msgs[j].UID] })
	out := make([]MessageSummary, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, row(m))
	}
	return out
}

// sortedUIDs returns the selected mailbox's UIDs matching criteria (nil:
// all) in the given order, by UID SORT (RFC 5256), from the cache while
// the server has reported no new or expunged message since (RFC 3501
// section 7.3.1, 7.4.1): the order of a large folder is sorted once by the
// server, and each page then costs O(page).
func (c *conn) sortedUIDs(order Order, criteria *imap.SearchCriteria) ([]imap.UID, error) {
	return c.cachedOrder(orderKey(order, criteria), func() ([]imap.UID, error) {
		if criteria == nil {
			// UIDSort with nil criteria panics in beta.8.
			criteria = &imap.SearchCriteria{}
		}
		nums, err := c.client.UIDSort(&imapclient.SortOptions{
			SearchCriteria: criteria,
			SortCriteria:   order.criteria(),
		}).Wait()
		if err != nil {
			return nil, c.wrap(err, "sort")
		}
		uids := make([]imap.UID, len(nums))
		for i, n := range nums {
			uids[i] = imap.UID(n)
		}
		return uids, nil
	})
}

// orderKey is the cache key of an order of the selected mailbox.
func orderKey(order Order, criteria *imap.SearchCriteria) string {
	key := fmt.Sprintf("%s/%v", order.key(), order.Ascending)
	if criteria != nil {
		key += fmt.Sprintf("/%#v", *criteria)
	}
	return key
}

// cachedOrder returns the cached UIDs under key, or runs the command and
// caches its answer. A mailbox change (EXISTS, EXPUNGE, another
// UIDVALIDITY) drops every cached order.
func (c *conn) cachedOrder(key string, run func() ([]imap.UID, error)) ([]imap.UID, error) {
	sc := c.sorted
	if sc == nil || c.changed.Load() || sc.uidValidity != c.uidValidity || sc.numMessages != c.numMessages {
		// Cleared before the command, so a change reported while it
		// runs leaves the new order stale.
		c.changed.Store(false)
		sc = &sortCache{uidValidity: c.uidValidity, numMessages: c.numMessages, orders: map[string][]imap.UID{}}
		c.sorted = sc
	}
	if uids, ok := sc.orders[key]; ok {
		return uids, nil
	}
	uids, err := run()
	if err != nil {
		return nil, err
	}
	if len(sc.orders) >= maxCachedOrders {
		clear(sc.orders)
	}
	sc.orders[key] = uids
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
