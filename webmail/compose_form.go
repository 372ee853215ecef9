package webmail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/compose"
	"github.com/pematangsiantar/webmail/imapclient"
)

// composeTimeout bounds the mail-server work of one compose request:
// copying attachments out of IMAP, appending a draft of up to the size
// limit, and the SMTP submission.
const composeTimeout = 5 * time.Minute

// Kinds of the original message a compose form answers (orig_kind).
const (
	origReply   = "reply"
	origForward = "forward"
)

// composeForm is the compose form: what the user typed plus the hidden
// fields that carry the state between requests, since nothing is kept on
// the server. The same struct prefills the page on GET.
type composeForm struct {
	To, Cc, Bcc string
	Subject     string
	// Body is plain text, or HTML from the editor when BodyFormat is
	// "html" (the script sets it; without JavaScript it stays "text").
	Body       string
	BodyFormat string
	// Draft is the UID, in the Drafts folder, of the saved version of
	// this message (0: none yet). Saving replaces it.
	Draft uint32
	// InReplyTo and References (space-separated msg-ids) thread a reply.
	InReplyTo  string
	References string
	// OrigFolder/OrigUID is the message replied to or forwarded, flagged
	// \Answered or $Forwarded (OrigKind) once this one is sent.
	OrigFolder string
	OrigUID    uint32
	OrigKind   string
	// Folder is where the user came from and goes back to ("": inbox).
	Folder string
	// Keep lists the attachments already stored on the server that stay
	// with the message: "d:<part>" of the draft, "o:<part>" of the
	// original being forwarded.
	Keep []string

	// Action is the button pressed: send, save, attach or remove (of
	// RemoveID).
	Action   string
	RemoveID string
	// uploads are the files of the "attachment" input.
	uploads []*multipart.FileHeader
}

// reKeep is a valid keep entry: its source and an IMAP part path.
var reKeep = regexp.MustCompile(`^[do]:[1-9][0-9]{0,5}(\.[1-9][0-9]{0,5}){0,15}$`)

// readComposeForm parses the posted form (multipart with uploads, or
// urlencoded).
func readComposeForm(c echo.Context) (*composeForm, error) {
	if err := parseForm(c); err != nil {
		return nil, err
	}
	r := c.Request()
	v := r.PostForm
	f := &composeForm{
		To:         v.Get("to"),
		Cc:         v.Get("cc"),
		Bcc:        v.Get("bcc"),
		Subject:    v.Get("subject"),
		Body:       v.Get("body"),
		BodyFormat: "text",
		Draft:      parseUID(v.Get("draft")),
		InReplyTo:  strings.TrimSpace(v.Get("in_reply_to")),
		References: strings.Join(strings.Fields(v.Get("references")), " "),
		OrigFolder: v.Get("orig_folder"),
		OrigUID:    parseUID(v.Get("orig_uid")),
		Folder:     v.Get("folder"),
	}
	if v.Get("body_format") == "html" {
		f.BodyFormat = "html"
	}
	switch k := v.Get("orig_kind"); k {
	case origReply, origForward:
		f.OrigKind = k
	}
	if f.OrigKind == "" || f.OrigFolder == "" || f.OrigUID == 0 {
		f.OrigFolder, f.OrigUID, f.OrigKind = "", 0, ""
	}
	seen := map[string]bool{}
	for _, k := range v["keep"] {
		if reKeep.MatchString(k) && !seen[k] {
			seen[k] = true
			f.Keep = append(f.Keep, k)
		}
	}
	action := v.Get("action")
	switch {
	case strings.HasPrefix(action, "remove:"):
		f.Action, f.RemoveID = "remove", strings.TrimPrefix(action, "remove:")
	case action == "remove":
		f.Action, f.RemoveID = "remove", v.Get("remove")
	case action == "send", action == "attach", action == "save":
		f.Action = action
	case action == "":
		// Enter in a field of a browser that ignores the hidden default
		// button: saving is the harmless choice.
		f.Action = "save"
	default:
		return nil, echo.NewHTTPError(400, "unknown compose action")
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["attachment"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // the empty part of an input with no file chosen
			}
			f.uploads = append(f.uploads, fh)
		}
	}
	return f, nil
}

