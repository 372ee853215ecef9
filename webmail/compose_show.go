package webmail

import (
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/compose"
	"github.com/pematangsiantar/webmail/imapclient"
)

// composePage is the compose form.
type composePage struct {
	shellPage
	Form *composeForm
	// BodyText fills the textarea (the whole editor without JavaScript);
	// BodyHTML, when set, is the sanitized HTML the editor starts with.
	BodyText string
	BodyHTML string
	// Attachments are the files already stored with the message.
	Attachments []composeAttachment
	// Error is shown in role="alert"; Refused names each recipient the
	// SMTP server refused, with the reason.
	Error   string
	Refused []refusedRecipient
	// MaxSize is the size limit of a message, in bytes and for people;
	// UsedSize what the listed attachments take of it.
	MaxSize     int64
	MaxSizeText string
	UsedSize    int64
	CancelURL   string
	ShowBcc     bool
	Heading     string
}

// composeAttachment is one attachment listed on the compose page (and in
// the JSON answer to the script).
type composeAttachment struct {
	ID       string `json:"id"` // keep entry: "d:2", "o:3"
	Name     string `json:"name"`
	Size     int64  `json:"size"` // bytes
	SizeText string `json:"size_text"`
}

// refusedRecipient is a recipient the SMTP server refused.
type refusedRecipient struct {
	Address string
	Reason  string
}

// Static files of the compose page only: the editor is not loaded
// anywhere else. DOMPurify first: Squire uses it to clean all HTML.
var (
	composeScripts = []string{"vendor/dompurify/purify.min.js", "vendor/squire/squire.js", "compose.js"}
	composeStyles  = []string{"compose.css"}
)

// composeShow shows the compose form: empty, prefilled from mailto:
// parameters, a draft resumed (?draft=UID), or a reply, reply to all or
// forward of a message (?reply=UID&folder=F, ?replyall=, ?forward=).
func (a *app) composeShow(c echo.Context) error {
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	q := c.QueryParams()
	f := &composeForm{BodyFormat: "text", Folder: q.Get("folder")}
	var bodyHTML string
	var atts []composeAttachment
	heading := "compose.title"
	var err error
	switch {
	case q.Get("draft") != "":
		uid := parseUID(q.Get("draft"))
		if uid == 0 {
			return errNoMessage
		}
		bodyHTML, atts, err = a.prefillDraft(ctx, c, sess, f, uid)
		if err != nil {
			return err
		}
		// What the draft cannot hold: the message it answers.
		f.OrigFolder, f.OrigUID, f.OrigKind = q.Get("orig_folder"), parseUID(q.Get("orig_uid")), q.Get("orig_kind")
		if (f.OrigKind != origReply && f.OrigKind != origForward) || f.OrigFolder == "" || f.OrigUID == 0 {
			f.OrigFolder, f.OrigUID, f.OrigKind = "", 0, ""
		}
	case q.Get("reply") != "", q.Get("replyall") != "", q.Get("forward") != "":
		kind := "reply"
		switch {
		case q.Get("replyall") != "":
			kind = "replyall"
		case q.Get("forward") != "":
			kind = "forward"
		}
		uid := parseUID(q.Get(kind))
		if uid == 0 {
			return errNoMessage
		}
		folder := folderParam(c)
		f.Folder = folder
		bodyHTML, atts, err = a.prefillOriginal(ctx, c, sess, f, kind, folder, uid)
		if err != nil {
			return err
		}
		heading = map[string]string{"reply": "compose.title_reply", "replyall": "compose.title_replyall",
			"forward": "compose.title_forward"}[kind]
	default:
		prefillMailto(f, q)
	}
	p := a.newComposePage(ctx, c, sess, f)
	p.Heading = p.T(heading)
	p.Attachments = atts
	if bodyHTML != "" {
		p.BodyHTML = bodyHTML
		p.BodyText = compose.HTMLToText(bodyHTML)
	} else {
		p.BodyText = f.Body
	}
	return a.renderCompose(c, http.StatusOK, p)
}

// newComposePage builds the page around a form; the folder list is left out
// if the mail server does not answer, so what the user typed is never
// lost to a failing sidebar.
func (a *app) newComposePage(ctx context.Context, c echo.Context, sess *imapclient.Session, f *composeForm) *composePage {
	folders, err := sess.Folders(ctx)
	if err != nil {
		a.log.Warn("compose page without the folder list", "err", err)
	}
	p := &composePage{shellPage: a.shell(c, folders, "", "page-compose"), Form: f}
	p.Title = p.T("compose.title")
	p.Heading = p.T("compose.title")
	p.Scripts, p.Styles = composeScripts, composeStyles
	p.MaxSize = a.maxMessageSize(ctx)
	p.MaxSizeText = a.formatter(p.Lang).Size(p.MaxSize)
	p.CancelURL = folderURL(f.backFolder(), 1)
	p.ShowBcc = strings.TrimSpace(f.Bcc) != ""
	return p
}

