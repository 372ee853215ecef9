package webmail

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/smtpclient"
)

const (
	// sizeLookupTTL is how long the SMTP server's SIZE is believed; a
	// failed lookup is retried sooner.
	sizeLookupTTL     = 10 * time.Minute
	sizeLookupRetry   = time.Minute
	sizeLookupTimeout = 5 * time.Second
	// sizeHeadroom is what headers and the two body alternatives may
	// take of the SMTP server's SIZE besides the attachments.
	sizeHeadroom = 256 << 10
	// composeOverhead is what a compose request may carry besides the
	// attachments: the typed fields, the body and the multipart framing.
	composeOverhead = 2 << 20
	// defaultBodyLimit bounds every other request body (sign-in and
	// sign-out forms are a few hundred bytes).
	defaultBodyLimit = 1 << 20
	// formMemory is how much of a multipart form is held in memory; file
	// uploads beyond it go to temporary files.
	formMemory = 1 << 20

	ctxTooLarge = "webmail.too_large"
)

// sizeLimit caches the effective message size limit: the configured one,
// lowered to what the SMTP server's advertised SIZE (RFC 1870) leaves for
// the attachments. The lookup is one EHLO, made lazily and repeated after
// sizeLookupTTL; a failed lookup is ignored (the configured limit applies
// and the server still refuses what it cannot take).
type sizeLimit struct {
	mu    sync.Mutex
	value int64
	until time.Time
}

// maxMessageSize is the largest total of attachments and body a message
// may have, in bytes.
func (a *app) maxMessageSize(ctx context.Context) int64 {
	l := a.sizes
	l.mu.Lock()
	defer l.mu.Unlock()
	now := a.cfg.Now()
	if l.value > 0 && now.Before(l.until) {
		return l.value
	}
	limit, ttl := a.cfg.MaxMessageSize, sizeLookupTTL
	if a.cfg.SMTP.Addr != "" {
		ctx, cancel := context.WithTimeout(ctx, sizeLookupTimeout)
		n, err := smtpclient.MaxSize(ctx, a.cfg.SMTP)
		cancel()
		switch {
		case err != nil:
			a.log.Warn("SMTP size lookup failed; using the configured limit", "err", err)
			ttl = sizeLookupRetry
		case n > 0:
			limit = min(limit, attachmentRoom(n))
		}
	}
	l.value, l.until = limit, now.Add(ttl)
	return limit
}

// attachmentRoom is how many bytes of attachments fit in a message of
// size bytes: base64 turns every 57 bytes into a line of 76 characters
// and CRLF (RFC 2045 section 6.8), and the headers and bodies need a
// little room too.
func attachmentRoom(size int64) int64 {
	room := (size - sizeHeadroom) / 78 * 57
	return max(room, 1)
}

// limitBody refuses request bodies larger than their route needs before
// anything reads them (it runs before the CSRF check, which parses
// forms): POST /compose may carry the message size limit and a little
// more, everything else defaultBodyLimit. A Content-Length over the limit
// is answered 413 at once; a body that grows past it is cut off.
func (a *app) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		limit := int64(defaultBodyLimit)
		var tooLarge error = echo.ErrStatusRequestEntityTooLarge
		if r.Method == http.MethodPost && c.Path() == "/compose" {
			maxSize := a.maxMessageSize(r.Context())
			limit = maxSize + composeOverhead
			tooLarge = a.errTooLarge(c, maxSize)
		}
		if r.ContentLength > limit {
			return tooLarge
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		}
		c.Set(ctxTooLarge, tooLarge)
		return next(c)
	}
}

// errTooLarge is the error of a message over the size limit, naming the
// limit in the user's language.
func (a *app) errTooLarge(c echo.Context, limit int64) *pageError {
	return &pageError{Status: http.StatusRequestEntityTooLarge, Key: "compose.error.too_large",
		Args: []any{"Limit", a.formatter(langOf(c)).Size(limit)}}
}

// parseForm parses the request's form once, multipart forms with at most
// formMemory bytes in memory (the rest of each upload goes to a temporary
// file, removed by net/http after the request). A body cut off by
// limitBody becomes that route's 413 error.
func parseForm(c echo.Context) error {
	r := c.Request()
	var err error
	if strings.HasPrefix(strings.ToLower(r.Header.Get(echo.HeaderContentType)), echo.MIMEMultipartForm) {
		err = r.ParseMultipartForm(formMemory)
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		if e, ok := c.Get(ctxTooLarge).(error); ok {
			return e
		}
		return echo.ErrStatusRequestEntityTooLarge
	}
	return echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
}
