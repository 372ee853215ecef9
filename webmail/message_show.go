package webmail

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// messageShowPage is the reading view of one message.
type messageShowPage struct {
	shellPage
	Subject string
	From    string
	To      string
	Cc      string
	Date    string
	BackURL string
	Flagged bool
	// BodyURL is the sandboxed frame's source when the message has an
	// HTML body; otherwise Text holds the plain body.
	BodyURL string
	Text    []textSegment
	Empty   bool
	// RemoteBlocked is set when images from other hosts were removed;
	// ShowImagesURL is this view with them loaded through the proxy.
	RemoteBlocked bool
	ShowImagesURL string
	// Problems is set when part of the message could not be decoded.
	Problems    bool
	Attachments []attachmentLink
	// Balas, Balas ke Semua, Teruskan.
	ReplyURL, ReplyAllURL, ForwardURL string
	// Invitation, plain-text switch, source, .eml and print links.
	messageExtras
}

// textSegment is a piece of a plain-text body: text, or a link.
type textSegment struct {
	Text string
	URL  string
}

// attachmentLink is one downloadable part.
type attachmentLink struct {
	Name string
	Type string
	Size string
	URL  string
}

// messageShow opens a message for reading (which marks it read).
func (a *app) messageShow(c echo.Context) error {
	folder := folderParam(c)
	uid, err := uidParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	// The message first: opening it marks it read, and the folder list
	// then shows the new unread count.
	msg, err := sess.Message(ctx, folder, uid)
	if err != nil {
		return err
	}
	folders, err := sess.Folders(ctx)
	if err != nil {
		return err
	}
	if err := requireFolder(folders, folder); err != nil {
		return err
	}
	if folderRole(folders, folder) == imapclient.RoleDrafts {
		// A draft is opened to go on writing it.
		return c.Redirect(http.StatusSeeOther, draftURL(uid))
	}
	f := a.formatter(langOf(c))
	p := &messageShowPage{shellPage: a.shell(c, folders, folder, "page-message")}
	p.Subject = msg.Subject
	if p.Subject == "" {
		p.Subject = p.T("message.no_subject")
	}
	p.Title = p.Subject
	p.From = f.Addresses(msg.From)
	p.To = f.Addresses(msg.To)
	p.Cc = f.Addresses(msg.Cc)
	p.Date = f.LongDate(msg.Date)
	p.Flagged = msg.Flagged
	p.Problems = len(msg.Problems) > 0
	p.messageExtras = a.messageExtras(c, msg, folder, uid)
	p.BackURL = folderURL(folder, pageParam(c))
	p.ReplyURL = answerURL("reply", folder, uid)
	p.ReplyAllURL = answerURL("replyall", folder, uid)
	p.ForwardURL = answerURL("forward", folder, uid)
	switch {
	case msg.HTML != "" && !wantText(c, msg):
		p.BodyURL = partURL("/mail/body", folder, uid, "")
		// Sanitized here too, only to know whether to show the note
		// about blocked images; the frame sanitizes for display.
		p.RemoteBlocked = a.policy.Sanitize(msg.HTML, nil).RemoteBlocked > 0
		if p.RemoteBlocked {
			if c.QueryParam("images") == "1" {
				p.BodyURL += "&images=1"
				p.RemoteBlocked = false
			} else {
				q := c.Request().URL.Query()
				q.Set("images", "1")
				p.ShowImagesURL = "/mail/message?" + q.Encode()
			}
		}
	case msg.Text != "":
		p.Text = linkify(msg.Text)
	default:
		p.Empty = true
	}
	lowerHTML := strings.ToLower(msg.HTML)
	for _, at := range msg.Attachments {
		if at.Inline && at.ContentID != "" && strings.Contains(lowerHTML, "cid:"+cidKey(at.ContentID)) {
			// An image of the HTML body itself (a logo), shown there.
			continue
		}
		name := at.Filename
		if name == "" {
			name = p.T("message.unnamed_part", "Part", at.Part)
		}
		p.Attachments = append(p.Attachments, attachmentLink{
			Name: name,
			Type: at.ContentType,
			Size: f.Size(at.Size),
			URL:  partURL("/mail/part", folder, uid, at.Part),
		})
	}
	return a.render(c, http.StatusOK, viewMessageShow, p)
}

// partURL is the URL of a message's body frame or of one of its parts.
func partURL(path, folder string, uid uint32, part string) string {
	q := url.Values{"folder": {folder}, "uid": {strconv.FormatUint(uint64(uid), 10)}}
	if part != "" {
		q.Set("part", part)
	}
	return path + "?" + q.Encode()
}

// reLink finds http and https links in plain text.
var reLink = regexp.MustCompile(`\bhttps?://[^\s<>"'\x60]*[^\s<>"'\x60.,;:!?)\]}]`)

// linkify splits a plain-text body into text and clickable links. The
// template escapes every segment: no HTML is built here.
func linkify(text string) []textSegment {
	var out []textSegment
	last := 0
	for _, m := range reLink.FindAllStringIndex(text, -1) {
		if m[0] > last {
			out = append(out, textSegment{Text: text[last:m[0]]})
		}
		out = append(out, textSegment{Text: text[m[0]:m[1]], URL: text[m[0]:m[1]]})
		last = m[1]
	}
	if last < len(text) {
		out = append(out, textSegment{Text: text[last:]})
	}
	return out
}

// answerURL is the compose page answering a message: kind is reply,
// replyall or forward.
func answerURL(kind, folder string, uid uint32) string {
	return "/compose?" + kind + "=" + strconv.FormatUint(uint64(uid), 10) + "&" + url.Values{"folder": {folder}}.Encode()
}

// draftURL is the compose page resuming a draft.
func draftURL(uid uint32) string {
	return "/compose?draft=" + strconv.FormatUint(uint64(uid), 10)
}
