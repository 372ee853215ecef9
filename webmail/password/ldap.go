package password

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/pematangsiantar/webmail/internal/endpoint"
)

// LDAPConfig says how to reach the directory and find an account's entry.
type LDAPConfig struct {
	// URL of the directory server:
	//   ldaps://host[:636]          implicit TLS
	//   ldap://host[:389]           StartTLS, required (refused if the
	//                               server does not offer it)
	//   ldap+insecure://host[:389]  no TLS at all; only toward a loopback
	//                               address
	URL string
	// TLS is the TLS configuration (RootCAs for an internal CA).
	// ServerName defaults to the host of URL, MinVersion to TLS 1.2.
	TLS *tls.Config
	// UserDN is the template of an account's DN. {user} stands for the
	// local part of the address the user signs in with, {address} for the
	// whole address (each escaped as an RFC 4514 attribute value), e.g.
	// "uid={user},ou=people,dc=pematangsiantar,dc=go,dc=id" or
	// "mail={address},ou=people,dc=pematangsiantar,dc=go,dc=id". A sign-in
	// name without "@" is its own local part.
	UserDN string
	// Timeout bounds the dial, the TLS handshake and each LDAP operation
	// (10 s if zero). The context given to Change and MustChange bounds
	// the whole.
	Timeout time.Duration
}

// ldapSecurity is how the connection is protected.
type ldapSecurity int

const (
	ldapTLS ldapSecurity = iota
	ldapStartTLS
	ldapInsecure
)

// LDAP changes passwords with the LDAP Password Modify extended operation
// (RFC 3062), binding as the user, and detects passwords an administrator
// reset (draft-behera-ldap-password-policy, OpenLDAP's ppolicy overlay):
// it is a Changer and a Detector. It holds no connection between calls
// and is safe for concurrent use.
type LDAP struct {
	addr     string // host:port
	host     string
	security ldapSecurity
	tls      *tls.Config
	userDN   string
	timeout  time.Duration
}

// ldapSchemes are the URL schemes of a directory server.
var ldapSchemes = []endpoint.Scheme{
	{Name: "ldaps", Security: endpoint.TLS, DefaultPort: "636"},
	{Name: "ldap", Security: endpoint.StartTLS, DefaultPort: "389"},
	{Name: "ldap+insecure", Security: endpoint.None, DefaultPort: "389"},
}

// NewLDAP checks cfg and returns the LDAP driver.
func NewLDAP(cfg LDAPConfig) (*LDAP, error) {
	scheme, addr, err := endpoint.Parse("LDAP", cfg.URL, ldapSchemes)
	if err != nil {
		return nil, fmt.Errorf("ldap: %w", err)
	}
	l := &LDAP{userDN: cfg.UserDN, timeout: cfg.Timeout, addr: addr}
	l.host, _, _ = net.SplitHostPort(addr)
	switch scheme.Security {
	case endpoint.TLS:
		l.security = ldapTLS
	case endpoint.StartTLS:
		l.security = ldapStartTLS
	default:
		l.security = ldapInsecure
	}
	if !strings.Contains(cfg.UserDN, "{user}") && !strings.Contains(cfg.UserDN, "{address}") {
		return nil, fmt.Errorf("ldap: UserDN %q has neither {user} nor {address}", cfg.UserDN)
	}
	if _, err := ldap.ParseDN(l.dn("sample@example.org")); err != nil {
		return nil, fmt.Errorf("ldap: UserDN %q is not a DN template: %w", cfg.UserDN, err)
	}
	if cfg.TLS != nil {
		l.tls = cfg.TLS.Clone()
	} else {
		l.tls = &tls.Config{}
	}
	if l.tls.ServerName == "" {
		l.tls.ServerName = l.host
	}
	if l.tls.MinVersion == 0 {
		l.tls.MinVersion = tls.VersionTLS12
	}
	if l.timeout <= 0 {
		l.timeout = 10 * time.Second
	}
	return l, nil
}

// dn is the account's DN.
func (l *LDAP) dn(account string) string {
	user, _, _ := strings.Cut(account, "@")
	return strings.NewReplacer(
		"{user}", ldap.EscapeDN(user),
		"{address}", ldap.EscapeDN(account),
	).Replace(l.userDN)
}

