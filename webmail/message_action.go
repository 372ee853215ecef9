package webmail

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// Limits of a selection: what one POST may name, and what an undo button
// carries in the session cookie (which must stay well under 4 KB).
const (
	maxSelection = 5000
	maxUndoUIDs  = 500
	maxUndoSet   = 700 // characters of the compressed UID set
)

// actionForm is the form of POST /mail/action: the toolbar of the list
// and of the reading view, the undo button and the confirmation page.
type actionForm struct {
	Folder  string
	UIDs    []uint32
	Action  string
	To      string
	Confirm bool
	Return  string // where to go afterwards: a relative /mail URL
}

// readActionForm parses the form. The selection is the repeated uid
// field, a compressed set in uids (the undo button), or, with all=1 (the
// "select all" box without JavaScript), every UID of the page in
// page_uids.
func readActionForm(c echo.Context) (*actionForm, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, echo.ErrBadRequest
	}
	f := &actionForm{
		Folder:  form.Get("folder"),
		Action:  form.Get("action"),
		To:      form.Get("to"),
		Confirm: form.Get("confirm") == "1",
		Return:  safeReturn(form.Get("return")),
	}
	if f.Folder == "" {
		return nil, echo.ErrBadRequest
	}
	if f.Return == "" {
		f.Return = folderURL(f.Folder, 1)
	}
	seen := map[uint32]bool{}
	add := func(u uint32) {
		if !seen[u] {
			seen[u] = true
			f.UIDs = append(f.UIDs, u)
		}
	}
	for _, v := range form["uid"] {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return nil, echo.ErrBadRequest
		}
		add(uint32(n))
	}
	sets := []string{form.Get("uids")}
	if form.Get("all") == "1" {
		sets = append(sets, form.Get("page_uids"))
	}
	for _, s := range sets {
		uids, err := imapclient.ParseUIDs(s, maxSelection)
		if err != nil {
			return nil, echo.ErrBadRequest
		}
		for _, u := range uids {
			add(u)
		}
	}
	if len(f.UIDs) > maxSelection {
		return nil, echo.ErrBadRequest
	}
	return f, nil
}

// safeReturn accepts only a relative URL of the mail pages: no scheme,
// no host, no "//" or backslash that a browser would take for another
// site.
func safeReturn(s string) string {
	if !strings.HasPrefix(s, "/mail") || strings.ContainsAny(s, "\\\r\n\t") || strings.HasPrefix(s, "//") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || path.Clean(u.Path) != u.Path ||
		(u.Path != "/mail" && !strings.HasPrefix(u.Path, "/mail/")) {
		return ""
	}
	return s
}

// actionFlash is the one-time message after an action, with what its
// undo button needs. It travels in the session cookie as JSON.
type actionFlash struct {
	Key    string   `json:"k"`           // catalogue key, without .one/.other
	Count  int      `json:"n"`           // messages concerned
	Folder string   `json:"f,omitempty"` // folder named in the message
	Role   string   `json:"r,omitempty"` // its role, for the translated name
	Alert  bool     `json:"e,omitempty"` // a failure
	Undo   *undoRef `json:"u,omitempty"`
}

// undoRef is the inverse action: fields of POST /mail/action.
type undoRef struct {
	Action string `json:"a"`
	Folder string `json:"f"`
	To     string `json:"t,omitempty"`
	UIDs   string `json:"s"` // compressed set, "1:5,9"
	Return string `json:"b,omitempty"`
}

// newUndo is the undo of an action on uids, or nil when there are too
// many to carry in the cookie.
func newUndo(action, folder, to string, uids []uint32, ret string) *undoRef {
	if len(uids) == 0 || len(uids) > maxUndoUIDs {
		return nil
	}
	set := imapclient.FormatUIDs(uids)
	if len(set) > maxUndoSet {
		return nil
	}
	return &undoRef{Action: action, Folder: folder, To: to, UIDs: set, Return: ret}
}

// flagActions are the actions that set or clear a flag, with their
// inverse.
var flagActions = map[string]struct {
	flag    string
	add     bool
	inverse string
}{
	"read":   {imapclient.FlagSeen, true, "unread"},
	"unread": {imapclient.FlagSeen, false, "read"},
	"flag":   {imapclient.FlagFlagged, true, "unflag"},
	"unflag": {imapclient.FlagFlagged, false, "flag"},
}

