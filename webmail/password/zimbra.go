package password

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/pematangsiantar/webmail/internal/endpoint"
)

// The Zimbra driver speaks the SOAP API of zm-mailbox (releases 8.7 to
// 10.1). What it relies on, read from the sources of Zimbra/zm-mailbox:
//
//   - store/src/java/com/zimbra/cs/service/account/ChangePassword.java:
//     ChangePasswordRequest (urn:zimbraAccount) takes <account by="name">,
//     <oldPassword>, <password> and an optional dryRun="1"|"true"
//     attribute. A dry run checks the old password and the policy and
//     answers without an <authToken>; a real change answers with a new
//     <authToken> and <lifetime>. Its needsAuth() is false in most
//     releases ("This command can be sent before authenticating",
//     commit ae273f90) and true in some builds ("Because the user might
//     have 2FA ... require that the user has already fully authenticated",
//     commit 0834a666): those answer service.AUTH_REQUIRED to a request
//     without a valid token.
//   - store/src/java/com/zimbra/cs/service/account/Auth.java and
//     LdapProvisioning.authAccount: AuthRequest checks the password, then
//     faults account.CHANGE_PASSWORD when zimbraPasswordMustChange is set
//     (or the password is older than zimbraPasswordMaxAge), so an account
//     that must change its password gets no token; ChangePasswordRequest
//     itself authenticates without that check (authAccount(..., false)).
//   - LdapProvisioning.changePassword / setPassword / checkPasswordStrength:
//     account.AUTH_FAILED (wrong old password, unknown account),
//     account.PASSWORD_LOCKED, account.INVALID_PASSWORD ("too short" with
//     the argument <a n="zimbraPasswordMinLength" t="NUM">8</a>, "too
//     long", "not enough upper case characters" with
//     zimbraPasswordMinUpperCaseChars, ...; releases before 8.8 send no
//     argument), account.PASSWORD_CHANGE_TOO_SOON,
//     account.PASSWORD_RECENTLY_USED.
//   - common/src/java/com/zimbra/common/soap/Soap12Protocol.java: a fault
//     is <soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value>
//     </soap:Code><soap:Reason><soap:Text>reason</soap:Text></soap:Reason>
//     <soap:Detail><Error xmlns="urn:zimbra"><Code>account.AUTH_FAILED
//     </Code><Trace>...</Trace><a n="..." t="...">...</a></Error>
//     </soap:Detail></soap:Fault>, sent with HTTP status 500.
//   - ServiceException.java: service.AUTH_REQUIRED ("no valid authtoken
//     present"), service.FAILURE, service.PERM_DENIED, ...

// ZimbraConfig says how to reach Zimbra's SOAP service.
type ZimbraConfig struct {
	// URL of the SOAP endpoint, e.g.
	// https://mail.pematangsiantar.go.id/service/soap. https is required;
	// http only toward a loopback address.
	URL string
	// HTTPClient sends the requests; its Transport carries the TLS
	// settings (RootCAs for an internal CA). Nil means a client with a
	// 30 s timeout. The context given to Change bounds each call too.
	HTTPClient *http.Client
	// DryRun makes Change ask with dryRun="1" first, so a refused password
	// is reported before anything is written, then change it for real.
	// Releases that do not know dryRun (before 8.8.x) change the password
	// on the first request; Change sees that (the answer carries an auth
	// token, which a dry run never does) and does not send a second one.
	DryRun bool
}

// Validate checks the URL.
func (c ZimbraConfig) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil {
		return fmt.Errorf("zimbra: invalid SOAP URL %q: %w", c.URL, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("zimbra: invalid SOAP URL %q: want https://host/service/soap", c.URL)
	}
	if u.Scheme == "http" && !endpoint.IsLoopback(u.Hostname()) {
		return fmt.Errorf("zimbra: SOAP URL %q: http sends passwords in clear; use https (http is allowed only toward a loopback address)", c.URL)
	}
	return nil
}

// Zimbra changes passwords with Zimbra's SOAP ChangePasswordRequest. It is
// safe for concurrent use.
type Zimbra struct {
	cfg    ZimbraConfig
	client *http.Client
	// needsAuth remembers that the server answered service.AUTH_REQUIRED
	// once, so later changes get a token first instead of asking twice.
	needsAuth atomic.Bool
}

// NewZimbra returns the Zimbra driver. A bad URL is reported by
// cfg.Validate and, wrapped in ErrUnavailable, by every Change.
func NewZimbra(cfg ZimbraConfig) *Zimbra {
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &Zimbra{cfg: cfg, client: client}
}

