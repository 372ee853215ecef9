package imapclient

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// searchFixture is a folder of four messages with known UIDs 1–4, dated
// (Date header and INTERNALDATE) 10 Jan, 10 Feb, 10 Mar and 10 Apr 2025;
// tok makes the senders unique to the run.
func searchFixture(t *testing.T, s testServer, tok string) (string, [][]byte) {
	msg := func(from, subject, body string, date time.Time, extra string) []byte {
		ct := "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n"
		if extra != "" {
			ct = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n" +
				"Content-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n--b\r\nContent-Type: application/pdf\r\n" +
				"Content-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + extra + "\r\n--b--\r\n"
		}
		return []byte("From: " + from + "\r\nTo: diskominfo." + tok + "@pematangsiantar.go.id\r\nSubject: " + subject +
			"\r\nDate: " + date.Format(time.RFC1123Z) + "\r\nMessage-ID: <" + fmt.Sprint(date.UnixNano()) + "." + tok + "@test>\r\n" +
			"MIME-Version: 1.0\r\n" + ct)
	}
	d := func(m int) time.Time { return time.Date(2025, time.Month(m), 10, 9, 0, 0, 0, time.UTC) }
	msgs := [][]byte{
		msg("Boi Manalu <boi."+tok+"@pematangsiantar.go.id>", "Undangan rapat anggaran", "Rapat di aula kantor wali kota.", d(1), ""),
		msg("Sekretariat <sekretariat."+tok+"@pematangsiantar.go.id>", "Laporan bulanan", "Terlampir laporan keuangan.", d(2), ""),
		msg("Kafe <kafe."+tok+"@example.org>", "=?utf-8?q?Caf=C3=A9_=C3=A0_Siantar?=", "Kopi enak – spesial.", d(3),
			strings.Repeat("QUJDRA==", 2500)),
		msg("Boi Manalu <boi."+tok+"@pematangsiantar.go.id>", "Re: Undangan rapat", "Siap hadir.", d(4), ""),
	}
	flags := [][]imap.Flag{{imap.FlagSeen}, {imap.FlagFlagged}, nil, {imap.FlagSeen}}
	name := s.newFolder(t, msgs, []time.Time{d(1), d(2), d(3), d(4)}, flags)
	return name, msgs
}

func uidsOf(p *Page) []uint32 {
	out := []uint32{}
	for _, m := range p.Messages {
		out = append(out, m.UID)
	}
	return out
}

// TestSearch searches by every criterion on both servers, with exact
// expected UIDs, pages the results, and sends odd and huge queries.
func TestSearch(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			ctx := t.Context()
			cache := NewCache(s.cfg, CacheOptions{})
			t.Cleanup(cache.Close)
			sess := cache.Session(Credentials{SessionID: "srch", Username: s.user, Password: s.pass})
			tok := randHex(4)
			folder, _ := searchFixture(t, s, tok)
			day := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
			for _, tt := range []struct {
				name string
				q    Query
				want []uint32
			}{
				{"text sender", Query{Text: "boi." + tok}, []uint32{4, 1}},
				{"text two words", Query{Text: "undangan hadir"}, []uint32{4}},
				{"text phrase", Query{Text: `"rapat anggaran"`}, []uint32{1}},
				{"text recipient", Query{Text: "diskominfo." + tok}, []uint32{4, 3, 2, 1}},
				{"text non-ASCII subject", Query{Text: "café"}, []uint32{3}},
				{"from", Query{From: "sekretariat." + tok}, []uint32{2}},
				{"to", Query{To: tok, Unread: true}, []uint32{3, 2}},
				{"subject", Query{Subject: "undangan"}, []uint32{4, 1}},
				{"body", Query{Body: "keuangan"}, []uint32{2}},
				{"body non-ASCII", Query{Body: "enak – spesial"}, []uint32{3}},
				{"unread", Query{Unread: true}, []uint32{3, 2}},
				{"flagged", Query{Flagged: true}, []uint32{2}},
				{"dates", Query{Since: day(2, 1), Before: day(3, 11)}, []uint32{3, 2}},
				{"one day", Query{Since: day(4, 10), Before: day(4, 11)}, []uint32{4}},
				{"larger", Query{Larger: 10000}, []uint32{3}},
				{"attachment", Query{HasAttachment: true}, []uint32{3}},
				{"none", Query{Text: "rapat", Unread: true}, []uint32{}},
				{"ascending", Query{Since: day(1, 1), Order: Order{Key: SortDate, Ascending: true}}, []uint32{1, 2, 3, 4}},
			} {
				p, err := sess.Search(ctx, folder, tt.q, 1, 50)
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
					continue
				}
				if got := uidsOf(p); !slices.Equal(got, tt.want) || p.Total != len(tt.want) {
					t.Errorf("%s: %v (total %d), want %v", tt.name, got, p.Total, tt.want)
				}
				for _, m := range p.Messages {
					if m.Folder != folder {
						t.Errorf("%s: result folder %q", tt.name, m.Folder)
					}
				}
			}

			// Paging through results.
			q := Query{Text: tok}
			p1, err := sess.Search(ctx, folder, q, 1, 3)
			if err != nil || !slices.Equal(uidsOf(p1), []uint32{4, 3, 2}) || p1.Pages() != 2 {
				t.Errorf("page 1: %v %v", p1, err)
			}
			p2, err := sess.Search(ctx, folder, q, 2, 3)
			if err != nil || !slices.Equal(uidsOf(p2), []uint32{1}) || p2.Page != 2 {
				t.Errorf("page 2: %v %v", p2, err)
			}
			if p, err := sess.Search(ctx, folder, q, 9, 3); err != nil || p.Page != 2 {
				t.Errorf("page past the end: %v %v", p, err)
			}

			// Odd and huge queries: no error, no match.
			for _, odd := range []string{`"\`, `a\"b`, `*`, `%`, "baris\r\nbaru", "nul\x00", "ğüşçö ✓ 日本", strings.Repeat("x", 10000),
				strings.Repeat(`\"`, 3000)} {
				p, err := sess.Search(ctx, folder, Query{Text: odd, From: odd, Body: odd}, 1, 50)
				if err != nil || p.Total != 0 {
					t.Errorf("query %.20q: %v %v", odd, p, err)
				}
			}
			if _, err := sess.Search(ctx, folder, Query{Text: "  \r\n "}, 1, 50); !errors.Is(err, ErrEmptyQuery) {
				t.Errorf("empty query: %v", err)
			}
			if _, err := sess.Search(ctx, "Tidak Ada "+tok, q, 1, 50); !errors.Is(err, ErrNoSuchFolder) {
				t.Errorf("missing folder: %v", err)
			}

			// Sorted results where the server can SORT, else a fallback.
			p, err := sess.Search(ctx, folder, Query{Text: tok, Order: Order{Key: SortFrom, Ascending: true}}, 1, 50)
			if err != nil {
				t.Fatal(err)
			}
			if s.name == "dovecot" {
				if !slices.Equal(uidsOf(p), []uint32{4, 1, 3, 2}) || p.SortFallback {
					t.Errorf("by sender: %v fallback %v", uidsOf(p), p.SortFallback)
				}
			} else if !p.SortFallback || !slices.Equal(uidsOf(p), []uint32{1, 2, 3, 4}) {
				t.Errorf("embedded by sender: %v fallback %v", uidsOf(p), p.SortFallback)
			}

			// All folders: a second folder's match is merged by date.
			other := s.newFolder(t, [][]byte{[]byte("From: boi." + tok + "@pematangsiantar.go.id\r\nSubject: Lain\r\n" +
				"Date: Thu, 01 May 2025 09:00:00 +0000\r\n\r\nIsi.\r\n")}, nil, nil)
			p, err = sess.Search(ctx, folder, Query{From: "boi." + tok, AllFolders: true}, 1, 50)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range p.Messages {
				got = append(got, fmt.Sprintf("%s/%d", m.Folder, m.UID))
			}
			if want := []string{other + "/1", folder + "/4", folder + "/1"}; !slices.Equal(got, want) || p.Total != 3 {
				t.Errorf("all folders: %v (total %d), want %v", got, p.Total, want)
			}
		})
	}
}

