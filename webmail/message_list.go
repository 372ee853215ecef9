package webmail

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// requestTimeout bounds the IMAP work of one page.
const requestTimeout = time.Minute

// imapContext is the context of a request's IMAP commands.
func imapContext(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), requestTimeout)
}

// messageListPage is the main page: folders, and the messages of one.
type messageListPage struct {
	shellPage
	Rows []messageRow
	// ShowRecipient is set in Sent and Drafts, where the interesting
	// address is the recipient, not the sender (the user).
	ShowRecipient bool
	// Range is "1–50 dari 1.234"; empty when the folder is empty.
	Range   string
	PrevURL string
	NextURL string
	// Labels repeated on every row, translated once per page.
	Labels rowLabels
	// listExtras: sort links, the sort note and the search form
	// (folder_sort.go, search_show.go).
	listExtras
	// Actions is the toolbar acting on the checked rows (nil: no
	// checkboxes, as in search results spanning folders).
	Actions *actionBar
}

// rowLabels are the texts every row repeats.
type rowLabels struct {
	Unread, Flagged, Attachment, ClipURL string
}

// messageRow is one message of the list, rendered by RowsHTML.
type messageRow struct {
	UID            uint32
	UIDText        string // UID as the checkbox's value
	URL            string
	Who            string // sender, or recipients in Sent/Drafts
	WhoFull        string // addresses, for the tooltip
	Subject        string
	Date           string // short
	DateFull       string
	Size           string
	Unread         bool
	Flagged        bool
	HasAttachments bool
}

// messageList shows one page of a folder, newest first unless ?sort= and
// ?order= say otherwise.
func (a *app) messageList(c echo.Context) error {
	folder, page, order := folderParam(c), pageParam(c), orderParam(c)
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	folders, list, err := sess.ListWithFoldersSorted(ctx, folder, order, page, a.cfg.PerPage)
	if err != nil {
		return err
	}
	if pages := list.Pages(); page > pages {
		// A bookmark past the end (messages were deleted since).
		return c.Redirect(http.StatusSeeOther, sortedFolderURL(folder, order, pages))
	}
	p := &messageListPage{shellPage: a.shell(c, folders, folder, "page-list")}
	pageURL := func(n int) string { return sortedFolderURL(folder, order, n) }
	if err := a.listRows(c, p, folders, list, pageURL); err != nil {
		return err
	}
	a.sortLinks(p, "/mail", url.Values{"folder": {folder}}, list)
	a.listActions(c, p, folders, list)
	f := a.formatter(langOf(c))
	p.Title = p.Folder
	for _, fo := range folders {
		// The inbox's count is already the title's "(3) " prefix.
		if fo.Name == folder && fo.Unread > 0 && fo.Role != imapclient.RoleInbox {
			p.Title = p.T("list.title_unread", "Folder", p.Folder, "Unread", f.Number(int(fo.Unread)))
		}
	}
	return a.render(c, http.StatusOK, viewMessageList, p)
}

// listRows fills the rows, range and pager of a list page (a folder or
// search results); pageURL is the URL of another page of the same list.
// Each row links to its message in the message's own folder.
func (a *app) listRows(c echo.Context, p *messageListPage, folders []imapclient.Folder, list *imapclient.Page, pageURL func(int) string) error {
	page := list.Page
	f := a.formatter(langOf(c))
	role := folderRole(folders, list.Folder)
	p.ShowRecipient = role == imapclient.RoleSent || role == imapclient.RoleDrafts
	p.Labels = rowLabels{Unread: p.T("list.unread"), Flagged: p.T("list.flagged"), Attachment: p.T("list.attachment")}
	var err error
	if p.Labels.ClipURL, err = a.assets.URL("clip.svg"); err != nil {
		return err
	}
	for _, m := range list.Messages {
		who, whoFull := f.Names(m.From), f.Addresses(m.From)
		if p.ShowRecipient {
			who, whoFull = f.Names(m.To), f.Addresses(m.To)
		}
		subject := m.Subject
		if subject == "" {
			subject = p.T("message.no_subject")
		}
		folder := list.Folder
		if m.Folder != "" {
			folder = m.Folder
		}
		u := messageURL(folder, m.UID, page)
		if folderRole(folders, folder) == imapclient.RoleDrafts {
			u = draftURL(m.UID) // drafts open in the compose page
		}
		p.Rows = append(p.Rows, messageRow{
			UID:            m.UID,
			UIDText:        strconv.FormatUint(uint64(m.UID), 10),
			URL:            u,
			Who:            who,
			WhoFull:        whoFull,
			Subject:        subject,
			Date:           f.ShortDate(m.Date),
			DateFull:       f.LongDate(m.Date),
			Size:           f.Size(m.Size),
			Unread:         !m.Seen,
			Flagged:        m.Flagged,
			HasAttachments: m.HasAttachments,
		})
	}
	if list.Total > 0 {
		first := (page-1)*list.PerPage + 1
		last := min(first+len(list.Messages)-1, list.Total)
		p.Range = p.T("list.range", "First", f.Number(first), "Last", f.Number(last), "Total", f.Number(list.Total))
	}
	if page > 1 {
		p.PrevURL = pageURL(page - 1)
	}
	if page < list.Pages() {
		p.NextURL = pageURL(page + 1)
	}
	return nil
}
