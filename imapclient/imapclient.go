// Package imapclient is the product's only door to the IMAP server: it dials
// and logs in with the user's credentials (classifying failures), keeps a
// per-process cache of logged-in connections, and returns the product's own
// view types (Folder, Page, Message) so handlers never see go-imap types.
package imapclient

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/pematangsiantar/webmail/internal/endpoint"
)

// Security is how the connection to the IMAP server is protected.
type Security int

const (
	// SecurityTLS is implicit TLS (imaps://, usually port 993).
	SecurityTLS Security = iota
	// SecurityStartTLS is a plain connection upgraded with STARTTLS, which is
	// required (imap://, usually port 143).
	SecurityStartTLS
	// SecurityNone is no encryption at all (imap+insecure://), allowed only
	// for loopback addresses.
	SecurityNone
)

// String returns the URL scheme of the security mode.
func (s Security) String() string {
	switch s {
	case SecurityTLS:
		return "imaps"
	case SecurityStartTLS:
		return "imap"
	default:
		return "imap+insecure"
	}
}

// Config says how to reach the IMAP server.
type Config struct {
	Addr     string // host:port
	Security Security
	// TLS is the TLS configuration (RootCAs for a self-signed backend).
	// ServerName defaults to the host of Addr.
	TLS *tls.Config
	// DialTimeout bounds the TCP connect and TLS handshake (default 10s).
	DialTimeout time.Duration
	// MustChangePattern matches the text of a refused LOGIN that means the
	// password must be changed (Zimbra: "[ALERT] password must be changed").
	// Nil uses DefaultMustChangePattern.
	MustChangePattern *regexp.Regexp
	// IgnoreCaps lists capabilities (such as "MOVE" or "UIDPLUS") to act
	// as if the server lacked: a workaround for a server whose extension
	// misbehaves, and how tests run the fallbacks Zimbra needs.
	IgnoreCaps []string
}

// DefaultMustChangePattern matches Zimbra's refusal of a login whose
// password must be changed first.
var DefaultMustChangePattern = regexp.MustCompile(`(?i)password must be changed`)

// imapSchemes are the URL schemes of an IMAP server.
var imapSchemes = []endpoint.Scheme{
	{Name: "imaps", Security: endpoint.TLS, DefaultPort: "993"},
	{Name: "imap", Security: endpoint.StartTLS, DefaultPort: "143"},
	{Name: "imap+insecure", Security: endpoint.None, DefaultPort: "143"},
}

// ParseURL parses a backend address such as imaps://host:993,
// imap://host:143 (STARTTLS) or imap+insecure://127.0.0.1:143. The plain
// scheme is refused for anything but a loopback address.
func ParseURL(raw string) (Config, error) {
	scheme, addr, err := endpoint.Parse("IMAP", raw, imapSchemes)
	if err != nil {
		return Config{}, err
	}
	return Config{Addr: addr, Security: securityOf(scheme.Security)}, nil
}

func securityOf(s endpoint.Security) Security {
	switch s {
	case endpoint.TLS:
		return SecurityTLS
	case endpoint.StartTLS:
		return SecurityStartTLS
	}
	return SecurityNone
}

// IsLoopback reports whether host names the local machine.
func IsLoopback(host string) bool { return endpoint.IsLoopback(host) }

// Errors returned by this package; test them with errors.Is.
var (
	// ErrAuthFailed means the user name or password is wrong.
	ErrAuthFailed = errors.New("imap: authentication failed")
	// ErrMustChangePassword means the password is right but expired or
	// must be changed before the server lets the user in.
	ErrMustChangePassword = errors.New("imap: password must be changed")
	// ErrUnavailable means the server cannot be reached or is not working.
	ErrUnavailable = errors.New("imap: server unavailable")
	// ErrNoSuchFolder means the folder does not exist (any more).
	ErrNoSuchFolder = errors.New("imap: no such folder")
	// ErrNoSuchMessage means the message does not exist (any more).
	ErrNoSuchMessage = errors.New("imap: no such message")
	// ErrOverQuota means the account is over its quota.
	ErrOverQuota = errors.New("imap: over quota")
)

// classify maps a failed command to one of the package errors, keeping the
// original error in the chain for the logs. Codes per RFC 5530.
func classify(err error, mustChange *regexp.Regexp) error {
	if err == nil {
		return nil
	}
	var imapErr *imap.Error
	if !errors.As(err, &imapErr) {
		var netErr net.Error
		if errors.As(err, &netErr) || errors.Is(err, net.ErrClosed) || isConnError(err) {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	if mustChange == nil {
		mustChange = DefaultMustChangePattern
	}
	switch imapErr.Code {
	case imap.ResponseCodeAuthenticationFailed, imap.ResponseCodeAuthorizationFailed:
		return fmt.Errorf("%w: %w", ErrAuthFailed, err)
	case imap.ResponseCodeExpired:
		return fmt.Errorf("%w: %w", ErrMustChangePassword, err)
	case imap.ResponseCodeUnavailable:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	case imap.ResponseCodeNonExistent, imap.ResponseCodeTryCreate:
		return fmt.Errorf("%w: %w", ErrNoSuchFolder, err)
	case imap.ResponseCodeOverQuota:
		return fmt.Errorf("%w: %w", ErrOverQuota, err)
	}
	if mustChange.MatchString(imapErr.Text) {
		return fmt.Errorf("%w: %w", ErrMustChangePassword, err)
	}
	return err
}

// isConnError reports errors that mean the connection itself is gone.
func isConnError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "use of closed network connection") ||
		strings.Contains(msg, "connection reset") ||
		strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "EOF")
}
