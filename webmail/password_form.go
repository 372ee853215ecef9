package webmail

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/webmail/password"
)

// changeTimeout bounds one password change on the backend, and the
// sign-in with the new password after it.
const changeTimeout = 30 * time.Second

// passwordPage is the password form: the forced change after sign-in
// (Forced, no mail session yet, a sign-out button of its own) and the
// settings page of a signed-in user (top bar with the user menu).
type passwordPage struct {
	basePage
	Forced bool
	// AccountName is the account whose password is changed (shown, and
	// in the hidden username field for password managers).
	AccountName string
	// Reason explains why the change is required (forced only).
	Reason string
	// Available is false when no password-change driver is configured.
	Available bool
	// Errors are shown in role="alert", with the helpdesk contact when
	// Helpdesk is set.
	Errors   []string
	Helpdesk string
	// MinLength is the policy's minimum, for the hint.
	MinLength int
	Action    string // where the form posts
	// StrengthURL is the strength meter's endpoint (password.js).
	StrengthURL string
	// CancelURL leads back to the mail (settings only).
	CancelURL string
}

// passwordForm is the posted form. The passwords are never rendered back.
type passwordForm struct {
	Old, New, Confirm string
}

func readPasswordForm(c echo.Context) passwordForm {
	return passwordForm{
		Old:     c.FormValue("old_password"),
		New:     c.FormValue("new_password"),
		Confirm: c.FormValue("confirm_password"),
	}
}

// newPasswordPage fills what both flows show.
func (a *app) newPasswordPage(c echo.Context, forced bool, account string) *passwordPage {
	p := &passwordPage{
		Forced:      forced,
		AccountName: account,
		Available:   a.cfg.Password != nil,
		MinLength:   a.cfg.Policy.MinLength,
		StrengthURL: pendingPath + "/strength",
	}
	if p.MinLength <= 0 {
		p.MinLength = password.DefaultMinLength
	}
	bodyClass := "page-settings page-password"
	p.Action = settingsPasswordPath
	p.CancelURL = "/mail"
	if forced {
		bodyClass = "page-login page-password"
		p.Action = passwordChangePath
		p.CancelURL = ""
	}
	p.basePage = a.base(c, a.cat.T(langOf(c), "password.title"), bodyClass)
	p.Scripts = []string{"password.js"}
	if !p.Available {
		p.Errors = []string{p.T("password.error.not_available")}
		p.Helpdesk = a.cfg.Helpdesk
	}
	return p
}

// renderPassword renders the form; its script may call the strength
// meter's endpoint (connect-src), nothing else changes in the policy.
func (a *app) renderPassword(c echo.Context, status int, p *passwordPage) error {
	c.Response().Header().Set("Content-Security-Policy", cspPassword)
	return a.render(c, status, viewPassword, p)
}

// changeFailure is a refused change: the status of the page and what it
// says.
type changeFailure struct {
	Status   int
	Messages []string // translated
	Helpdesk bool     // show the helpdesk contact
	// RetryAfter is set for a rate-limited attempt.
	RetryAfter time.Duration
}

// policyKeys translate the rules of password.PolicyError, ours and the
// backend's.
var policyKeys = map[string]string{
	password.RuleMinLength:     "password.rule.min_length",
	password.RuleMaxLength:     "password.rule.max_length",
	password.RuleSameAsOld:     "password.rule.same_as_old",
	password.RuleSameAsDefault: "password.rule.same_as_default",
	password.RuleContainsUser:  "password.rule.contains_user",
	password.RuleMismatch:      "password.rule.mismatch",
	password.RuleTooWeak:       "password.rule.too_weak",
	password.RuleBackend:       "password.rule.backend",
}

