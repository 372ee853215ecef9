package webmail

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

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

// views are the parsed templates: per language, one set per page.
type views struct {
	pages map[string]map[string]*template.Template // language, page
}

// reTranslation matches a translation without arguments in a template,
// {{.T "key"}} or {{$.T "key"}}: the same text wherever it appears, so it
// is put into each language's copy of the templates once, at start-up,
// instead of being looked up (a method found by reflection) on every page.
var reTranslation = regexp.MustCompile(`{{\$?\.T "([a-z0-9_.]+)"}}`)

// loadViews parses every page with the shared layout once per language,
// with the translations that take no arguments written in. A missing or
// broken template fails here, at start-up.
func loadViews(as *assets, cat *catalogue) (*views, error) {
	funcs := template.FuncMap{"static": as.URL, "uid": uidString}
	shared := []string{"layout.html", "shell.html", "message_actions.html"}
	vs := &views{pages: map[string]map[string]*template.Template{}}
	for _, lang := range languages {
		vs.pages[lang] = map[string]*template.Template{}
		parse := func(name string, files ...string) error {
			t := template.New(name).Funcs(funcs)
			for _, f := range files {
				src, err := fs.ReadFile(templates.FS, f)
				if err != nil {
					return fmt.Errorf("templates: %w", err)
				}
				text := reTranslation.ReplaceAllStringFunc(string(src), func(action string) string {
					msg := cat.T(lang, reTranslation.FindStringSubmatch(action)[1])
					if strings.Contains(msg, "{{") {
						return action // not template text: translated at run time
					}
					// Escaped for element text and quoted attribute
					// values, the only places translations go.
					return html.EscapeString(msg)
				})
				tf := t
				if f != name {
					tf = t.New(f)
				}
				if _, err := tf.Parse(text); err != nil {
					return fmt.Errorf("templates: %s: %w", f, err)
				}
			}
			if name != viewMessageBody && t.Lookup("content") == nil {
				return fmt.Errorf("templates: %s defines no content", name)
			}
			vs.pages[lang][name] = t
			return nil
		}
		for _, p := range []string{viewLogin, viewMessageList, viewMessageShow, viewCompose, viewError, viewPassword, viewMessagePrint, viewActionConfirm, viewFolders} {
			if err := parse(p, append(shared, p)...); err != nil {
				return nil, err
			}
		}
		if err := parse(viewMessageBody, viewMessageBody); err != nil {
			return nil, err
		}
	}
	return vs, nil
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 page instead of half a page.
func (a *app) render(c echo.Context, status int, page string, data any) error {
	t, ok := a.views.pages[langOf(c)][page]
	if !ok {
		return fmt.Errorf("render: no page %q in %q", page, langOf(c))
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
