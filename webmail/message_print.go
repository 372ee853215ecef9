package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// messagePrintPage is the print view: the headers and the body, nothing
// else of the app.
//
// The body is the plain-text version when the message has one: it prints
// across pages, needs no sanitizing and keeps mail HTML out of the app's
// origin. A message that is only HTML is shown in the same sandboxed frame
// as the reading view (scripts off, its own CSP); the print stylesheet lets
// the frame grow so that its first pages print.
type messagePrintPage struct {
	basePage
	Subject, From, To, Cc, Date string
	Text                        []textSegment
	BodyURL                     string
	Attachments                 []string
	Problems                    bool
}

// messagePrint shows a message ready to print; print.js opens the
// browser's print dialog (no inline script: the app's CSP forbids it).
func (a *app) messagePrint(c echo.Context) error {
	folder := folderParam(c)
	uid, err := uidParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	sess := a.imap.Session(sessionOf(c).credentials())
	msg, err := sess.Message(ctx, folder, uid)
	if err != nil {
		return err
	}
	f := a.formatter(langOf(c))
	p := &messagePrintPage{basePage: a.base(c, "", "page-print")}
	p.Subject = msg.Subject
	if p.Subject == "" {
		p.Subject = p.T("message.no_subject")
	}
	p.Title = p.Subject
	p.Styles = []string{"print.css"}
	p.Scripts = []string{"print.js"}
	p.From, p.To, p.Cc = f.Addresses(msg.From), f.Addresses(msg.To), f.Addresses(msg.Cc)
	p.Date = f.LongDate(msg.Date)
	p.Problems = len(msg.Problems) > 0
	switch {
	case msg.Text != "":
		p.Text = linkify(msg.Text)
	case msg.HTML != "":
		p.BodyURL = partURL("/mail/body", folder, uid, "")
	}
	for _, at := range msg.Attachments {
		if !at.Inline && at.Filename != "" {
			p.Attachments = append(p.Attachments, at.Filename)
		}
	}
	return a.render(c, http.StatusOK, viewMessagePrint, p)
}
