package webmail

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/templates"
)

// Pages rendered inside the layout; each has its own file in templates/.
const (
	viewLogin       = "login.html"
	viewMessageList = "message_list.html"
	viewMessageShow = "message_show.html"
	viewCompose     = "compose.html"
	viewError       = "error.html"
	viewPassword    = "password.html"
	viewFolders     = "folders.html" // folder management
	// viewMessagePrint is the print view: the layout without the shell.
	viewMessagePrint = "message_print.html"
	// viewMessageBody is a document of its own, shown in the sandboxed
	// frame of the reading view.
	viewMessageBody = "message_body.html"
)

// views are the parsed templates, one set per page.
type views struct {
	pages map[string]*template.Template
	// keyHelp is the keyboard shortcuts' help of each language: it
	// depends on nothing else, so it is rendered once, not on every page.
	keyHelp map[string]template.HTML
}

// loadViews parses every page with the shared layout once and renders the
// parts that depend on the language alone. A missing or broken template
// fails here, at start-up.
func loadViews(as *assets, cat *catalogue) (*views, error) {
	funcs := template.FuncMap{"static": as.URL, "uid": uidString}
	vs := &views{pages: map[string]*template.Template{}}
	for _, p := range []string{viewLogin, viewMessageList, viewMessageShow, viewCompose, viewError, viewPassword, viewMessagePrint, viewActionConfirm, viewFolders} {
		t, err := template.New(p).Funcs(funcs).ParseFS(templates.FS, "layout.html", "shell.html", "message_actions.html", p)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("templates: %s defines no content", p)
		}
		vs.pages[p] = t
	}
	t, err := template.New(viewMessageBody).Funcs(funcs).ParseFS(templates.FS, viewMessageBody)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	vs.pages[viewMessageBody] = t
	vs.keyHelp = map[string]template.HTML{}
	for _, lang := range languages {
		var buf bytes.Buffer
		if err := vs.pages[viewMessageList].ExecuteTemplate(&buf, "keyhelp", &basePage{Lang: lang, cat: cat}); err != nil {
			return nil, fmt.Errorf("templates: keyhelp: %w", err)
		}
		vs.keyHelp[lang] = template.HTML(buf.String())
	}
	return vs, nil
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 page instead of half a page.
func (a *app) render(c echo.Context, status int, page string, data any) error {
	t, ok := a.views.pages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	name := "layout"
	if page == viewMessageBody {
		name = viewMessageBody
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// basePage is what the layout of every page needs. Page structs embed it;
// templates call {{$.T "key"}} to translate.
type basePage struct {
	Lang      string
	Title     string // translated, without the product name
	CSRFToken string
	Account   string // signed-in address, "" when signed out
	// LangLinks switch language, staying on the same page.
	LangLinks []langLink
	// BodyClass names the page for the stylesheet.
	BodyClass string
	// Notice is a one-time message from the previous request ("Pesan
	// terkirim."), shown under the top bar.
	Notice string
	// NoticeAlert marks the notice as a failure; Undo is its Urungkan
	// button (after a move, a delete, a change of flags).
	NoticeAlert bool
	Undo        *undoForm
	// SearchFolder is the folder the top bar's search box searches (the
	// current one; "" is the inbox); SearchQ is its text on the results
	// page.
	SearchFolder, SearchQ string
	// InboxUnread is the inbox's unread count, formatted, shown first in
	// the title of the mailbox pages ("(3) Kotak Masuk · …"; not the
	// reading view, whose title is the subject); "" for none.
	// static/live.js keeps it current.
	InboxUnread string
	// Scripts and Styles are the static files only this page needs
	// (the editor of the compose page), loaded after the shared ones.
	Scripts []string
	Styles  []string

	cat *catalogue
}

// langLink is one entry of the language switch.
type langLink struct {
	Lang    string
	Label   string // the language's name in that language
	URL     string
	Current bool
}

// T translates key into the page's language; args are name/value pairs.
func (p *basePage) T(key string, args ...any) string {
	return p.cat.T(p.Lang, key, args...)
}

// base fills the part of a page that comes from the request.
func (a *app) base(c echo.Context, title, bodyClass string) basePage {
	s := sessionOf(c)
	lang := langOf(c)
	p := basePage{
		Lang:      lang,
		Title:     title,
		CSRFToken: csrfToken(s.CSRF),
		BodyClass: bodyClass,
		cat:       a.cat,
	}
	if s.signedIn() {
		p.Account = s.Account
	}
	r := c.Request()
	for _, l := range languages {
		q := r.URL.Query()
		q.Set("lang", l)
		u := sameSiteURL(r.URL.EscapedPath(), q)
		if r.Method != http.MethodGet {
			// After a POST (a failed sign-in), switch on the GET page.
			u = sameSiteURL(r.URL.EscapedPath(), map[string][]string{"lang": {l}})
		}
		p.LangLinks = append(p.LangLinks, langLink{Lang: l, Label: a.cat.T(l, "lang.name"), URL: u, Current: l == lang})
	}
	return p
}
