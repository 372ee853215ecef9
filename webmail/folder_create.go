package webmail

import (
	"github.com/labstack/echo/v4"
)

// folderCreate creates a folder: name=, parent= ("" for the top level).
func (a *app) folderCreate(c echo.Context) error {
	name, parent := c.FormValue("name"), c.FormValue("parent")
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	if _, err := sess.CreateFolder(ctx, parent, name); err != nil {
		return a.folderFailed(c, err, name, parent)
	}
	return a.redirectFlash(c, foldersPath, "folders.created")
}
