package webmail

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pematangsiantar/webmail/imapclient"
)

// formatter renders dates, sizes and numbers for one language and zone.
type formatter struct {
	lang string
	loc  *time.Location
	cat  *catalogue
	now  time.Time
}

func (a *app) formatter(lang string) formatter {
	return formatter{lang: lang, loc: a.cfg.Location, cat: a.cat, now: a.cfg.Now().In(a.cfg.Location)}
}

// ShortDate is the date of a list row: the time for today ("14:05"), day
// and month this year ("26 Nov"), the full numeric date before ("26/11/2024").
func (f formatter) ShortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(f.loc)
	y, m, d := t.Date()
	ny, nm, nd := f.now.Date()
	switch {
	case y == ny && m == nm && d == nd:
		return t.Format("15:04")
	case y == ny:
		return fmt.Sprintf("%d %s", d, f.cat.monthsShort[f.lang][m-1])
	default:
		return t.Format("02/01/2006")
	}
}

// LongDate is the full date of the reading view:
// "Rabu, 26 November 2025 14:05 WIB".
func (f formatter) LongDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(f.loc)
	return fmt.Sprintf("%s, %d %s %d %s", f.cat.weekdays[f.lang][t.Weekday()], t.Day(),
		f.cat.months[f.lang][t.Month()-1], t.Year(), t.Format("15:04 MST"))
}

// Number groups thousands the way the language does: 1.234 (id), 1,234 (en).
func (f formatter) Number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if f.lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Size is a human size: "800 B", "12 KB", "1,5 MB" (id) / "1.5 MB" (en).
func (f formatter) Size(n int64) string {
	const k = 1024
	switch {
	case n < 0:
		return ""
	case n < k:
		return fmt.Sprintf("%d B", n)
	case n < k*k:
		return fmt.Sprintf("%d KB", (n+k/2)/k)
	}
	v, unit := float64(n)/(k*k), "MB"
	if n >= k*k*k {
		v, unit = float64(n)/(k*k*k), "GB"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if f.lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + unit
}

// Addresses formats a list of addresses for a header line:
// "Boi Manalu <boi@…>, diskominfo@…".
func (f formatter) Addresses(list []imapclient.Address) string {
	parts := make([]string, 0, len(list))
	for _, a := range list {
		switch {
		case a.Name != "" && a.Email != "":
			parts = append(parts, a.Name+" <"+a.Email+">")
		case a.Email != "":
			parts = append(parts, a.Email)
		default:
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// Names formats a list of addresses for a list row: names where known.
func (f formatter) Names(list []imapclient.Address) string {
	parts := make([]string, 0, len(list))
	for _, a := range list {
		parts = append(parts, a.String())
	}
	return strings.Join(parts, ", ")
}
