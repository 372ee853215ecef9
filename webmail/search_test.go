package webmail

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pematangsiantar/webmail/imapclient"
)

// TestSearchPage searches from the top bar and the advanced form, pages
// the results with the query kept in the URL, and survives odd and huge
// queries.
func TestSearchPage(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *imapclient.Config) { c.PerPage = 2 })
	for i, m := range []struct{ from, subject, body string }{
		{"Boi Manalu <boi@pematangsiantar.go.id>", "Undangan rapat", "Rapat di aula."},
		{"Sekretariat <sek@pematangsiantar.go.id>", "Laporan keuangan", "Terlampir laporan."},
		{"Boi Manalu <boi@pematangsiantar.go.id>", "Re: Undangan rapat", "Siap hadir, café."},
		{"Boi Manalu <boi@pematangsiantar.go.id>", "Jadwal piket", "Piket minggu depan."},
	} {
		d := today.AddDate(0, 0, i-4)
		e.appendMessage(acctTU.Address, "INBOX", i == 0, d, plainMessage(m.from, acctTU.Address, m.subject, m.body, d))
	}
	b := e.browser()
	b.mustSignIn(acctTU)
	// The box in the top bar.
	b.get("/mail").mustContain(t, `<form class="searchbox" method="get" action="/mail/search" role="search">`,
		`<input type="hidden" name="folder" value="INBOX">`, `type="search" name="q"`, `placeholder="Cari pesan"`)

	p := b.get("/mail/search?folder=INBOX&q=boi")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	p.mustContain(t, "Jadwal piket", "Re: Undangan rapat", "1–2 dari 3", `value="boi"`, "Pencarian lanjutan",
		`href="/mail/search?folder=INBOX&amp;page=2&amp;q=boi" rel="next"`)
	p.mustNotContain(t, "Laporan keuangan", ">Undangan rapat<")
	p = b.get("/mail/search?folder=INBOX&page=2&q=boi")
	p.mustContain(t, ">Undangan rapat<", "3–3 dari 3")
	// A page past the end goes to the last one.
	if p := b.get("/mail/search?folder=INBOX&page=9&q=boi"); p.StatusCode != http.StatusSeeOther || !strings.Contains(p.location(), "page=2") {
		t.Errorf("past the end: %d %s", p.StatusCode, p.location())
	}
	// Advanced: body word, unread only; all folders.
	p = b.get("/mail/search?" + url.Values{"folder": {"INBOX"}, "body": {"café"}, "unread": {"1"}}.Encode())
	p.mustContain(t, "Re: Undangan rapat", "1–1 dari 1", `name="unread" value="1" checked`)
	p = b.get("/mail/search?folder=Sent&from=sek&all=1")
	p.mustContain(t, "Laporan keuangan", `name="all" value="1" checked`, `href="/mail/message?folder=INBOX&amp;uid=2"`)
	// Nothing found; the bare form.
	b.get("/mail/search?folder=INBOX&q=tidakada").mustContain(t, "Tidak ada pesan yang cocok.")
	if p := b.get("/mail/search?folder=INBOX"); p.StatusCode != http.StatusOK {
		t.Errorf("bare form: %d", p.StatusCode)
	}
	// Sorting the results without SORT on the server: a note.
	b.get("/mail/search?folder=INBOX&q=boi&sort=subject").mustContain(t, "tidak dapat mengurutkan")

	// Odd and huge queries: no error page.
	for _, q := range []string{`"\`, `*`, `%`, "baris\r\nbaru", "ğüş ✓ 日本", `<script>alert(1)</script>`,
		strings.Repeat("x", 10000)} {
		p := b.get("/mail/search?" + url.Values{"folder": {"INBOX"}, "q": {q}, "from": {q}}.Encode())
		if p.StatusCode != http.StatusOK {
			t.Errorf("query %.20q: status %d", q, p.StatusCode)
		}
		p.mustNotContain(t, "<script>alert")
	}
	b.get("/mail/search?folder=INBOX&q="+strings.Repeat("y", 10000)).mustContain(t, "dipotong menjadi 500 karakter")
	// A folder that does not exist: the translated error page.
	if p := b.get("/mail/search?folder=Tidak+Ada&q=boi"); p.StatusCode != http.StatusNotFound {
		t.Errorf("missing folder: %d", p.StatusCode)
	}
}

// TestListSortLinks checks the column headers and the fallback note of
// the embedded server, which has no SORT.
func TestListSortLinks(t *testing.T) {
	e := newEnv(t)
	e.appendMessage(acctTU.Address, "INBOX", true, lastYear, plainMessage("A <a@b.id>", acctTU.Address, "Lama", "x", lastYear))
	e.appendMessage(acctTU.Address, "INBOX", true, today, plainMessage("B <b@b.id>", acctTU.Address, "Baru", "x", today))
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get("/mail")
	p.mustContain(t, `aria-sort="descending"><a class="sort" href="/mail?folder=INBOX&amp;order=asc&amp;sort=date">Tanggal</a>`,
		`<a class="sort" href="/mail?folder=INBOX&amp;sort=from">Pengirim</a>`, `href="/mail?folder=INBOX&amp;sort=size"`)
	p.mustNotContain(t, "tidak dapat mengurutkan")
	p = b.get("/mail?folder=INBOX&sort=date&order=asc")
	if strings.Index(p.Body, ">Lama<") > strings.Index(p.Body, ">Baru<") {
		t.Error("oldest first not honoured")
	}
	b.get("/mail?folder=INBOX&sort=size").mustContain(t, "Server surat tidak dapat mengurutkan menurut kolom itu")
}
