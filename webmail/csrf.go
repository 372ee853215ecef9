package webmail

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

const (
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// csrfToken derives the token of the forms from the session's secret. The
// secret itself never leaves the encrypted cookie.
func csrfToken(secret string) string {
	if secret == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("webmail csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses every unsafe request (anything but GET, HEAD, OPTIONS,
// TRACE) whose form field or header does not carry the session's token.
// Being global, no route can forget it.
func (a *app) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			return next(c)
		}
		want := csrfToken(sessionOf(c).CSRF)
		got := c.Request().Header.Get(csrfHeader)
		if got == "" {
			// Multipart forms are parsed with a small memory bound: an
			// upload goes to a temporary file, not into memory.
			if err := parseForm(c); err != nil {
				return err
			}
			got = c.Request().PostFormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			a.log.Warn("csrf check failed", "method", c.Request().Method, "path", c.Path(),
				"ip", ipString(clientAddr(c)), "has_token", got != "", "has_secret", want != "")
			return errCSRF
		}
		return next(c)
	}
}
