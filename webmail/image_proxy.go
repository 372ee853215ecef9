package webmail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
)

// The image proxy loads the remote images of a message the user asked to
// see ("Tampilkan"): the sanitizer rewrites each http(s) image source to
//
//	/mail/image?u=<url>&e=<expiry, unix seconds>&k=<session tag>&s=<HMAC>
//
// and this handler fetches it from here, never from the reader's browser.
//
// The URL is signed with a key derived from the newest session hash key
// (older pairs still verify, as for the cookie), over the session tag, the
// remote URL and the expiry, so it cannot be forged, expires, and belongs
// to one session. The tag (an HMAC of the session ID) is in the URL
// because the body frame is sandboxed with an opaque origin: the browser
// treats its image requests as cross-site and sends no SameSite=Lax session
// cookie with them. So a request without any session cookie is served on
// the signature alone (that is how the frame asks); a request that does
// carry the cookie must be from the signed-in session the URL was made for:
// another signed-in user gets 403, a signed-out browser is sent to sign in
// as everywhere else (imageAuth).
//
// The fetch refuses every address that is not public unicast, checked in
// the dialer after DNS resolution (no rebinding), for redirects too; sizes,
// times and concurrency are bounded, and only raster image types pass.
const (
	imageProxyPath    = "/mail/image"
	imageURLLifetime  = time.Hour
	imageMaxBytes     = 5 << 20
	imageConcurrency  = 16
	imageQueueWait    = 5 * time.Second
	imageMaxRedirects = 3
	imageDialTimeout  = 5 * time.Second
	imageTotalTimeout = 15 * time.Second
	imageUserAgent    = "Webmail-Pematangsiantar-ImageProxy/1.0"
	imageCSP          = "default-src 'none'; sandbox"
	imageKeyLabel     = "webmail image proxy v1"
)

// testImageProxyAllow, set by tests only, replaces the address policy of
// the image proxies built afterwards (to reach httptest servers on
// loopback). Production code never sets it.
var testImageProxyAllow func(netip.Addr) bool

// imageProxyKeys derives the signing keys from the session hash keys,
// newest first: never the cookie key itself.
func imageProxyKeys(pairs []KeyPair) [][]byte {
	keys := make([][]byte, 0, len(pairs))
	for _, p := range pairs {
		m := hmac.New(sha256.New, p.Hash)
		m.Write([]byte(imageKeyLabel))
		keys = append(keys, m.Sum(nil))
	}
	return keys
}

// imageSessionTag names a session in proxy URLs without revealing its ID.
func imageSessionTag(key []byte, sessionID string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("session\n" + sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// imageSignature is the MAC of one proxy URL.
func imageSignature(key []byte, tag, target string, expiry int64) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(tag + "\n" + target + "\n" + strconv.FormatInt(expiry, 10)))
	return m.Sum(nil)
}

// imageProxyURL returns the proxy URL of the remote image target for the
// session id, valid until expiry, signed with key.
func imageProxyURL(key []byte, sessionID, target string, expiry time.Time) string {
	tag := imageSessionTag(key, sessionID)
	exp := expiry.Unix()
	q := url.Values{
		"u": {target},
		"e": {strconv.FormatInt(exp, 10)},
		"k": {tag},
		"s": {base64.RawURLEncoding.EncodeToString(imageSignature(key, tag, target, exp))},
	}
	// Encode sorts the keys: e, k, s, u.
	return imageProxyPath + "?" + q.Encode()
}

// remoteImages returns the sanitizer's rewriter of remote image sources
// for the request's session: each http(s) URL becomes a signed proxy URL.
func (a *app) remoteImages(s *session) func(string) string {
	key := imageProxyKeys(a.cfg.SessionKeys[:1])[0]
	expiry := a.cfg.Now().Add(imageURLLifetime)
	return func(target string) string {
		if !proxiableURL(target) {
			return ""
		}
		return imageProxyURL(key, s.ID, target, expiry)
	}
}

// imageAuth guards the proxy: a request that carries the session cookie
// goes through requireAuth like every signed-in page (a signed-out browser
// is sent to sign in, a pending password change to the change page); one
// without any cookie (the sandboxed body frame) is judged by its signed
// URL alone.
func (a *app) imageAuth(next echo.HandlerFunc) echo.HandlerFunc {
	strict := a.requireAuth(next)
	return func(c echo.Context) error {
		if _, err := c.Request().Cookie(sessionCookie); err != nil {
			return next(c)
		}
		return strict(c)
	}
}

