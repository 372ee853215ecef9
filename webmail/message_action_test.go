package webmail

import (
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// folderState is every message of a folder: UID → its flags, sorted.
func folderState(t *testing.T, e *env, a demo.Account, folder string) map[uint32]string {
	t.Helper()
	out := map[uint32]string{}
	withIMAP(t, e, a, func(c *goimap.Client) {
		data, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			t.Fatalf("select %q: %v", folder, err)
		}
		if data.NumMessages == 0 {
			return
		}
		var all imap.SeqSet
		all.AddRange(1, 0)
		msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			var fl []string
			for _, f := range m.Flags {
				if !strings.EqualFold(string(f), `\Recent`) {
					fl = append(fl, string(f))
				}
			}
			sort.Strings(fl)
			out[uint32(m.UID)] = strings.Join(fl, " ")
		}
	})
	return out
}

func minus(m map[uint32]string, uids ...uint32) map[uint32]string {
	out := maps.Clone(m)
	for _, u := range uids {
		delete(out, u)
	}
	return out
}

// seedInbox puts n messages in the inbox, the first two read and the
// second flagged, and returns their UIDs.
func seedInbox(e *env, folder string, n int) []uint32 {
	var uids []uint32
	for i := range n {
		d := thisYear.Add(time.Duration(i) * time.Hour)
		uid := e.appendMessage(acctTU.Address, folder, i < 2, d, plainMessage("a@b.id", acctTU.Address, fmt.Sprintf("Surat %d", i+1), "Isi", d))
		uids = append(uids, uid)
	}
	return uids
}

// action posts the toolbar form with the CSRF token of the list page.
func (b *browser) action(t *testing.T, fields url.Values, uids ...uint32) *page {
	t.Helper()
	token := b.get("/mail").csrf(t)
	form := url.Values{"csrf_token": {token}}
	for k, v := range fields {
		form[k] = v
	}
	for _, u := range uids {
		form.Add("uid", strconv.FormatUint(uint64(u), 10))
	}
	return b.post("/mail/action", form)
}

var reUndo = regexp.MustCompile(`(?s)<form method="post" action="/mail/action" class="undo">(.*?)</form>`)
var reHidden = regexp.MustCompile(`name="([a-z_]+)" value="([^"]*)"`)

// undoForm is the Urungkan button's fields on a page, nil when none.
func undoFields(p *page) url.Values {
	m := reUndo.FindStringSubmatch(p.Body)
	if m == nil {
		return nil
	}
	v := url.Values{}
	for _, h := range reHidden.FindAllStringSubmatch(m[1], -1) {
		v.Set(h[1], html.UnescapeString(h[2]))
	}
	return v
}

