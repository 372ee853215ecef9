package webmail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/compose"
	"github.com/pematangsiantar/webmail/imapclient"
)

// composeSubmit handles every button of the compose form: Kirim (send),
// Simpan Draf (save), Lampirkan (attach) and the remove button of each
// attachment. Attachments are stored in the Drafts folder: attach, remove
// and save all write a new version of the draft and drop the previous one.
func (a *app) composeSubmit(c echo.Context) error {
	f, err := readComposeForm(c)
	if err != nil {
		return err
	}
	if f.Action == "send" {
		return a.messageSend(c, f)
	}
	return a.draftSave(c, f)
}

// composeJob is the work of one compose request: its mail session and a
// private temporary directory for the attachments copied out of IMAP and
// the built message, removed when the request ends.
type composeJob struct {
	a       *app
	c       echo.Context
	ctx     context.Context
	sess    *imapclient.Session
	account string
	f       *composeForm
	dir     string
	drafts  string // the Drafts folder, once looked up
	cancel  context.CancelFunc
}

// newComposeJob starts the work of a compose request. The caller must
// call done.
func (a *app) newComposeJob(c echo.Context, s *session, f *composeForm) (*composeJob, error) {
	dir, err := os.MkdirTemp("", "webmail-compose-")
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	// Once the form has arrived, the work is finished even if the browser
	// goes away meanwhile: a message is sent, or kept as a draft.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), composeTimeout)
	return &composeJob{a: a, c: c, ctx: ctx, cancel: cancel, sess: a.imap.Session(s.credentials()),
		account: s.Account, f: f, dir: dir}, nil
}

// done removes the job's temporary files (and the uploads net/http
// spooled to disk).
func (j *composeJob) done() {
	j.cancel()
	if err := os.RemoveAll(j.dir); err != nil {
		j.a.log.Warn("remove compose files", "err", err)
	}
	if mf := j.c.Request().MultipartForm; mf != nil {
		_ = mf.RemoveAll()
	}
}

// draftsFolder looks up (or creates) the Drafts folder once.
func (j *composeJob) draftsFolder() (string, error) {
	if j.drafts != "" {
		return j.drafts, nil
	}
	d, err := j.sess.SpecialFolder(j.ctx, imapclient.RoleDrafts)
	if err != nil {
		return "", err
	}
	j.drafts = d
	return d, nil
}

// draftSave saves the form as a new version of the draft: Simpan Draf,
// Lampirkan (the chosen files become part of the draft) and the remove
// button of an attachment. It redirects to the saved draft, or answers
// the script with JSON.
func (a *app) draftSave(c echo.Context, f *composeForm) error {
	j, err := a.newComposeJob(c, sessionOf(c), f)
	if err != nil {
		return err
	}
	defer j.done()
	if f.Action == "remove" {
		var keep []string
		for _, k := range f.Keep {
			if k != f.RemoveID {
				keep = append(keep, k)
			}
		}
		f.Keep = keep
	}
	rc := f.parseRecipients()
	drafts, err := j.draftsFolder()
	if err != nil {
		return j.failIMAP(err)
	}
	parts, missing, err := a.fetchKept(j.ctx, c, j.sess, f, drafts, j.dir)
	if err != nil {
		return j.failIMAP(err)
	}
	if limit := a.maxMessageSize(j.ctx); f.messageSize(parts) > limit {
		// The new files are refused; the draft stays as it was.
		f.uploads = nil
		return j.fail(http.StatusRequestEntityTooLarge, j.tooLargeText(limit), nil, j.keptList(parts))
	}
	uid, err := a.saveDraft(j.ctx, j.sess, a.newMessage(j.account, f, rc, parts), j.dir, drafts, f.Draft)
	if err != nil {
		return j.failIMAP(err)
	}
	sizes := partSizes(parts, f)
	f.uploads = nil
	if uid == 0 {
		// Saved, but the server does not say under which UID (no
		// UIDPLUS): it can only be found in the Drafts folder.
		return a.redirectFlash(c, folderURL(drafts, 1), "compose.draft_saved")
	}
	f.Draft = uid
	f.Keep = nil
	var problems []string
	if len(rc.Bad) > 0 {
		problems = append(problems, j.badAddressText(rc.Bad))
	}
	if missing > 0 {
		problems = append(problems, j.t("compose.error.part_missing"))
	}
	if len(problems) > 0 || isXHR(c) {
		status := http.StatusOK
		if len(problems) > 0 {
			status = http.StatusUnprocessableEntity
		}
		return j.fail(status, strings.Join(problems, " "), nil, j.draftList(uid, sizes))
	}
	flash := ""
	if f.Action == "save" {
		flash = "compose.draft_saved"
	}
	return a.redirectFlash(c, composeURL(f), flash)
}

// partSizes are the exact sizes of the attachments of a message built
// from parts and the form's uploads, in their order in the message.
func partSizes(parts []keptPart, f *composeForm) []int64 {
	var sizes []int64
	for _, p := range parts {
		sizes = append(sizes, p.Size)
	}
	for _, u := range f.uploads {
		sizes = append(sizes, u.Size)
	}
	return sizes
}

