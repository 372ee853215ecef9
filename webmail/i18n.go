package webmail

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/labstack/echo/v4"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// translationFS holds one TOML file per language, with dot-namespaced keys.
//
//go:embed translations/*.toml
var translationFS embed.FS

// Languages of the interface; the first is the default. The city wants
// Indonesian unless the user picks English, so Accept-Language is ignored.
var languages = []string{"id", "en"}

const (
	defaultLang  = "id"
	langCookie   = "lang"
	ctxLang      = "webmail.lang"
	langLifetime = 365 * 24 * time.Hour
)

// catalogue is the set of translated messages.
type catalogue struct {
	locs map[string]*i18n.Localizer
	// names caches the month and weekday names used by every list row.
	months, monthsShort map[string][12]string
	weekdays            map[string][7]string
	// plain caches messages without arguments (most of them, several per
	// list row): go-i18n executes a template on every Localize.
	plain sync.Map // lang + "\x00" + key -> string
}

// loadCatalogue parses every translation file.
func loadCatalogue() (*catalogue, error) {
	bundle := i18n.NewBundle(language.Indonesian)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(translationFS, "translations/*.toml")
	if err != nil {
		return nil, fmt.Errorf("translations: %w", err)
	}
	for _, f := range files {
		if _, err := bundle.LoadMessageFileFS(translationFS, f); err != nil {
			return nil, fmt.Errorf("translations: %w", err)
		}
	}
	c := &catalogue{
		locs:        map[string]*i18n.Localizer{},
		months:      map[string][12]string{},
		monthsShort: map[string][12]string{},
		weekdays:    map[string][7]string{},
	}
	for _, l := range languages {
		c.locs[l] = i18n.NewLocalizer(bundle, l)
		var m, ms [12]string
		for i := range 12 {
			if m[i], err = c.lookup(l, fmt.Sprintf("date.month.%d", i+1), nil); err != nil {
				return nil, err
			}
			if ms[i], err = c.lookup(l, fmt.Sprintf("date.month_short.%d", i+1), nil); err != nil {
				return nil, err
			}
		}
		var wd [7]string
		for i := range 7 {
			if wd[i], err = c.lookup(l, fmt.Sprintf("date.weekday.%d", i), nil); err != nil {
				return nil, err
			}
		}
		c.months[l], c.monthsShort[l], c.weekdays[l] = m, ms, wd
	}
	return c, nil
}

func (c *catalogue) lookup(lang, key string, data map[string]any) (string, error) {
	loc, ok := c.locs[lang]
	if !ok {
		loc = c.locs[defaultLang]
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return "", fmt.Errorf("translation %q (%s): %w", key, lang, err)
	}
	return s, nil
}

// T translates key into lang. args are name/value pairs for the message's
// template ({{.Name}}). A missing key shows the key itself: the catalogue
// test makes sure none is missing.
func (c *catalogue) T(lang, key string, args ...any) string {
	if len(args) == 0 {
		ck := lang + "\x00" + key
		if s, ok := c.plain.Load(ck); ok {
			return s.(string)
		}
		s, err := c.lookup(lang, key, nil)
		if err != nil {
			return key
		}
		c.plain.Store(ck, s)
		return s
	}
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
		}
	}
	s, err := c.lookup(lang, key, data)
	if err != nil {
		return key
	}
	return s
}

// language handles ?lang= on any page (remember the choice in a cookie for
// a year, then redirect to the same page without the parameter) and
// decides the language of the request.
func (a *app) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		q := r.URL.Query()
		if q.Has("lang") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if l := q.Get("lang"); supportedLang(l) {
				c.SetCookie(&http.Cookie{
					Name:     langCookie,
					Value:    l,
					Path:     "/",
					MaxAge:   int(langLifetime / time.Second),
					HttpOnly: true,
					Secure:   isHTTPS(c),
					SameSite: http.SameSiteLaxMode,
				})
			}
			q.Del("lang")
			return c.Redirect(http.StatusSeeOther, sameSiteURL(r.URL.EscapedPath(), q))
		}
		lang := defaultLang
		if ck, err := r.Cookie(langCookie); err == nil && supportedLang(ck.Value) {
			lang = ck.Value
		}
		c.Set(ctxLang, lang)
		return next(c)
	}
}

// sameSiteURL builds a local URL from a path and a query, never one that
// a browser would read as another host ("//evil", "/\evil").
func sameSiteURL(path string, q url.Values) string {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || strings.HasPrefix(path, "/\\") {
		path = "/"
	}
	if len(q) > 0 {
		return path + "?" + q.Encode()
	}
	return path
}

func supportedLang(l string) bool {
	for _, s := range languages {
		if l == s {
			return true
		}
	}
	return false
}

// langOf is the language of the request.
func langOf(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok {
		return l
	}
	return defaultLang
}
