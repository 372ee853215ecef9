package webmail

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// shellPage is a signed-in page: top bar with the user menu, the folder
// list on the left, the page's own content in the middle.
type shellPage struct {
	basePage
	Folders []folderLink
	// Folder is the current folder's display name.
	Folder string
	// ComposeURL is the "Pesan Baru" button's target.
	ComposeURL string
	// TitleCount: the title starts with the inbox's unread count
	// (basePage.InboxUnread), kept current by static/live.js.
	TitleCount bool
}

// folderLink is one entry of the folder list.
type folderLink struct {
	Name     string // display name (translated for special folders)
	URL      string
	Role     string
	Depth    int // nesting level, capped for the stylesheet
	Unread   uint32
	Total    uint32 // for static/live.js: has the open folder grown?
	Current  bool
	NoSelect bool
}

// maxDepth is the deepest nesting the stylesheet indents.
const maxDepth = 6

// folderName is the name shown for a folder: special folders by their
// translated role, others by their own (last) name.
func (a *app) folderName(lang string, f imapclient.Folder) string {
	if f.Role != imapclient.RoleNone {
		return a.cat.T(lang, "folder."+string(f.Role))
	}
	if f.Leaf != "" {
		return f.Leaf
	}
	return f.Name
}

// shell builds the frame of a signed-in page around the current folder.
func (a *app) shell(c echo.Context, folders []imapclient.Folder, current, bodyClass string) shellPage {
	lang := langOf(c)
	p := shellPage{basePage: a.base(c, "", bodyClass), ComposeURL: "/compose"}
	// Not the reading view: its title is the message's subject.
	p.TitleCount = !strings.HasPrefix(bodyClass, "page-message")
	a.takeFlash(c, &p.basePage)
	for _, f := range folders {
		l := folderLink{
			Name:     a.folderName(lang, f),
			URL:      folderURL(f.Name, 1),
			Role:     string(f.Role),
			Depth:    min(f.Depth, maxDepth),
			Unread:   f.Unread,
			Total:    f.Total,
			Current:  f.Name == current,
			NoSelect: f.NoSelect,
		}
		if l.Current {
			p.Folder = l.Name
		}
		p.Folders = append(p.Folders, l)
		if p.TitleCount && f.Role == imapclient.RoleInbox && f.Unread > 0 {
			p.InboxUnread = a.formatter(lang).Number(int(f.Unread))
		}
	}
	// The mailbox's look, the keyboard shortcuts and the live counts
	// (comfort only). The compose page replaces these with its own.
	p.Styles = append(p.Styles, "mailbox.css")
	p.Scripts = append(p.Scripts, "keys.js", "live.js")
	if p.Folder == "" {
		p.Folder = current
	}
	p.SearchFolder = current
	return p
}

// requireFolder fails with imapclient.ErrNoSuchFolder when the folder is
// not in the account's list (deleted by another client meanwhile): a
// connection that still has it selected may go on showing it otherwise.
func requireFolder(folders []imapclient.Folder, name string) error {
	for _, f := range folders {
		if f.Name == name && !f.NoSelect {
			return nil
		}
	}
	return fmt.Errorf("folder %q: %w", name, imapclient.ErrNoSuchFolder)
}

// folderRole is the role of the named folder in the list.
func folderRole(folders []imapclient.Folder, name string) imapclient.Role {
	for _, f := range folders {
		if f.Name == name {
			return f.Role
		}
	}
	return imapclient.RoleNone
}

// folderURL is the list page of a folder; page 1 is left out.
func folderURL(folder string, page int) string {
	q := url.Values{"folder": {folder}}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return "/mail?" + q.Encode()
}

// messageURL is the reading view of a message; page is the list page to
// go back to.
func messageURL(folder string, uid uint32, page int) string {
	q := url.Values{"folder": {folder}, "uid": {strconv.FormatUint(uint64(uid), 10)}}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return "/mail/message?" + q.Encode()
}

// folderParam is the folder of the request (the inbox by default).
func folderParam(c echo.Context) string {
	if f := c.QueryParam("folder"); f != "" {
		return f
	}
	return "INBOX"
}

// pageParam is the 1-based list page of the request.
func pageParam(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// uidParam is the message UID of the request; a missing or malformed one
// is a message that does not exist.
func uidParam(c echo.Context) (uint32, error) {
	n, err := strconv.ParseUint(c.QueryParam("uid"), 10, 32)
	if err != nil || n == 0 {
		return 0, errNoMessage
	}
	return uint32(n), nil
}

// takeFlash moves the session's one-time message (set before a redirect,
// such as "Pesan terkirim.") onto the page and clears it from the cookie.
func (a *app) takeFlash(c echo.Context, p *basePage) {
	s := sessionOf(c)
	if s.Flash == "" || !s.signedIn() {
		return
	}
	if fl, ok := decodeActionFlash(s.Flash); ok {
		a.actionNotice(p, fl)
	} else {
		p.Notice = p.T(s.Flash)
	}
	s.Flash = ""
	if err := a.sessions.write(c, s); err != nil {
		a.log.Error("clear flash", "err", err)
	}
}
