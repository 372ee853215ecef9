// Package static holds the stylesheet, scripts and icons of the web app,
// and the vendored browser libraries of the compose page's editor
// (vendor/, see vendor/README.md), embedded in the binary and served under
// content-hash URLs.
package static

import "embed"

// FS holds every static file.
//
//go:embed *.css *.js *.svg vendor
var FS embed.FS
