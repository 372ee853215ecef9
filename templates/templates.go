// Package templates holds the HTML templates of the web app (html/template
// syntax), embedded in the binary: layout.html and shell.html are shared,
// every other file is one page.
package templates

import "embed"

// FS holds every template file.
//
//go:embed *.html
var FS embed.FS
