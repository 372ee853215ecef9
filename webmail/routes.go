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
	e.POST("/logout", a.logoutSubmit)

	// Signed in.
	e.GET("/", a.homeRedirect, a.requireAuth)
	mail := e.Group("/mail", a.requireAuth)
	mail.GET("", a.messageList)         // ?folder=INBOX&page=N
	mail.GET("/message", a.messageShow) // ?folder=X&uid=N
	mail.GET("/body", a.messageBody)    // ?folder=X&uid=N, framed by /mail/message
	mail.GET("/part", a.partDownload)   // ?folder=X&uid=N&part=P

	// Writing: GET prefills (?to=&cc=&bcc=&subject=&body= or uri=mailto:…,
	// ?draft=UID, ?reply=UID&folder=F, ?replyall=, ?forward=); POST is
	// every button of the form (action=send|save|attach|remove:<id>). A
	// session that expired while writing first saves the form as a draft.
	e.GET("/compose", a.composeShow, a.requireAuth)
	e.POST("/compose", a.composeSubmit, a.requireAuthSavingDraft)
}
