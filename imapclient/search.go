package imapclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
)

// Limits of a search.
const (
	// MaxQueryLen is the longest search term kept, in characters; longer
	// terms are cut (a 10,000-character query is not an error).
	MaxQueryLen = 500
	// maxTextWords bounds the words of Query.Text, each an OR of four
	// keys for the server to evaluate.
	maxTextWords = 8
	// MaxSearchFolders is how many folders a search of all folders looks
	// in, in folder-list order.
	MaxSearchFolders = 50
	// MaxAllFoldersResults is how many results of a search of all folders
	// can be paged through; Page.Truncated says when there are more.
	MaxAllFoldersResults = 500
)

// Errors of a search.
var (
	// ErrEmptyQuery means the query has no criterion at all.
	ErrEmptyQuery = errors.New("imap: empty search")
	// ErrSearchRejected means the server refused the search (BAD or NO).
	ErrSearchRejected = errors.New("imap: search rejected by the server")
)

// Query is what a search looks for. Every field set must match (AND).
type Query struct {
	// Text matches any of From, To, Subject and the body; several words
	// must each match ("quoted phrases" stay together).
	Text                    string
	From, To, Subject, Body string
	// Since and Before bound the INTERNALDATE (the day the message
	// arrived): Since is inclusive, Before exclusive (RFC 3501 6.4.4);
	// only the date counts.
	Since, Before time.Time
	// HasAttachment approximates "has an attachment" on the server by a
	// multipart/mixed Content-Type header: IMAP has no search key for
	// attachments, and filtering BODYSTRUCTUREs on our side would make
	// counts and paging depend on fetching every match. Mail with
	// attachments is multipart/mixed in practice; inline-only images
	// (multipart/related) are deliberately not counted.
	HasAttachment bool
	Unread        bool
	Flagged       bool
	Larger        int64 // bytes; 0 means no bound
	// AllFolders searches every selectable folder (up to
	// MaxSearchFolders) instead of the one given; results are then in
	// date order only.
	AllFolders bool
	// Order of the results (the zero value: newest first).
	Order Order
}

// cleanTerm makes a user's term safe to send: control characters (CR, LF,
// NUL...) become spaces, and it is cut to MaxQueryLen characters. Quotes,
// backslashes, '*' and '%' need nothing: go-imap sends them quoted or as a
// literal, and SEARCH has no wildcards.
func cleanTerm(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxQueryLen {
		s = string([]rune(s)[:MaxQueryLen])
	}
	return s
}

// textWords splits Query.Text into words, keeping "quoted phrases".
func textWords(s string) []string {
	var words []string
	for i, part := range strings.Split(s, `"`) {
		if i%2 == 1 {
			if p := strings.TrimSpace(part); p != "" {
				words = append(words, p)
			}
			continue
		}
		words = append(words, strings.Fields(part)...)
	}
	if len(words) > maxTextWords {
		words = words[:maxTextWords]
	}
	return words
}

// criteria is the IMAP SEARCH criteria of the query; nil when it has none.
func (q Query) criteria() *imap.SearchCriteria {
	c := &imap.SearchCriteria{}
	empty := true
	for _, w := range textWords(cleanTerm(q.Text)) {
		// FROM, TO, SUBJECT or BODY contains the word.
		c.Or = append(c.Or, [2]imap.SearchCriteria{
			{Or: [][2]imap.SearchCriteria{{
				{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: w}}},
				{Header: []imap.SearchCriteriaHeaderField{{Key: "To", Value: w}}},
			}}},
			{Or: [][2]imap.SearchCriteria{{
				{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: w}}},
				{Body: []string{w}},
			}}},
		})
		empty = false
	}
	for _, h := range []struct{ key, value string }{{"From", q.From}, {"To", q.To}, {"Subject", q.Subject}} {
		if v := cleanTerm(h.value); v != "" {
			c.Header = append(c.Header, imap.SearchCriteriaHeaderField{Key: h.key, Value: v})
			empty = false
		}
	}
	if v := cleanTerm(q.Body); v != "" {
		c.Body = append(c.Body, v)
		empty = false
	}
	if q.HasAttachment {
		c.Header = append(c.Header, imap.SearchCriteriaHeaderField{Key: "Content-Type", Value: "multipart/mixed"})
		empty = false
	}
	if q.Unread {
		c.NotFlag = append(c.NotFlag, imap.FlagSeen)
		empty = false
	}
	if q.Flagged {
		c.Flag = append(c.Flag, imap.FlagFlagged)
		empty = false
	}
	if q.Larger > 0 {
		c.Larger = q.Larger
		empty = false
	}
	if !q.Since.IsZero() {
		c.Since = dateOnly(q.Since)
		empty = false
	}
	if !q.Before.IsZero() {
		c.Before = dateOnly(q.Before)
		empty = false
	}
	if empty {
		return nil
	}
	return c
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Search returns one page (1-based) of the messages of folder matching q,
// in q.Order (see ListSorted): UID SORT with the criteria where the
// server has SORT, otherwise UID SEARCH (ESEARCH RETURN (ALL) when
// advertised) in arrival order; then only the page's messages are fetched.
// The matching UIDs are cached like a folder's order, so paging through
// results costs one FETCH per page. Each result carries its folder. A
// query the server refuses is ErrSearchRejected; one without any
// criterion is ErrEmptyQuery.
func (s *Session) Search(ctx context.Context, folder string, q Query, page, perPage int) (*Page, error) {
	crit := q.criteria()
	if crit == nil {
		return nil, ErrEmptyQuery
	}
	if perPage <= 0 {
		perPage = 50
	}
	page = max(page, 1)
	var p *Page
	err := s.do(ctx, func(c *conn) error {
		var err error
		if q.AllFolders {
			p, err = c.searchAll(crit, q.Order, page, perPage)
		} else {
			p, err = c.search(folder, crit, q.Order, page, perPage)
		}
		return err
	})
	return p, err
}

