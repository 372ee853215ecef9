// Package endpoint parses the backend addresses of the configuration,
// scheme://host[:port], where the scheme says how the connection is
// protected: implicit TLS, STARTTLS (required), or none at all, which is
// allowed only toward the local machine.
package endpoint

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Security is how a connection to a backend is protected.
type Security int

const (
	// TLS is implicit TLS from the first byte.
	TLS Security = iota
	// StartTLS is a plain connection upgraded with STARTTLS, which is
	// required: a server that does not offer it is an error.
	StartTLS
	// None is no encryption; only for loopback addresses.
	None
)

// Scheme is one URL scheme a backend accepts.
type Scheme struct {
	Name        string // e.g. "imaps"
	Security    Security
	DefaultPort string
}

// Parse parses raw as one of schemes: it returns the matching scheme and
// host:port (the scheme's default port when none is given). kind names
// the backend in errors ("IMAP", "SMTP", "LDAP"). A URL may carry no user,
// path or query, and a scheme without encryption only a loopback host.
func Parse(kind, raw string, schemes []Scheme) (Scheme, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Scheme{}, "", fmt.Errorf("invalid %s URL %q: %w", kind, raw, err)
	}
	var names []string
	for _, s := range schemes {
		names = append(names, s.Name)
		if s.Name != u.Scheme {
			continue
		}
		host, port := u.Hostname(), u.Port()
		switch {
		case host == "":
			return Scheme{}, "", fmt.Errorf("invalid %s URL %q: no host", kind, raw)
		case u.User != nil:
			return Scheme{}, "", fmt.Errorf("invalid %s URL %q: no user name or password in the URL: each user signs in with their own", kind, raw)
		case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
			return Scheme{}, "", fmt.Errorf("invalid %s URL %q: want %s://host:port only", kind, raw, s.Name)
		case s.Security == None && !IsLoopback(host):
			return Scheme{}, "", fmt.Errorf("invalid %s URL %q: %s is allowed only for a loopback address (127.0.0.1, ::1, localhost); use an encrypted scheme", kind, raw, s.Name)
		}
		if port == "" {
			port = s.DefaultPort
		}
		return s, net.JoinHostPort(host, port), nil
	}
	return Scheme{}, "", fmt.Errorf("invalid %s URL %q: scheme must be one of %s", kind, raw, strings.Join(names, ", "))
}

// IsLoopback reports whether host names the local machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