// parseUID parses a UID field; anything else is 0 (none).
func parseUID(s string) uint32 {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0
	}
	return uint32(n)
}

// recipients are the parsed address fields of a form. Bad lists the
// entries that are not addresses, exactly as typed.
type recipients struct {
	To, Cc, Bcc []mail.Address
	Bad         []string
}

func (r recipients) count() int { return len(r.To) + len(r.Cc) + len(r.Bcc) }

// parseRecipients parses To, Cc and Bcc, keeping the good entries and
// naming every bad one.
func (f *composeForm) parseRecipients() recipients {
	var r recipients
	r.To, r.Bad = parseAddressField(f.To, r.Bad)
	r.Cc, r.Bad = parseAddressField(f.Cc, r.Bad)
	r.Bcc, r.Bad = parseAddressField(f.Bcc, r.Bad)
	return r
}

// parseAddressField parses one field entry by entry, so that a bad entry
// is named and the others are still used (a draft keeps them).
func parseAddressField(s string, bad []string) ([]mail.Address, []string) {
	good, b := compose.ParseAddressEntries(s)
	return good, append(bad, b...)
}

// keptPart is an attachment kept from the server, copied to a
// temporary file for the message being built.
type keptPart struct {
	ID          string // keep entry, "d:2"
	Name        string
	ContentType string
	Path        string
	Size        int64
}

// keepSource is the folder and UID a keep entry refers to.
func (f *composeForm) keepSource(id, drafts string) (folder string, uid uint32, part string) {
	part = id[2:]
	if id[0] == 'd' {
		return drafts, f.Draft, part
	}
	return f.OrigFolder, f.OrigUID, part
}

