package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// loginPage is the sign-in form.
type loginPage struct {
	basePage
	Username string
	Next     string
	// Error is a failure, shown in role="alert" with the helpdesk contact.
	Error string
	// Notice is a one-time message such as "you have signed out".
	Notice   string
	Helpdesk string
	// Domain is appended to a bare user name ("" when not configured).
	Domain string
	// ChangePending links back to the forced password change that this
	// browser has not finished (the user may sign in as someone else).
	ChangePending bool
}

// Flash messages that are failures (shown with the helpdesk contact)
// rather than notices.
var flashIsError = map[string]bool{
	"auth.password_changed": true,
	"auth.must_change_now":  true,
	// The change went through but the new password does not sign in yet.
	"password.changed_sign_in_again": true,
}

// loginShow shows the sign-in form. It makes sure the browser holds an
// anonymous session whose CSRF secret protects the form (login CSRF).
func (a *app) loginShow(c echo.Context) error {
	s := sessionOf(c)
	next := safeNext(c.QueryParam("next"))
	if s.signedIn() {
		if next == "" {
			next = "/mail"
		}
		return c.Redirect(http.StatusSeeOther, next)
	}
	p := a.newLoginPage(c, "", next)
	changed := false
	if s.Account != "" || s.invalid || s.expired || s.CSRF == "" {
		// Whatever the browser held is of no use any more: start clean.
		flash := s.Flash
		anon, err := newAnonymous()
		if err != nil {
			return err
		}
		anon.Flash = flash
		*s = *anon
		changed = true
	}
	if s.Flash != "" {
		msg := p.T(s.Flash)
		if flashIsError[s.Flash] {
			p.Error = msg
		} else {
			p.Notice = msg
		}
		s.Flash = ""
		changed = true
	}
	if changed {
		if err := a.sessions.write(c, s); err != nil {
			return err
		}
	}
	p.CSRFToken = csrfToken(s.CSRF)
	p.ChangePending = s.changePending(a.cfg.Now())
	return a.render(c, http.StatusOK, viewLogin, p)
}

func (a *app) newLoginPage(c echo.Context, username, next string) *loginPage {
	p := &loginPage{Username: username, Next: next, Helpdesk: a.cfg.Helpdesk, Domain: a.cfg.Domain}
	p.basePage = a.base(c, a.cat.T(langOf(c), "login.title"), "page-login")
	return p
}