// renderCompose renders the compose page; its CSP also lets the editor
// style what the user formats (style="" attributes: font size, colour,
// alignment), and nothing else inline.
func (a *app) renderCompose(c echo.Context, status int, p *composePage) error {
	for _, at := range p.Attachments {
		p.UsedSize += at.Size
	}
	c.Response().Header().Set("Content-Security-Policy", cspCompose)
	return a.render(c, status, viewCompose, p)
}

// prefillDraft fills the form from a message of the Drafts folder.
func (a *app) prefillDraft(ctx context.Context, c echo.Context, sess *imapclient.Session, f *composeForm, uid uint32) (string, []composeAttachment, error) {
	drafts, err := sess.SpecialFolder(ctx, imapclient.RoleDrafts)
	if err != nil {
		return "", nil, err
	}
	msg, err := sess.Message(ctx, drafts, uid)
	if err != nil {
		return "", nil, err
	}
	f.Draft = uid
	f.To = compose.FormatAddressList(addressesOf(msg.To))
	f.Cc = compose.FormatAddressList(addressesOf(msg.Cc))
	f.Bcc = compose.FormatAddressList(addressesOf(msg.Bcc))
	f.Subject = msg.Subject
	if len(msg.InReplyTo) > 0 {
		f.InReplyTo = msg.InReplyTo[0]
	}
	f.References = strings.Join(msg.References, " ")
	f.Body = msg.Text
	var html string
	if strings.TrimSpace(msg.HTML) != "" {
		html = compose.SanitizeHTML(msg.HTML)
	}
	return html, a.listAttachments(c, msg, "d:", nil), nil
}

// prefillOriginal fills the form to reply to, reply to all of, or
// forward a message.
func (a *app) prefillOriginal(ctx context.Context, c echo.Context, sess *imapclient.Session, f *composeForm, kind, folder string, uid uint32) (string, []composeAttachment, error) {
	msg, err := sess.Message(ctx, folder, uid)
	if err != nil {
		return "", nil, err
	}
	lang := langOf(c)
	fm := a.formatter(lang)
	f.OrigFolder, f.OrigUID = folder, uid
	if kind == "forward" {
		f.OrigKind = origForward
		f.Subject = compose.ForwardSubject(msg.Subject)
		lines := [][2]string{
			{a.cat.T(lang, "message.from"), fm.Addresses(msg.From)},
			{a.cat.T(lang, "message.date"), fm.LongDate(msg.Date)},
			{a.cat.T(lang, "compose.subject"), msg.Subject},
			{a.cat.T(lang, "message.to"), fm.Addresses(msg.To)},
		}
		if len(msg.Cc) > 0 {
			lines = append(lines, [2]string{a.cat.T(lang, "message.cc"), fm.Addresses(msg.Cc)})
		}
		body := compose.ForwardBody(a.cat.T(lang, "compose.forward_separator"), lines, msg.HTML, msg.Text)
		return body, a.listAttachments(c, msg, "o:", nil), nil
	}

	f.OrigKind = origReply
	account := sessionOf(c).Account
	to, cc := replyRecipients(msg, account, kind == "replyall")
	f.To, f.Cc = compose.FormatAddressList(to), compose.FormatAddressList(cc)
	f.Subject = compose.ReplySubject(msg.Subject)
	f.InReplyTo = msg.MessageID
	// RFC 5322 section 3.6.4: the parent's References (or, without
	// them, its In-Reply-To), then its Message-ID.
	refs := msg.References
	if len(refs) == 0 && len(msg.InReplyTo) == 1 {
		refs = msg.InReplyTo
	}
	if msg.MessageID != "" {
		refs = append(append([]string(nil), refs...), msg.MessageID)
	}
	f.References = strings.Join(refs, " ")
	name := ""
	if len(msg.From) > 0 {
		name = msg.From[0].String()
	}
	header := a.cat.T(lang, "compose.quote_header", "Date", fm.LongDate(msg.Date), "Name", name)
	return compose.QuoteReply(header, msg.HTML, msg.Text), nil, nil
}