// fetchKept copies the kept attachments into files in dir. The IMAP
// connection is busy while a part streams, so each is written to disk
// first and read again when the message is built. A part that no longer
// exists (the draft was changed elsewhere) is left out and counted.
func (a *app) fetchKept(ctx context.Context, c echo.Context, sess *imapclient.Session, f *composeForm, drafts, dir string) (parts []keptPart, missing int, err error) {
	for i, id := range f.Keep {
		folder, uid, part := f.keepSource(id, drafts)
		if folder == "" || uid == 0 {
			missing++
			continue
		}
		kp := keptPart{ID: id, Path: filepath.Join(dir, fmt.Sprintf("kept-%d", i))}
		err := sess.Part(ctx, folder, uid, part, func(info imapclient.PartInfo, r io.Reader) error {
			out, err := os.OpenFile(kp.Path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			n, err := io.Copy(out, r)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			kp.Name, kp.ContentType, kp.Size = info.Filename, info.ContentType, n
			return err
		})
		switch {
		case errors.Is(err, imapclient.ErrNoSuchMessage):
			missing++
			continue
		case err != nil:
			return nil, 0, fmt.Errorf("copy attachment %s: %w", id, err)
		}
		if kp.Name == "" {
			kp.Name = a.fallbackName(langOf(c), part, kp.ContentType)
		}
		parts = append(parts, kp)
	}
	return parts, missing, nil
}

// messageSize is what counts against the size limit: the attachments
// and the body.
func (f *composeForm) messageSize(parts []keptPart) int64 {
	n := int64(len(f.Body))
	for _, p := range parts {
		n += p.Size
	}
	for _, u := range f.uploads {
		n += u.Size
	}
	return n
}

// newMessage turns the form into a message from the signed-in account.
func (a *app) newMessage(account string, f *composeForm, rc recipients, parts []keptPart) *compose.Message {
	m := &compose.Message{
		From:          mail.Address{Address: account},
		To:            rc.To,
		Cc:            rc.Cc,
		Bcc:           rc.Bcc,
		Subject:       f.Subject,
		InReplyTo:     f.InReplyTo,
		References:    strings.Fields(f.References),
		Date:          a.cfg.Now().In(a.cfg.Location),
		MessageIDHost: a.cfg.Hostname,
	}
	if f.BodyFormat == "html" {
		m.HTML = f.Body
	} else {
		m.Text = f.Body
	}
	for _, p := range parts {
		path := p.Path
		m.Attachments = append(m.Attachments, compose.Attachment{
			Filename: p.Name, ContentType: p.ContentType, Size: p.Size,
			Open: func() (io.ReadCloser, error) { return os.Open(path) },
		})
	}
	for _, u := range f.uploads {
		fh := u
		m.Attachments = append(m.Attachments, compose.Attachment{
			Filename: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Size: fh.Size,
			Open: func() (io.ReadCloser, error) { return fh.Open() },
		})
	}
	return m
}

// saveDraft builds m with its Bcc and appends it to Drafts (\Draft \Seen),
// then removes the version it replaces (only that UID). It returns the new
// version's UID, 0 when the server does not tell it (no UIDPLUS).
func (a *app) saveDraft(ctx context.Context, sess *imapclient.Session, m *compose.Message, dir, drafts string, old uint32) (uint32, error) {
	built, err := m.Build(dir, true)
	if err != nil {
		return 0, fmt.Errorf("build draft: %w", err)
	}
	defer built.Remove()
	uid, err := sess.Append(ctx, drafts, []string{imapclient.FlagDraft, imapclient.FlagSeen}, time.Time{}, built.Size, built.Open)
	if err != nil {
		return 0, fmt.Errorf("save draft: %w", err)
	}
	if old != 0 && old != uid {
		if err := sess.Expunge(ctx, drafts, old); err != nil {
			// The new version is safe; the old one stays as a duplicate.
			a.log.Warn("remove the previous version of a draft", "err", err)
		}
	}
	return uid, nil
}

// composeURL is the compose page of a saved draft, with what the draft
// itself cannot carry: the original being answered and the folder to go
// back to.
func composeURL(f *composeForm) string {
	q := url.Values{}
	if f.Draft != 0 {
		q.Set("draft", strconv.FormatUint(uint64(f.Draft), 10))
	}
	if f.Folder != "" {
		q.Set("folder", f.Folder)
	}
	if f.OrigKind != "" {
		q.Set("orig_folder", f.OrigFolder)
		q.Set("orig_uid", strconv.FormatUint(uint64(f.OrigUID), 10))
		q.Set("orig_kind", f.OrigKind)
	}
	if len(q) == 0 {
		return "/compose"
	}
	// draft first, for readable URLs: /compose?draft=12&folder=...
	s := "/compose?"
	if d := q.Get("draft"); d != "" {
		s += "draft=" + d
		q.Del("draft")
		if len(q) > 0 {
			s += "&"
		}
	}
	return s + q.Encode()
}

// backFolder is the folder to return to after sending or cancelling.
func (f *composeForm) backFolder() string {
	if f.Folder != "" {
		return f.Folder
	}
	return "INBOX"
}

// decodedSize estimates the size of an attachment from the encoded size
// the server reports: base64 (lines of 76 characters for 57 bytes) for anything but
// text, and for everything in our own drafts (compose encodes every
// attachment so). It is only for showing and for the script's early
// check; the server counts exactly when the message is built.
func decodedSize(at imapclient.Attachment, ours bool) int64 {
	if !ours && strings.HasPrefix(at.ContentType, "text/") {
		return at.Size
	}
	lines := (at.Size + 77) / 78 // 76 characters and CRLF each
	return max(at.Size-2*lines, 0) / 4 * 3
}

// addressesOf converts the addresses of a message read over IMAP.
func addressesOf(list []imapclient.Address) []mail.Address {
	out := make([]mail.Address, 0, len(list))
	for _, a := range list {
		if a.Email != "" {
			out = append(out, mail.Address{Name: a.Name, Address: a.Email})
		}
	}
	return out
}
