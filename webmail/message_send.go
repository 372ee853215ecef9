package webmail

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/compose"
	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
)

// afterSendTimeout bounds the bookkeeping after a message went out (copy
// to Sent, draft removed, original flagged), which runs even if the
// browser has gone away meanwhile.
const afterSendTimeout = 2 * time.Minute

// messageSend sends the message (Kirim): it is built once into a
// temporary file, submitted over SMTP with the user's own credentials,
// then the same file is appended to Sent. When sending fails nothing is
// lost: the message, attachments included, is saved as a draft and the
// form is shown again saying why.
func (a *app) messageSend(c echo.Context, f *composeForm) error {
	s := sessionOf(c)
	j, err := a.newComposeJob(c, s, f)
	if err != nil {
		return err
	}
	defer j.done()

	rc := f.parseRecipients()
	switch {
	case len(rc.Bad) > 0:
		return j.keepAndFail(http.StatusUnprocessableEntity, j.badAddressText(rc.Bad), rc)
	case rc.count() == 0:
		return j.keepAndFail(http.StatusUnprocessableEntity, j.t("compose.error.no_recipient"), rc)
	}
	drafts := ""
	if f.Draft != 0 {
		if drafts, err = j.draftsFolder(); err != nil {
			return j.failIMAP(err)
		}
	}
	parts, missing, err := a.fetchKept(j.ctx, c, j.sess, f, drafts, j.dir)
	if err != nil {
		return j.failIMAP(err)
	}
	if missing > 0 {
		return j.keepParts(http.StatusUnprocessableEntity, j.t("compose.error.part_missing"), nil, rc, parts)
	}
	if limit := a.maxMessageSize(j.ctx); f.messageSize(parts) > limit {
		f.uploads = nil
		return j.fail(http.StatusRequestEntityTooLarge, j.tooLargeText(limit), nil, j.keptList(parts))
	}

	m := a.newMessage(s.Account, f, rc, parts)
	built, err := m.Build(j.dir, false) // no Bcc header leaves
	if err != nil {
		a.log.Error("compose: build failed", "account", s.Account, "err", err)
		a.metrics.sends.WithLabelValues("failed").Inc()
		return j.keepParts(http.StatusInternalServerError, j.t("compose.error.send_failed"), nil, rc, parts)
	}
	defer built.Remove()
	rcpt := m.Recipients()
	if err := a.submit(j.ctx, s, rcpt, built); err != nil {
		return j.sendFailed(err, rc, parts)
	}
	a.metrics.sends.WithLabelValues("ok").Inc()
	a.log.Info("message sent", "event", "send", "account", s.Account, "ip", ipString(clientAddr(c)),
		"recipients", len(rcpt), "attachments", len(m.Attachments), "size", built.Size, "message_id", built.MessageID)
	return a.redirectFlash(c, folderURL(f.backFolder(), 1), j.afterSend(built))
}

// submit streams the built message to the SMTP server as the signed-in
// user: the envelope sender is the account, the recipients are To, Cc
// and Bcc.
func (a *app) submit(ctx context.Context, s *session, rcpt []string, built *compose.Built) error {
	r, err := built.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	env := smtpclient.Envelope{From: s.Account, To: rcpt}
	return smtpclient.Send(ctx, a.cfg.SMTP, s.Account, s.Password, env, built.Size, r)
}

// afterSend files the sent message: the same bytes appended to Sent
// (\Seen), the draft it came from removed, the original marked \Answered
// or $Forwarded. The message has gone out whatever happens here, so
// failures are logged and only a missing Sent copy is told. It returns
// the flash message of the next page.
func (j *composeJob) afterSend(built *compose.Built) string {
	a, f := j.a, j.f
	ctx, cancel := context.WithTimeout(context.WithoutCancel(j.c.Request().Context()), afterSendTimeout)
	defer cancel()
	flash := "compose.sent"
	sent, err := j.sess.SpecialFolder(ctx, imapclient.RoleSent)
	if err == nil {
		_, err = j.sess.Append(ctx, sent, []string{imapclient.FlagSeen}, time.Time{}, built.Size, built.Open)
	}
	if err != nil {
		a.log.Warn("copy to Sent failed", "account", j.account, "err", err)
		flash = "compose.sent_no_copy"
	}
	if f.Draft != 0 && j.drafts != "" {
		if err := j.sess.Expunge(ctx, j.drafts, f.Draft); err != nil {
			a.log.Warn("remove the sent draft", "account", j.account, "err", err)
		}
	}
	if f.OrigKind != "" {
		flag := imapclient.FlagAnswered
		if f.OrigKind == origForward {
			flag = imapclient.FlagForwarded
		}
		if err := j.sess.AddFlags(ctx, f.OrigFolder, []uint32{f.OrigUID}, flag); err != nil {
			a.log.Warn("flag the original", "account", j.account, "flag", flag, "err", err)
		}
	}
	return flash
}

