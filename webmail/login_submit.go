package webmail

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// loginTimeout bounds a sign-in: dial, TLS and LOGIN on the mail server.
const loginTimeout = 30 * time.Second

// loginForm is the posted sign-in form.
type loginForm struct {
	Username string
	Password string
	Next     string
}

func readLoginForm(c echo.Context) loginForm {
	return loginForm{
		Username: strings.TrimSpace(c.FormValue("username")),
		Password: c.FormValue("password"),
		Next:     safeNext(c.FormValue("next")),
	}
}

// account turns what the user typed into the address to log in with: a
// bare user name gets the city's domain.
func (a *app) account(username string) string {
	if a.cfg.Domain != "" && !strings.Contains(username, "@") {
		return username + "@" + a.cfg.Domain
	}
	return username
}

// loginSubmit signs in: the IMAP server checks the password, and the
// session cookie then carries the credentials.
func (a *app) loginSubmit(c echo.Context) error {
	f := readLoginForm(c)
	p := a.newLoginPage(c, f.Username, f.Next)
	fail := func(status int, key string) error {
		p.Error = p.T(key)
		return a.render(c, status, viewLogin, p)
	}
	if f.Username == "" || f.Password == "" {
		a.metrics.logins.WithLabelValues("invalid").Inc()
		return fail(http.StatusUnprocessableEntity, "login.error.missing")
	}
	account := a.account(f.Username)
	ip := clientAddr(c)
	audit := []any{"account", account, "ip", ipString(ip)}

	try, ok := a.limiter.begin(ip, account)
	if !ok {
		a.log.Warn("sign-in refused", append([]any{"event", "login_failed", "reason", "rate_limited"}, audit...)...)
		a.metrics.logins.WithLabelValues("rate_limited").Inc()
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(a.retryAfter().Seconds()))))
		return fail(http.StatusTooManyRequests, "login.error.too_many")
	}
	// Free unless the password turns out wrong (failed, below).
	defer try.succeeded()

	sid, err := randomString(18)
	if err != nil {
		return err
	}
	csrf, err := randomString(32)
	if err != nil {
		return err
	}
	cr := imapclient.Credentials{SessionID: sid, Username: account, Password: f.Password}
	ctx, cancel := context.WithTimeout(c.Request().Context(), loginTimeout)
	defer cancel()
	err = a.imap.Login(ctx, cr)
	if err != nil {
		reason, outcome, status, key := "error", "error", http.StatusServiceUnavailable, "login.error.unavailable"
		switch {
		case errors.Is(err, imapclient.ErrAuthFailed):
			// The one failure that counts against the limits.
			try.failed()
			reason, outcome, status, key = "wrong_password", "wrong_password", http.StatusUnauthorized, "login.error.auth"
		case errors.Is(err, imapclient.ErrMustChangePassword):
			// The server refused the password as expired ([EXPIRED],
			// or Zimbra's [ALERT]): the change form asks for it again
			// and the driver checks it when it changes it.
			a.metrics.logins.WithLabelValues("must_change").Inc()
			return a.startPendingChange(c, account, f.Password, reasonExpired)
		case errors.Is(err, imapclient.ErrUnavailable):
			reason, outcome = "server_unavailable", "unavailable"
		}
		a.log.Warn("sign-in failed", append([]any{"event", "login_failed", "reason", reason, "err", err}, audit...)...)
		a.metrics.logins.WithLabelValues(outcome).Inc()
		return fail(status, key)
	}

	// The password is right, but is it one that must be changed first?
	// Only now, so a wrong password never costs an argon2 computation or
	// a directory lookup.
	reason, err := a.mustChangeAfterLogin(ctx, account, f.Password)
	if err != nil {
		a.imap.Drop(sid)
		a.log.Error("sign-in failed: cannot tell whether the password must be changed",
			append([]any{"event", "login_failed", "reason", "detector_error", "err", err}, audit...)...)
		a.metrics.logins.WithLabelValues("error").Inc()
		return fail(http.StatusServiceUnavailable, "login.error.unavailable")
	}
	if reason != "" {
		a.imap.Drop(sid)
		a.metrics.logins.WithLabelValues("must_change").Inc()
		return a.startPendingChange(c, account, f.Password, reason)
	}
	a.log.Info("sign-in", append([]any{"event", "login"}, audit...)...)
	a.metrics.logins.WithLabelValues("ok").Inc()

	// A new session: new id and new CSRF secret, so nothing from before
	// sign-in (session fixation) carries over.
	now := a.cfg.Now()
	s := &session{Account: account, Password: f.Password, ID: sid, IssuedAt: now, LastSeen: now, CSRF: csrf}
	c.Set(ctxSession, s)
	if err := a.sessions.write(c, s); err != nil {
		return err
	}
	a.sessions.clearPending(c)
	next := f.Next
	if next == "" {
		next = "/mail"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// mustChangeAfterLogin tells, after a successful IMAP login, whether the
// password must be changed before the mail is shown: it is still the
// provisioned default, or the directory's password policy says so. It
// returns the reason, or "".
func (a *app) mustChangeAfterLogin(ctx context.Context, account, pass string) (string, error) {
	if a.cfg.Defaults.IsDefault(account, pass) {
		return reasonDefault, nil
	}
	if a.cfg.Detector != nil {
		must, err := a.cfg.Detector.MustChange(ctx, account, pass)
		if err != nil {
			// Fail closed: letting the user in would skip a change the
			// directory may be asking for.
			return "", fmt.Errorf("password policy check: %w", err)
		}
		if must {
			return reasonLDAP, nil
		}
	}
	return "", nil
}

// retryAfter is how long a refused client should wait: the time one
// failed attempt takes to come back to the slower bucket.
func (a *app) retryAfter() time.Duration {
	slow := min(a.cfg.LoginLimit.PerIP, a.cfg.LoginLimit.PerAccount)
	if slow <= 0 {
		return time.Minute
	}
	return time.Duration(float64(time.Second) / float64(slow))
}