// SOAP namespaces.
const (
	zimbraSOAP12NS  = "http://www.w3.org/2003/05/soap-envelope"
	zimbraSOAP11NS  = "http://schemas.xmlsoap.org/soap/envelope/"
	zimbraNS        = "urn:zimbra"
	zimbraAccountNS = "urn:zimbraAccount"
	// zimbraMaxResponse bounds what is read of an answer (real ones are
	// well under 4 KiB).
	zimbraMaxResponse = 1 << 20
)

// Change changes account's password from oldPassword to newPassword.
//
// It sends ChangePasswordRequest without an auth token, as most releases
// accept. If the server answers service.AUTH_REQUIRED it signs in with
// AuthRequest and the old password and sends the request again with the
// token; an account that must change its password gets no token
// (account.CHANGE_PASSWORD) and Change returns ErrHelpdesk. Faults map to
// ErrWrongPassword (account.AUTH_FAILED), *PolicyError
// (account.INVALID_PASSWORD), ErrRecentlyUsed, ErrTooSoon, ErrLocked,
// ErrHelpdesk (account.CHANGE_PASSWORD, two-factor accounts); anything
// else, including network and service.* failures, wraps ErrUnavailable.
func (z *Zimbra) Change(ctx context.Context, account, oldPassword, newPassword string) error {
	if err := z.cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if oldPassword == "" || !zimbraXMLSafe(oldPassword) || !zimbraXMLSafe(account) {
		// Nothing XML cannot carry can be a Zimbra password or account.
		return fmt.Errorf("%w: zimbra: empty or not representable in XML", ErrWrongPassword)
	}
	if !zimbraXMLSafe(newPassword) {
		return &PolicyError{Rule: RuleBackend, Detail: "zimbra: the password holds a character XML cannot carry"}
	}
	var token string
	if z.needsAuth.Load() {
		var err error
		if token, err = z.authToken(ctx, account, oldPassword); err != nil {
			return err
		}
	}
	if z.cfg.DryRun {
		changed, err := z.changePassword(ctx, &token, account, oldPassword, newPassword, true)
		if err != nil || changed {
			return err
		}
	}
	_, err := z.changePassword(ctx, &token, account, oldPassword, newPassword, false)
	return err
}

// changePassword sends one ChangePasswordRequest (again with a token from
// AuthRequest when the server wants one and *token is empty). changed
// reports whether the answer carries an auth token, i.e. whether the
// password was changed (always on a real change; on a dry run only when
// the release ignores dryRun).
func (z *Zimbra) changePassword(ctx context.Context, token *string, account, oldPassword, newPassword string, dryRun bool) (changed bool, err error) {
	body := zimbraChangePasswordBody(account, oldPassword, newPassword, dryRun)
	env, err := z.call(ctx, *token, body)
	var f *zimbraFault
	if errors.As(err, &f) && f.Code == "service.AUTH_REQUIRED" && *token == "" {
		z.needsAuth.Store(true)
		if *token, err = z.authToken(ctx, account, oldPassword); err != nil {
			return false, err
		}
		env, err = z.call(ctx, *token, body)
	}
	if err != nil {
		return false, zimbraError(err)
	}
	resp := env.Body.ChangePassword
	if resp == nil {
		return false, fmt.Errorf("%w: zimbra: answer to ChangePasswordRequest holds no ChangePasswordResponse", ErrUnavailable)
	}
	return strings.TrimSpace(resp.AuthToken) != "", nil
}

// authToken signs in with AuthRequest and returns the auth token.
func (z *Zimbra) authToken(ctx context.Context, account, password string) (string, error) {
	env, err := z.call(ctx, "", zimbraAuthBody(account, password))
	if err != nil {
		return "", zimbraError(err)
	}
	resp := env.Body.Auth
	if resp == nil {
		return "", fmt.Errorf("%w: zimbra: answer to AuthRequest holds no AuthResponse", ErrUnavailable)
	}
	if strings.EqualFold(strings.TrimSpace(resp.TwoFactorAuthRequired), "true") {
		// A second factor would be needed; its token cannot change the
		// password, and this product does not ask for the code.
		return "", fmt.Errorf("%w: zimbra: the account uses two-factor authentication", ErrHelpdesk)
	}
	token := strings.TrimSpace(resp.AuthToken)
	if token == "" {
		return "", fmt.Errorf("%w: zimbra: AuthResponse without authToken", ErrUnavailable)
	}
	return token, nil
}

