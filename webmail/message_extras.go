package webmail

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// messageExtras is what the reading view shows besides headers and body:
// the invitation summary, the plain-text switch and the links to the
// source, the original .eml and the print view.
type messageExtras struct {
	Calendar *calendarView
	// TextURL switches an HTML message to its plain-text version, HTMLURL
	// back; at most one is set.
	TextURL, HTMLURL string
	SourceURL        string
	EMLURL           string
	PrintURL         string
}

// calendarView is a text/calendar invitation, formatted for reading.
type calendarView struct {
	What, When, Where, Organizer string
}

// wantText reports whether the reader asked for the plain-text version of
// a message that has both.
func wantText(c echo.Context, msg *imapclient.Message) bool {
	return c.QueryParam("view") == "text" && msg.HTML != "" && msg.Text != ""
}

func (a *app) messageExtras(c echo.Context, msg *imapclient.Message, folder string, uid uint32) messageExtras {
	x := messageExtras{
		SourceURL: partURL("/mail/source", folder, uid, ""),
		EMLURL:    partURL("/mail/eml", folder, uid, ""),
		PrintURL:  partURL("/mail/print", folder, uid, ""),
	}
	if msg.HTML != "" && msg.Text != "" {
		u := partURL("/mail/message", folder, uid, "")
		if wantText(c, msg) {
			x.HTMLURL = u
		} else {
			x.TextURL = u + "&view=text"
		}
	}
	if ev := msg.Calendar; ev != nil && (ev.Summary != "" || !ev.Start.IsZero()) {
		f := a.formatter(langOf(c))
		cv := &calendarView{What: ev.Summary, Where: ev.Location}
		if !ev.Start.IsZero() {
			if ev.AllDay {
				// A date, not an instant: no zone conversion.
				t := ev.Start
				cv.When = fmt.Sprintf("%s, %d %s %d", f.cat.weekdays[f.lang][t.Weekday()], t.Day(), f.cat.months[f.lang][t.Month()-1], t.Year())
			} else {
				cv.When = f.LongDate(ev.Start)
				if !ev.End.IsZero() {
					cv.When += " – " + f.LongDate(ev.End)
				}
			}
		}
		cv.Organizer = f.Addresses([]imapclient.Address{ev.Organizer})
		x.Calendar = cv
	}
	return x
}