// messageAction applies one toolbar action to the selected messages and
// goes back to the list with a message saying what was done, and an
// undo button where the action can be undone.
func (a *app) messageAction(c echo.Context) error {
	f, err := readActionForm(c)
	if err != nil {
		return err
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	folders, err := sess.Folders(ctx)
	if err != nil {
		return err
	}
	if requireFolder(folders, f.Folder) != nil {
		return a.actionFailed(c, "/mail", "error.no_folder")
	}
	role := folderRole(folders, f.Folder)
	if f.Action == "delete" && role == imapclient.RoleTrash {
		// Hapus inside Tempat Sampah is for good, after a confirmation.
		f.Action = "delete_forever"
	}
	if f.Action != "empty" && len(f.UIDs) == 0 {
		return a.actionFailed(c, f.Return, "action.error.none_selected")
	}

	var fl actionFlash
	if fa, ok := flagActions[f.Action]; ok {
		fc, err := sess.SetFlags(ctx, f.Folder, f.UIDs, fa.add, fa.flag)
		if err != nil {
			return a.actionError(c, f, err)
		}
		fl = actionFlash{Key: doneKey(f.Action), Count: fc.Count,
			Undo: newUndo(fa.inverse, f.Folder, "", fc.Changed, f.Return)}
		return a.actionDone(c, f.Return, fl)
	}

	var tr imapclient.Transfer
	switch f.Action {
	case "move", "copy":
		if f.To == "" {
			return a.actionFailed(c, f.Return, "action.error.no_target")
		}
		if requireFolder(folders, f.To) != nil {
			return a.actionFailed(c, f.Return, "action.error.target_gone")
		}
		if f.Action == "copy" {
			tr, err = sess.Copy(ctx, f.Folder, f.UIDs, f.To)
		} else {
			tr, err = sess.Move(ctx, f.Folder, f.UIDs, f.To)
		}
	case "delete":
		tr, err = sess.Delete(ctx, f.Folder, f.UIDs)
	case "spam":
		tr, err = sess.MoveTo(ctx, f.Folder, f.UIDs, imapclient.RoleJunk)
	case "notspam":
		tr, err = sess.MoveTo(ctx, f.Folder, f.UIDs, imapclient.RoleInbox)
	case "archive":
		tr, err = sess.MoveTo(ctx, f.Folder, f.UIDs, imapclient.RoleArchive)
	case "delete_forever", "empty":
		return a.actionPermanent(c, f, folders, role)
	case "uncopy":
		// The Urungkan of a copy: the copies go for good, without a
		// confirmation, as they are copies the user made a moment ago.
		n, err := sess.DeleteForever(ctx, f.Folder, f.UIDs)
		if err != nil {
			return a.actionError(c, f, err)
		}
		return a.actionDone(c, f.Return, actionFlash{Key: doneKey("uncopied"), Count: n, Folder: f.Folder, Role: string(role)})
	default:
		return echo.ErrBadRequest
	}
	if err != nil {
		return a.actionError(c, f, err)
	}
	fl = actionFlash{Key: doneKey("moved"), Count: tr.Count, Folder: tr.To, Role: string(folderRole(folders, tr.To))}
	if f.Action == "archive" && fl.Role == "" {
		fl.Role = string(imapclient.RoleArchive) // created just now
	}
	if len(tr.UIDs) > 0 {
		back := make([]uint32, 0, len(tr.UIDs))
		for _, u := range tr.UIDs {
			back = append(back, u)
		}
		fl.Undo = newUndo("move", tr.To, f.Folder, back, f.Return)
		if f.Action == "copy" {
			fl.Undo = newUndo("uncopy", tr.To, "", back, f.Return)
		}
	}
	if f.Action == "copy" {
		fl.Key = doneKey("copied")
	}
	return a.actionDone(c, f.Return, fl)
}

// actionPermanent deletes messages for good, or empties Trash or Spam,
// once the user has confirmed it.
func (a *app) actionPermanent(c echo.Context, f *actionForm, folders []imapclient.Folder, role imapclient.Role) error {
	if f.Action == "empty" && role != imapclient.RoleTrash && role != imapclient.RoleJunk {
		return echo.ErrBadRequest
	}
	if !f.Confirm {
		return a.actionConfirm(c, f, folders)
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	var n int
	var err error
	key := doneKey("deleted_forever")
	if f.Action == "empty" {
		n, err = sess.EmptyFolder(ctx, f.Folder)
		key = doneKey("emptied")
	} else {
		n, err = sess.DeleteForever(ctx, f.Folder, f.UIDs)
	}
	if err != nil {
		return a.actionError(c, f, err)
	}
	return a.actionDone(c, f.Return, actionFlash{Key: key, Count: n, Folder: f.Folder, Role: string(role)})
}

// actionError turns a failed action into a message on the list where
// the user can act on it (a folder deleted meanwhile); anything else
// (the server down) is an error page.
func (a *app) actionError(c echo.Context, f *actionForm, err error) error {
	if errors.Is(err, imapclient.ErrNoSuchFolder) {
		a.log.Info("action on a missing folder", "action", f.Action, "err", err)
		if f.To != "" && (f.Action == "move" || f.Action == "copy") {
			return a.actionFailed(c, f.Return, "action.error.target_gone")
		}
		return a.actionFailed(c, "/mail", "error.no_folder")
	}
	return err
}

// actionFailed goes back with a translated failure message.
func (a *app) actionFailed(c echo.Context, to, key string) error {
	return a.actionDone(c, to, actionFlash{Key: key, Alert: true})
}

// actionDone redirects (303) with the flash.
func (a *app) actionDone(c echo.Context, to string, fl actionFlash) error {
	s := sessionOf(c)
	s.Flash = encodeActionFlash(fl)
	if err := a.sessions.write(c, s); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// actionConfirmPage asks before deleting for good.
type actionConfirmPage struct {
	shellPage
	Heading string
	Text    string
	Button  string
	Form    *actionForm
	UIDSet  string
}

// actionConfirm shows the confirmation of delete_forever or empty.
func (a *app) actionConfirm(c echo.Context, f *actionForm, folders []imapclient.Folder) error {
	p := &actionConfirmPage{shellPage: a.shell(c, folders, f.Folder, "page-confirm"), Form: f}
	p.UIDSet = imapclient.FormatUIDs(f.UIDs)
	if f.Action == "empty" {
		p.Heading = p.T("action.confirm.empty_title", "Folder", p.Folder)
		p.Text = p.T("action.confirm.empty_text", "Folder", p.Folder)
		p.Button = p.T("action.empty")
	} else {
		p.Heading = p.T("action.confirm.forever_title")
		p.Text = p.T("action.confirm.forever_text", "Count", a.formatter(p.Lang).Number(len(f.UIDs)), "Folder", p.Folder)
		p.Button = p.T("action.delete_forever")
	}
	p.Title = p.Heading
	return a.render(c, http.StatusOK, viewActionConfirm, p)
}

// doneKey is the catalogue key of an action's result, completed with .one
// or .other by the count when shown (see actionNotice).
func doneKey(what string) string { return "action.done." + what }