// call posts one SOAP 1.2 request and returns the parsed answer; a SOAP
// fault comes back as a *zimbraFault, anything else unusable wraps
// ErrUnavailable.
func (z *Zimbra) call(ctx context.Context, token, body string) (*zimbraResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, z.cfg.URL,
		bytes.NewReader(zimbraEnvelope(token, body)))
	if err != nil {
		return nil, fmt.Errorf("%w: zimbra: %w", ErrUnavailable, err)
	}
	req.Header.Set("Content-Type", "application/soap+xml; charset=utf-8")
	req.Header.Set("Accept", "application/soap+xml, text/xml")
	resp, err := z.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: zimbra: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, zimbraMaxResponse))
	if err != nil {
		return nil, fmt.Errorf("%w: zimbra: reading the answer: %w", ErrUnavailable, err)
	}
	env, perr := zimbraParse(data)
	if perr != nil {
		return nil, fmt.Errorf("%w: zimbra: HTTP %d: %w", ErrUnavailable, resp.StatusCode, perr)
	}
	if f := env.Body.Fault; f != nil {
		return nil, f.fault(resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: zimbra: HTTP %d without a SOAP fault", ErrUnavailable, resp.StatusCode)
	}
	return env, nil
}

// zimbraEnvelope wraps a request body in a SOAP 1.2 envelope whose context
// header asks for no session (a password change needs none) and carries
// the auth token, if any.
func zimbraEnvelope(token, body string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>`)
	b.WriteString(`<soap:Envelope xmlns:soap="` + zimbraSOAP12NS + `"><soap:Header>`)
	b.WriteString(`<context xmlns="` + zimbraNS + `"><nosession/>`)
	if token != "" {
		b.WriteString(`<authToken>` + zimbraEscape(token) + `</authToken>`)
	}
	b.WriteString(`</context></soap:Header><soap:Body>`)
	b.WriteString(body)
	b.WriteString(`</soap:Body></soap:Envelope>`)
	return []byte(b.String())
}

func zimbraChangePasswordBody(account, oldPassword, newPassword string, dryRun bool) string {
	dry := ""
	if dryRun {
		dry = ` dryRun="1"`
	}
	return `<ChangePasswordRequest xmlns="` + zimbraAccountNS + `"` + dry + `>` +
		`<account by="name">` + zimbraEscape(account) + `</account>` +
		`<oldPassword>` + zimbraEscape(oldPassword) + `</oldPassword>` +
		`<password>` + zimbraEscape(newPassword) + `</password>` +
		`</ChangePasswordRequest>`
}

func zimbraAuthBody(account, password string) string {
	return `<AuthRequest xmlns="` + zimbraAccountNS + `">` +
		`<account by="name">` + zimbraEscape(account) + `</account>` +
		`<password>` + zimbraEscape(password) + `</password>` +
		`</AuthRequest>`
}

// zimbraEscape escapes text for element content and attribute values.
// Callers check zimbraXMLSafe first: xml.EscapeText would silently turn a
// character XML cannot carry into U+FFFD, i.e. change the password.
func zimbraEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// zimbraXMLSafe reports whether s is valid UTF-8 made only of characters
// XML 1.0 allows (section 2.2: no NUL or other C0 controls but tab, CR, LF).
func zimbraXMLSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

// zimbraResponse is the part of an answer the driver reads. Element names
// match in any namespace unless one is given.
type zimbraResponse struct {
	XMLName xml.Name
	Body    struct {
		Fault          *zimbraFaultXML      `xml:"Fault"`
		ChangePassword *zimbraTokenResponse `xml:"urn:zimbraAccount ChangePasswordResponse"`
		Auth           *zimbraTokenResponse `xml:"urn:zimbraAccount AuthResponse"`
	} `xml:"Body"`
}

type zimbraTokenResponse struct {
	AuthToken             string `xml:"authToken"`
	TwoFactorAuthRequired string `xml:"twoFactorAuthRequired"`
}

// zimbraFaultXML is a SOAP 1.2 fault as Soap12Protocol writes it (and,
// for robustness, the SOAP 1.1 faultstring/detail of Soap11Protocol).
type zimbraFaultXML struct {
	Code struct {
		Value string `xml:"Value"`
	} `xml:"Code"`
	Reason struct {
		Text string `xml:"Text"`
	} `xml:"Reason"`
	Detail struct {
		Error *zimbraErrorXML `xml:"urn:zimbra Error"`
	} `xml:"Detail"`
	FaultString string `xml:"faultstring"`
	Detail11    struct {
		Error *zimbraErrorXML `xml:"urn:zimbra Error"`
	} `xml:"detail"`
}

type zimbraErrorXML struct {
	Code string           `xml:"Code"`
	Args []zimbraFaultArg `xml:"a"`
}

// zimbraFaultArg is one <a n="name" t="type">value</a> of a fault.
type zimbraFaultArg struct {
	Name  string `xml:"n,attr"`
	Type  string `xml:"t,attr"`
	Value string `xml:",chardata"`
}

func (x *zimbraFaultXML) fault(status int) *zimbraFault {
	f := &zimbraFault{Status: status, Reason: strings.TrimSpace(x.Reason.Text)}
	if f.Reason == "" {
		f.Reason = strings.TrimSpace(x.FaultString)
	}
	e := x.Detail.Error
	if e == nil {
		e = x.Detail11.Error
	}
	if e != nil {
		f.Code = strings.TrimSpace(e.Code)
		f.Args = e.Args
	}
	return f
}

// zimbraParse parses an answer, which must be a SOAP envelope.
func zimbraParse(data []byte) (*zimbraResponse, error) {
	var env zimbraResponse
	if err := xml.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("not a SOAP answer: %w", err)
	}
	if env.XMLName.Local != "Envelope" || (env.XMLName.Space != zimbraSOAP12NS && env.XMLName.Space != zimbraSOAP11NS) {
		return nil, fmt.Errorf("not a SOAP answer: root element {%s}%s", env.XMLName.Space, env.XMLName.Local)
	}
	return &env, nil
}

// zimbraFault is a SOAP fault from Zimbra.
type zimbraFault struct {
	Status int    // HTTP status (500)
	Code   string // Zimbra's code, e.g. account.AUTH_FAILED ("" if none)
	Reason string // soap:Reason/soap:Text
	Args   []zimbraFaultArg
}

func (f *zimbraFault) Error() string {
	code := f.Code
	if code == "" {
		code = "(no code)"
	}
	return fmt.Sprintf("zimbra fault %s: %s", code, f.Reason)
}

// zimbraError maps what call returned to the package's errors.
func zimbraError(err error) error {
	var f *zimbraFault
	if !errors.As(err, &f) {
		return err // already wraps ErrUnavailable
	}
	switch f.Code {
	case "account.AUTH_FAILED":
		return fmt.Errorf("%w: %w", ErrWrongPassword, f)
	case "account.INVALID_PASSWORD":
		return zimbraPolicyError(f)
	case "account.PASSWORD_RECENTLY_USED":
		return fmt.Errorf("%w: %w", ErrRecentlyUsed, f)
	case "account.PASSWORD_CHANGE_TOO_SOON":
		return fmt.Errorf("%w: %w", ErrTooSoon, f)
	case "account.PASSWORD_LOCKED":
		return fmt.Errorf("%w: %w", ErrLocked, f)
	case "account.CHANGE_PASSWORD",
		"account.TWO_FACTOR_SETUP_REQUIRED", "account.TWO_FACTOR_AUTH_REQUIRED":
		return fmt.Errorf("%w: %w", ErrHelpdesk, f)
	default:
		// service.FAILURE, service.PERM_DENIED, service.AUTH_REQUIRED
		// after a token was sent, account.MAINTENANCE_MODE, ...
		return fmt.Errorf("%w: %w", ErrUnavailable, f)
	}
}

// zimbraPolicyError turns account.INVALID_PASSWORD into a *PolicyError,
// with the rule from the violated attribute named in the fault's argument
// (8.8 and later) or, without one, from the reason's text.
func zimbraPolicyError(f *zimbraFault) *PolicyError {
	reason := f.Reason
	if strings.HasSuffix(reason, "is not an allowed character") {
		// The reason quotes a character of the new password: keep it out
		// of the logs.
		reason = "invalid password: a character is not allowed"
	}
	for _, a := range f.Args {
		attr := a.Name
		n, _ := strconv.Atoi(strings.TrimSpace(a.Value))
		detail := attr + ": " + reason
		if a.Type == "NUM" {
			detail = attr + "=" + strconv.Itoa(n) + ": " + reason
		}
		switch attr {
		case "zimbraPasswordMinLength":
			return &PolicyError{Rule: RuleMinLength, Min: n, Detail: detail}
		case "zimbraPasswordMaxLength":
			return &PolicyError{Rule: RuleMaxLength, Min: n, Detail: detail}
		case "zimbraPasswordAllowUsername":
			return &PolicyError{Rule: RuleContainsUser, Detail: detail}
		case "zimbraPasswordMinUpperCaseChars", "zimbraPasswordMinLowerCaseChars",
			"zimbraPasswordMinPunctuationChars", "zimbraPasswordMinNumericChars",
			"zimbraPasswordMinAlphaChars", "zimbraPasswordMinDigitsOrPuncs":
			return &PolicyError{Rule: RuleBackend, Min: n, Detail: detail}
		}
		if strings.HasPrefix(attr, "zimbraPassword") {
			return &PolicyError{Rule: RuleBackend, Detail: attr + ": " + reason}
		}
	}
	switch {
	case strings.HasSuffix(reason, "too short"):
		return &PolicyError{Rule: RuleMinLength, Detail: reason}
	case strings.HasSuffix(reason, "too long"):
		return &PolicyError{Rule: RuleMaxLength, Detail: reason}
	}
	return &PolicyError{Rule: RuleBackend, Detail: reason}
}
