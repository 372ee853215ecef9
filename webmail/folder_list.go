package webmail

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// foldersPath is the folder management page ("Kelola folder").
const foldersPath = "/folders"

// foldersPage lists the folders with their actions, or (Confirm set) asks
// to confirm deleting one.
type foldersPage struct {
	shellPage
	Rows    []folderRow
	Parents []folderChoice // the parent select of the create form
	// Error is a translated failure of the last POST; the form's input
	// is kept in NewName/Parent.
	Error           string
	NewName, Parent string
	Confirm         *folderRow
}

// folderRow is one folder of the management page.
type folderRow struct {
	Name       string // full IMAP name, the forms' value
	Label      string // display name
	Depth      int
	Special    bool // inbox or special use: not renamed or deleted
	NoSelect   bool
	Subscribed bool
	// SubscribeKnown is false when the server cannot list subscriptions.
	SubscribeKnown bool
	Total          uint32
	URL            string
}

// folderList shows the folder management page.
func (a *app) folderList(c echo.Context) error {
	return a.renderFolders(c, http.StatusOK, "", "", "", "")
}

// renderFolders renders the page with an optional error (a catalogue key)
// and the create form's input; confirm names a folder to confirm deleting.
func (a *app) renderFolders(c echo.Context, status int, errKey, newName, parent, confirm string) error {
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	folders, subs, err := sess.FoldersSubscribed(ctx)
	if err != nil {
		return err
	}
	lang := langOf(c)
	p := &foldersPage{shellPage: a.shell(c, folders, "", "page-folders"), NewName: newName, Parent: parent}
	p.Title = p.T("folders.title")
	p.Folder = p.Title
	if errKey != "" {
		p.Error = p.T(errKey)
	}
	p.Parents = a.folderChoices(lang, folders, parent, false)
	for _, f := range folders {
		r := folderRow{
			Name: f.Name, Label: a.folderName(lang, f), Depth: min(f.Depth, maxDepth),
			Special: f.Role != imapclient.RoleNone, NoSelect: f.NoSelect,
			Subscribed: subs[f.Name], SubscribeKnown: subs != nil, Total: f.Total,
		}
		if !f.NoSelect {
			r.URL = folderURL(f.Name, 1)
		}
		p.Rows = append(p.Rows, r)
		if confirm != "" && f.Name == confirm {
			p.Confirm = &p.Rows[len(p.Rows)-1]
		}
	}
	if confirm != "" {
		if p.Confirm == nil {
			return imapclient.ErrNoSuchFolder
		}
		if p.Confirm.Special {
			return a.renderFolders(c, http.StatusUnprocessableEntity, "folders.error.special", "", "", "")
		}
		c2 := *p.Confirm
		p.Confirm = &c2
	}
	return a.render(c, status, viewFolders, p)
}

// nameProblemKeys are the messages of refused folder names.
var nameProblemKeys = map[imapclient.NameProblem]string{
	imapclient.NameEmpty:     "folders.error.name_empty",
	imapclient.NameDelimiter: "folders.error.name_delimiter",
	imapclient.NameWildcard:  "folders.error.name_wildcard",
	imapclient.NameControl:   "folders.error.name_control",
	imapclient.NameTooLong:   "folders.error.name_too_long",
}

// folderErrorKey is the catalogue key of a failed folder action.
func folderErrorKey(err error) (string, bool) {
	var ne *imapclient.FolderNameError
	switch {
	case errors.As(err, &ne):
		if key, ok := nameProblemKeys[ne.Problem]; ok {
			return key, true
		}
		return "folders.error.name_control", true
	case errors.Is(err, imapclient.ErrFolderExists):
		return "folders.error.exists", true
	case errors.Is(err, imapclient.ErrSpecialFolder):
		return "folders.error.special", true
	case errors.Is(err, imapclient.ErrNoSuchFolder):
		return "folders.error.no_folder", true
	}
	return "", false
}

// folderFailed renders the page again with the translated error, or
// passes an unexpected error on to the error page.
func (a *app) folderFailed(c echo.Context, err error, newName, parent string) error {
	key, ok := folderErrorKey(err)
	if !ok {
		return err
	}
	a.log.Debug("folder action refused", "err", err)
	return a.renderFolders(c, http.StatusUnprocessableEntity, key, newName, parent, "")
}
