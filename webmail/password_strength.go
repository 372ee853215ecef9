package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/pematangsiantar/webmail/webmail/password"
)

// The strength meter calls once per pause in typing: generous, but an
// estimate costs some CPU, so not unbounded.
const (
	strengthRate  = rate.Limit(5) // per second and client address
	strengthBurst = 40
)

// strengthLabels name the zxcvbn scores 0 to 4.
var strengthLabels = [5]string{
	"password.strength.0", "password.strength.1", "password.strength.2",
	"password.strength.3", "password.strength.4",
}

// strengthJSON is the answer of the strength meter's endpoint.
type strengthJSON struct {
	Score int    `json:"score"`
	Label string `json:"label"`
	// Enough says whether the score meets the policy's floor.
	Enough bool   `json:"enough"`
	Error  string `json:"error,omitempty"`
}

// passwordStrength estimates a new password's strength for the meter of
// the change form (POST password=…, CSRF token in the header): from the
// forced change page (pending cookie) or the settings page (session).
func (a *app) passwordStrength(c echo.Context) error {
	lang := langOf(c)
	account := ""
	if s := sessionOf(c); s.signedIn() {
		account = s.Account
	} else if pc := a.sessions.readPending(c.Request(), a.cfg.Now()); pc != nil {
		account = pc.Account
	}
	if account == "" {
		return c.JSON(http.StatusUnauthorized, strengthJSON{Error: a.cat.T(lang, "auth.session_invalid")})
	}
	if !a.strength.allow(clientAddr(c)) {
		c.Response().Header().Set("Retry-After", "1")
		return c.JSON(http.StatusTooManyRequests, strengthJSON{Error: a.cat.T(lang, "password.error.too_many", "Minutes", 1)})
	}
	score := password.Strength(account, c.FormValue("password"))
	score = max(0, min(score, len(strengthLabels)-1))
	floor := a.cfg.Policy.MinScore // as password.Policy: 0 the default, negative no floor
	if floor == 0 {
		floor = password.DefaultMinScore
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, strengthJSON{Score: score, Label: a.cat.T(lang, strengthLabels[score]), Enough: score >= floor})
}