// Change binds as the account with oldPassword (with the password policy
// control), then asks the server to replace it with newPassword by the
// Password Modify extended operation (RFC 3062 section 2), as the user.
//
// Errors: a refused bind, or "unwilling to verify old password" (53),
// is ErrWrongPassword; result 19 (constraint violation, OpenLDAP ppolicy)
// is a *PolicyError (RuleMinLength for a too short password, RuleSameAsOld,
// RuleBackend for other quality checks), ErrRecentlyUsed (in the history)
// or ErrTooSoon (pwdMinAge); a password the policy forbids the user to
// change is ErrLocked, one already expired ErrHelpdesk; anything else
// wraps ErrUnavailable. The ppolicy response control's error number is
// used when the server sends it, the result code and text otherwise.
func (l *LDAP) Change(ctx context.Context, account, oldPassword, newPassword string) error {
	if account == "" || oldPassword == "" {
		// An empty password would be an unauthenticated bind (RFC 4513
		// section 5.1.2), which succeeds.
		return fmt.Errorf("%w: ldap: empty account or password", ErrWrongPassword)
	}
	if newPassword == "" {
		// RFC 3062: without newPasswd the server may generate one.
		return &PolicyError{Rule: RuleMinLength, Detail: "ldap: empty new password"}
	}
	conn, stop, err := l.connect(ctx)
	if err != nil {
		return err
	}
	defer stop()
	if _, err := l.bind(ctx, conn, account, oldPassword); err != nil {
		return err
	}
	_, err = conn.Extended(ldapPasswordModifyRequest(oldPassword, newPassword))
	if err != nil {
		return ldapModifyError(ctx, err)
	}
	return nil
}

// MustChange binds as the account with the password policy control and
// reports whether the server answers "change after reset" (error 2): an
// administrator set the password and pwdMustChange is on. OpenLDAP lets
// such a bind succeed; the control is the only sign. A normal bind also
// returns an (empty) control, so its presence alone means nothing.
func (l *LDAP) MustChange(ctx context.Context, account, password string) (bool, error) {
	if account == "" || password == "" {
		return false, fmt.Errorf("%w: ldap: empty account or password", ErrWrongPassword)
	}
	conn, stop, err := l.connect(ctx)
	if err != nil {
		return false, err
	}
	defer stop()
	pp, err := l.bind(ctx, conn, account, password)
	if err != nil {
		return false, err
	}
	return pp != nil && pp.Error == ldapPPChangeAfterReset, nil
}

// Error numbers of the password policy response control
// (draft-behera-ldap-password-policy-10 section 6.2).
const (
	ldapPPPasswordExpired             = 0
	ldapPPAccountLocked               = 1
	ldapPPChangeAfterReset            = 2
	ldapPPPasswordModNotAllowed       = 3
	ldapPPMustSupplyOldPassword       = 4
	ldapPPInsufficientPasswordQuality = 5
	ldapPPPasswordTooShort            = 6
	ldapPPPasswordTooYoung            = 7
	ldapPPPasswordInHistory           = 8
)

// connect dials and protects the connection as configured. stop closes it
// and releases the watch on ctx; until then a cancelled ctx closes it,
// which ends any operation in progress.
func (l *LDAP) connect(ctx context.Context) (*ldap.Conn, func(), error) {
	d := net.Dialer{Timeout: l.timeout}
	raw, err := d.DialContext(ctx, "tcp", l.addr)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: ldap: %w", ErrUnavailable, err)
	}
	if l.security == ldapTLS {
		tc := tls.Client(raw, l.tls)
		hctx, cancel := context.WithTimeout(ctx, l.timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			raw.Close()
			return nil, nil, fmt.Errorf("%w: ldap: TLS: %w", ErrUnavailable, err)
		}
		raw = tc
	}
	conn := ldap.NewConn(raw, l.security == ldapTLS)
	conn.Start()
	conn.SetTimeout(l.timeout)
	stopWatch := context.AfterFunc(ctx, func() { conn.Close() })
	stop := func() {
		stopWatch()
		conn.Close()
	}
	if l.security == ldapStartTLS {
		if err := conn.StartTLS(l.tls); err != nil {
			stop()
			return nil, nil, fmt.Errorf("%w: ldap: StartTLS: %w", ErrUnavailable, ldapCtxErr(ctx, err))
		}
	}
	return conn, stop, nil
}

// bind binds as the account with the password policy request control and
// returns the response control (nil if the server sent none).
func (l *LDAP) bind(ctx context.Context, conn *ldap.Conn, account, password string) (*ldap.ControlBeheraPasswordPolicy, error) {
	res, err := conn.SimpleBind(&ldap.SimpleBindRequest{
		Username: l.dn(account),
		Password: password,
		Controls: []ldap.Control{ldap.NewControlBeheraPasswordPolicy()},
	})
	var pp *ldap.ControlBeheraPasswordPolicy
	if res != nil {
		pp = ldapFindPP(res.Controls)
	}
	if err == nil {
		return pp, nil
	}
	if pp != nil {
		switch pp.Error {
		case ldapPPAccountLocked:
			return nil, fmt.Errorf("%w: ldap: bind: %s: %w", ErrLocked, pp.ErrorString, err)
		case ldapPPPasswordExpired:
			// Expired without grace logins: the user cannot bind, so
			// cannot change it either.
			return nil, fmt.Errorf("%w: ldap: bind: %s: %w", ErrHelpdesk, pp.ErrorString, err)
		}
	}
	if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		return nil, fmt.Errorf("%w: ldap: bind: %w", ErrWrongPassword, err)
	}
	return nil, fmt.Errorf("%w: ldap: bind: %w", ErrUnavailable, ldapCtxErr(ctx, err))
}

