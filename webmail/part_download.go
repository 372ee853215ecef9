package webmail

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// cspDownload forbids everything, should a browser render a download
// anyway.
const cspDownload = "default-src 'none'; sandbox"

// partDownload streams one part of a message as a download. Nothing from
// a message is ever served as active content from our origin: the type is
// application/octet-stream unless it is an image type browsers cannot run.
func (a *app) partDownload(c echo.Context) error {
	folder := folderParam(c)
	uid, err := uidParam(c)
	if err != nil {
		return err
	}
	part := c.QueryParam("part")
	if !validPart(part) {
		return errNoMessage
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	return sess.Part(ctx, folder, uid, part, func(info imapclient.PartInfo, r io.Reader) error {
		ctype := "application/octet-stream"
		if t := strings.ToLower(info.ContentType); safeImageType(t) {
			ctype = t
		}
		name := cleanFilename(info.Filename)
		if name == "" {
			name = a.fallbackName(langOf(c), part, info.ContentType)
		}
		h := c.Response().Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", contentDisposition(name))
		h.Set("Content-Security-Policy", cspDownload)
		h.Set("X-Content-Type-Options", "nosniff")
		c.Response().WriteHeader(http.StatusOK)
		if c.Request().Method == http.MethodHead {
			return nil
		}
		if _, err := io.Copy(c.Response(), r); err != nil {
			return fmt.Errorf("download part %s: %w", part, err)
		}
		return nil
	})
}

// validPart accepts IMAP section paths such as "2" or "1.2.3".
func validPart(p string) bool {
	if p == "" || len(p) > 64 {
		return false
	}
	for _, s := range strings.Split(p, ".") {
		if s == "" || strings.Trim(s, "0123456789") != "" {
			return false
		}
	}
	return true
}

// safeImageType reports image types a browser shows but never runs
// (not SVG, which can carry script).
func safeImageType(t string) bool {
	switch t {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif":
		return true
	}
	return false
}

// cleanFilename makes a sender-chosen file name safe for a header and a
// file system: no directories, control characters, quotes or leading dots.
func cleanFilename(name string) string {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), r == '"', r == '\'', r == '/', r == ':', r == '*', r == '?', r == '<', r == '>', r == '|',
			r == '\u2028', r == '\u2029', unicode.Is(unicode.Bidi_Control, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(strings.TrimSpace(b.String()), ".")
	if len(name) > 200 {
		// Keep the extension: cut the stem on a rune boundary.
		ext := path.Ext(name)
		if len(ext) > 20 {
			ext = ""
		}
		stem := name[:200-len(ext)]
		for !utf8.ValidString(stem) {
			stem = stem[:len(stem)-1]
		}
		name = stem + ext
	}
	return name
}

// fallbackName names a part that came without a file name.
func (a *app) fallbackName(lang, part, ctype string) string {
	ext := ""
	if exts, _ := mime.ExtensionsByType(ctype); len(exts) > 0 {
		ext = exts[0]
	}
	return cleanFilename(a.cat.T(lang, "download.fallback_name", "Part", part)) + ext
}

// contentDisposition builds an attachment header with an ASCII fallback
// and the exact UTF-8 name (RFC 6266 section 4.3, RFC 5987 section 3.2).
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), encodeRFC5987(name))
}

// encodeRFC5987 percent-encodes everything but RFC 5987 attr-chars.
func encodeRFC5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