// proxiableURL reports whether target is an absolute http(s) URL with a host.
func proxiableURL(target string) bool {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

// verifyImageURL checks a proxy URL's query and returns the remote URL it
// names. sess is the request's session and hasCookie whether the request
// carried a session cookie at all (see the comment at the top).
func verifyImageURL(keys [][]byte, q url.Values, sess *session, hasCookie bool, now time.Time) (string, bool) {
	target, e, tag, sig := q.Get("u"), q.Get("e"), q.Get("k"), q.Get("s")
	if target == "" || tag == "" || !proxiableURL(target) {
		return "", false
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	if err != nil || now.Unix() > exp {
		return "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return "", false
	}
	if hasCookie && !sess.signedIn() {
		return "", false
	}
	for _, key := range keys {
		if !hmac.Equal(mac, imageSignature(key, tag, target, exp)) {
			continue
		}
		if hasCookie && !hmac.Equal([]byte(tag), []byte(imageSessionTag(key, sess.ID))) {
			return "", false
		}
		return target, true
	}
	return "", false
}

// imageProxy fetches remote images for the reading view.
type imageProxy struct {
	keys   [][]byte
	now    func() time.Time
	sem    chan struct{}
	client *http.Client
	// allow is the address policy of the dialer: publicAddr, except in
	// tests.
	allow func(netip.Addr) bool
}

func newImageProxy(cfg Config) *imageProxy {
	p := &imageProxy{
		keys:  imageProxyKeys(cfg.SessionKeys),
		now:   cfg.Now,
		sem:   make(chan struct{}, imageConcurrency),
		allow: publicAddr,
	}
	if testImageProxyAllow != nil {
		p.allow = testImageProxyAllow
	}
	dialer := &net.Dialer{Timeout: imageDialTimeout, KeepAlive: 30 * time.Second, Control: p.control}
	p.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // never an environment proxy: the dialer check must see the real peer
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    imageDialTimeout,
			ResponseHeaderTimeout:  10 * time.Second,
			MaxIdleConns:           imageConcurrency,
			IdleConnTimeout:        30 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
		},
		Timeout:       imageTotalTimeout,
		CheckRedirect: checkImageRedirect,
		// No Jar: no cookies are kept or sent.
	}
	return p
}

// errForbiddenAddr is the dialer's refusal.
var errForbiddenAddr = errors.New("image proxy: address not allowed")

// control runs for every connection the proxy's client makes, with the
// address DNS resolved to: only allowed addresses are connected to.
func (p *imageProxy) control(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return errForbiddenAddr
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !p.allow(ap.Addr()) {
		return errForbiddenAddr
	}
	return nil
}

// blockedPrefixes are special-purpose ranges netip has no predicate for.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local, cloud metadata (169.254.169.254)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated), ::, ::1
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: could reach private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001::/32"),       // Teredo
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: embeds any IPv4
	netip.MustParsePrefix("fc00::/7"),        // unique local
	netip.MustParsePrefix("fe80::/10"),       // link-local
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
}

// publicAddr reports whether ip is a public unicast address the proxy may
// connect to: not loopback, private (RFC 1918, fc00::/7), link-local,
// CGNAT, multicast, unspecified, reserved, nor an IPv4-mapped IPv6 form of
// any of those.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// checkImageRedirect follows at most imageMaxRedirects redirects, to http
// and https only (each through the same checking dialer), and sends no
// Referer.
func checkImageRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > imageMaxRedirects {
		return errors.New("image proxy: too many redirects")
	}
	if !proxiableURL(req.URL.String()) {
		return errors.New("image proxy: redirect to a forbidden scheme")
	}
	req.Header.Del("Referer")
	return nil
}

// proxyImageTypes are the content types passed on: raster images only
// (SVG can carry script).
var proxyImageTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"image/bmp": true, "image/x-icon": true, "image/avif": true,
}

// sniffImage is http.DetectContentType, which does not know AVIF.
func sniffImage(b []byte) string {
	if len(b) >= 12 && string(b[4:8]) == "ftyp" && (string(b[8:12]) == "avif" || string(b[8:12]) == "avis") {
		return "image/avif"
	}
	t, _, _ := mime.ParseMediaType(http.DetectContentType(b))
	return t
}

// serve is GET /mail/image. Errors have an empty body: it is an image.
func (p *imageProxy) serve(c echo.Context) error {
	_, err := c.Request().Cookie(sessionCookie)
	target, ok := verifyImageURL(p.keys, c.QueryParams(), sessionOf(c), err == nil, p.now())
	if !ok {
		return c.NoContent(http.StatusForbidden)
	}
	wait := time.NewTimer(imageQueueWait)
	defer wait.Stop()
	select {
	case p.sem <- struct{}{}:
		defer func() { <-p.sem }()
	case <-wait.C:
		return c.NoContent(http.StatusServiceUnavailable)
	case <-c.Request().Context().Done():
		return c.NoContent(http.StatusServiceUnavailable)
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), imageTotalTimeout)
	defer cancel()
	img, ctype, status := p.fetch(ctx, target)
	if status != http.StatusOK {
		return c.NoContent(status)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", imageCSP)
	h.Set("Content-Disposition", "inline")
	return c.Blob(http.StatusOK, ctype, img)
}

// fetch gets the image at target and returns it with its (sniffed) type,
// or the status to answer with instead: 404 when the remote server has no
// image there, 502 when it could not be fetched or is not an image we pass
// on, or is too large.
func (p *imageProxy) fetch(ctx context.Context, target string) ([]byte, string, int) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, "", http.StatusBadGateway
	}
	req.Header.Set("User-Agent", imageUserAgent)
	req.Header.Set("Accept", "image/avif,image/webp,image/png,image/jpeg,image/gif,image/bmp,image/x-icon")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, "", http.StatusBadGateway
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", http.StatusNotFound
	}
	declared, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || !proxyImageTypes[declared] || resp.ContentLength > imageMaxBytes {
		return nil, "", http.StatusBadGateway
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, imageMaxBytes+1))
	if err != nil || len(body) > imageMaxBytes {
		return nil, "", http.StatusBadGateway
	}
	sniffed := sniffImage(body)
	if !proxyImageTypes[sniffed] {
		return nil, "", http.StatusBadGateway
	}
	return body, sniffed, http.StatusOK
}