// ldapPasswordModifyOID names the Password Modify extended operation
// (RFC 3062 section 2).
const ldapPasswordModifyOID = "1.3.6.1.4.1.4203.1.11.1"

// ldapPasswordModifyRequest is RFC 3062's PasswdModifyRequestValue without
// userIdentity (the bound user), sent through Conn.Extended so that it can
// carry the password policy control, which go-ldap's PasswordModify does
// not send.
func ldapPasswordModifyRequest(oldPassword, newPassword string) *ldap.ExtendedRequest {
	value := ber.Encode(ber.ClassContext, ber.TypePrimitive, 1, nil, "Password Modify Request Value")
	seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "PasswdModifyRequestValue")
	seq.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 1, oldPassword, "oldPasswd"))
	seq.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 2, newPassword, "newPasswd"))
	value.AppendChild(seq)
	return &ldap.ExtendedRequest{
		Name:     ldapPasswordModifyOID,
		Value:    value,
		Controls: []ldap.Control{ldap.NewControlBeheraPasswordPolicy()},
	}
}

// ldapModifyError maps a failed Password Modify.
func ldapModifyError(ctx context.Context, err error) error {
	var le *ldap.Error
	if !errors.As(err, &le) {
		return fmt.Errorf("%w: ldap: password modify: %w", ErrUnavailable, ldapCtxErr(ctx, err))
	}
	text := ""
	if le.Err != nil {
		text = le.Err.Error()
	}
	pp := ldapFindPP(ldapResponseControls(le))
	ppErr := int8(-1)
	if pp != nil {
		ppErr = pp.Error
	}
	wrap := func(target error) error {
		return fmt.Errorf("%w: ldap: password modify: %w", target, err)
	}
	switch {
	case le.ResultCode == ldap.LDAPResultConstraintViolation &&
		strings.Contains(text, "not being changed from existing value"):
		// OpenLDAP sends the in-history error number for this one too.
		return &PolicyError{Rule: RuleSameAsOld, Detail: "ldap: " + text}
	case ppErr == ldapPPPasswordInHistory ||
		(le.ResultCode == ldap.LDAPResultConstraintViolation && strings.Contains(text, "in history")):
		return wrap(ErrRecentlyUsed)
	case ppErr == ldapPPPasswordTooShort:
		return &PolicyError{Rule: RuleMinLength, Detail: "ldap: " + text}
	case ppErr == ldapPPInsufficientPasswordQuality:
		return &PolicyError{Rule: RuleBackend, Detail: "ldap: " + text}
	case ppErr == ldapPPPasswordTooYoung ||
		(le.ResultCode == ldap.LDAPResultConstraintViolation && strings.Contains(text, "too young")):
		return wrap(ErrTooSoon)
	case ppErr == ldapPPPasswordModNotAllowed:
		return wrap(ErrLocked)
	case ppErr == ldapPPMustSupplyOldPassword:
		return wrap(ErrWrongPassword)
	case le.ResultCode == ldap.LDAPResultConstraintViolation:
		// "Password fails quality checking policy" without a control:
		// too short or otherwise too weak, the server does not say.
		return &PolicyError{Rule: RuleBackend, Detail: "ldap: " + text}
	case le.ResultCode == ldap.LDAPResultUnwillingToPerform && strings.Contains(text, "old password"):
		// OpenLDAP: "unwilling to verify old password".
		return wrap(ErrWrongPassword)
	case le.ResultCode == ldap.LDAPResultInvalidCredentials:
		return wrap(ErrWrongPassword)
	case le.ResultCode == ldap.LDAPResultUnwillingToPerform,
		le.ResultCode == ldap.LDAPResultInsufficientAccessRights:
		return wrap(ErrLocked)
	}
	return fmt.Errorf("%w: ldap: password modify: %w", ErrUnavailable, ldapCtxErr(ctx, err))
}

// ldapResponseControls decodes the controls of the response that carried a
// failed result: go-ldap's Extended drops them but keeps the packet.
func ldapResponseControls(le *ldap.Error) []ldap.Control {
	if le.Packet == nil || len(le.Packet.Children) < 3 {
		return nil
	}
	var cs []ldap.Control
	for _, child := range le.Packet.Children[2].Children {
		if c, err := ldap.DecodeControl(child); err == nil {
			cs = append(cs, c)
		}
	}
	return cs
}

func ldapFindPP(cs []ldap.Control) *ldap.ControlBeheraPasswordPolicy {
	for _, c := range cs {
		if pp, ok := c.(*ldap.ControlBeheraPasswordPolicy); ok {
			return pp
		}
	}
	return nil
}

// ldapCtxErr prefers the context's error when it ended the operation (the
// connection was closed under it).
func ldapCtxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}
