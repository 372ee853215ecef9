package password

import (
	"crypto/subtle"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// Policy is what the product demands of a new password before it asks
// the backend (which may demand more).
type Policy struct {
	// MinLength in characters (default 10).
	MinLength int
	// MinScore is the lowest acceptable zxcvbn strength estimate, 1 to 4
	// (0 means the default 3, "safely unguessable"; negative: no floor).
	MinScore int
}

// Defaults of a zero Policy.
const (
	DefaultMinLength = 10
	DefaultMinScore  = 3
	// maxLength bounds the work of the strength estimate and what any
	// backend accepts.
	maxLength = 128
)

func (p Policy) withDefaults() Policy {
	if p.MinLength <= 0 {
		p.MinLength = DefaultMinLength
	}
	if p.MinScore == 0 {
		p.MinScore = DefaultMinScore
	}
	return p
}

// Check returns every rule the new password breaks (nil when it is
// acceptable): confirmation mismatch, too short or too long, same as the
// old password, same as the provisioned default (isDefault), containing
// the user name, too weak by the strength estimate.
func (p Policy) Check(account, oldPassword, newPassword, confirm string, isDefault bool) []*PolicyError {
	p = p.withDefaults()
	var errs []*PolicyError
	if subtle.ConstantTimeCompare([]byte(newPassword), []byte(confirm)) != 1 {
		errs = append(errs, &PolicyError{Rule: RuleMismatch})
	}
	n := utf8.RuneCountInString(newPassword)
	if n < p.MinLength {
		errs = append(errs, &PolicyError{Rule: RuleMinLength, Min: p.MinLength})
	}
	if n > maxLength {
		errs = append(errs, &PolicyError{Rule: RuleMaxLength, Min: maxLength})
		return errs
	}
	if newPassword != "" && subtle.ConstantTimeCompare([]byte(newPassword), []byte(oldPassword)) == 1 {
		errs = append(errs, &PolicyError{Rule: RuleSameAsOld})
	}
	if isDefault {
		errs = append(errs, &PolicyError{Rule: RuleSameAsDefault})
	}
	if user := localPart(account); len(user) >= 3 && strings.Contains(strings.ToLower(newPassword), user) {
		errs = append(errs, &PolicyError{Rule: RuleContainsUser})
	}
	if Strength(account, newPassword) < p.MinScore {
		errs = append(errs, &PolicyError{Rule: RuleTooWeak, Min: p.MinScore})
	}
	return errs
}

// Strength estimates how hard the password is to guess, from 0 (trivial)
// to 4 (very strong), with zxcvbn; the account's names count as guessable.
func Strength(account, password string) int {
	if password == "" {
		return 0
	}
	if utf8.RuneCountInString(password) > maxLength {
		password = string([]rune(password)[:maxLength])
	}
	inputs := []string{localPart(account), "pematangsiantar", "siantar", "pemko", "diskominfo", "webmail"}
	if _, domain, ok := strings.Cut(strings.ToLower(account), "@"); ok {
		inputs = append(inputs, strings.Split(domain, ".")...)
	}
	return zxcvbn.PasswordStrength(password, inputs).Score
}

// localPart is the lower-case user name of an address.
func localPart(account string) string {
	user, _, _ := strings.Cut(strings.ToLower(account), "@")
	return user
}
