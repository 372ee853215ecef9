package main

// The browser tests: headless Chromium against the running binary, as a
// user would use it. For the embedded demo (`webmail demo`) and, when
// .ci/stack runs, for real Dovecot (`webmail serve`), once in Indonesian
// and once in English: sign in (after a wrong password), folders, a
// message with an attachment, the download, sign out; and the message list
// on a phone-sized screen.
//
//	bash .ci/stack start /tmp/stack && . /tmp/stack/env
//	WEBMAIL_TEST_CHROMIUM=/usr/bin/chromium go test -race -run Browser -v ./cmd/webmail/
//
// Set WEBMAIL_TEST_SCREENSHOTS=DIR to keep the screenshots.

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/pematangsiantar/webmail/testenv"
)

// domain is the mail domain of the demo and of the test stack.
const domain = "pematangsiantar.go.id"

// flowTimeout bounds one browser flow; nothing may hang CI.
const flowTimeout = 90 * time.Second

// uiText is what the interface says in one language (from
// webmail/translations).
type uiText struct {
	lang          string
	username      string // label of the user name field
	password      string // label of the password field
	wrongPassword string
	helpdesk      string // prefix of the helpdesk line in the alert
	folders       []string
	empty         string // an empty folder
	from, date    string // headers of the reading view
	hasAttachment string // alt of the paper clip in the list
	logout        string
	signedOut     string
	months        [12]string
}

var uiTexts = []uiText{
	{
		lang:          "id",
		username:      "Nama pengguna",
		password:      "Kata sandi",
		wrongPassword: "Nama pengguna atau kata sandi salah.",
		helpdesk:      "Bantuan: ",
		folders:       []string{"Kotak Masuk", "Terkirim", "Draf", "Spam", "Tempat Sampah"},
		empty:         "Tidak ada pesan",
		from:          "Dari",
		date:          "Tanggal",
		hasAttachment: "ada lampiran",
		logout:        "Keluar",
		signedOut:     "Anda telah keluar.",
		months:        [12]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	},
	{
		lang:          "en",
		username:      "Username",
		password:      "Password",
		wrongPassword: "Wrong username or password.",
		helpdesk:      "Help: ",
		folders:       []string{"Inbox", "Sent", "Drafts", "Spam", "Trash"},
		empty:         "No messages",
		from:          "From",
		date:          "Date",
		hasAttachment: "has attachments",
		logout:        "Sign out",
		signedOut:     "You have signed out.",
		months:        [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	},
}

// backend is a running webmail with an account to sign in with.
type backend struct {
	name     string
	base     string // http://127.0.0.1:PORT
	helpdesk string // the configured contact ("" if not known to the test)
	address  string // full address of the account
	bare     string // the same without the domain ("" when it is not in the domain)
	password string
	imap     mailbox // for putting the test message in place
}

func TestBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	bin := buildWebmail(t)

	t.Run("demo", func(t *testing.T) {
		d := startDemo(t, bin)
		const address = "diskominfo@" + domain
		password, ok := d.Accounts[address]
		if !ok {
			t.Fatalf("webmail demo did not print the account %s (printed: %v)", address, d.Accounts)
		}
		if d.IMAPAddr == "" {
			t.Fatal("webmail demo did not print its IMAP address")
		}
		runBrowserFlows(t, chromium, &backend{
			name:     "demo",
			base:     d.URL,
			address:  address,
			bare:     "diskominfo",
			password: password,
			imap:     mailbox{Addr: d.IMAPAddr, User: address, Password: password},
		})
	})

	t.Run("dovecot", func(t *testing.T) {
		srv := testenv.Dovecot(t)
		// The last user: the imapclient tests work in the first one's
		// mailbox at the same time.
		u := srv.Users[len(srv.Users)-1]
		imapURL, err := url.Parse(srv.IMAP)
		if err != nil {
			t.Fatal(err)
		}
		const helpdesk = "Diskominfo, telp. 123"
		base := startServe(t, bin,
			"--imap", srv.IMAP,
			"--smtp", srv.SMTP,
			"--backend-ca", srv.CAFile,
			"--domain", domain,
			"--helpdesk", helpdesk,
		)
		bare := ""
		if local, d, ok := strings.Cut(u.Address, "@"); ok && strings.EqualFold(d, domain) {
			bare = local
		}
		runBrowserFlows(t, chromium, &backend{
			name:     "dovecot",
			base:     base,
			helpdesk: helpdesk,
			address:  u.Address,
			bare:     bare,
			password: u.Password,
			imap: mailbox{
				Addr:     imapURL.Host,
				TLS:      &tls.Config{RootCAs: testenv.CAPool(t, srv), ServerName: imapURL.Hostname()},
				User:     u.Address,
				Password: u.Password,
			},
		})
	})
}