// redirectFlash redirects (303) after a POST, with a one-time message
// for the next page ("" for none).
func (a *app) redirectFlash(c echo.Context, to, flash string) error {
	if flash != "" {
		s := sessionOf(c)
		s.Flash = flash
		if err := a.sessions.write(c, s); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// t translates for the job's page.
func (j *composeJob) t(key string, args ...any) string {
	return j.a.cat.T(langOf(j.c), key, args...)
}

// badAddressText names the entries that are not addresses, as typed.
func (j *composeJob) badAddressText(bad []string) string {
	if len(bad) == 1 {
		return j.t("compose.error.bad_address", "Address", bad[0])
	}
	return j.t("compose.error.bad_addresses", "Addresses", "“"+strings.Join(bad, "”, “")+"”")
}

// tooLargeText names the size limit.
func (j *composeJob) tooLargeText(limit int64) string {
	return j.t("compose.error.too_large", "Limit", j.a.formatter(langOf(j.c)).Size(limit))
}

// keptList lists the attachments copied from the server for this request
// (their keep entries are still valid: nothing was saved).
func (j *composeJob) keptList(parts []keptPart) []composeAttachment {
	fm := j.a.formatter(langOf(j.c))
	out := make([]composeAttachment, 0, len(parts))
	for _, p := range parts {
		out = append(out, composeAttachment{ID: p.ID, Name: p.Name, Size: p.Size, SizeText: fm.Size(p.Size)})
	}
	return out
}

// draftList lists the attachments of the draft just saved. sizes are
// their exact sizes, in order.
func (j *composeJob) draftList(uid uint32, sizes []int64) []composeAttachment {
	msg, err := j.sess.Message(j.ctx, j.drafts, uid)
	if err != nil {
		j.a.log.Warn("list the attachments of the saved draft", "err", err)
		return nil
	}
	return j.a.listAttachments(j.c, msg, "d:", sizes)
}

// keptFromServer lists the form's kept attachments by reading the draft
// and the original (their headers only are needed, but Message is what
// imapclient offers), for a page shown again without saving.
func (j *composeJob) keptFromServer() []composeAttachment {
	if len(j.f.Keep) == 0 {
		return nil
	}
	byID := map[string]composeAttachment{}
	load := func(prefix, folder string, uid uint32) {
		if folder == "" || uid == 0 {
			return
		}
		msg, err := j.sess.Message(j.ctx, folder, uid)
		if err != nil {
			j.a.log.Warn("list kept attachments", "err", err)
			return
		}
		for _, at := range j.a.listAttachments(j.c, msg, prefix, nil) {
			byID[at.ID] = at
		}
	}
	for _, k := range j.f.Keep {
		if k[0] == 'd' {
			if d, err := j.draftsFolder(); err == nil {
				load("d:", d, j.f.Draft)
			}
			break
		}
	}
	for _, k := range j.f.Keep {
		if k[0] == 'o' {
			load("o:", j.f.OrigFolder, j.f.OrigUID)
			break
		}
	}
	var out []composeAttachment
	for _, k := range j.f.Keep {
		if at, ok := byID[k]; ok {
			out = append(out, at)
		}
	}
	return out
}

// failIMAP handles a mail-server failure while saving: a session that no
// longer signs in goes to the error handler (and the sign-in page);
// otherwise the form is shown again with everything typed.
func (j *composeJob) failIMAP(err error) error {
	if errors.Is(err, imapclient.ErrAuthFailed) || errors.Is(err, imapclient.ErrMustChangePassword) {
		return err
	}
	j.a.log.Error("compose: saving the draft failed", "account", j.account, "err", err)
	status := http.StatusInternalServerError
	if errors.Is(err, imapclient.ErrUnavailable) {
		status = http.StatusServiceUnavailable
	}
	return j.fail(status, j.t("compose.error.save_failed"), nil, j.keptFromServer())
}

// fail shows the form again (or answers the script) with msg, the
// refused recipients and the attachments atts, keeping everything typed.
func (j *composeJob) fail(status int, msg string, refused []refusedRecipient, atts []composeAttachment) error {
	c := j.c
	if isXHR(c) {
		if atts == nil {
			atts = []composeAttachment{}
		}
		for _, r := range refused {
			msg += " " + r.Address + ": " + r.Reason + "."
		}
		return c.JSON(status, composeJSON{Draft: j.f.Draft, Attachments: atts, Error: msg})
	}
	p := j.a.newComposePage(j.ctx, c, j.sess, j.f)
	p.Error, p.Refused, p.Attachments = msg, refused, atts
	if j.f.BodyFormat == "html" {
		p.BodyHTML = compose.SanitizeHTML(j.f.Body)
		p.BodyText = compose.HTMLToText(p.BodyHTML)
	} else {
		p.BodyText = j.f.Body
	}
	return j.a.renderCompose(c, status, p)
}

// composeJSON answers the compose page's script (attach and remove
// without reloading the page).
type composeJSON struct {
	// Draft is the UID of the draft now holding the message (0: none).
	Draft uint32 `json:"draft"`
	// Attachments are all attachments of the message now, each with the
	// id to send back in a keep field.
	Attachments []composeAttachment `json:"attachments"`
	// Error is a translated message to show, "" when all went well.
	Error string `json:"error"`
	// Redirect, when set, is where the browser must go (the sign-in
	// page after the session expired; the message is saved).
	Redirect string `json:"redirect,omitempty"`
}
