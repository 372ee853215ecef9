package webmail

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

const (
	sessionCookie = "webmail"
	ctxSession    = "webmail.session"
	// reissueAfter is how stale the cookie's last-activity time may get
	// before the cookie is written again: at most one Set-Cookie a minute.
	reissueAfter = time.Minute
)

// Keys of the values kept in the cookie.
const (
	keyAccount  = "a"
	keyPassword = "p"
	keyID       = "i"
	keyIssued   = "t"
	keySeen     = "s"
	keyCSRF     = "c"
	keyFlash    = "f"
	keyPending  = "w"
)

// session is the decoded cookie. Nothing about it is kept on the server:
// any instance holding the keys can serve any request.
type session struct {
	Account  string // full address, "" before sign-in
	Password string
	ID       string // random, keys the IMAP connection cache
	IssuedAt time.Time
	LastSeen time.Time
	CSRF     string // secret the CSRF token is derived from
	Flash    string // catalogue key of a one-time message
	// PendingAt is set in an anonymous session when a sign-in was
	// stopped because the password must be changed first: until the
	// pending-change cookie (path /password) expires, every page that
	// needs a session leads to the change page instead of the sign-in
	// page. It holds no credentials: those are in the pending cookie.
	PendingAt time.Time

	// expired is set when the cookie held a session past its idle
	// timeout or lifetime; invalid when a cookie was sent that does not
	// decode (tampered, or made with keys we no longer have).
	expired, invalid bool
}

// signedIn reports whether the session belongs to a signed-in user.
func (s *session) signedIn() bool {
	return s.Account != "" && !s.expired && !s.invalid
}

// changePending reports whether the browser is in the middle of a forced
// password change: not signed in (a mail session always wins), and the
// change was asked for less than pendingLifetime ago.
func (s *session) changePending(now time.Time) bool {
	if s.signedIn() || s.PendingAt.IsZero() {
		return false
	}
	age := now.Sub(s.PendingAt)
	return age > -time.Minute && age <= pendingLifetime
}

// credentials are what imapclient needs to reach the user's mailbox.
func (s *session) credentials() imapclient.Credentials {
	return imapclient.Credentials{SessionID: s.ID, Username: s.Account, Password: s.Password}
}

// sessionStore reads and writes the session cookie.
type sessionStore struct {
	store *sessions.CookieStore
	cfg   Config
}

func newSessionStore(cfg Config) *sessionStore {
	var pairs [][]byte
	for _, k := range cfg.SessionKeys {
		pairs = append(pairs, k.Hash, k.Block)
	}
	st := sessions.NewCookieStore(pairs...)
	// The codecs refuse cookies encoded longer ago than this; our own
	// timestamps end sessions well before.
	st.MaxAge(int((cfg.MaxLifetime + cfg.IdleTimeout + time.Hour) / time.Second))
	// A browser-session cookie: closing the browser ends it.
	st.Options = &sessions.Options{Path: "/", MaxAge: 0, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	return &sessionStore{store: st, cfg: cfg}
}

// read decodes the request's cookie. A cookie that does not decode is no
// session at all; the caller tells the user.
func (st *sessionStore) read(r *http.Request, now time.Time) *session {
	s := &session{}
	if _, err := r.Cookie(sessionCookie); err != nil {
		return s
	}
	raw, err := st.store.New(r, sessionCookie)
	if err != nil {
		s.invalid = true
		return s
	}
	str := func(k string) string { v, _ := raw.Values[k].(string); return v }
	unix := func(k string) time.Time {
		if v, ok := raw.Values[k].(int64); ok {
			return time.Unix(v, 0)
		}
		return time.Time{}
	}
	s.Account, s.Password, s.ID = str(keyAccount), str(keyPassword), str(keyID)
	s.CSRF, s.Flash = str(keyCSRF), str(keyFlash)
	s.IssuedAt, s.LastSeen = unix(keyIssued), unix(keySeen)
	s.PendingAt = unix(keyPending)
	if s.Account != "" {
		switch {
		case s.ID == "" || s.Password == "" || s.IssuedAt.IsZero() || s.LastSeen.IsZero():
			s.invalid = true
		case s.IssuedAt.After(now.Add(time.Minute)) || s.LastSeen.After(now.Add(time.Minute)):
			s.invalid = true // from the future: not ours
		case now.Sub(s.LastSeen) > st.cfg.IdleTimeout, now.Sub(s.IssuedAt) > st.cfg.MaxLifetime:
			s.expired = true
		}
	}
	return s
}

// write sets the cookie from s, replacing any Set-Cookie of the session
// written earlier in the same response.
func (st *sessionStore) write(c echo.Context, s *session) error {
	raw := sessions.NewSession(st.store, sessionCookie)
	opts := *st.store.Options
	opts.Secure = isHTTPS(c)
	raw.Options = &opts
	put := func(k, v string) {
		if v != "" {
			raw.Values[k] = v
		}
	}
	put(keyAccount, s.Account)
	put(keyPassword, s.Password)
	put(keyID, s.ID)
	put(keyCSRF, s.CSRF)
	put(keyFlash, s.Flash)
	if s.Account != "" {
		raw.Values[keyIssued] = s.IssuedAt.Unix()
		raw.Values[keySeen] = s.LastSeen.Unix()
	} else if !s.PendingAt.IsZero() {
		raw.Values[keyPending] = s.PendingAt.Unix()
	}
	h := c.Response().Header()
	if old := h.Values("Set-Cookie"); len(old) > 0 {
		h.Del("Set-Cookie")
		for _, v := range old {
			if !strings.HasPrefix(v, sessionCookie+"=") {
				h.Add("Set-Cookie", v)
			}
		}
	}
	if err := st.store.Save(c.Request(), c.Response(), raw); err != nil {
		return fmt.Errorf("write session cookie: %w", err)
	}
	return nil
}

// loadSession decodes the cookie into the request context. It never
// writes: a page that needs a cookie (a form) asks for one.
func (a *app) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxSession, a.sessions.read(c.Request(), a.cfg.Now()))
		return next(c)
	}
}