// runBrowserFlows runs the flow in every language, then the phone check.
func runBrowserFlows(t *testing.T, chromium string, be *backend) {
	for _, ui := range uiTexts {
		t.Run(ui.lang, func(t *testing.T) {
			start := time.Now()
			testMailFlow(t, chromium, be, ui)
			t.Logf("%s/%s flow took %v", be.name, ui.lang, time.Since(start).Round(time.Millisecond))
		})
	}
	t.Run("phone", func(t *testing.T) {
		testPhoneLayout(t, chromium, be)
	})
}

// testMailFlow: sign-in page, wrong password, sign in, folders, a message
// with an attachment, the download, sign out.
func testMailFlow(t *testing.T, chromium string, be *backend, ui uiText) {
	msg := newTestMessage(ui.lang)
	appendToInbox(t, be.imap, msg)
	b := newTab(t, chromium, be.base, flowTimeout)

	// "/" leads to the sign-in page, in Indonesian unless English was chosen.
	b.open("/")
	if loc := b.location(); loc.Path != "/login" {
		b.fatalf("/ led to %s, want the sign-in page /login", loc)
	}
	if got := eval[string](b, "the page's language", `document.documentElement.lang`); got != "id" {
		b.errorf("sign-in page has lang=%q, want the default id", got)
	}
	if ui.lang != "id" {
		b.clickAndLoad("switch the language", chromedp.CSS(`.login nav.langswitch a[hreflang=`+cssString(ui.lang)+`]`))
		if loc := b.location(); loc.Path != "/login" || loc.Query().Has("lang") {
			b.errorf("after the language switch the page is %s, want /login without ?lang", loc)
		}
	}
	checkPageLang(b, ui)
	checkSignInForm(b)

	// A wrong password: the translated error and the helpdesk contact.
	resp := signIn(b, be.address, "salah-"+be.password)
	if resp != nil && resp.Status != 401 {
		b.errorf("wrong password answered %d, want 401", resp.Status)
	}
	alert := b.text(`[role="alert"]`)
	if !strings.Contains(alert, ui.wrongPassword) {
		b.errorf("alert after a wrong password = %q, want it to contain %q", alert, ui.wrongPassword)
	}
	if be.helpdesk != "" {
		if want := ui.helpdesk + be.helpdesk + "."; !strings.Contains(alert, want) {
			b.errorf("alert after a wrong password = %q, want the helpdesk line %q", alert, want)
		}
	} else if _, help, ok := strings.Cut(alert, ui.helpdesk); !ok || strings.TrimSpace(help) == "" {
		b.errorf("alert after a wrong password = %q, want a helpdesk line %q…", alert, ui.helpdesk)
	}
	if got := result(b, "read the user name", chromedp.Value(chromedp.CSS(`input[name="username"]`))); got != be.address {
		b.errorf("after a wrong password the user name field holds %q, want %q kept", got, be.address)
	}
	checkPageLang(b, ui)

	// The right password; in Indonesian with the bare user name (the
	// domain is appended).
	user := be.address
	if ui.lang == "id" && be.bare != "" {
		user = be.bare
	}
	signIn(b, user, be.password)
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("signing in as %q led to %s, want /mail", user, loc)
	}
	if got := b.text(`details.usermenu summary .account`); got != be.address {
		b.errorf("user menu shows %q, want %q", got, be.address)
	}

	// The folder list: special folders first, translated, the inbox with
	// an unread count.
	folders := readFolders(b)
	checkFolders(b, ui, folders)
	if h := b.text(`main h1`); h != ui.folders[0] {
		b.errorf("heading of the first page = %q, want %q", h, ui.folders[0])
	}

	// Another folder: the list changes.
	b.clickAndLoad("open "+ui.folders[1], chromedp.CSS(`nav.sidebar li.role-sent a.folder`))
	if h := b.text(`main h1`); h != ui.folders[1] {
		b.errorf("heading after opening %s = %q", ui.folders[1], h)
	}
	if cur := currentFolder(readFolders(b)); cur != ui.folders[1] {
		b.errorf("current folder after opening %s = %q", ui.folders[1], cur)
	}
	if loc := b.location(); loc.Path != "/mail" || loc.Query().Get("folder") == "" || strings.EqualFold(loc.Query().Get("folder"), "INBOX") {
		b.errorf("%s is at %s, want /mail?folder=<the Sent folder>", ui.folders[1], loc)
	}
	if row := findRow(b, msg.Subject); row != nil {
		b.errorf("the test message (in the inbox) is listed in %s too", ui.folders[1])
	}
	if n := eval[int](b, "count the rows", `document.querySelectorAll('table.messages tbody tr').length`); n == 0 {
		if got := b.text(`main p.empty`); got != ui.empty {
			b.errorf("empty %s says %q, want %q", ui.folders[1], got, ui.empty)
		}
	}

	// Back to the inbox: the test message is there, unread, with a clip.
	b.clickAndLoad("open "+ui.folders[0], chromedp.CSS(`nav.sidebar li.role-inbox a.folder`))
	if h := b.text(`main h1`); h != ui.folders[0] {
		b.errorf("heading after coming back to %s = %q", ui.folders[0], h)
	}
	row := findRow(b, msg.Subject)
	if row == nil {
		b.fatalf("the test message %q is not in the inbox list", msg.Subject)
	}
	if !row.Unread {
		b.errorf("the new test message is not shown as unread")
	}
	if row.Clip != ui.hasAttachment {
		b.errorf("attachment marker of the test message = %q, want %q", row.Clip, ui.hasAttachment)
	}
	if !strings.Contains(row.Who, msg.FromName) {
		b.errorf("sender column = %q, want %q", row.Who, msg.FromName)
	}
	b.screenshot(fmt.Sprintf("message-list-%s-%s", be.name, ui.lang))

	// The reading view.
	b.clickAndLoad("open the test message", chromedp.CSS(`table.messages td.c-subject a[href=`+cssString(row.Href)+`]`))
	if got := b.text(`main h1.subject`); got != msg.Subject {
		b.errorf("subject in the reading view = %q, want %q", got, msg.Subject)
	}
	headers := eval[map[string]string](b, "read the headers", `(() => {
		const m = {};
		for (const dt of document.querySelectorAll('dl.headers dt')) {
			const dd = dt.nextElementSibling;
			m[dt.textContent.trim()] = dd ? dd.textContent.trim() : '';
		}
		return m;
	})()`)
	if from := headers[ui.from]; !strings.Contains(from, msg.FromName) || !strings.Contains(from, msg.FromAddr) {
		b.errorf("%s = %q, want %s <%s> (headers: %q)", ui.from, from, msg.FromName, msg.FromAddr, headers)
	}
	d := msg.Date.In(jakarta())
	wantDate := fmt.Sprintf("%d %s %d %s", d.Day(), ui.months[d.Month()-1], d.Year(), d.Format("15:04"))
	if date := headers[ui.date]; !strings.Contains(date, wantDate) {
		b.errorf("%s = %q, want it to contain %q (headers: %q)", ui.date, date, wantDate, headers)
	}
	checkBodyFrame(b, msg)

	// The attachment: a download with the UTF-8 name and the same bytes.
	link := `main section.attachments a[download]`
	if got := b.text(link); got != msg.AttachmentName {
		b.errorf("attachment link = %q, want %q", got, msg.AttachmentName)
	}
	download(b, chromedp.CSS(link), msg.AttachmentName, msg.Attachment)

	// Opening it marked it read.
	b.clickAndLoad("go back to the list", chromedp.CSS(`main p.back a`))
	if row := findRow(b, msg.Subject); row == nil {
		b.errorf("the test message is gone from the inbox after reading it")
	} else if row.Unread {
		b.errorf("the test message is still unread after opening it")
	}

	// Sign out through the user menu.
	b.do("open the user menu",
		chromedp.Click(chromedp.CSS(`details.usermenu summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.usermenu button.logout`)),
	)
	if got := b.text(`details.usermenu button.logout`); got != ui.logout {
		b.errorf("sign-out button says %q, want %q", got, ui.logout)
	}
	b.clickAndLoad("sign out", chromedp.CSS(`details.usermenu button.logout`))
	if loc := b.location(); loc.Path != "/login" {
		b.errorf("signing out led to %s, want /login", loc)
	}
	if got := b.text(`main [role="status"]`); got != ui.signedOut {
		b.errorf("after signing out the page says %q, want %q", got, ui.signedOut)
	}
	checkPageLang(b, ui)

	// The session is gone: /mail leads to the sign-in page again.
	b.open("/mail")
	if loc := b.location(); loc.Path != "/login" {
		b.fatalf("/mail after signing out led to %s, want /login", loc)
	}
	b.do("wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	if n := eval[int](b, "look for the user menu", `document.querySelectorAll('details.usermenu').length`); n != 0 {
		b.errorf("the sign-in page after signing out still has a user menu")
	}
}

