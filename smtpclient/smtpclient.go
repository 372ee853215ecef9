// Package smtpclient submits mail to the SMTP server with the user's own
// credentials (STARTTLS or implicit TLS, AUTH PLAIN).
package smtpclient

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"

	"github.com/pematangsiantar/webmail/imapclient"
)

// Security is how the connection to the submission server is protected.
type Security int

const (
	// SecurityTLS is implicit TLS (smtps://, usually port 465).
	SecurityTLS Security = iota
	// SecurityStartTLS is STARTTLS, required (smtp://, usually port 587).
	SecurityStartTLS
	// SecurityNone is no encryption (smtp+insecure://), loopback only.
	SecurityNone
)

// Config says how to reach the submission server.
type Config struct {
	Addr     string // host:port
	Security Security
	TLS      *tls.Config
	// Hello is the FQDN sent in EHLO; strict servers refuse "localhost".
	Hello string
}

// ParseURL parses smtps://host:465, smtp://host:587 (STARTTLS) or
// smtp+insecure://127.0.0.1:25; the plain scheme only for loopback.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("invalid SMTP URL %q: %w", raw, err)
	}
	var cfg Config
	defPort := ""
	switch u.Scheme {
	case "smtps":
		cfg.Security, defPort = SecurityTLS, "465"
	case "smtp":
		cfg.Security, defPort = SecurityStartTLS, "587"
	case "smtp+insecure":
		cfg.Security, defPort = SecurityNone, "25"
	default:
		return Config{}, fmt.Errorf("invalid SMTP URL %q: scheme must be smtps, smtp (STARTTLS) or smtp+insecure", raw)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return Config{}, fmt.Errorf("invalid SMTP URL %q: no host", raw)
	}
	if port == "" {
		port = defPort
	}
	cfg.Addr = net.JoinHostPort(host, port)
	if cfg.Security == SecurityNone && !imapclient.IsLoopback(host) {
		return Config{}, fmt.Errorf("invalid SMTP URL %q: smtp+insecure is allowed only for a loopback address; use smtps:// or smtp:// (STARTTLS)", raw)
	}
	return cfg, nil
}
