package webmail

import (
	"context"
	"errors"
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
	// Actions is the toolbar for this message (nil for an attached one).
	Actions *actionBar
	// ParentSubject is set for an attached message (?part=P): the subject
	// of the message it came in, which ParentURL opens.
	ParentSubject, ParentURL string
	// Unreadable is set when the server could not give the message.
	Unreadable bool
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
	// OpenURL reads an attached message (message/rfc822) in the app.
	OpenURL string
}

// messageParams reads which message a request is about: folder, uid and,
// for a message attached to it, the part (an attached message's section).
func messageParams(c echo.Context) (folder string, uid uint32, part string, err error) {
	folder = folderParam(c)
	if uid, err = uidParam(c); err != nil {
		return "", 0, "", err
	}
	part = c.QueryParam("part")
	if part != "" && !validPart(part) {
		return "", 0, "", errNoMessage
	}
	return folder, uid, part, nil
}

// messageShow opens a message for reading (which marks it read).
func (a *app) messageShow(c echo.Context) error {
	folder, uid, part, err := messageParams(c)
	if err != nil {
		return err
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	// Opening a message marks it read; the folder list, asked for while
	// its text is fetched, then shows the new unread count.
	var msg *imapclient.Message
	var folders []imapclient.Folder
	if part == "" {
		msg, folders, err = sess.MessageWithFolders(ctx, folder, uid)
	} else {
		msg, err = sess.AttachedMessage(ctx, folder, uid, part)
	}
	if errors.Is(err, imapclient.ErrUnreadableMessage) {
		return a.messageUnreadable(c, sess, folder, uid, part, err)
	}
	if err != nil {
		return err
	}
	if folders == nil {
		if folders, err = sess.Folders(ctx); err != nil {
			return err
		}
	}
	if err := requireFolder(folders, folder); err != nil {
		return err
	}
	if part == "" && folderRole(folders, folder) == imapclient.RoleDrafts {
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
	if part == "" {
		// Hapus, Spam, Arsipkan, …: back to the list afterwards.
		p.Actions = a.newActionBar(p.Lang, folders, folder, p.BackURL, nil)
		p.Actions.UID, p.Actions.Flagged = uid, msg.Flagged
		p.ReplyURL = answerURL("reply", folder, uid)
		p.ReplyAllURL = answerURL("replyall", folder, uid)
		p.ForwardURL = answerURL("forward", folder, uid)
	} else {
		// An attached message: read here, answered or printed from the
		// message it came in; its .eml is the part itself.
		p.ParentSubject = msg.ParentSubject
		if p.ParentSubject == "" {
			p.ParentSubject = p.T("message.no_subject")
		}
		p.ParentURL = partURL("/mail/message", folder, uid, "")
		p.PrintURL = ""
		p.EMLURL = partURL("/mail/part", folder, uid, part)
		if p.TextURL != "" {
			p.TextURL = partURL("/mail/message", folder, uid, part) + "&view=text"
		}
		if p.HTMLURL != "" {
			p.HTMLURL = partURL("/mail/message", folder, uid, part)
		}
	}
	switch {
	case msg.HTML != "" && !wantText(c, msg):
		p.BodyURL = partURL("/mail/body", folder, uid, part)
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
		link := attachmentLink{
			Name: name,
			Type: at.ContentType,
			Size: f.Size(at.Size),
			URL:  partURL("/mail/part", folder, uid, at.Part),
		}
		if at.ContentType == "message/rfc822" {
			link.OpenURL = partURL("/mail/message", folder, uid, at.Part)
		}
		p.Attachments = append(p.Attachments, link)
	}
	return a.render(c, http.StatusOK, viewMessageShow, p)
}

// openMessage opens a message of the folder, or with part the message
// attached to it as that part.
func openMessage(ctx context.Context, sess *imapclient.Session, folder string, uid uint32, part string) (*imapclient.Message, error) {
	if part != "" {
		return sess.AttachedMessage(ctx, folder, uid, part)
	}
	return sess.Message(ctx, folder, uid)
}

// messageUnreadable is the reading view of a message the server could not
// give (it refused the FETCH, or the answer broke the connection): a note,
// and the source and .eml links, which fetch the message whole and may
// still work. The session's connection is dialled again by the next
// request. Status 502: the page is fine, the server's answer was not.
func (a *app) messageUnreadable(c echo.Context, sess *imapclient.Session, folder string, uid uint32, part string, cause error) error {
	a.log.Warn("message cannot be read", "folder", folder, "uid", uid, "part", part, "err", cause)
	ctx, cancel := imapContext(c)
	defer cancel()
	folders, err := sess.Folders(ctx)
	if err != nil {
		return err
	}
	if err := requireFolder(folders, folder); err != nil {
		return err
	}
	p := &messageShowPage{shellPage: a.shell(c, folders, folder, "page-message"), Unreadable: true}
	p.Subject = p.T("message.unreadable_title")
	p.Title = p.Subject
	p.BackURL = folderURL(folder, pageParam(c))
	p.SourceURL = partURL("/mail/source", folder, uid, "")
	p.EMLURL = partURL("/mail/eml", folder, uid, "")
	if part != "" {
		p.ParentURL = partURL("/mail/message", folder, uid, "")
		p.EMLURL = partURL("/mail/part", folder, uid, part)
	}
	return a.render(c, http.StatusBadGateway, viewMessageShow, p)
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
