package webmail

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

const ctxPending = "webmail.pending"

// requirePending lets through the browsers that were sent to change their
// password at sign-in (a valid pending cookie). A mail session wins over a
// stale pending cookie; without either, the sign-in page.
func (a *app) requirePending(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := sessionOf(c)
		if s.signedIn() {
			a.sessions.clearPending(c)
			return c.Redirect(http.StatusSeeOther, "/mail")
		}
		pc := a.sessions.readPending(c.Request(), a.cfg.Now())
		if pc == nil {
			a.sessions.clearPending(c)
			return a.toLogin(c, "password.pending_expired", "")
		}
		c.Set(ctxPending, pc)
		return next(c)
	}
}

// pendingOf is the request's pending change (set by requirePending).
func pendingOf(c echo.Context) *pendingChange {
	pc, _ := c.Get(ctxPending).(*pendingChange)
	return pc
}

// passwordChangeShow is "Ubah Kata Sandi" after a sign-in that must change
// its password first. It makes sure the browser's anonymous session has
// a CSRF secret for the form and leads every other page here.
func (a *app) passwordChangeShow(c echo.Context) error {
	pc := pendingOf(c)
	if err := a.ensurePendingSession(c, pc); err != nil {
		return err
	}
	return a.renderPassword(c, http.StatusOK, a.forcedPage(c, pc))
}

// passwordChangeSubmit changes the password, then signs in with the new
// one: the mail session starts only now.
func (a *app) passwordChangeSubmit(c echo.Context) error {
	pc := pendingOf(c)
	p := a.forcedPage(c, pc)
	if !p.Available {
		return a.renderPassword(c, http.StatusServiceUnavailable, p)
	}
	if fl := a.changePassword(c, "forced", pc.Account, pc.Password, readPasswordForm(c)); fl != nil {
		return a.showFailure(c, p, fl)
	}
	a.sessions.clearPending(c)
	return a.signInChanged(c, pc.Account, c.FormValue("new_password"))
}

// forcedPage is the change form of a pending sign-in.
func (a *app) forcedPage(c echo.Context, pc *pendingChange) *passwordPage {
	p := a.newPasswordPage(c, true, pc.Account)
	p.Reason = p.T(reasonKeys[pc.Reason])
	if !p.Available {
		p.Errors = []string{p.T("password.error.not_available_forced")}
	}
	return p
}

// ensurePendingSession gives the browser an anonymous session with a CSRF
// secret and the pending mark, unless it has one already (the cookie may
// have been lost while the pending cookie was not).
func (a *app) ensurePendingSession(c echo.Context, pc *pendingChange) error {
	s := sessionOf(c)
	if s.CSRF != "" && !s.invalid && !s.expired && s.Account == "" && s.changePending(a.cfg.Now()) {
		return nil
	}
	anon, err := newAnonymous()
	if err != nil {
		return err
	}
	anon.PendingAt = pc.IssuedAt
	c.Set(ctxSession, anon)
	return a.sessions.write(c, anon)
}

// signInChanged starts the mail session with the password just set: a new
// session id and CSRF secret, the account's other cached connections
// closed (their sessions hold the old password), a flash for the inbox.
// If the mail server does not take the new password yet, the user is told
// so on the sign-in page rather than sent round again.
func (a *app) signInChanged(c echo.Context, account, newPassword string) error {
	a.imap.DropAccount(account)
	sid, err := randomString(18)
	if err != nil {
		return err
	}
	csrf, err := randomString(32)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), loginTimeout)
	defer cancel()
	if err := a.imap.Login(ctx, imapclient.Credentials{SessionID: sid, Username: account, Password: newPassword}); err != nil {
		a.log.Warn("sign-in with the new password failed", "event", "login_failed", "reason", "after_password_change",
			"account", account, "ip", ipString(clientAddr(c)), "err", err)
		return a.toLogin(c, "password.changed_sign_in_again", "")
	}
	a.log.Info("sign-in", "event", "login", "account", account, "ip", ipString(clientAddr(c)))
	now := a.cfg.Now()
	s := &session{Account: account, Password: newPassword, ID: sid, IssuedAt: now, LastSeen: now, CSRF: csrf,
		Flash: "password.changed"}
	c.Set(ctxSession, s)
	if err := a.sessions.write(c, s); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/mail")
}