// testPhoneLayout signs in on a 375×740 phone screen: the message list is
// visible and nothing scrolls sideways.
func testPhoneLayout(t *testing.T, chromium string, be *backend) {
	msg := newTestMessage("phone")
	appendToInbox(t, be.imap, msg)
	b := newTab(t, chromium, be.base, flowTimeout)
	const width = 375
	b.do("emulate a phone", chromedp.EmulateViewport(width, 740, chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.open("/login")
	checkOverflow(b, width, "sign-in page")
	signIn(b, be.address, be.password)
	if loc := b.location(); loc.Path != "/mail" {
		b.fatalf("signing in led to %s, want /mail", loc)
	}
	b.do("wait for the message list", chromedp.WaitVisible(chromedp.CSS(`table.messages`)))
	checkOverflow(b, width, "message list")
	row := findRow(b, msg.Subject)
	if row == nil {
		b.fatalf("the test message %q is not in the inbox list", msg.Subject)
	}
	link := `table.messages td.c-subject a[href=` + cssString(row.Href) + `]`
	b.do("wait for the test message's row", chromedp.WaitVisible(chromedp.CSS(link)))
	box := eval[rect](b, "measure the test message's subject", `(() => {
		const r = document.querySelector(`+jsString(link)+`).closest('td').getBoundingClientRect();
		return {left: r.left, right: r.right, width: r.width, height: r.height};
	})()`)
	if box.Left < 0 || box.Right > width+1 || box.Width < 40 || box.Height < 10 {
		b.errorf("the test message's subject cell is at %+v on a %d px wide screen, want it fully visible", box, width)
	}
	b.screenshot("message-list-" + be.name + "-phone")
	b.clickAndLoad("open the test message", chromedp.CSS(link))
	checkOverflow(b, width, "reading view")
}

type rect struct {
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// checkOverflow fails when the page is wider than the screen, naming the
// elements that stick out.
func checkOverflow(b *tab, width int, what string) {
	b.t.Helper()
	sw := eval[int](b, "measure the page width", `document.documentElement.scrollWidth`)
	if sw <= width+1 {
		return
	}
	// The elements that stick out, leaving out those inside a scrolling or
	// clipping box (such as the folder strip), which do not widen the page.
	wide := eval[[]string](b, "find wide elements", `(() => {
		const edge = `+strconv.Itoa(width+1)+`;
		// Is el inside a box that clips it? An absolutely positioned
		// element escapes the boxes between it and its containing block.
		const clipped = el => {
			let pos = getComputedStyle(el).position;
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				if (pos === 'fixed') return false;
				const cs = getComputedStyle(p);
				if (pos === 'absolute' && cs.position === 'static') continue;
				if (cs.overflowX !== 'visible') return true;
				pos = cs.position;
			}
			return false;
		};
		const out = [];
		for (const el of document.querySelectorAll('body *')) {
			const r = el.getBoundingClientRect();
			if (r.right > edge && out.length < 8 && !clipped(el)) {
				out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().replace(/\s+/g, '.') : '') +
					' "' + el.textContent.trim().slice(0, 30) + '" right=' + Math.round(r.right));
			}
		}
		return out;
	})()`)
	b.errorf("%s scrolls sideways on a %d px screen: scrollWidth %d; elements beyond the edge: %q", what, width, sw, wide)
}

// checkPageLang checks the page's lang attribute and the sign-in labels.
func checkPageLang(b *tab, ui uiText) {
	b.t.Helper()
	if got := eval[string](b, "the page's language", `document.documentElement.lang`); got != ui.lang {
		b.errorf("page has lang=%q, want %q", got, ui.lang)
	}
	if got := b.text(`label[for="username"]`); got != ui.username {
		b.errorf("user name label = %q, want %q", got, ui.username)
	}
	if got := b.text(`label[for="password"]`); got != ui.password {
		b.errorf("password label = %q, want %q", got, ui.password)
	}
}

// checkSignInForm checks the fields password managers rely on.
func checkSignInForm(b *tab) {
	b.t.Helper()
	for _, f := range []struct{ css, attr, want string }{
		{`input[name="username"]`, "autocomplete", "username"},
		{`input[name="username"]`, "id", "username"},
		{`input[name="password"]`, "autocomplete", "current-password"},
		{`input[name="password"]`, "type", "password"},
		{`input[name="password"]`, "id", "password"},
	} {
		if got, _ := b.attr(f.css, f.attr); got != f.want {
			b.errorf("%s has %s=%q, want %q", f.css, f.attr, got, f.want)
		}
	}
}

// signIn fills in and submits the sign-in form, and returns the response.
func signIn(b *tab, user, password string) *network.Response {
	b.t.Helper()
	userField, passField := chromedp.CSS(`input[name="username"]`), chromedp.CSS(`input[name="password"]`)
	b.do("fill in the sign-in form",
		chromedp.WaitVisible(userField),
		chromedp.Clear(userField),
		chromedp.SendKeys(userField, user),
		chromedp.Clear(passField),
		chromedp.SendKeys(passField, password),
	)
	return b.clickAndLoad("submit the sign-in form", chromedp.CSS(`form[action="/login"] button[type="submit"]`))
}

// folder is one entry of the folder list.
type folder struct {
	Role    string `json:"role"`
	Name    string `json:"name"`
	Count   string `json:"count"`
	Current bool   `json:"current"`
}

func readFolders(b *tab) []folder {
	b.t.Helper()
	b.do("wait for the folder list", chromedp.WaitVisible(chromedp.CSS(`nav.sidebar ul.folders`)))
	return eval[[]folder](b, "read the folder list", `[...document.querySelectorAll('nav.sidebar ul.folders > li')].map(li => {
		const a = li.querySelector('a.folder');
		const name = li.querySelector('.name') || li.querySelector('.folder');
		const count = li.querySelector('.count');
		const role = [...li.classList].find(c => c.startsWith('role-'));
		return {
			role: role ? role.slice(5) : '',
			name: name ? name.textContent.trim() : '',
			count: count && count.firstChild ? count.firstChild.textContent.trim() : '',
			current: !!a && a.getAttribute('aria-current') === 'page',
		};
	})`)
}

func currentFolder(fs []folder) string {
	for _, f := range fs {
		if f.Current {
			return f.Name
		}
	}
	return ""
}

// checkFolders: the special folders first, in order, with translated
// names; the inbox is current and has an unread count.
func checkFolders(b *tab, ui uiText, fs []folder) {
	b.t.Helper()
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	if len(names) < len(ui.folders) || !slices.Equal(names[:len(ui.folders)], ui.folders) {
		b.errorf("folder list starts %q, want %q", names, ui.folders)
		return
	}
	roles := []string{"inbox", "sent", "drafts", "junk", "trash"}
	for i, r := range roles {
		if fs[i].Role != r {
			b.errorf("folder %q has role %q, want %q", fs[i].Name, fs[i].Role, r)
		}
	}
	if !fs[0].Current {
		b.errorf("%s is not marked as the current folder (aria-current)", fs[0].Name)
	}
	if n, err := strconv.Atoi(fs[0].Count); err != nil || n < 1 {
		b.errorf("%s shows unread count %q, want a number ≥ 1 (the test message is unread)", fs[0].Name, fs[0].Count)
	}
}

// listRow is the row of one message in the list.
type listRow struct {
	Href   string `json:"href"`
	Unread bool   `json:"unread"`
	Clip   string `json:"clip"`
	Who    string `json:"who"`
}

// findRow returns the row whose subject is subject, or nil.
func findRow(b *tab, subject string) *listRow {
	b.t.Helper()
	b.do("wait for the list", chromedp.WaitVisible(chromedp.CSS(`main#content`)))
	return eval[*listRow](b, "find the row of "+subject, `(() => {
		const subject = `+jsString(subject)+`;
		for (const a of document.querySelectorAll('table.messages td.c-subject a')) {
			if (a.textContent.trim() !== subject) continue;
			const tr = a.closest('tr');
			const clip = tr.querySelector('td.c-att img');
			const who = tr.querySelector('td.c-who');
			return {
				href: a.getAttribute('href'),
				unread: tr.classList.contains('unread'),
				clip: clip ? clip.getAttribute('alt') : '',
				who: who ? who.textContent.trim() : '',
			};
		}
		return null;
	})()`)
}

// checkBodyFrame: the body is in a sandboxed iframe that may run no script
// and has an origin of its own, and it shows the message's text.
func checkBodyFrame(b *tab, msg *testMessage) {
	b.t.Helper()
	const frame = `main iframe[sandbox]`
	b.do("wait for the body frame", chromedp.WaitVisible(chromedp.CSS(frame)))
	sandbox, _ := b.attr(frame, "sandbox")
	tokens := strings.Fields(strings.ToLower(sandbox))
	for _, bad := range []string{"allow-scripts", "allow-same-origin"} {
		if slices.Contains(tokens, bad) {
			b.errorf("body frame has sandbox=%q, which must not contain %s", sandbox, bad)
		}
	}
	// Without allow-same-origin the page cannot reach into the frame.
	if reachable := eval[bool](b, "reach into the frame", `document.querySelector(`+jsString(frame)+`).contentDocument !== null`); reachable {
		b.errorf("the page can read the body frame's document: the frame is not cross-origin")
	}
	if text := frameText(b); !strings.Contains(text, msg.BodyText) {
		b.errorf("body frame shows %q, want it to contain %q", text, msg.BodyText)
	}
}

// frameText returns the visible text of the body frame, read through
// DevTools (the page itself may not read it).
func frameText(b *tab) string {
	b.t.Helper()
	// Chromium may run a sandboxed frame in a process of its own, as a
	// target of its own: then attach to it (and only detach afterwards:
	// closing it would close the page).
	targets := result(b, "list the targets", func(ctx context.Context, _ *chromedp.Target) ([]*target.Info, error) {
		return chromedp.Targets(ctx)
	})
	for _, ti := range targets {
		if ti.Type == "iframe" && strings.Contains(ti.URL, "/mail/body") {
			fctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(ti.TargetID), chromedp.WithDetachOnCancel())
			defer cancel()
			text, err := chromedp.Run(fctx, chromedp.Evaluate[string](`document.body.innerText`))
			if err != nil {
				b.fatalf("read the body frame's target: %v", err)
			}
			b.t.Logf("body frame read from its own target (Chromium isolates the sandboxed frame)")
			return strings.TrimSpace(text)
		}
	}
	// Otherwise it is part of the page's DOM.
	nodes := result(b, "find the body frame", chromedp.Nodes(chromedp.CSS(`main iframe[sandbox]`)))
	return strings.TrimSpace(result(b, "read the body frame", chromedp.Text(chromedp.CSS(`body`), chromedp.FromNode(nodes[0]))))
}

// download clicks the link and checks the browser saves a file with the
// suggested name and the given bytes.
func download(b *tab, link chromedp.CSS, wantName string, want []byte) {
	b.t.Helper()
	dir := b.t.TempDir()
	if _, err := chromedp.Call(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath:  dir,
		EventsEnabled: new(true),
	}); err != nil {
		b.fatalf("set the download behaviour: %v", err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	begins := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	b.do("click the attachment", chromedp.Click(link))

	var guid string
	for ev, err := range begins {
		if err != nil {
			b.fatalf("no download began after clicking %s: %v", link, err)
		}
		guid = ev.GUID
		if ev.SuggestedFilename != wantName {
			b.errorf("the browser saves the attachment as %q, want %q", ev.SuggestedFilename, wantName)
		}
		break
	}
	for ev, err := range progress {
		if err != nil {
			b.fatalf("download of %s did not complete: %v", wantName, err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			b.fatalf("download of %s was canceled", wantName)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		b.fatalf("read the downloaded file: %v", err)
	}
	b.t.Logf("downloaded %q: %d bytes", wantName, len(got))
	if string(got) != string(want) {
		b.errorf("downloaded %d bytes, want the attachment's %d bytes (equal: false)", len(got), len(want))
	}
}

// jakarta is the time zone the product shows dates in by default.
func jakarta() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		return time.FixedZone("WIB", 7*60*60)
	}
	return loc
}