func TestActionEveryKind(t *testing.T) {
	for _, tt := range []struct {
		action, from, to string
		// moved: the selection leaves the folder for dest; flags: the
		// selection's flags afterwards.
		dest  string
		flags string
	}{
		{action: "read", flags: `\Seen`},
		{action: "unread", flags: ""},
		{action: "flag", flags: `\Flagged`},
		{action: "unflag", flags: ""},
		{action: "move", to: "Kegiatan Dinas", dest: "Kegiatan Dinas"},
		{action: "copy", to: "Kegiatan Dinas", dest: "Kegiatan Dinas"},
		{action: "delete", dest: "Trash"},
		{action: "spam", dest: "Junk"},
		{action: "archive", dest: "Arsip"},
		{action: "notspam", from: "Junk", dest: "INBOX"},
	} {
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d", tt.action, n), func(t *testing.T) {
				e := newEnv(t)
				from := tt.from
				if from == "" {
					from = "INBOX"
				}
				if err := e.backend.CreateMailbox(acctTU.Address, "Kegiatan Dinas"); err != nil {
					t.Fatal(err)
				}
				uids := seedInbox(e, from, 5)
				before := folderState(t, e, acctTU, from)
				sel := []uint32{uids[1]}
				if n == 3 {
					sel = []uint32{uids[0], uids[1], uids[3]}
				}
				b := e.browser()
				b.mustSignIn(acctTU)
				ret := "/mail?folder=" + url.QueryEscape(from)
				p := b.action(t, url.Values{"action": {tt.action}, "folder": {from}, "to": {tt.to}, "return": {ret}}, sel...)
				if p.StatusCode != http.StatusSeeOther || p.location() != ret {
					t.Fatalf("%d %q\n%s", p.StatusCode, p.location(), p.Body)
				}
				after := folderState(t, e, acctTU, from)
				// Nothing else of the folder changed.
				if !maps.Equal(minus(after, sel...), minus(before, sel...)) {
					t.Errorf("others changed: %v, before %v", after, before)
				}
				if tt.dest != "" {
					destState := folderState(t, e, acctTU, tt.dest)
					if len(destState) != n {
						t.Errorf("%s holds %v", tt.dest, destState)
					}
					for _, u := range sel {
						_, still := after[u]
						if still != (tt.action == "copy") {
							t.Errorf("message %d still in %s: %v", u, from, still)
						}
					}
				} else {
					for _, u := range sel {
						if got := strings.ReplaceAll(after[u], `\Seen`, ""); tt.action == "flag" || tt.action == "unflag" {
							if strings.TrimSpace(got) != tt.flags {
								t.Errorf("message %d: flags %q", u, after[u])
							}
						} else if !strings.Contains(after[u], tt.flags) || (tt.flags == "" && strings.Contains(after[u], `\Seen`)) {
							t.Errorf("message %d: flags %q", u, after[u])
						}
					}
				}
				// The message says what happened, with the count.
				list := b.get(ret)
				want := map[string]string{
					"read": "pesan ditandai sudah dibaca", "unread": "pesan ditandai belum dibaca",
					"flag": "pesan ditandai bintang", "unflag": "Bintang dihapus dari " + strconv.Itoa(n),
					"move": "pesan dipindahkan ke Kegiatan Dinas", "copy": "pesan disalin ke Kegiatan Dinas",
					"delete": "pesan dipindahkan ke Tempat Sampah", "spam": "pesan dipindahkan ke Spam",
					"archive": "pesan dipindahkan ke Arsip", "notspam": "pesan dipindahkan ke Kotak Masuk",
				}[tt.action]
				if !strings.HasPrefix(want, "Bintang") {
					want = strconv.Itoa(n) + " " + want
				}
				list.mustContain(t, want)
			})
		}
	}
}

// TestActionCopyUndo: the Urungkan of a copy deletes the copies, and only
// them: the originals and the folder's other messages stay.
func TestActionCopyUndo(t *testing.T) {
	e := newEnv(t)
	uids := seedInbox(e, "INBOX", 3)
	if err := e.backend.CreateMailbox(acctTU.Address, "Arsip Rapat"); err != nil {
		t.Fatal(err)
	}
	e.appendMessage(acctTU.Address, "Arsip Rapat", true, thisYear, plainMessage("a@b.id", acctTU.Address, "Sudah ada", "Isi", thisYear))
	inbox, archive := folderState(t, e, acctTU, "INBOX"), folderState(t, e, acctTU, "Arsip Rapat")
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.action(t, url.Values{"action": {"copy"}, "folder": {"INBOX"}, "to": {"Arsip Rapat"}, "return": {"/mail"}}, uids[0], uids[2])
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("copy: %d", p.StatusCode)
	}
	list := b.get("/mail")
	list.mustContain(t, "2 pesan disalin ke Arsip Rapat", ">Urungkan</button>")
	if n := len(folderState(t, e, acctTU, "Arsip Rapat")); n != 3 {
		t.Fatalf("%d messages in the target after the copy, want 3", n)
	}
	undo := undoFields(list)
	if undo == nil || undo.Get("action") != "uncopy" || undo.Get("folder") != "Arsip Rapat" || undo.Get("uids") == "" {
		t.Fatalf("undo form: %v", undo)
	}
	if p := b.post("/mail/action", undo); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo: %d", p.StatusCode)
	}
	b.get("/mail").mustContain(t, "2 salinan di Arsip Rapat dihapus")
	if got := folderState(t, e, acctTU, "Arsip Rapat"); !maps.Equal(got, archive) {
		t.Errorf("target after the undo: %v, want %v", got, archive)
	}
	if got := folderState(t, e, acctTU, "INBOX"); !maps.Equal(got, inbox) {
		t.Errorf("inbox changed: %v, want %v", got, inbox)
	}
}

