package webmail

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// largeMessages is the size of the bench user's "Besar" folder.
const largeMessages = 100000

// BenchmarkDovecotLarge measures, on a warm session against real Dovecot
// with a 100,000-message folder (seeded once), the first, middle and last
// list page and a search by sender and by body text, each against the
// same IMAP commands issued directly on one connection; medians and the
// ratio are reported. Searches vary a LARGER bound per iteration so that
// neither side answers from a cache. Run with -benchtime=10x: a body
// search reads the whole folder.
func BenchmarkDovecotLarge(b *testing.B) {
	d := testenv.Dovecot(b)
	icfg := dovecotIMAP(b, d)
	user := d.Bench
	if user.Address == "" {
		b.Fatal("WEBMAIL_TEST_BENCH_USER is not set")
	}
	const folder = "Besar"
	raw := rawClient(b, icfg, user)
	raw.Create(folder, nil).Wait()
	if st, err := raw.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait(); err != nil {
		b.Fatal(err)
	} else if n := int(*st.NumMessages); n < largeMessages {
		d.Seed(b, user.Address, largeMessages-n, folder)
	}
	if _, err := raw.Select(folder, nil).Wait(); err != nil {
		b.Fatal(err)
	}
	sorted, err := raw.UIDSort(&goimap.SortOptions{SearchCriteria: &imap.SearchCriteria{},
		SortCriteria: []goimap.SortCriterion{{Key: goimap.SortKeyDate, Reverse: true}}}).Wait()
	if err != nil {
		b.Fatal(err)
	}
	// A sender and a body word that occur in the seeded mail.
	first, err := raw.Fetch(imap.UIDSetNum(imap.UID(sorted[0])), &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil || len(first) != 1 || len(first[0].Envelope.From) == 0 {
		b.Fatalf("first message: %v", err)
	}
	sender := first[0].Envelope.From[0].Mailbox
	const word = "rapat"

	e := newEnvAt(b, icfg)
	br := e.browser()
	if p := br.signIn(user.Address, user.Password); p.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %d", p.StatusCode)
	}
	const perPage = 50
	pages := (len(sorted) + perPage - 1) / perPage
	listItems := &imap.FetchOptions{UID: true, Flags: true, Envelope: true, InternalDate: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	listStatus := &imap.ListOptions{ReturnSpecialUse: true,
		ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true}}
	fetch := func(uids []uint32) {
		if len(uids) == 0 {
			return
		}
		set := make([]imap.UID, len(uids))
		for i, u := range uids {
			set[i] = imap.UID(u)
		}
		if _, err := raw.Fetch(imap.UIDSetNum(set...), listItems).Collect(); err != nil {
			b.Fatal(err)
		}
	}
	rawPage := func(page int) {
		if _, err := raw.List("", "*", listStatus).Collect(); err != nil {
			b.Fatal(err)
		}
		if err := raw.Noop().Wait(); err != nil {
			b.Fatal(err)
		}
		fetch(sorted[(page-1)*perPage : min(page*perPage, len(sorted))])
	}
	// rawSearch is what a search page needs: the folder list, the sorted
	// matches, the page's rows.
	rawSearch := func(crit *imap.SearchCriteria) {
		if _, err := raw.List("", "*", listStatus).Collect(); err != nil {
			b.Fatal(err)
		}
		uids, err := raw.UIDSort(&goimap.SortOptions{SearchCriteria: crit,
			SortCriteria: []goimap.SortCriterion{{Key: goimap.SortKeyDate, Reverse: true}}}).Wait()
		if err != nil {
			b.Fatal(err)
		}
		fetch(uids[:min(perPage, len(uids))])
	}
	get := func(path string) {
		if p := br.get(path); p.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d\n%.500s", path, p.StatusCode, p.Body)
		}
	}
	listURL := func(page int) string { return fmt.Sprintf("/mail?folder=%s&page=%d", folder, page) }
	iter := 0
	// larger varies per iteration: 1..n bytes, which every message exceeds.
	larger := func() int64 { return int64(iter%1000 + 1) }
	direct := e.cache.Session(imapclient.Credentials{SessionID: "bench-direct", Username: user.Address, Password: user.Password})
	search := func(q imapclient.Query) {
		q.Larger = larger()
		if _, err := direct.Search(b.Context(), folder, q, 1, perPage); err != nil {
			b.Fatal(err)
		}
		if _, err := direct.Folders(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
	cases := []struct {
		name string
		app  func()
		raw  func()
	}{
		{"list-first", func() { get(listURL(1)) }, func() { rawPage(1) }},
		{"list-middle", func() { get(listURL(pages / 2)) }, func() { rawPage(pages / 2) }},
		{"list-last", func() { get(listURL(pages)) }, func() { rawPage(pages) }},
		{"search-sender", func() { search(imapclient.Query{From: sender}) }, func() {
			rawSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: sender}}, Larger: larger()})
		}},
		{"search-body", func() { search(imapclient.Query{Body: word}) }, func() {
			rawSearch(&imap.SearchCriteria{Body: []string{word}, Larger: larger()})
		}},
		{"search-page-cached", func() {
			get("/mail/search?" + url.Values{"folder": {folder}, "from": {sender}, "page": {"3"}}.Encode())
		},
			func() {
				rawSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: sender}}})
			}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			c.app()
			c.raw()
			var appTimes, rawTimes []time.Duration
			for b.Loop() {
				iter++
				start := time.Now()
				c.app()
				mid := time.Now()
				c.raw()
				appTimes = append(appTimes, mid.Sub(start))
				rawTimes = append(rawTimes, time.Since(mid))
			}
			am, rm := median(appTimes), median(rawTimes)
			b.ReportMetric(float64(am.Microseconds())/1000, "app-ms")
			b.ReportMetric(float64(rm.Microseconds())/1000, "raw-ms")
			b.ReportMetric(float64(am)/float64(rm), "app/raw")
		})
	}
}