// sendFailed keeps the message as a draft and tells why it was not sent.
func (j *composeJob) sendFailed(err error, rc recipients, parts []keptPart) error {
	kind := smtpclient.Classify(err)
	j.a.log.Warn("send failed", "event", "send_failed", "account", j.account, "ip", ipString(clientAddr(j.c)),
		"kind", kind.String(), "err", err)
	outcome := "failed"
	switch kind {
	case smtpclient.KindRecipients:
		outcome = "refused"
	case smtpclient.KindMaybeSent:
		outcome = "maybe_sent"
	}
	j.a.metrics.sends.WithLabelValues(outcome).Inc()
	status, key := http.StatusBadGateway, "compose.error.send_failed"
	switch kind {
	case smtpclient.KindRecipients:
		status, key = http.StatusUnprocessableEntity, "compose.error.refused"
	case smtpclient.KindUnavailable:
		status, key = http.StatusServiceUnavailable, "compose.error.smtp_unavailable"
	case smtpclient.KindTemporary:
		status, key = http.StatusServiceUnavailable, "compose.error.smtp_temporary"
	case smtpclient.KindAuthFailed:
		status, key = http.StatusUnauthorized, "compose.error.smtp_auth"
	case smtpclient.KindTooLarge:
		status, key = http.StatusRequestEntityTooLarge, "compose.error.smtp_too_large"
	case smtpclient.KindSenderRefused:
		status, key = http.StatusUnprocessableEntity, "compose.error.sender_refused"
	case smtpclient.KindRejected:
		status, key = http.StatusUnprocessableEntity, "compose.error.rejected"
	case smtpclient.KindConfig:
		status, key = http.StatusServiceUnavailable, "compose.error.smtp_config"
	case smtpclient.KindMaybeSent:
		// Kept as a draft like any failure, but the user is told not to
		// send it again blindly; it is not copied to Sent.
		status, key = http.StatusBadGateway, "compose.error.maybe_sent"
	}
	var refused []refusedRecipient
	var rs *smtpclient.RecipientsError
	if errors.As(err, &rs) {
		for i := range rs.Refused {
			r := &rs.Refused[i]
			refused = append(refused, refusedRecipient{Address: r.Address, Reason: j.t(refusalKey(r))})
		}
	}
	return j.keepParts(status, j.t(key), refused, rc, parts)
}

// refusalKey translates an SMTP server's refusal of one recipient: the
// enhanced status code (RFC 3463) where it says enough, else the reply
// code (RFC 5321 section 4.2).
func refusalKey(r *smtpclient.RecipientError) string {
	ec := r.EnhancedCode
	switch {
	case r.Code == 0, ec[1] == 1 && (ec[2] == 3 || ec[2] == 7):
		return "compose.refused.invalid"
	case ec == [3]int{5, 1, 1}:
		return "compose.refused.unknown"
	case ec == [3]int{5, 7, 1}:
		return "compose.refused.not_allowed"
	case ec == [3]int{5, 3, 4}, ec == [3]int{5, 2, 3}:
		return "compose.refused.too_large"
	case ec == [3]int{4, 5, 3}, ec == [3]int{5, 5, 3}:
		return "compose.refused.too_many"
	case r.Code == 550:
		return "compose.refused.unknown"
	case r.Code == 553:
		return "compose.refused.not_allowed"
	case r.Code == 552:
		return "compose.refused.too_large"
	case r.Code == 452:
		return "compose.refused.too_many"
	case r.Code/100 == 4:
		return "compose.refused.temporary"
	}
	return "compose.refused.other"
}

// keepAndFail shows the form again with msg. Files uploaded with this
// request would be lost, so then the message is saved as a draft first.
func (j *composeJob) keepAndFail(status int, msg string, rc recipients) error {
	if len(j.f.uploads) == 0 {
		return j.fail(status, msg, nil, j.keptFromServer())
	}
	drafts := ""
	if j.f.Draft != 0 {
		d, err := j.draftsFolder()
		if err != nil {
			return j.failIMAP(err)
		}
		drafts = d
	}
	parts, _, err := j.a.fetchKept(j.ctx, j.c, j.sess, j.f, drafts, j.dir)
	if err != nil {
		return j.failIMAP(err)
	}
	atts, _, err := j.keep(rc, parts)
	if err != nil {
		return err
	}
	return j.fail(status, msg, nil, atts)
}

// keepParts saves the message as a draft and shows the form again with
// msg, saying whether the draft could be saved.
func (j *composeJob) keepParts(status int, msg string, refused []refusedRecipient, rc recipients, parts []keptPart) error {
	atts, saved, err := j.keep(rc, parts)
	if err != nil {
		return err
	}
	note := "compose.saved_note"
	if !saved {
		note = "compose.not_saved_note"
	}
	return j.fail(status, j.t("compose.error.with_note", "Reason", msg, "Note", j.t(note)), refused, atts)
}

// keep saves the message (kept attachments, this request's uploads and
// the Bcc) as the new version of the draft and returns its attachments.
// saved is false when the mail server failed (then the attachments of
// the previous version are listed). The error is set only when the
// session no longer signs in at all.
func (j *composeJob) keep(rc recipients, parts []keptPart) (atts []composeAttachment, saved bool, err error) {
	drafts, err := j.draftsFolder()
	var uid uint32
	if err == nil {
		uid, err = j.a.saveDraft(j.ctx, j.sess, j.a.newMessage(j.account, j.f, rc, parts), j.dir, drafts, j.f.Draft)
	}
	if errors.Is(err, imapclient.ErrAuthFailed) || errors.Is(err, imapclient.ErrMustChangePassword) {
		return nil, false, err
	}
	if err != nil || uid == 0 {
		if err != nil {
			j.a.log.Error("compose: keeping the message as a draft failed", "account", j.account, "err", err)
		}
		j.f.uploads = nil
		return j.keptFromServer(), err == nil, nil
	}
	sizes := partSizes(parts, j.f)
	j.f.Draft, j.f.Keep, j.f.uploads = uid, nil, nil
	return j.draftList(uid, sizes), true, nil
}