func TestActionUndoRoundTrip(t *testing.T) {
	e := newEnv(t)
	uids := seedInbox(e, "INBOX", 5)
	before := folderState(t, e, acctTU, "INBOX")
	b := e.browser()
	b.mustSignIn(acctTU)
	sel := []uint32{uids[0], uids[2], uids[4]}
	p := b.action(t, url.Values{"action": {"spam"}, "folder": {"INBOX"}, "return": {"/mail"}}, sel...)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("spam: %d", p.StatusCode)
	}
	list := b.get("/mail")
	list.mustContain(t, `role="status"><p>3 pesan dipindahkan ke Spam</p>`, ">Urungkan</button>")
	if got := folderState(t, e, acctTU, "INBOX"); !maps.Equal(got, minus(before, sel...)) {
		t.Fatalf("inbox after spam: %v", got)
	}
	undo := undoFields(list)
	if undo == nil || undo.Get("action") != "move" || undo.Get("folder") != "Junk" || undo.Get("to") != "INBOX" || undo.Get("uids") != "1:3" {
		t.Fatalf("undo form: %v", undo)
	}
	// The flash is shown once.
	if undoFields(b.get("/mail")) != nil {
		t.Error("undo shown twice")
	}
	p = b.post("/mail/action", undo)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
		t.Fatalf("undo: %d %q", p.StatusCode, p.location())
	}
	b.get("/mail").mustContain(t, "3 pesan dipindahkan ke Kotak Masuk")
	after := folderState(t, e, acctTU, "INBOX")
	if len(after) != 5 || len(folderState(t, e, acctTU, "Junk")) != 0 {
		t.Fatalf("after undo: %v", after)
	}
	// Same flags as before, under new UIDs.
	var was, now []string
	for _, v := range before {
		was = append(was, v)
	}
	for _, v := range after {
		now = append(now, v)
	}
	slices.Sort(was)
	slices.Sort(now)
	if !slices.Equal(was, now) {
		t.Errorf("flags after the round trip: %v, want %v", now, was)
	}

	// Flags: marking read a read and an unread message; undo marks
	// unread only the one that was.
	before = folderState(t, e, acctTU, "INBOX")
	var read, unread uint32
	for u, f := range before {
		if strings.Contains(f, `\Seen`) && read == 0 {
			read = u
		}
		if !strings.Contains(f, `\Seen`) && unread == 0 {
			unread = u
		}
	}
	b.action(t, url.Values{"action": {"read"}, "folder": {"INBOX"}}, read, unread)
	list = b.get("/mail")
	list.mustContain(t, "2 pesan ditandai sudah dibaca")
	undo = undoFields(list)
	if undo.Get("action") != "unread" || undo.Get("uids") != strconv.Itoa(int(unread)) {
		t.Fatalf("flag undo: %v", undo)
	}
	b.post("/mail/action", undo)
	if got := folderState(t, e, acctTU, "INBOX"); !maps.Equal(got, before) {
		t.Errorf("after flag undo: %v, want %v", got, before)
	}
	// English.
	b.get("/mail?lang=en")
	b.action(t, url.Values{"action": {"flag"}, "folder": {"INBOX"}}, read)
	b.get("/mail").mustContain(t, "1 message flagged", ">Undo</button>")
}

