package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// logoutSubmit signs out: it closes the session's IMAP connection and
// replaces the cookie with an anonymous one that holds no account and no
// password, only the one-time "you have signed out" message. A pending
// password change (the forced change page's sign-out button) ends too.
func (a *app) logoutSubmit(c echo.Context) error {
	s := sessionOf(c)
	a.sessions.clearPending(c)
	if s.ID != "" {
		a.imap.Drop(s.ID)
	}
	if s.Account != "" {
		a.log.Info("sign-out", "event", "logout", "account", s.Account, "ip", ipString(clientAddr(c)))
	}
	anon, err := newAnonymous()
	if err != nil {
		return err
	}
	anon.Flash = "auth.signed_out"
	c.Set(ctxSession, anon)
	if err := a.sessions.write(c, anon); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
