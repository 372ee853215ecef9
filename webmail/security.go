package webmail

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// Context keys set by the middlewares.
const (
	ctxHTTPS    = "webmail.https"
	ctxClientIP = "webmail.client_ip"
)

// cspPage is the Content-Security-Policy of every page of the app. Nothing
// inline is allowed: templates carry no <script> or style="" at all.
// connect-src 'self': static/live.js polls /mail/counts on the same origin.
const cspPage = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// cspCompose is the policy of the compose page: the same, except that its
// script may post the form (attachments are uploaded with XMLHttpRequest)
// and the rich-text editor may set style="" attributes (font size, colour,
// alignment of what the user formats). Scripts stay 'self' only.
const cspCompose = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// cspPassword is the policy of the password forms: the same as cspPage,
// except that the strength meter's script may ask the server.
const cspPassword = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// requestInfo works out, once per request, the client's address and
// whether the browser's connection is HTTPS. Forwarded headers are believed
// only when the direct peer is a trusted proxy.
func (a *app) requestInfo(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		peer := peerAddr(r.RemoteAddr)
		client, https := peer, r.TLS != nil
		if a.trusted(peer) {
			client = a.forwardedFor(r.Header.Values(echo.HeaderXForwardedFor), peer)
			if p := r.Header.Get(echo.HeaderXForwardedProto); p != "" {
				https = strings.EqualFold(strings.TrimSpace(strings.Split(p, ",")[0]), "https")
			}
		}
		c.Set(ctxClientIP, client)
		c.Set(ctxHTTPS, https)
		return next(c)
	}
}

// clientIP is echo's IPExtractor, so c.RealIP() agrees with requestInfo.
func (a *app) clientIP(r *http.Request) string {
	peer := peerAddr(r.RemoteAddr)
	if a.trusted(peer) {
		return ipString(a.forwardedFor(r.Header.Values(echo.HeaderXForwardedFor), peer))
	}
	return ipString(peer)
}

// forwardedFor walks X-Forwarded-For from the right, skipping our own
// trusted proxies: the first other address is the client. Entries left of
// it were written by the client and cannot be believed.
func (a *app) forwardedFor(values []string, peer netip.Addr) netip.Addr {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = ip.Unmap()
		if !a.trusted(client) {
			break
		}
	}
	return client
}

// trusted reports whether ip is one of the configured proxies.
func (a *app) trusted(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// peerAddr parses the address of the TCP peer.
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}

func ipString(ip netip.Addr) string {
	if !ip.IsValid() {
		return ""
	}
	return ip.String()
}

// isHTTPS reports whether the browser reached us over HTTPS.
func isHTTPS(c echo.Context) bool {
	v, _ := c.Get(ctxHTTPS).(bool)
	return v
}

// clientAddr is the client's address as requestInfo found it.
func clientAddr(c echo.Context) netip.Addr {
	v, _ := c.Get(ctxClientIP).(netip.Addr)
	return v
}

// securityHeaders sets the headers every response carries. Handlers that
// serve other kinds of content (the message body frame, downloads, static
// files) replace the CSP and the caching header with their own.
func (a *app) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", cspPage)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		// Every dynamic page holds mail, a CSRF token or both: never
		// store it (shared computers in offices).
		h.Set("Cache-Control", "no-store")
		if isHTTPS(c) {
			// No includeSubDomains: other hosts of the city's domain
			// are not ours to decide for.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}