func TestActionPermanent(t *testing.T) {
	e := newEnv(t)
	uids := seedInbox(e, "Trash", 4)
	b := e.browser()
	b.mustSignIn(acctTU)
	// Hapus in Tempat Sampah: a confirmation first, nothing touched.
	p := b.action(t, url.Values{"action": {"delete"}, "folder": {"Trash"}, "return": {"/mail?folder=Trash"}}, uids[0], uids[2])
	if p.StatusCode != http.StatusOK {
		t.Fatalf("delete in trash: %d %q", p.StatusCode, p.location())
	}
	p.mustContain(t, "Hapus pesan secara permanen?", "2 pesan di Tempat Sampah akan dihapus permanen", `name="confirm" value="1"`,
		`name="uids" value="1,3"`, `name="action" value="delete_forever"`)
	if n := len(folderState(t, e, acctTU, "Trash")); n != 4 {
		t.Fatalf("touched before confirmation: %d left", n)
	}
	// Confirmed: those two go, for good.
	before := folderState(t, e, acctTU, "Trash")
	p = b.action(t, url.Values{"action": {"delete_forever"}, "folder": {"Trash"}, "confirm": {"1"}, "return": {"/mail?folder=Trash"}}, uids[0], uids[2])
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed: %d", p.StatusCode)
	}
	if got := folderState(t, e, acctTU, "Trash"); !maps.Equal(got, minus(before, uids[0], uids[2])) {
		t.Errorf("trash: %v", got)
	}
	list := b.get("/mail?folder=Trash")
	list.mustContain(t, "2 pesan dihapus permanen", `value="empty"`, ">Kosongkan</button>")
	if undoFields(list) != nil {
		t.Error("an undo for a permanent delete")
	}
	// Kosongkan: confirmation, then everything.
	e.appendMessage(acctTU.Address, "INBOX", false, today, plainMessage("a@b.id", acctTU.Address, "Tetap", "x", today))
	p = b.action(t, url.Values{"action": {"empty"}, "folder": {"Trash"}})
	p.mustContain(t, "Kosongkan Tempat Sampah?")
	p = b.action(t, url.Values{"action": {"empty"}, "folder": {"Trash"}, "confirm": {"1"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("empty: %d", p.StatusCode)
	}
	if got := folderState(t, e, acctTU, "Trash"); len(got) != 0 {
		t.Errorf("trash after empty: %v", got)
	}
	if got := folderState(t, e, acctTU, "INBOX"); len(got) != 1 {
		t.Errorf("inbox touched by emptying trash: %v", got)
	}
	b.get("/mail?folder=Trash").mustContain(t, "Tempat Sampah dikosongkan: 2 pesan dihapus permanen")
	// Only Trash and Spam can be emptied.
	if p := b.action(t, url.Values{"action": {"empty"}, "folder": {"INBOX"}, "confirm": {"1"}}); p.StatusCode != http.StatusBadRequest {
		t.Errorf("empty inbox: %d", p.StatusCode)
	}
	if got := folderState(t, e, acctTU, "INBOX"); len(got) != 1 {
		t.Errorf("inbox emptied: %v", got)
	}
}

func TestActionBadInput(t *testing.T) {
	e := newEnv(t)
	if err := e.backend.CreateMailbox(acctTU.Address, "Akan Dihapus"); err != nil {
		t.Fatal(err)
	}
	uids := seedInbox(e, "INBOX", 3)
	before := folderState(t, e, acctTU, "INBOX")
	b := e.browser()
	b.mustSignIn(acctTU)
	b.get("/mail").mustContain(t, `<option value="Akan Dihapus">Akan Dihapus</option>`)

	// A destination deleted meanwhile (by another client).
	withIMAP(t, e, acctTU, func(c *goimap.Client) {
		if err := c.Delete("Akan Dihapus").Wait(); err != nil {
			t.Fatal(err)
		}
	})
	p := b.action(t, url.Values{"action": {"move"}, "folder": {"INBOX"}, "to": {"Akan Dihapus"}}, uids[0])
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("move to a deleted folder: %d", p.StatusCode)
	}
	b.get("/mail").mustContain(t, `role="alert"><p>Folder tujuan tidak ditemukan`)
	// No folder chosen; nothing selected.
	b.action(t, url.Values{"action": {"move"}, "folder": {"INBOX"}}, uids[0])
	b.get("/mail").mustContain(t, "Pilih folder tujuan terlebih dahulu.")
	b.action(t, url.Values{"action": {"spam"}, "folder": {"INBOX"}})
	b.get("/mail").mustContain(t, "Pilih dulu satu pesan atau lebih.")
	// UIDs that no longer exist: no error, nothing done.
	b.action(t, url.Values{"action": {"spam"}, "folder": {"INBOX"}}, 999, 1000)
	b.get("/mail").mustContain(t, "Tidak ada pesan yang diubah")
	// A source folder that does not exist.
	b.action(t, url.Values{"action": {"spam"}, "folder": {"Tidak Ada"}}, uids[0])
	b.get("/mail").mustContain(t, "Folder tidak ditemukan")
	// Garbage.
	for _, form := range []url.Values{
		{"action": {"meledak"}, "folder": {"INBOX"}, "uid": {"1"}},
		{"action": {"spam"}, "folder": {"INBOX"}, "uid": {"abc"}},
		{"action": {"spam"}, "folder": {"INBOX"}, "uids": {"1:4294967295"}},
		{"action": {"spam"}, "uid": {"1"}},
	} {
		form.Set("csrf_token", b.get("/mail").csrf(t))
		if p := b.post("/mail/action", form); p.StatusCode != http.StatusBadRequest {
			t.Errorf("%v: %d", form, p.StatusCode)
		}
	}
	// CSRF required.
	if p := b.post("/mail/action", url.Values{"action": {"spam"}, "folder": {"INBOX"}, "uid": {"1"}}); p.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF token: %d", p.StatusCode)
	}
	if got := folderState(t, e, acctTU, "INBOX"); !maps.Equal(got, before) {
		t.Errorf("inbox touched: %v, want %v", got, before)
	}
	// return: relative /mail URLs only.
	for _, bad := range []string{"//evil.example/mail", "https://evil.example/mail", "/\\evil.example", "/mailx", "/login", "/mail\\@evil", "javascript:alert(1)", "/mail/../login"} {
		p := b.action(t, url.Values{"action": {"read"}, "folder": {"INBOX"}, "return": {bad}}, uids[2])
		if p.StatusCode != http.StatusSeeOther || p.location() != "/mail?folder=INBOX" {
			t.Errorf("return %q: %d %q", bad, p.StatusCode, p.location())
		}
	}
	p = b.action(t, url.Values{"action": {"read"}, "folder": {"INBOX"}, "return": {"/mail?folder=INBOX&page=2"}}, uids[2])
	if p.location() != "/mail?folder=INBOX&page=2" {
		t.Errorf("good return: %q", p.location())
	}
}

