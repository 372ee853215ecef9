package webmail

import (
	"github.com/labstack/echo/v4"
)

// folderRename renames a folder within its parent: folder=, name=.
func (a *app) folderRename(c echo.Context) error {
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	if _, err := sess.RenameFolder(ctx, c.FormValue("folder"), c.FormValue("name")); err != nil {
		return a.folderFailed(c, err, "", "")
	}
	return a.redirectFlash(c, foldersPath, "folders.renamed")
}
