package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// homeRedirect sends "/" to the inbox.
func (a *app) homeRedirect(c echo.Context) error {
	return c.Redirect(http.StatusFound, "/mail")
}