func TestActionListMarkup(t *testing.T) {
	e := newEnv(t)
	uids := seedInbox(e, "INBOX", 3)
	seedInbox(e, "Junk", 1)
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get("/mail")
	p.mustContain(t,
		`<form id="actions" class="toolbar" method="post" action="/mail/action"`,
		`name="page_uids" value="1:3"`,
		`<input type="checkbox" class="select-all" name="all" value="1" form="actions"><span class="visually-hidden">Pilih semua pesan di halaman ini</span>`,
		fmt.Sprintf(`<input type="checkbox" class="select-row" name="uid" value="%d" form="actions"><span class="visually-hidden">Pilih pesan: Surat 1</span>`, uids[0]),
		`value="read"`, `value="unread"`, `value="flag"`, `value="unflag"`, `value="archive"`, ">Hapus</button>", ">Spam</button>",
		`<option value="Junk">Spam</option>`, `value="move"`, `value="copy"`, "list.js",
	)
	p.mustNotContain(t, `value="empty"`, `value="notspam"`, `<option value="INBOX">`)
	b.get("/mail?folder=Junk").mustContain(t, ">Bukan spam</button>", ">Kosongkan</button>")
	// Without JavaScript: "select all" sends every UID of the page.
	p = b.action(t, url.Values{"action": {"flag"}, "folder": {"INBOX"}, "all": {"1"}, "page_uids": {"1:3"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatal(p.StatusCode)
	}
	for u, f := range folderState(t, e, acctTU, "INBOX") {
		if !strings.Contains(f, `\Flagged`) {
			t.Errorf("message %d not flagged: %q", u, f)
		}
	}
}

func TestActionFromReadingView(t *testing.T) {
	e := newEnv(t)
	uids := seedInbox(e, "INBOX", 3)
	b := e.browser()
	b.mustSignIn(acctTU)
	p := b.get(fmt.Sprintf("/mail/message?folder=INBOX&uid=%d", uids[1]))
	p.mustContain(t, `<form id="actions"`, fmt.Sprintf(`name="uid" value="%d"`, uids[1]), `name="return" value="/mail?folder=INBOX"`,
		">Hapus</button>", ">Spam</button>", ">Arsipkan</button>", ">Tandai belum dibaca</button>", `value="move"`)
	p.mustNotContain(t, `value="empty"`, `name="page_uids"`)
	before := folderState(t, e, acctTU, "INBOX")
	form := url.Values{"csrf_token": {p.csrf(t)}, "folder": {"INBOX"}, "uid": {strconv.Itoa(int(uids[1]))}, "action": {"delete"}, "return": {"/mail?folder=INBOX"}}
	if r := b.post("/mail/action", form); r.StatusCode != http.StatusSeeOther || r.location() != "/mail?folder=INBOX" {
		t.Fatalf("delete: %d %q", r.StatusCode, r.location())
	}
	if got := folderState(t, e, acctTU, "INBOX"); !maps.Equal(got, minus(before, uids[1])) {
		t.Errorf("inbox: %v", got)
	}
	b.get("/mail?folder=INBOX").mustContain(t, "1 pesan dipindahkan ke Tempat Sampah", ">Urungkan</button>")
}

// TestActionDovecot runs move, delete, spam and undo through the app
// against real Dovecot, and once more without MOVE (Zimbra's COPY path).
func TestActionDovecot(t *testing.T) {
	d := testenv.Dovecot(t)
	for _, ignore := range [][]string{nil, {"MOVE"}} {
		t.Run(strings.Join(append([]string{"caps"}, ignore...), "-"), func(t *testing.T) {
			icfg := dovecotIMAP(t, d)
			icfg.IgnoreCaps = ignore
			user := d.Users[0]
			e := newEnvAt(t, icfg)
			acct := demo.Account{Address: user.Address, Password: user.Password}
			// A folder of its own, with four messages.
			folder := fmt.Sprintf("Aksi %d", time.Now().UnixNano())
			var uids []uint32
			withDovecot(t, icfg, acct, func(c *goimap.Client) {
				testenv.CreateMailbox(t, c, folder)
				for i := range 4 {
					raw := plainMessage("a@b.id", user.Address, fmt.Sprintf("Aksi %d", i), "x", thisYear.Add(time.Duration(i)*time.Hour))
					raw = strings.ReplaceAll(raw, "\n", "\r\n")
					cmd := c.Append(folder, int64(len(raw)), nil)
					cmd.Write([]byte(raw))
					cmd.Close()
					data, err := cmd.Wait()
					if err != nil {
						t.Fatal(err)
					}
					uids = append(uids, uint32(data.UID))
				}
			})
			t.Cleanup(func() {
				withDovecot(t, icfg, acct, func(c *goimap.Client) { c.Delete(folder).Wait() })
			})
			state := func(f string) map[uint32]string {
				out := map[uint32]string{}
				withDovecot(t, icfg, acct, func(c *goimap.Client) {
					data, err := c.Select(f, &imap.SelectOptions{ReadOnly: true}).Wait()
					if err != nil || data.NumMessages == 0 {
						return
					}
					var all imap.SeqSet
					all.AddRange(1, 0)
					msgs, _ := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
					for _, m := range msgs {
						var fl []string
						for _, x := range m.Flags {
							if !strings.EqualFold(string(x), `\Recent`) {
								fl = append(fl, string(x))
							}
						}
						sort.Strings(fl)
						out[uint32(m.UID)] = strings.Join(fl, " ")
					}
				})
				return out
			}
			before := state(folder)
			b := e.browser()
			b.mustSignIn(acct)
			ret := "/mail?folder=" + url.QueryEscape(folder)
			token := b.get(ret).csrf(t)
			post := func(form url.Values) *page {
				form.Set("csrf_token", token)
				return b.post("/mail/action", form)
			}
			// Spam two, then undo.
			p := post(url.Values{"action": {"spam"}, "folder": {folder}, "return": {ret}, "uid": {strconv.Itoa(int(uids[0])), strconv.Itoa(int(uids[2]))}})
			if p.StatusCode != http.StatusSeeOther {
				t.Fatalf("spam: %d", p.StatusCode)
			}
			if got := state(folder); !maps.Equal(got, minus(before, uids[0], uids[2])) {
				t.Errorf("after spam: %v", got)
			}
			list := b.get(ret)
			list.mustContain(t, "2 pesan dipindahkan ke Spam")
			undo := undoFields(list)
			if undo == nil {
				t.Fatal("no undo")
			}
			if p := b.post("/mail/action", undo); p.StatusCode != http.StatusSeeOther {
				t.Fatalf("undo: %d", p.StatusCode)
			}
			if got := state(folder); len(got) != 4 || !maps.Equal(minus(got, slices.Collect(maps.Keys(minus(got, uids...)))...), minus(before, uids[0], uids[2])) {
				t.Errorf("after undo: %v", got)
			}
			// Delete one: to Trash; move one to INBOX.
			now := state(folder)
			post(url.Values{"action": {"delete"}, "folder": {folder}, "uid": {strconv.Itoa(int(uids[1]))}})
			post(url.Values{"action": {"move"}, "folder": {folder}, "to": {"INBOX"}, "uid": {strconv.Itoa(int(uids[3]))}})
			if got := state(folder); !maps.Equal(got, minus(now, uids[1], uids[3])) {
				t.Errorf("after delete and move: %v, want %v", got, minus(now, uids[1], uids[3]))
			}
			// Copy one to a folder of its own, then undo: the copy goes,
			// nothing else does.
			other := folder + " salinan"
			withDovecot(t, icfg, acct, func(c *goimap.Client) { testenv.CreateMailbox(t, c, other) })
			t.Cleanup(func() { withDovecot(t, icfg, acct, func(c *goimap.Client) { c.Delete(other).Wait() }) })
			now = state(folder)
			first := slices.Sorted(maps.Keys(now))[0] // the spam round trip gave new UIDs
			post(url.Values{"action": {"copy"}, "folder": {folder}, "to": {other}, "return": {ret}, "uid": {strconv.Itoa(int(first))}})
			if n := len(state(other)); n != 1 {
				t.Fatalf("%d messages in %q after the copy, want 1", n, other)
			}
			undo = undoFields(b.get(ret))
			if undo == nil || undo.Get("action") != "uncopy" || undo.Get("folder") != other {
				t.Fatalf("undo of the copy: %v", undo)
			}
			if p := b.post("/mail/action", undo); p.StatusCode != http.StatusSeeOther {
				t.Fatalf("undo of the copy: %d", p.StatusCode)
			}
			if n := len(state(other)); n != 0 {
				t.Errorf("%d messages in %q after the undo, want 0", n, other)
			}
			if got := state(folder); !maps.Equal(got, now) {
				t.Errorf("the original changed: %v, want %v", got, now)
			}
		})
	}
}

// withDovecot runs fn on a plain go-imap connection to Dovecot.
func withDovecot(t *testing.T, icfg imapclient.Config, a demo.Account, fn func(*goimap.Client)) {
	t.Helper()
	c, err := goimap.DialStartTLS(icfg.Addr, &goimap.Options{TLSConfig: icfg.TLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(a.Address, a.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	fn(c)
	_ = c.Logout().Wait()
}
