package webmail

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// Live counts: static/live.js polls GET /mail/counts every 45 seconds while
// the tab is visible, updates the folder list's unread counts and the tab
// title, and offers a reload when the open folder has grown.
//
// Polling rather than IMAP IDLE (or NOTIFY), measured against the CI
// Dovecot (.ci/stack) on this 2-core machine:
//   - IDLE needs a connection of its own per open tab for as long as the
//     tab is open (the session's cached connection serves the pages), and
//     each one costs Dovecot two processes that stay: imap (RSS 5.2 MB,
//     PSS 0.65 MB) and, with STARTTLS/TLS, its imap-login proxy (RSS
//     8.6 MB, PSS 1.5 MB), so about 14 MB resident and two slots of
//     process_limit per tab, looked at or not, plus a socket and a
//     goroutine here. 200 open tabs: 400 processes.
//   - A poll is one LIST-STATUS on the session's existing cached
//     connection: GET /mail/counts takes 0.7 ms end to end
//     (BenchmarkDovecotLiveCounts, 9 folders). 200 visible tabs at one
//     poll per 45 s: 4.4 polls/s, well under 1% of a core, nothing while
//     a tab is hidden, no connection beyond the session's own (which the
//     cache closes after 5 idle minutes once the tab is hidden).
// New mail shows up within 45 s instead of at once: enough for office
// mail.

// countsJSON is the answer of GET /mail/counts.
type countsJSON struct {
	Folders     map[string]folderCountJSON `json:"folders"`
	InboxUnread uint32                     `json:"inbox_unread"`
}

// folderCountJSON is one folder's counts, keyed by its full IMAP name.
type folderCountJSON struct {
	Unread uint32 `json:"unread"`
	Total  uint32 `json:"total"`
}

// liveCounts answers GET /mail/counts. It is not behind requireAuth: a
// poll must not keep the session alive (an open tab would then never time
// out) and a signed-out poll gets 401, not the sign-in page, so the script
// stops.
func (a *app) liveCounts(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	s := sessionOf(c)
	if s.changePending(a.cfg.Now()) {
		// As every page behind requireAuth: the change comes first.
		return c.Redirect(http.StatusSeeOther, passwordChangePath)
	}
	if !s.signedIn() {
		return c.JSON(http.StatusUnauthorized, map[string]string{"error": a.cat.T(langOf(c), "auth.session_invalid")})
	}
	ctx, cancel := imapContext(c)
	defer cancel()
	folders, err := a.imap.Session(s.credentials()).Folders(ctx)
	if err != nil {
		return err
	}
	out := countsJSON{Folders: make(map[string]folderCountJSON, len(folders))}
	for _, f := range folders {
		if f.NoSelect {
			continue
		}
		out.Folders[f.Name] = folderCountJSON{Unread: f.Unread, Total: f.Total}
		if f.Role == imapclient.RoleInbox {
			out.InboxUnread = f.Unread
		}
	}
	return c.JSON(http.StatusOK, out)
}
