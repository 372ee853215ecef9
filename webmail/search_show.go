package webmail

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// searchForm is the advanced search form, filled with the request's terms
// (everything in the URL, so results are bookmarkable).
type searchForm struct {
	Q, Folder, From, To, Subject, Body string
	Since, Until                       string // yyyy-mm-dd, both inclusive
	LargerKB                           string
	HasAttachment, Unread, Flagged     bool
	AllFolders                         bool
	// Folders are the choices of the folder select.
	Folders []folderChoice
	// Notes are translated remarks (a term was cut, results capped);
	// Error is the translated reason the search could not run.
	Notes []string
	Error string
}

// searchFields are the text parameters of a search, cut to
// imapclient.MaxQueryLen characters.
var searchFields = []string{"q", "from", "to", "subject", "body"}

// searchShow shows one page of search results in the list layout:
// /mail/search?q=…&folder=…&page=N, with the advanced terms from, to,
// subject, body, since, until, larger (KB), att, unread, flagged, all.
func (a *app) searchShow(c echo.Context) error {
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	folders, err := sess.Folders(ctx)
	if err != nil {
		return err
	}
	folder, page, order := folderParam(c), pageParam(c), orderParam(c)
	p := &messageListPage{shellPage: a.shell(c, folders, folder, "page-list page-search")}
	p.Title = p.T("search.title")
	p.Folder = p.T("search.heading")
	form := &searchForm{Folder: folder}
	p.Search = form
	form.Folders = a.folderChoices(langOf(c), folders, folder, true)

	// The terms, as typed (cut to the limit, with a note).
	params := url.Values{}
	terms := map[string]*string{"q": &form.Q, "from": &form.From, "to": &form.To, "subject": &form.Subject, "body": &form.Body}
	cut := false
	for _, k := range searchFields {
		v := strings.TrimSpace(c.QueryParam(k))
		if utf8.RuneCountInString(v) > imapclient.MaxQueryLen {
			v, cut = string([]rune(v)[:imapclient.MaxQueryLen]), true
		}
		*terms[k] = v
		if v != "" {
			params.Set(k, v)
		}
	}
	p.SearchQ = form.Q
	if cut {
		form.Notes = append(form.Notes, p.T("search.cut", "Max", imapclient.MaxQueryLen))
	}
	q := imapclient.Query{Text: form.Q, From: form.From, To: form.To, Subject: form.Subject, Body: form.Body, Order: order}
	day := func(name string) (time.Time, string) {
		v := c.QueryParam(name)
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return time.Time{}, ""
		}
		params.Set(name, v)
		return t, v
	}
	q.Since, form.Since = day("since")
	var until time.Time
	if until, form.Until = day("until"); !until.IsZero() {
		q.Before = until.AddDate(0, 0, 1) // BEFORE is exclusive
	}
	if kb, err := strconv.ParseInt(c.QueryParam("larger"), 10, 32); err == nil && kb > 0 {
		q.Larger, form.LargerKB = kb*1024, strconv.FormatInt(kb, 10)
		params.Set("larger", form.LargerKB)
	}
	flag := func(name string, dst *bool) {
		if c.QueryParam(name) != "" {
			*dst = true
			params.Set(name, "1")
		}
	}
	flag("att", &form.HasAttachment)
	flag("unread", &form.Unread)
	flag("flagged", &form.Flagged)
	flag("all", &form.AllFolders)
	q.HasAttachment, q.Unread, q.Flagged, q.AllFolders = form.HasAttachment, form.Unread, form.Flagged, form.AllFolders
	params.Set("folder", folder)

	list, err := sess.Search(ctx, folder, q, page, a.cfg.PerPage)
	switch {
	case errors.Is(err, imapclient.ErrEmptyQuery):
		// The bare form: nothing to look for yet.
		return a.render(c, http.StatusOK, viewMessageList, p)
	case errors.Is(err, imapclient.ErrSearchRejected):
		a.log.Info("search refused by the server", "err", err)
		form.Error = p.T("search.rejected")
		return a.render(c, http.StatusUnprocessableEntity, viewMessageList, p)
	case err != nil:
		return err
	}
	if list.Page < page && page > 1 {
		return c.Redirect(http.StatusSeeOther, pagedURL("/mail/search", params, order, list.Pages()))
	}
	if list.Truncated {
		form.Notes = append(form.Notes, p.T("search.capped", "Max", imapclient.MaxAllFoldersResults))
	}
	pageURL := func(n int) string { return pagedURL("/mail/search", params, order, n) }
	if err := a.listRows(c, p, folders, list, pageURL); err != nil {
		return err
	}
	a.sortLinks(p, "/mail/search", params, list)
	if list.Total == 0 {
		p.Range = ""
	}
	return a.render(c, http.StatusOK, viewMessageList, p)
}

// folderChoice is one option of a folder select.
type folderChoice struct {
	Name    string // full IMAP name, the value
	Label   string // indented display name
	Current bool
}

// folderChoices are the options of a folder select; selectable leaves out
// containers that hold no messages.
func (a *app) folderChoices(lang string, folders []imapclient.Folder, current string, selectable bool) []folderChoice {
	var out []folderChoice
	for _, f := range folders {
		if selectable && f.NoSelect {
			continue
		}
		label := strings.Repeat("\u00a0\u00a0", min(f.Depth, maxDepth)) + a.folderName(lang, f)
		out = append(out, folderChoice{Name: f.Name, Label: label, Current: f.Name == current})
	}
	return out
}
