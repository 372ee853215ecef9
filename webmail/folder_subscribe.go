package webmail

import (
	"github.com/labstack/echo/v4"
)

// folderSubscribe subscribes to (subscribe=1) or unsubscribes from
// (subscribe=0) a folder: folder=.
func (a *app) folderSubscribe(c echo.Context) error {
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	folder := c.FormValue("folder")
	var err error
	flash := "folders.subscribed"
	if c.FormValue("subscribe") == "1" {
		err = sess.Subscribe(ctx, folder)
	} else {
		err, flash = sess.Unsubscribe(ctx, folder), "folders.unsubscribed"
	}
	if err != nil {
		return a.folderFailed(c, err, "", "")
	}
	return a.redirectFlash(c, foldersPath, flash)
}
