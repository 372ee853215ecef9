package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// acmeConfig is the validated ACME part of serveConfig.
type acmeConfig struct {
	Domains    []string
	Cache      string
	Email      string
	Directory  string
	Roots      *x509.CertPool // nil: the system roots
	HTTPListen string
}

// buildACME validates the ACME settings; nil when --acme-domain is unset.
func buildACME(raw map[string]string, bad func(name, format string, args ...any)) *acmeConfig {
	if strings.TrimSpace(raw["acme-domain"]) == "" {
		return nil
	}
	a := &acmeConfig{Cache: raw["acme-cache"], Email: strings.TrimSpace(raw["acme-email"]),
		Directory: raw["acme-directory"], HTTPListen: raw["acme-http-listen"]}
	for _, d := range strings.Split(raw["acme-domain"], ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if !strings.Contains(d, ".") || strings.ContainsAny(d, " */:@_") || net.ParseIP(d) != nil {
			bad("acme-domain", "%q is not a host name a public certificate can name", d)
		}
		a.Domains = append(a.Domains, d)
	}
	if raw["tls-cert"] != "" {
		bad("acme-domain", "--acme-domain and --tls-cert exclude each other: give the certificate files or let ACME get one")
	}
	if a.Cache == "" {
		bad("acme-cache", "missing: a directory for the ACME account key and certificates, e.g. /var/lib/webmail/acme")
	}
	if !strings.HasPrefix(a.Directory, "https://") {
		bad("acme-directory", "%q is not an https:// URL", a.Directory)
	}
	if ca := raw["acme-ca"]; ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			bad("acme-ca", "cannot read: %v", err)
		} else {
			a.Roots, err = x509.SystemCertPool()
			if err != nil || a.Roots == nil {
				a.Roots = x509.NewCertPool()
			}
			if !a.Roots.AppendCertsFromPEM(pem) {
				bad("acme-ca", "%s holds no PEM certificate", ca)
			}
		}
	}
	if a.HTTPListen != "" {
		if _, _, err := net.SplitHostPort(a.HTTPListen); err != nil {
			bad("acme-http-listen", "%q is not host:port", a.HTTPListen)
		}
	}
	return a
}

// manager is the certificate manager: it gets a certificate for one of
// the domains at the first TLS handshake that names it, keeps it in the
// cache directory, and renews it before it expires.
func (a *acmeConfig) manager() *autocert.Manager {
	client := &acme.Client{DirectoryURL: a.Directory}
	if a.Roots != nil {
		client.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, TLSClientConfig: &tls.Config{RootCAs: a.Roots}}}
	}
	return &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		HostPolicy: autocert.HostWhitelist(a.Domains...),
		Cache:      autocert.DirCache(a.Cache),
		Email:      a.Email,
		Client:     client,
	}
}

// startHTTP serves ACME http-01 challenges on HTTPListen, and redirects
// every other plain-HTTP request to HTTPS, until ctx ends.
func (a *acmeConfig) startHTTP(ctx context.Context, m *autocert.Manager, logger *slog.Logger) error {
	if a.HTTPListen == "" {
		return nil
	}
	ln, err := net.Listen("tcp", a.HTTPListen)
	if err != nil {
		return fmt.Errorf("acme: listen on %s: %w", a.HTTPListen, err)
	}
	go func() {
		if err := serve(ctx, ln, nil, m.HTTPHandler(nil), logger); err != nil {
			logger.Error("ACME http-01 listener stopped", "err", err)
		}
	}()
	logger.Info("serving ACME challenges and the redirect to HTTPS", "listen", ln.Addr().String())
	return nil
}
