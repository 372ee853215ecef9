package webmail

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// cspSource is the policy of the raw message view: it is text, but should
// a browser ever render it, nothing runs and nothing loads.
const cspSource = "default-src 'none'; sandbox"

// messageSource shows the message as stored on the server ("Lihat
// sumber"): plain text, streamed, never interpreted.
func (a *app) messageSource(c echo.Context) error {
	return a.streamRaw(c, func(h http.Header, _ imapclient.RawInfo) {
		// Mail is mostly 7-bit; 8-bit bytes in other charsets show as
		// replacement characters, which is what a source view can do.
		h.Set("Content-Type", "text/plain; charset=utf-8")
	})
}

// messageEML downloads the original message ("Unduh .eml").
func (a *app) messageEML(c echo.Context) error {
	lang := langOf(c)
	return a.streamRaw(c, func(h http.Header, info imapclient.RawInfo) {
		// The subject is a title, not a path: keep what follows a slash.
		name := cleanFilename(strings.NewReplacer("/", "_", "\\", "_").Replace(info.Subject))
		if name == "" {
			name = a.cat.T(lang, "message.no_subject")
		}
		if len(name) > 120 {
			name = strings.ToValidUTF8(name[:120], "")
		}
		h.Set("Content-Type", "message/rfc822")
		h.Set("Content-Disposition", contentDisposition(name+".eml"))
	})
}

// streamRaw streams the raw message with headers set by setHeaders.
func (a *app) streamRaw(c echo.Context, setHeaders func(http.Header, imapclient.RawInfo)) error {
	folder := folderParam(c)
	uid, err := uidParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	return sess.Raw(ctx, folder, uid, func(info imapclient.RawInfo, r io.Reader) error {
		h := c.Response().Header()
		setHeaders(h, info)
		h.Set("Content-Security-Policy", cspSource)
		h.Set("X-Content-Type-Options", "nosniff")
		c.Response().WriteHeader(http.StatusOK)
		if c.Request().Method == http.MethodHead {
			return nil
		}
		if _, err := io.Copy(c.Response(), r); err != nil {
			return fmt.Errorf("stream message %d: %w", uid, err)
		}
		return nil
	})
}
