package imapclient

import (
	"strings"
	"time"
)

// Event is the summary of a text/calendar invitation (RFC 5545): its
// first VEVENT, minimally parsed for display.
type Event struct {
	Method    string // REQUEST, CANCEL, REPLY... ("" when absent)
	Summary   string
	Location  string
	Organizer Address
	Start     time.Time
	End       time.Time // zero when absent
	AllDay    bool      // DTSTART;VALUE=DATE
}

// parseEvent reads the first VEVENT of an iCalendar text, or returns nil.
func parseEvent(text string) *Event {
	// Unfold: a line beginning with a space or tab continues the last.
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\n ", "")
	text = strings.ReplaceAll(text, "\n\t", "")
	var ev *Event
	var method string
	depth := 0 // nesting inside the VEVENT (VALARM...)
	for _, line := range strings.Split(text, "\n") {
		name, params, value, ok := icalLine(line)
		if !ok {
			continue
		}
		switch {
		case name == "METHOD" && ev == nil:
			method = strings.ToUpper(value)
		case name == "BEGIN" && strings.EqualFold(value, "VEVENT") && ev == nil:
			ev = &Event{Method: method}
		case ev == nil:
		case name == "BEGIN":
			depth++
		case name == "END" && depth > 0:
			depth--
		case name == "END" && strings.EqualFold(value, "VEVENT"):
			return ev
		case depth > 0:
		case name == "SUMMARY":
			ev.Summary = icalText(value)
		case name == "LOCATION":
			ev.Location = icalText(value)
		case name == "ORGANIZER":
			ev.Organizer = Address{Name: strings.Trim(params["CN"], `"`), Email: strings.TrimPrefix(strings.TrimPrefix(value, "mailto:"), "MAILTO:")}
		case name == "DTSTART":
			ev.Start, ev.AllDay = icalTime(value, params)
		case name == "DTEND":
			ev.End, _ = icalTime(value, params)
		}
	}
	return ev
}

// icalLine splits "NAME;P=V;Q=W:value" (names upper-cased).
func icalLine(line string) (name string, params map[string]string, value string, ok bool) {
	// The value starts at the first colon outside a quoted parameter.
	inQuote := false
	colon := -1
	for i := 0; i < len(line) && colon < 0; i++ {
		switch line[i] {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				colon = i
			}
		}
	}
	if colon < 0 {
		return "", nil, "", false
	}
	head, value := line[:colon], strings.TrimRight(line[colon+1:], "\r")
	fields := strings.Split(head, ";")
	params = map[string]string{}
	for _, f := range fields[1:] {
		if k, v, ok := strings.Cut(f, "="); ok {
			params[strings.ToUpper(k)] = v
		}
	}
	return strings.ToUpper(fields[0]), params, value, true
}

// icalText removes TEXT escapes (\, \; \n \\).
func icalText(v string) string {
	r := strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, "\n", `\N`, "\n", `\\`, `\`)
	return strings.TrimSpace(r.Replace(v))
}

// icalTime reads a DATE or DATE-TIME: UTC with Z, in TZID when known,
// else floating (read as UTC).
func icalTime(v string, params map[string]string) (time.Time, bool) {
	if strings.EqualFold(params["VALUE"], "DATE") || len(v) == 8 {
		t, err := time.Parse("20060102", v)
		return t, err == nil
	}
	loc := time.UTC
	if tz := strings.Trim(params["TZID"], `"`); tz != "" && !strings.HasSuffix(v, "Z") {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	t, err := time.ParseInLocation("20060102T150405", strings.TrimSuffix(v, "Z"), loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, false
}
