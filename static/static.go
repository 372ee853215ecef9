// Package static holds the stylesheet, script and icons of the web app,
// embedded in the binary and served under content-hash URLs.
package static

import "embed"

// FS holds every static file.
//
//go:embed *.css *.js *.svg
var FS embed.FS