// replyRecipients are the To and Cc of a reply: the Reply-To of the
// original if it has one, else its From (or, answering one's own message,
// its To); for reply to all also its To and Cc. The user's own address
// and duplicates are left out.
func replyRecipients(msg *imapclient.Message, account string, all bool) (to, cc []mail.Address) {
	seen := map[string]bool{strings.ToLower(account): true}
	add := func(dst []mail.Address, list []imapclient.Address) []mail.Address {
		for _, a := range addressesOf(list) {
			k := strings.ToLower(a.Address)
			if !seen[k] {
				seen[k] = true
				dst = append(dst, a)
			}
		}
		return dst
	}
	first := msg.ReplyTo
	if len(first) == 0 {
		first = msg.From
	}
	to = add(to, first)
	if len(to) == 0 && !all {
		// A reply to one's own message (from Sent) goes to its recipients.
		to = add(to, msg.To)
	}
	if all {
		to = add(to, msg.To)
		cc = add(cc, msg.Cc)
	}
	return to, cc
}

// listAttachments lists the attachments of a message read over IMAP as
// keep entries with prefix ("d:" draft, "o:" original). Images that the
// HTML body shows itself (cid:) are part of the body, not attachments,
// when forwarding. sizes, when it has one entry per attachment, gives
// their exact sizes (known when the draft was just written).
func (a *app) listAttachments(c echo.Context, msg *imapclient.Message, prefix string, sizes []int64) []composeAttachment {
	fm := a.formatter(langOf(c))
	lowerHTML := strings.ToLower(msg.HTML)
	var out []composeAttachment
	for i, at := range msg.Attachments {
		if prefix == "o:" && at.Inline && at.ContentID != "" && strings.Contains(lowerHTML, "cid:"+cidKey(at.ContentID)) {
			continue
		}
		size := decodedSize(at, prefix == "d:")
		if len(sizes) == len(msg.Attachments) {
			size = sizes[i]
		}
		name := at.Filename
		if name == "" {
			name = a.fallbackName(langOf(c), at.Part, at.ContentType)
		}
		out = append(out, composeAttachment{ID: prefix + at.Part, Name: name, Size: size, SizeText: fm.Size(size)})
	}
	return out
}

// prefillMailto fills the form from mailto:-style query parameters (to,
// cc, bcc, subject, body), from a whole mailto: URI in uri= (what a
// browser passes to a registered mailto: handler) or in to=.
func prefillMailto(f *composeForm, q url.Values) {
	var to, cc, bcc []string
	var subject, body string
	var take func(v url.Values)
	take = func(v url.Values) {
		// A fixed order, so that several sources of "to" always give
		// the same field.
		for _, k := range []string{"uri", "to", "cc", "bcc", "subject", "body"} {
			for _, s := range v[k] {
				isURI := strings.HasPrefix(strings.ToLower(s), "mailto:")
				switch k {
				case "uri", "to":
					if isURI {
						take(mailtoValues(s))
					} else if k == "to" {
						to = append(to, s)
					}
				case "cc":
					cc = append(cc, s)
				case "bcc":
					bcc = append(bcc, s)
				case "subject":
					subject = s
				case "body":
					body = s
				}
			}
		}
	}
	take(q)
	clip := func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	}
	f.To = clip(strings.Join(nonEmpty(to), ", "), 8<<10)
	f.Cc = clip(strings.Join(nonEmpty(cc), ", "), 8<<10)
	f.Bcc = clip(strings.Join(nonEmpty(bcc), ", "), 8<<10)
	f.Subject = clip(subject, 1<<10)
	f.Body = clip(body, 256<<10)
}

// mailtoValues reads a mailto: URI (RFC 6068) as form values: the
// addresses before "?" as "to", then its header fields. "+" is a plus
// sign there, not a space.
func mailtoValues(uri string) url.Values {
	rest := uri[len("mailto:"):]
	addrs, query, _ := strings.Cut(rest, "?")
	v := url.Values{}
	if s, err := url.PathUnescape(addrs); err == nil && s != "" {
		v.Add("to", s)
	}
	if query != "" {
		hv, err := url.ParseQuery(strings.ReplaceAll(query, "+", "%2B"))
		if err == nil {
			for k, vs := range hv {
				k = strings.ToLower(k)
				for _, s := range vs {
					if (k == "to" || k == "uri") && strings.HasPrefix(strings.ToLower(s), "mailto:") {
						continue // no nesting
					}
					v.Add(k, s)
				}
			}
		}
	}
	return v
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// uidString is a UID for a hidden field ("" for none).
func uidString(uid uint32) string {
	if uid == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(uid), 10)
}
