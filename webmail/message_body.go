package webmail

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"html/template"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// cspBody is the policy of the message body frame: no script at all, the
// mail's own inline styles, and images only from data: URIs (the
// message's own cid: images, inlined) or this app (the image proxy, when
// the user asked for remote images); remote images are otherwise removed
// by the sanitizer and would be refused here anyway. The sandbox
// directive also applies when the URL is opened outside the frame.
const cspBody = "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"

// Inline images are embedded as data: URIs up to these sizes, so the
// frame (which has no cookies: its origin is opaque) needs no request.
const (
	maxInlineImage = 2 << 20
	maxInlineTotal = 8 << 20
)

// messageBodyPage is the document shown in the sandboxed frame.
type messageBodyPage struct {
	Lang string
	// Body is the sanitizer's output, the only HTML the frame shows.
	Body template.HTML
}

// messageBody serves the sanitized HTML body of a message, for the
// sandboxed frame of the reading view.
func (a *app) messageBody(c echo.Context) error {
	folder, uid, part, err := messageParams(c)
	if err != nil {
		return err
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	msg, err := openMessage(ctx, sess, folder, uid, part)
	if err != nil {
		return err
	}
	body := msg.HTML
	if body == "" {
		// Not linked for plain-text messages, but harmless: show the text.
		body = "<pre>" + html.EscapeString(msg.Text) + "</pre>"
	}
	inline := a.inlineImages(ctx, sess, msg)
	// images=1: the user asked for the remote images, loaded through the
	// image proxy (same origin, so img-src 'self' allows them).
	var remote func(string) string
	if c.QueryParam("images") == "1" {
		remote = a.remoteImages(sessionOf(c))
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", cspBody)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	return a.render(c, http.StatusOK, viewMessageBody, &messageBodyPage{
		Lang: langOf(c),
		Body: a.policy.SanitizeRemote(body, inline, remote).HTML,
	})
}

// inlineImages fetches the message's images that the HTML body refers to
// by cid: and returns them as data: URIs keyed by Content-ID. An image
// that cannot be read is left out (and so not shown), never an error.
func (a *app) inlineImages(ctx context.Context, sess *imapclient.Session, msg *imapclient.Message) map[string]string {
	out := map[string]string{}
	total := int64(0)
	lower := strings.ToLower(msg.HTML)
	for _, at := range msg.Attachments {
		if at.ContentID == "" || !safeImageType(at.ContentType) || at.Size > maxInlineImage || total+at.Size > maxInlineTotal {
			continue
		}
		key := cidKey(at.ContentID)
		if !strings.Contains(lower, "cid:"+key) {
			continue
		}
		var buf bytes.Buffer
		err := sess.Part(ctx, msg.Folder, msg.UID, at.Part, func(_ imapclient.PartInfo, r io.Reader) error {
			_, err := io.Copy(&buf, io.LimitReader(r, maxInlineImage+1))
			return err
		})
		if err != nil || buf.Len() > maxInlineImage {
			a.log.Debug("inline image skipped", "part", at.Part, "err", err)
			continue
		}
		total += int64(buf.Len())
		out[key] = "data:" + at.ContentType + ";base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	}
	return out
}
