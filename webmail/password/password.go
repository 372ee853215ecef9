// Package password changes users' passwords on the mail host and decides
// when a password must be changed first: the password-change drivers
// (Zimbra SOAP, LDAP Password Modify, Dovecot passwd-file, the demo
// backend) behind one small interface, the file of provisioned default
// passwords, and the password policy.
//
// The drivers, each a Changer returning this package's errors:
//
//   - NewZimbra: SOAP ChangePasswordRequest at /service/soap, with an
//     AuthRequest token for builds that require one (zimbra.go lists what
//     it relies on in the zm-mailbox sources).
//   - NewLDAP: RFC 3062 Password Modify bound as the user, with the
//     password policy control; also the Detector of passwords an
//     administrator reset (OpenLDAP ppolicy "change after reset").
//   - NewPasswdFile: a Dovecot passwd-file rewritten atomically, the new
//     hash {BLF-CRYPT}; for a web server on the mail host itself.
package password

import (
	"context"
	"errors"
	"fmt"
)

// Changer changes an account's password on the mail host. account is the
// full address, as the user signs in with it.
type Changer interface {
	Change(ctx context.Context, account, oldPassword, newPassword string) error
}

// Detector tells, for backends whose IMAP login does not say so (an LDAP
// directory with a password policy lets a reset password bind), whether
// an account's password must be changed before use. It is called after a
// successful IMAP login with the same credentials.
type Detector interface {
	MustChange(ctx context.Context, account, password string) (bool, error)
}

// Errors a Changer returns; test them with errors.Is. Policy violations
// reported by the backend are a *PolicyError.
var (
	// ErrWrongPassword: the old password is not the account's password.
	ErrWrongPassword = errors.New("password: wrong old password")
	// ErrRecentlyUsed: the new password was used before (history).
	ErrRecentlyUsed = errors.New("password: recently used")
	// ErrTooSoon: the password was changed too recently to change again.
	ErrTooSoon = errors.New("password: changed too recently")
	// ErrLocked: the account may not change its password (locked, or the
	// backend refuses self-service changes).
	ErrLocked = errors.New("password: change not allowed")
	// ErrUnavailable: the backend cannot be reached or is not working.
	ErrUnavailable = errors.New("password: backend unavailable")
	// ErrHelpdesk: the backend requires the helpdesk to change this
	// password; the user cannot do it here (a Zimbra build that wants an
	// auth token for ChangePasswordRequest gives none to an account that
	// must change its password; an LDAP password already expired). The UI
	// tells the user to contact the helpdesk instead of asking again.
	ErrHelpdesk = errors.New("password: the backend requires the helpdesk to change this password")
)

// PolicyError is a new password refused by a rule of the backend's or our
// own policy. Rule is a stable key for translation (see the Rule*
// constants); Detail carries backend specifics for the log, such as
// Zimbra's zimbraPasswordMinLength.
type PolicyError struct {
	Rule   string
	Min    int // the limit of a length/count rule, 0 if none
	Detail string
}

// Rules of the password policy, used as translation keys.
const (
	RuleMinLength     = "min_length"      // shorter than Min
	RuleMaxLength     = "max_length"      // longer than Min (the maximum)
	RuleSameAsOld     = "same_as_old"     // new equals the old password
	RuleSameAsDefault = "same_as_default" // new equals the provisioned default
	RuleContainsUser  = "contains_user"   // contains the user name
	RuleMismatch      = "mismatch"        // confirmation differs
	RuleTooWeak       = "too_weak"        // estimated strength below the floor
	RuleBackend       = "backend"         // the backend's own rule, not further known
)

func (e *PolicyError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("password policy: %s (%s)", e.Rule, e.Detail)
	}
	return "password policy: " + e.Rule
}