// sessionOf is the request's session (never nil).
func sessionOf(c echo.Context) *session {
	if s, ok := c.Get(ctxSession).(*session); ok {
		return s
	}
	s := &session{}
	c.Set(ctxSession, s)
	return s
}

// requireAuth lets signed-in users through, keeps their cookie fresh, and
// sends everyone else to the sign-in page, saying why when there is a
// reason (session expired, cookie no longer valid) and coming back here
// afterwards.
func (a *app) requireAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := sessionOf(c)
		now := a.cfg.Now()
		if s.signedIn() {
			if now.Sub(s.LastSeen) >= reissueAfter {
				s.LastSeen = now
				if err := a.sessions.write(c, s); err != nil {
					return err
				}
			}
			return next(c)
		}
		if s.changePending(now) {
			// The password must be changed before any mail is shown:
			// not the sign-in page, the change page.
			return c.Redirect(http.StatusSeeOther, passwordChangePath)
		}
		var flash string
		switch {
		case s.expired:
			flash = "auth.session_expired"
			a.imap.Drop(s.ID)
		case s.invalid:
			flash = "auth.session_invalid"
		}
		return a.toLogin(c, flash, c.Request().URL.RequestURI())
	}
}

// requireAuthSavingDraft is requireAuth for the compose form's POST. A
// session that expired while the user was writing (idle timeout or
// lifetime) still holds the credentials in its cookie: the form is saved
// to Drafts with them, uploads included, before the user is sent to sign
// in, and the sign-in page then leads back to the saved message. Nothing
// is kept on the server in between.
func (a *app) requireAuthSavingDraft(next echo.HandlerFunc) echo.HandlerFunc {
	strict := a.requireAuth(next)
	return func(c echo.Context) error {
		s := sessionOf(c)
		if !s.expired || s.Account == "" {
			return strict(c)
		}
		uid, err := a.rescueDraft(c, s)
		a.imap.Drop(s.ID)
		if err != nil || uid == 0 {
			a.log.Warn("session expired while composing; the message could not be saved", "account", s.Account, "err", err)
			return strict(c)
		}
		a.log.Info("session expired while composing; message saved as a draft", "account", s.Account,
			"ip", ipString(clientAddr(c)))
		next := "/compose?draft=" + strconv.FormatUint(uint64(uid), 10)
		target, err := a.loginRedirect(c, "compose.saved_expired", next)
		if err != nil {
			return err
		}
		if isXHR(c) {
			return c.JSON(http.StatusUnauthorized, composeJSON{Draft: uid, Attachments: []composeAttachment{},
				Error: a.cat.T(langOf(c), "compose.saved_expired"), Redirect: target})
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
}

// rescueDraft saves the posted compose form as a draft with the expired
// session's credentials and returns its UID.
func (a *app) rescueDraft(c echo.Context, s *session) (uint32, error) {
	f, err := readComposeForm(c)
	if err != nil {
		return 0, err
	}
	if f.Action == "remove" {
		var keep []string
		for _, k := range f.Keep {
			if k != f.RemoveID {
				keep = append(keep, k)
			}
		}
		f.Keep = keep
	}
	j, err := a.newComposeJob(c, s, f)
	if err != nil {
		return 0, err
	}
	defer j.done()
	drafts, err := j.draftsFolder()
	if err != nil {
		return 0, err
	}
	parts, _, err := a.fetchKept(j.ctx, c, j.sess, f, drafts, j.dir)
	if err != nil {
		return 0, err
	}
	return a.saveDraft(j.ctx, j.sess, a.newMessage(s.Account, f, f.parseRecipients(), parts), j.dir, drafts, f.Draft)
}

// toLogin replaces the session with an anonymous one carrying flash and
// redirects to the sign-in page, which returns to next afterwards (for
// GET requests: a form cannot be posted again from there).
func (a *app) toLogin(c echo.Context, flash, next string) error {
	if c.Request().Method != http.MethodGet {
		next = ""
	}
	target, err := a.loginRedirect(c, flash, next)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// loginRedirect replaces the session with an anonymous one carrying flash
// and returns the sign-in page's URL that leads back to next.
func (a *app) loginRedirect(c echo.Context, flash, next string) (string, error) {
	anon, err := newAnonymous()
	if err != nil {
		return "", err
	}
	anon.Flash = flash
	c.Set(ctxSession, anon)
	if err := a.sessions.write(c, anon); err != nil {
		return "", err
	}
	target := "/login"
	if next != "" && next != "/" && safeNext(next) != "" {
		target += "?next=" + url.QueryEscape(next)
	}
	return target, nil
}

// newAnonymous starts a session that is not signed in; its CSRF secret
// protects the sign-in form itself (login CSRF).
func newAnonymous() (*session, error) {
	secret, err := randomString(32)
	if err != nil {
		return nil, err
	}
	return &session{CSRF: secret}, nil
}

// randomString returns n random bytes, base64url-encoded.
func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// safeNext returns next when it is a local path to return to after sign-in,
// and "" otherwise: only "/x..." paths, never "//host", "/\host", a scheme
// or anything with control characters.
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return ""
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return ""
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return next
}
