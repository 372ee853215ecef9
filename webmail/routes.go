package webmail

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the route table: every URL of the product, with the access
// check each one needs.
func (a *app) routes(e *echo.Echo) {
	// Every request: panics become 500 pages, the client's address and
	// scheme are worked out once, security headers are set, ?lang= is
	// handled, the session cookie is decoded, request bodies are bounded
	// (POST /compose: the message size limit and a little more; anything
	// else 1 MB; before the CSRF check reads the form) and unsafe methods
	// must carry a valid CSRF token.
	e.Use(
		middleware.Recover(),
		a.accessLog,
		a.requestInfo,
		a.securityHeaders,
		a.language,
		a.loadSession,
		a.limitBody,
		a.checkCSRF,
	)

	// No session needed.
	e.GET("/healthz", a.healthCheck)
	e.GET("/static/:hash/*", a.staticServe) // name may have directories (vendor/...)

	// Signing in and out.
	e.GET("/login", a.loginShow)
	e.POST("/login", a.loginSubmit)
	e.POST("/logout", a.logoutSubmit) // also ends a pending password change

	// A sign-in whose password must be changed first (expired, still the
	// provisioned default, or reset in the directory) gets no mail
	// session but a pending-change cookie that only /password/... sees.
	// Until the change is done, every page behind requireAuth leads
	// here instead of the sign-in page.
	e.GET(passwordChangePath, a.passwordChangeShow, a.requirePending)
	e.POST(passwordChangePath, a.passwordChangeSubmit, a.requirePending)
	// The strength meter of both password forms: POST password=…, JSON answer.
	e.POST(pendingPath+"/strength", a.passwordStrength)

	// Signed in.
	e.GET("/", a.homeRedirect, a.requireAuth)
	// Unread and total counts for static/live.js, JSON; signed in, but a
	// poll neither refreshes the session nor redirects (live_counts.go).
	e.GET("/mail/counts", a.liveCounts)
	mail := e.Group("/mail", a.requireAuth)
	mail.GET("", a.messageList)          // ?folder=INBOX&page=N
	mail.GET("/message", a.messageShow)  // ?folder=X&uid=N
	mail.GET("/body", a.messageBody)     // ?folder=X&uid=N, framed by /mail/message
	mail.GET("/part", a.partDownload)    // ?folder=X&uid=N&part=P
	mail.GET("/source", a.messageSource) // ?folder=X&uid=N: the raw message as text
	mail.GET("/eml", a.messageEML)       // ?folder=X&uid=N: the raw message as a download
	mail.GET("/print", a.messagePrint)   // ?folder=X&uid=N: the print view
	// Search results in the list layout: ?q=&folder=&page=N, advanced
	// from=&to=&subject=&body=&since=&until=&larger=&att=&unread=&flagged=
	// &all=, and sort=&order= as on the list.
	mail.GET("/search", a.searchShow)
	// The toolbar of the list and of the reading view, the Urungkan
	// button and the confirmation page: folder=, uid=… (or uids=1:5,9,
	// or all=1&page_uids=), action=read|unread|flag|unflag|move|copy|
	// delete|spam|notspam|archive|delete_forever|empty|uncopy (the undo of
	// a copy: the copies go for good), to=, confirm=1,
	// return=/mail… (relative only).
	mail.POST("/action", a.messageAction)
	// Remote images of a message, on request (?u=URL&e=&k=&s=, signed by
	// /mail/body?images=1). The sandboxed body frame's requests carry no
	// cookie: those are judged by the session-bound signature alone; with
	// a cookie, requireAuth applies (see image_proxy.go).
	e.GET(imageProxyPath, newImageProxy(a.cfg).serve, a.imageAuth)

	// Writing: GET prefills (?to=&cc=&bcc=&subject=&body= or uri=mailto:…,
	// ?draft=UID, ?reply=UID&folder=F, ?replyall=, ?forward=); POST is
	// every button of the form (action=send|save|attach|remove:<id>). A
	// session that expired while writing first saves the form as a draft.
	e.GET("/compose", a.composeShow, a.requireAuth)
	e.POST("/compose", a.composeSubmit, a.requireAuthSavingDraft)

	// Folder management ("Kelola folder"): create (name=, parent=),
	// rename (folder=, name=), delete (folder=; confirmation page, then
	// confirm=1), subscribe (folder=, subscribe=1|0).
	folders := e.Group(foldersPath, a.requireAuth)
	folders.GET("", a.folderList)
	folders.POST("/create", a.folderCreate)
	folders.POST("/rename", a.folderRename)
	folders.GET("/delete", a.folderDeleteConfirm) // ?folder=
	folders.POST("/delete", a.folderDelete)
	folders.POST("/subscribe", a.folderSubscribe)

	// Settings: changing the password later.
	settings := e.Group("/settings", a.requireAuth)
	settings.GET("/password", a.passwordSettingsShow)
	settings.POST("/password", a.passwordSettingsSubmit)
}
