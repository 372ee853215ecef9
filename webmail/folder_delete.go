package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// folderDeleteConfirm asks to confirm deleting ?folder= (GET).
func (a *app) folderDeleteConfirm(c echo.Context) error {
	return a.renderFolders(c, http.StatusOK, "", "", "", folderParamOr(c, ""))
}

// folderDelete deletes a folder and its subfolders: folder=, confirm=1.
// Without confirm it shows the confirmation page.
func (a *app) folderDelete(c echo.Context) error {
	folder := c.FormValue("folder")
	if c.FormValue("confirm") != "1" {
		return a.renderFolders(c, http.StatusOK, "", "", "", folder)
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	if err := sess.DeleteFolder(ctx, folder); err != nil {
		return a.folderFailed(c, err, "", "")
	}
	return a.redirectFlash(c, foldersPath, "folders.deleted")
}

// folderParamOr is ?folder=, or def when missing.
func folderParamOr(c echo.Context, def string) string {
	if f := c.QueryParam("folder"); f != "" {
		return f
	}
	return def
}
