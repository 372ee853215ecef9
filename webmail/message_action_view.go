package webmail

import (
	"encoding/json"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// viewActionConfirm asks before deleting for good.
const viewActionConfirm = "message_action_confirm.html"

// encodeActionFlash writes the flash for the session cookie. Catalogue
// keys, the other kind of flash, never start with "{".
func encodeActionFlash(fl actionFlash) string {
	b, err := json.Marshal(fl)
	if err != nil {
		return fl.Key
	}
	return string(b)
}

// decodeActionFlash reads a flash written by encodeActionFlash.
func decodeActionFlash(s string) (actionFlash, bool) {
	var fl actionFlash
	if !strings.HasPrefix(s, "{") || json.Unmarshal([]byte(s), &fl) != nil || fl.Key == "" {
		return fl, false
	}
	return fl, true
}

// undoForm is the Urungkan button under the message of an action.
type undoForm struct {
	Action, Folder, To, UIDs, Return string
}

// actionNotice puts an action's message (and undo button) on the page.
func (a *app) actionNotice(p *basePage, fl actionFlash) {
	folder := fl.Folder
	if fl.Role != "" {
		folder = p.T("folder." + fl.Role)
	}
	key := fl.Key
	if strings.HasPrefix(key, "action.done.") {
		if fl.Count == 0 {
			key = "action.done.none"
		} else if fl.Count == 1 {
			key += ".one"
		} else {
			key += ".other"
		}
	}
	p.Notice = p.T(key, "Count", a.formatter(p.Lang).Number(fl.Count), "Folder", folder)
	p.NoticeAlert = fl.Alert
	if u := fl.Undo; u != nil && fl.Count > 0 {
		p.Undo = &undoForm{Action: u.Action, Folder: u.Folder, To: u.To, UIDs: u.UIDs, Return: safeReturn(u.Return)}
	}
}

// actionBar is the toolbar of the list and of the reading view.
type actionBar struct {
	Folder string // IMAP name, for the form
	Return string // the page to come back to
	// InTrash and InJunk change the buttons: Hapus is for good in
	// Trash, Spam becomes Bukan spam in Spam, and both can be emptied.
	InTrash, InJunk bool
	InArchive       bool
	// UID is the message of the reading view (0 in the list), Flagged
	// its state (one of the two star buttons is shown).
	UID     uint32
	Flagged bool
	// PageUIDs is every UID of the list page ("select all" without
	// JavaScript).
	PageUIDs string
	Targets  []moveTarget
	// LabelSelect names a row's checkbox for screen readers, before the
	// subject (translated once per page).
	LabelSelect string
}

// moveTarget is one folder of the "Pindahkan ke…" picker.
type moveTarget struct {
	Name  string // IMAP name
	Label string // display name, indented by depth
}

// newActionBar builds the toolbar for folder.
func (a *app) newActionBar(lang string, folders []imapclient.Folder, folder, ret string, pageUIDs []uint32) *actionBar {
	b := &actionBar{Folder: folder, Return: ret, PageUIDs: imapclient.FormatUIDs(pageUIDs),
		LabelSelect: a.cat.T(lang, "action.select_row")}
	switch folderRole(folders, folder) {
	case imapclient.RoleTrash:
		b.InTrash = true
	case imapclient.RoleJunk:
		b.InJunk = true
	case imapclient.RoleArchive:
		b.InArchive = true
	}
	for _, f := range folders {
		if f.NoSelect || f.Name == folder {
			continue
		}
		b.Targets = append(b.Targets, moveTarget{
			Name:  f.Name,
			Label: strings.Repeat("\u00a0\u00a0", min(f.Depth, maxDepth)) + a.folderName(lang, f),
		})
	}
	return b
}

// listActions adds the toolbar and the row checkboxes to a folder's list.
func (a *app) listActions(c echo.Context, p *messageListPage, folders []imapclient.Folder, list *imapclient.Page) {
	uids := make([]uint32, len(list.Messages))
	for i, m := range list.Messages {
		uids[i] = m.UID
	}
	ret := safeReturn(c.Request().URL.RequestURI())
	if ret == "" {
		ret = folderURL(list.Folder, list.Page)
	}
	p.Actions = a.newActionBar(p.Lang, folders, list.Folder, ret, uids)
	p.Scripts = append(p.Scripts, "list.js")
}