// changePassword runs a posted change for account, whose current password
// the caller knows (from the pending cookie or the session): the rate
// limits, the old password, our policy, then the driver. flow is "forced"
// or "settings", for the audit trail. It returns nil when the backend has
// changed the password.
func (a *app) changePassword(c echo.Context, flow, account, current string, f passwordForm) *changeFailure {
	lang := langOf(c)
	ip := clientAddr(c)
	audit := []any{"flow", flow, "account", account, "ip", ipString(ip)}
	failed := func(reason string, err error, fl *changeFailure) *changeFailure {
		attrs := append([]any{"event", "password_change_failed", "reason", reason}, audit...)
		if err != nil {
			attrs = append(attrs, "err", err)
		}
		a.log.Warn("password change failed", attrs...)
		outcome := "failed"
		switch reason {
		case "wrong_old_password", "backend_policy", "recently_used", "too_soon", "rate_limited":
			outcome = "refused"
		}
		a.metrics.passwords.WithLabelValues(outcome).Inc()
		return fl
	}
	msg := func(key string, args ...any) []string { return []string{a.cat.T(lang, key, args...)} }

	// The same buckets as sign-in: both doors test the same password.
	try, ok := a.limiter.begin(ip, account)
	if !ok {
		wait := a.retryAfter()
		minutes := int(math.Ceil(wait.Minutes()))
		return failed("rate_limited", nil, &changeFailure{Status: http.StatusTooManyRequests,
			Messages: msg("password.error.too_many", "Minutes", minutes), RetryAfter: wait})
	}
	// Only a wrong old password (ours or the backend's check) uses up
	// the tokens: a user trying a few new passwords against the policy
	// is not locked out.
	wrongPassword := false
	defer func() {
		if wrongPassword {
			try.failed()
		} else {
			try.succeeded()
		}
	}()
	if !oldPasswordMatches(current, f.Old) {
		wrongPassword = true
		return failed("wrong_old_password", nil, &changeFailure{Status: http.StatusUnauthorized,
			Messages: msg("password.error.wrong_old")})
	}

	if a.cfg.Password == nil {
		return failed("not_available", nil, &changeFailure{Status: http.StatusServiceUnavailable,
			Messages: msg("password.error.not_available"), Helpdesk: true})
	}

	// Our policy first, every rule at once. The default check costs an
	// argon2 computation: once per attempt.
	isDefault := a.cfg.Defaults.IsDefault(account, f.New)
	if violations := a.cfg.Policy.Check(account, f.Old, f.New, f.Confirm, isDefault); len(violations) > 0 {
		var rules []string
		fl := &changeFailure{Status: http.StatusUnprocessableEntity}
		for _, v := range violations {
			rules = append(rules, v.Rule)
			fl.Messages = append(fl.Messages, a.policyMessage(lang, v))
		}
		a.log.Info("password change refused by the policy", append([]any{"event", "password_change_failed",
			"reason", "policy", "rules", strings.Join(rules, ",")}, audit...)...)
		a.metrics.passwords.WithLabelValues("refused").Inc()
		return fl
	}

	ctx, cancel := context.WithTimeout(c.Request().Context(), changeTimeout)
	defer cancel()
	err := a.cfg.Password.Change(ctx, account, f.Old, f.New)
	if err == nil {
		a.log.Info("password changed", append([]any{"event", "password_changed"}, audit...)...)
		a.metrics.passwords.WithLabelValues("ok").Inc()
		return nil
	}
	var pe *password.PolicyError
	switch {
	case errors.Is(err, password.ErrWrongPassword):
		// The backend's own check of the old password: counts as a
		// failed attempt.
		wrongPassword = true
		return failed("wrong_old_password", err, &changeFailure{Status: http.StatusUnauthorized,
			Messages: msg("password.error.wrong_old")})
	case errors.As(err, &pe):
		return failed("backend_policy", err, &changeFailure{Status: http.StatusUnprocessableEntity,
			Messages: []string{a.policyMessage(lang, pe)}, Helpdesk: pe.Rule == password.RuleBackend || policyKeys[pe.Rule] == ""})
	case errors.Is(err, password.ErrRecentlyUsed):
		return failed("recently_used", err, &changeFailure{Status: http.StatusUnprocessableEntity,
			Messages: msg("password.error.recently_used")})
	case errors.Is(err, password.ErrTooSoon):
		return failed("too_soon", err, &changeFailure{Status: http.StatusUnprocessableEntity,
			Messages: msg("password.error.too_soon"), Helpdesk: true})
	case errors.Is(err, password.ErrLocked):
		return failed("locked", err, &changeFailure{Status: http.StatusForbidden,
			Messages: msg("password.error.locked"), Helpdesk: true})
	case errors.Is(err, password.ErrHelpdesk):
		return failed("helpdesk", err, &changeFailure{Status: http.StatusForbidden,
			Messages: msg("password.error.helpdesk"), Helpdesk: true})
	case errors.Is(err, password.ErrUnavailable):
		return failed("unavailable", err, &changeFailure{Status: http.StatusServiceUnavailable,
			Messages: msg("password.error.unavailable"), Helpdesk: true})
	default:
		// Anything else (a driver that needs the helpdesk, a backend
		// answer we do not know): the details go to the log only.
		a.log.Error("password change: unexpected backend error", append([]any{"err", err}, audit...)...)
		return failed("error", err, &changeFailure{Status: http.StatusBadGateway,
			Messages: msg("password.error.failed"), Helpdesk: true})
	}
}

// policyMessage translates one violated rule; a rule we do not know is the
// backend's, shown as such.
func (a *app) policyMessage(lang string, v *password.PolicyError) string {
	key, ok := policyKeys[v.Rule]
	if !ok {
		key = policyKeys[password.RuleBackend]
	}
	return a.cat.T(lang, key, "Min", v.Min)
}

// showFailure renders the form again with what went wrong; the password
// fields stay empty.
func (a *app) showFailure(c echo.Context, p *passwordPage, fl *changeFailure) error {
	p.Errors = fl.Messages
	if fl.Helpdesk {
		p.Helpdesk = a.cfg.Helpdesk
	}
	if fl.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(fl.RetryAfter.Seconds()))))
	}
	return a.renderPassword(c, fl.Status, p)
}
