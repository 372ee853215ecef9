package webmail

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// benchMessages is the size of the Dovecot folder the benchmarks read.
const benchMessages = 10000

// BenchmarkDovecotPages measures, on a warm session against real Dovecot
// with a 10,000-message INBOX, the message-list page (first page and a page
// deep in the folder) and opening a message, each against the same IMAP
// commands issued directly with go-imap on one connection. Each iteration
// runs both, so they see the same machine state; the medians and their
// ratio are reported as metrics (target: page/raw under 1.5).
func BenchmarkDovecotPages(b *testing.B) {
	d := testenv.Dovecot(b)
	icfg := dovecotIMAP(b, d)
	user := d.Bench
	if user.Address == "" {
		b.Fatal("WEBMAIL_TEST_BENCH_USER is not set")
	}
	raw := rawClient(b, icfg, user)
	if st, err := raw.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait(); err != nil {
		b.Fatal(err)
	} else if n := int(*st.NumMessages); n < benchMessages {
		d.Seed(b, user.Address, benchMessages-n, "INBOX")
	}
	if _, err := raw.Select("INBOX", nil).Wait(); err != nil {
		b.Fatal(err)
	}
	sorted, err := raw.UIDSort(&goimap.SortOptions{
		SearchCriteria: &imap.SearchCriteria{},
		SortCriteria:   []goimap.SortCriterion{{Key: goimap.SortKeyDate, Reverse: true}},
	}).Wait()
	if err != nil {
		b.Fatal(err)
	}

	e := newEnvAt(b, icfg)
	br := e.browser()
	if p := br.signIn(user.Address, user.Password); p.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %d\n%s", p.StatusCode, p.Body)
	}
	const perPage = 50
	deep := len(sorted)/perPage - 1
	openUID := sorted[deep*perPage]

	listItems := &imap.FetchOptions{UID: true, Flags: true, Envelope: true, InternalDate: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	listStatus := &imap.ListOptions{ReturnSpecialUse: true,
		ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true}}
	// rawPage issues what a list page needs: the folder list with counts,
	// a NOOP for new mail, and the page's 50 envelopes.
	rawPage := func(page int) {
		if _, err := raw.List("", "*", listStatus).Collect(); err != nil {
			b.Fatal(err)
		}
		if err := raw.Noop().Wait(); err != nil {
			b.Fatal(err)
		}
		uids := make([]imap.UID, 0, perPage)
		for _, u := range sorted[(page-1)*perPage : page*perPage] {
			uids = append(uids, imap.UID(u))
		}
		if _, err := raw.Fetch(imap.UIDSetNum(uids...), listItems).Collect(); err != nil {
			b.Fatal(err)
		}
	}
	// rawOpen issues what opening a (read) message needs: its structure
	// and envelope, its text bodies, and the folder list.
	rawOpen := func() {
		uid := imap.UIDSetNum(imap.UID(openUID))
		if err := raw.Noop().Wait(); err != nil {
			b.Fatal(err)
		}
		msgs, err := raw.Fetch(uid, listItems).Collect()
		if err != nil || len(msgs) != 1 {
			b.Fatal(err)
		}
		var sections []*imap.FetchItemBodySection
		msgs[0].BodyStructure.Walk(func(path []int, part imap.BodyStructure) bool {
			if p, ok := part.(*imap.BodyStructureSinglePart); ok && p.Type == "text" && len(sections) < 2 {
				sections = append(sections, &imap.FetchItemBodySection{Part: path, Peek: true,
					Partial: &imap.SectionPartial{Size: 4 << 20}})
			}
			return true
		})
		if _, err := raw.Fetch(uid, &imap.FetchOptions{UID: true, BodySection: sections}).Collect(); err != nil {
			b.Fatal(err)
		}
		if _, err := raw.List("", "*", listStatus).Collect(); err != nil {
			b.Fatal(err)
		}
	}

	get := func(path string) {
		if p := br.get(path); p.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d\n%s", path, p.StatusCode, p.Body)
		}
	}
	direct := e.cache.Session(imapclient.Credentials{SessionID: "direct", Username: user.Address, Password: user.Password})
	cases := []struct {
		name string
		page func()
		raw  func()
	}{
		{"list-first", func() { get("/mail?folder=INBOX&page=1") }, func() { rawPage(1) }},
		{"list-deep", func() { get(fmt.Sprintf("/mail?folder=INBOX&page=%d", deep+1)) }, func() { rawPage(deep + 1) }},
		{"imap-only-first", func() {
			if _, _, err := direct.ListWithFolders(b.Context(), "INBOX", 1, 50); err != nil {
				b.Fatal(err)
			}
		}, func() { rawPage(1) }},
		{"open-message", func() { get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", openUID)) }, rawOpen},
		{"imap-only-open", func() {
			if _, _, err := direct.MessageWithFolders(b.Context(), "INBOX", openUID); err != nil {
				b.Fatal(err)
			}
		}, rawOpen},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			c.page() // warm: the session's connection, the date order
			c.raw()
			var pageTimes, rawTimes []time.Duration
			for b.Loop() {
				start := time.Now()
				c.page()
				mid := time.Now()
				c.raw()
				pageTimes = append(pageTimes, mid.Sub(start))
				rawTimes = append(rawTimes, time.Since(mid))
			}
			pm, rm := median(pageTimes), median(rawTimes)
			b.ReportMetric(float64(pm.Microseconds())/1000, "page-ms")
			b.ReportMetric(float64(rm.Microseconds())/1000, "raw-ms")
			b.ReportMetric(float64(pm)/float64(rm), "page/raw")
		})
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// rawClient is a plain go-imap connection, logged in, for the baseline.
func rawClient(b *testing.B, cfg imapclient.Config, user testenv.User) *goimap.Client {
	b.Helper()
	c, err := goimap.DialStartTLS(cfg.Addr, &goimap.Options{TLSConfig: cfg.TLS})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if err := c.Login(user.Address, user.Password).Wait(); err != nil {
		b.Fatal(err)
	}
	return c
}