// TestListSorted orders a folder by each key where the server has SORT,
// and falls back to the date order (with a flag) where it has not.
func TestListSorted(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			ctx := t.Context()
			cache := NewCache(s.cfg, CacheOptions{})
			t.Cleanup(cache.Close)
			sess := cache.Session(Credentials{SessionID: "sort", Username: s.user, Password: s.pass})
			folder, msgs := searchFixture(t, s, randHex(4))
			bySize := []uint32{1, 2, 3, 4}
			sort.SliceStable(bySize, func(i, j int) bool { return len(msgs[bySize[i]-1]) < len(msgs[bySize[j]-1]) })
			desc := slices.Clone(bySize)
			slices.Reverse(desc)
			sorting := s.name == "dovecot"
			for _, tt := range []struct {
				order Order
				want  []uint32
			}{
				{Order{}, []uint32{4, 3, 2, 1}},
				{Order{Key: SortDate, Ascending: true}, []uint32{1, 2, 3, 4}},
				{Order{Key: SortFrom, Ascending: true}, []uint32{4, 1, 3, 2}},
				{Order{Key: SortFrom}, []uint32{2, 3, 4, 1}},
				// Base subjects (RFC 5256): café, laporan, undangan rapat
				// (from "Re: …"), undangan rapat anggaran.
				{Order{Key: SortSubject, Ascending: true}, []uint32{3, 2, 4, 1}},
				{Order{Key: SortSize, Ascending: true}, bySize},
				{Order{Key: SortSize}, desc},
			} {
				p, err := sess.ListSorted(ctx, folder, tt.order, 1, 50)
				if err != nil {
					t.Fatal(err)
				}
				want, fallback := tt.want, false
				if !sorting && tt.order.key() != SortDate {
					// Arrival order in the direction asked for.
					want, fallback = []uint32{4, 3, 2, 1}, true
					if tt.order.Ascending {
						want = []uint32{1, 2, 3, 4}
					}
				}
				if got := uidsOf(p); !slices.Equal(got, want) || p.SortFallback != fallback {
					t.Errorf("%+v: %v fallback %v, want %v fallback %v", tt.order, got, p.SortFallback, want, fallback)
				}
			}
			// Paging in a sorted order.
			p, err := sess.ListSorted(ctx, folder, Order{Key: SortSubject, Ascending: true}, 2, 3)
			if err != nil {
				t.Fatal(err)
			}
			if want := []uint32{1}; sorting && !slices.Equal(uidsOf(p), want) {
				t.Errorf("page 2 by subject: %v", uidsOf(p))
			}
			if o := ParseOrder("bogus", "sideways"); o != DefaultOrder {
				t.Errorf("ParseOrder fallback = %+v", o)
			}
			if o := ParseOrder("from", ""); o != (Order{Key: SortFrom, Ascending: true}) {
				t.Errorf("ParseOrder(from) = %+v", o)
			}
		})
	}
}
