package webmail

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// pageError is an error with the status and the translated message the
// user sees; the wrapped error, if any, goes to the log only.
type pageError struct {
	Status int
	Key    string // catalogue key of the message shown
	Args   []any  // name/value pairs for the message's placeholders
	Err    error
}

func (e *pageError) Error() string {
	if e.Err != nil {
		return e.Key + ": " + e.Err.Error()
	}
	return e.Key
}

func (e *pageError) Unwrap() error { return e.Err }

var (
	errCSRF      = &pageError{Status: http.StatusForbidden, Key: "error.csrf"}
	errNoMessage = &pageError{Status: http.StatusNotFound, Key: "error.no_message"}
)

// errorPage is the page of every failure.
type errorPage struct {
	basePage
	Status  int
	Message string
	// Back is where the "back" link goes: the inbox when signed in,
	// otherwise the sign-in page.
	Back string
}

// handleError is echo's HTTPErrorHandler: the one place where an error
// becomes a page. Internal details go to the log, never to the user.
func (a *app) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		// A download that failed half-way: nothing left to tell the
		// browser but the broken connection.
		a.log.Warn("request failed after the response started", "path", c.Request().URL.Path, "err", err)
		return
	}
	s := sessionOf(c)
	status, key := http.StatusInternalServerError, "error.internal"
	var args []any
	var pe *pageError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &pe):
		status, key, args = pe.Status, pe.Key, pe.Args
	case s.signedIn() && (errors.Is(err, imapclient.ErrAuthFailed) || errors.Is(err, imapclient.ErrMustChangePassword)):
		// The password no longer works (changed elsewhere, or now
		// expired): this session is over.
		flash := "auth.password_changed"
		if errors.Is(err, imapclient.ErrMustChangePassword) {
			flash = "auth.must_change_now"
		}
		a.log.Info("session ended by the mail server", "event", "session_revoked", "account", s.Account,
			"ip", ipString(clientAddr(c)), "err", err)
		a.imap.Drop(s.ID)
		if err := a.toLogin(c, flash, ""); err != nil {
			a.log.Error("redirect to sign-in failed", "err", err)
		}
		return
	case errors.Is(err, imapclient.ErrUnavailable):
		status, key = http.StatusServiceUnavailable, "error.unavailable"
	case errors.Is(err, imapclient.ErrNoSuchFolder):
		status, key = http.StatusNotFound, "error.no_folder"
	case errors.Is(err, imapclient.ErrNoSuchMessage):
		status, key = http.StatusNotFound, "error.no_message"
	case errors.As(err, &he):
		status = he.Code
		switch {
		case he.Code == http.StatusNotFound || he.Code == http.StatusMethodNotAllowed:
			key = "error.not_found"
		case he.Code == http.StatusRequestEntityTooLarge:
			key = "error.too_large"
		case he.Code < 500:
			key = "error.bad_request"
		}
	}
	attrs := []any{"status", status, "method", c.Request().Method, "path", c.Request().URL.Path, "err", err}
	if status >= 500 {
		a.log.Error("request failed", attrs...)
	} else {
		a.log.Debug("request refused", attrs...)
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "30")
	}
	msg := a.cat.T(langOf(c), key, args...)
	if isXHR(c) {
		// The compose page's script: it shows the message itself.
		if err := c.JSON(status, map[string]string{"error": msg}); err != nil {
			a.log.Error("error response failed", "err", err)
		}
		return
	}
	p := &errorPage{Status: status, Back: "/login"}
	p.basePage = a.base(c, msg, "page-error")
	p.Message = p.Title
	if s.signedIn() {
		p.Back = "/mail"
	}
	if c.Request().Method == http.MethodHead {
		if err := c.NoContent(status); err != nil {
			a.log.Error("error response failed", "err", err)
		}
		return
	}
	if err := a.render(c, status, viewError, p); err != nil {
		a.log.Error("error page failed", "err", err)
		_ = c.String(status, http.StatusText(status))
	}
}

// isXHR reports whether the request comes from the compose page's script,
// which wants JSON answers rather than pages and redirects.
func isXHR(c echo.Context) bool {
	return c.Request().Header.Get(echo.HeaderXRequestedWith) == "XMLHttpRequest"
}