// matching returns the selected mailbox's UIDs matching crit in order,
// reporting whether it had to fall back to the date order.
func (c *conn) matching(crit *imap.SearchCriteria, order Order) ([]imap.UID, Order, bool, error) {
	if c.caps().Has(imap.CapSort) {
		uids, err := c.sortedUIDs(order, crit)
		return uids, order, false, searchErr(c, err)
	}
	fallback := order.key() != SortDate
	if fallback {
		order = Order{Key: SortDate, Ascending: order.Ascending}
	}
	key := fmt.Sprintf("search/%#v", *crit)
	uids, err := c.cachedOrder(key, func() ([]imap.UID, error) {
		var opts *imap.SearchOptions
		if c.caps().Has(imap.CapESearch) || c.caps().Has(imap.CapIMAP4rev2) {
			opts = &imap.SearchOptions{ReturnAll: true}
		}
		data, err := c.client.UIDSearch(crit, opts).Wait()
		if err != nil {
			return nil, c.wrap(err, "search")
		}
		uids := data.AllUIDs()
		slices.Sort(uids)
		return uids, nil
	})
	if err != nil {
		return nil, order, fallback, searchErr(c, err)
	}
	if !order.Ascending {
		// Arrival order, newest first; a copy, the cache keeps its own.
		uids = slices.Clone(uids)
		slices.Reverse(uids)
	}
	return uids, order, fallback, nil
}

// searchErr marks a refused search as ErrSearchRejected; a dropped
// connection stays what it is.
func searchErr(c *conn, err error) error {
	var imapErr *imap.Error
	if err == nil || c.droppedBy(err) || !errors.As(err, &imapErr) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrSearchRejected, err)
}

func (c *conn) search(folder string, crit *imap.SearchCriteria, order Order, page, perPage int) (*Page, error) {
	if err := c.selectFolder(folder); err != nil {
		return nil, err
	}
	uids, used, fallback, err := c.matching(crit, order)
	if err != nil {
		return nil, err
	}
	p := &Page{Folder: folder, Total: len(uids), Page: page, PerPage: perPage, Order: used, SortFallback: fallback}
	if pages := p.Pages(); page > pages {
		p.Page = pages
	}
	p.Messages, err = c.summaries(pageOf(uids, p.Page, perPage))
	if err != nil {
		return nil, err
	}
	for i := range p.Messages {
		p.Messages[i].Folder = folder
	}
	return p, nil
}

// searchAll searches every selectable folder and merges the results by
// date. Each folder contributes at most the first page*perPage matches of
// its own date order (capped at MaxAllFoldersResults), which is all the
// merged page can need.
func (c *conn) searchAll(crit *imap.SearchCriteria, order Order, page, perPage int) (*Page, error) {
	folders, err := c.folders()
	if err != nil {
		return nil, err
	}
	p := &Page{Page: page, PerPage: perPage, Order: Order{Key: SortDate, Ascending: order.Ascending}}
	p.SortFallback = order.key() != SortDate
	need := min(page*perPage, MaxAllFoldersResults)
	var all []MessageSummary
	searched := 0
	for _, f := range folders {
		if f.NoSelect {
			continue
		}
		if searched == MaxSearchFolders {
			p.Truncated = true
			break
		}
		searched++
		if err := c.selectFolder(f.Name); err != nil {
			if errors.Is(err, ErrNoSuchFolder) {
				continue // deleted meanwhile
			}
			return nil, err
		}
		uids, _, _, err := c.matching(crit, p.Order)
		if err != nil {
			return nil, err
		}
		p.Total += len(uids)
		msgs, err := c.summaries(uids[:min(need, len(uids))])
		if err != nil {
			return nil, err
		}
		for i := range msgs {
			msgs[i].Folder = f.Name
		}
		all = append(all, msgs...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if p.Order.Ascending {
			return all[i].Date.Before(all[j].Date)
		}
		return all[i].Date.After(all[j].Date)
	})
	if p.Total > MaxAllFoldersResults {
		p.Total, p.Truncated = MaxAllFoldersResults, true
	}
	if pages := p.Pages(); p.Page > pages {
		p.Page = pages
	}
	lo := (p.Page - 1) * perPage
	if lo < len(all) {
		p.Messages = all[lo:min(lo+perPage, len(all), p.Total)]
	}
	return p, nil
}
