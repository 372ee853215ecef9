package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthCheck answers load balancers: the process is up. It does not
// touch the mail server, so a slow IMAP host does not take every instance
// out of rotation at once.
func (a *app) healthCheck(c echo.Context) error {
	return c.String(http.StatusOK, "ok")
}
