package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// settingsPasswordPath is the settings page for changing the password.
const settingsPasswordPath = "/settings/password"

// passwordSettingsShow is "Ubah Kata Sandi" for a signed-in user (the user
// menu links to it).
func (a *app) passwordSettingsShow(c echo.Context) error {
	return a.renderPassword(c, http.StatusOK, a.newPasswordPage(c, false, sessionOf(c).Account))
}

// passwordSettingsSubmit changes the signed-in user's password. The old
// password must be the session's; on success the session starts again
// with the new password, and every other session of the account ends:
// the password in their cookies no longer signs in (in this process at
// once, their cached connections being closed; elsewhere when the cached
// connections reach their maximum age).
func (a *app) passwordSettingsSubmit(c echo.Context) error {
	s := sessionOf(c)
	p := a.newPasswordPage(c, false, s.Account)
	if !p.Available {
		return a.renderPassword(c, http.StatusServiceUnavailable, p)
	}
	if fl := a.changePassword(c, "settings", s.Account, s.Password, readPasswordForm(c)); fl != nil {
		return a.showFailure(c, p, fl)
	}
	a.imap.Drop(s.ID)
	return a.signInChanged(c, s.Account, c.FormValue("new_password"))
}
