package webmail

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// The forced password change keeps no state on the server either. A
// sign-in that must change its password first gets no mail session;
// instead:
//
//   - the pending cookie (pendingCookie, path /password, so it reaches the
//     change page and nothing else) carries the account, the password the
//     user typed, why the change is needed and when it was asked for,
//     encrypted and authenticated with the session keys, for
//     pendingLifetime;
//   - the ordinary session cookie (path /) stays anonymous, with a CSRF
//     secret for the change form and PendingAt, so that every page that
//     needs a session leads to the change page rather than the sign-in
//     page.
//
// Sign-out deletes both; a successful change replaces them with a mail
// session.
const (
	pendingCookie      = "webmail_pw"
	pendingPath        = "/password"
	pendingLifetime    = 10 * time.Minute
	passwordChangePath = pendingPath + "/change"
)

// Why a password must be changed, as logged (reason=) and explained on the
// page (password.reason.*).
const (
	reasonExpired = "expired" // the IMAP server refused the login: [EXPIRED], or Zimbra's [ALERT]
	reasonDefault = "default" // the password is the provisioned default of the official letter
	reasonLDAP    = "ldap"    // the directory's password policy says so (reset by an administrator)
)

// reasonKeys are the explanations shown on the change page.
var reasonKeys = map[string]string{
	reasonExpired: "password.reason.expired",
	reasonDefault: "password.reason.default",
	reasonLDAP:    "password.reason.ldap",
}

// Keys of the values kept in the pending cookie.
const (
	keyPendingAccount  = "a"
	keyPendingPassword = "p"
	keyPendingReason   = "r"
	keyPendingIssued   = "t"
)

// pendingChange is the decoded pending cookie: a sign-in waiting for its
// password to be changed.
type pendingChange struct {
	Account  string
	Password string // as typed at sign-in; the change form's old password must match it
	Reason   string
	IssuedAt time.Time
}

// oldPasswordMatches compares in constant time (hashes of equal length, so
// not even the length leaks).
func oldPasswordMatches(want, got string) bool {
	w, g := sha256.Sum256([]byte(want)), sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(w[:], g[:]) == 1
}

// readPending decodes the request's pending cookie. It returns nil when
// there is none, or it does not decode, or it is older than
// pendingLifetime.
func (st *sessionStore) readPending(r *http.Request, now time.Time) *pendingChange {
	if _, err := r.Cookie(pendingCookie); err != nil {
		return nil
	}
	raw, err := st.store.New(r, pendingCookie)
	if err != nil {
		return nil
	}
	str := func(k string) string { v, _ := raw.Values[k].(string); return v }
	issued, _ := raw.Values[keyPendingIssued].(int64)
	p := &pendingChange{
		Account:  str(keyPendingAccount),
		Password: str(keyPendingPassword),
		Reason:   str(keyPendingReason),
		IssuedAt: time.Unix(issued, 0),
	}
	age := now.Sub(p.IssuedAt)
	if p.Account == "" || p.Password == "" || reasonKeys[p.Reason] == "" || issued == 0 ||
		age < -time.Minute || age > pendingLifetime {
		return nil
	}
	return p
}

// writePending sets the pending cookie.
func (st *sessionStore) writePending(c echo.Context, p *pendingChange) error {
	raw := sessions.NewSession(st.store, pendingCookie)
	raw.Options = st.pendingOptions(c, int(pendingLifetime/time.Second))
	raw.Values[keyPendingAccount] = p.Account
	raw.Values[keyPendingPassword] = p.Password
	raw.Values[keyPendingReason] = p.Reason
	raw.Values[keyPendingIssued] = p.IssuedAt.Unix()
	if err := st.store.Save(c.Request(), c.Response(), raw); err != nil {
		return fmt.Errorf("write pending-change cookie: %w", err)
	}
	return nil
}

// clearPending deletes the pending cookie. It is sent whether or not the
// request carried one: the cookie's path keeps it from most requests.
func (st *sessionStore) clearPending(c echo.Context) {
	h := c.Response().Header()
	if old := h.Values("Set-Cookie"); len(old) > 0 {
		h.Del("Set-Cookie")
		for _, v := range old {
			if !strings.HasPrefix(v, pendingCookie+"=") {
				h.Add("Set-Cookie", v)
			}
		}
	}
	o := st.pendingOptions(c, -1)
	http.SetCookie(c.Response(), &http.Cookie{Name: pendingCookie, Value: "", Path: o.Path, MaxAge: -1,
		HttpOnly: o.HttpOnly, Secure: o.Secure, SameSite: o.SameSite})
}

// pendingOptions are the pending cookie's attributes: only the change page
// (and its strength meter) ever receives it, never from another site.
func (st *sessionStore) pendingOptions(c echo.Context, maxAge int) *sessions.Options {
	return &sessions.Options{Path: pendingPath, MaxAge: maxAge, HttpOnly: true, Secure: isHTTPS(c),
		SameSite: http.SameSiteStrictMode}
}

// startPendingChange stops a sign-in that must change its password first:
// no mail session, the pending cookie instead, an anonymous session that
// leads every page to the change form, and an audit line.
func (a *app) startPendingChange(c echo.Context, account, pass, reason string) error {
	now := a.cfg.Now()
	a.log.Warn("password change required", "event", "password_change_required", "reason", reason,
		"account", account, "ip", ipString(clientAddr(c)))
	anon, err := newAnonymous()
	if err != nil {
		return err
	}
	anon.PendingAt = now
	c.Set(ctxSession, anon)
	if err := a.sessions.write(c, anon); err != nil {
		return err
	}
	if err := a.sessions.writePending(c, &pendingChange{Account: account, Password: pass, Reason: reason, IssuedAt: now}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, passwordChangePath)
}
