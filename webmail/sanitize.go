package webmail

import (
	"bytes"
	"html/template"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// sanitizer turns the HTML body of a message into HTML that is safe to show:
// bluemonday with a mail policy removes everything active, then a second
// pass fixes links and images for display in the sandboxed frame.
type sanitizer struct {
	policy *bluemonday.Policy
}

// Attribute values of the old-style layout markup mail is made of.
var (
	reColor    = regexp.MustCompile(`^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$`)
	reLength   = regexp.MustCompile(`^[0-9]{1,4}(%|px)?$`)
	reAlign    = regexp.MustCompile(`(?i)^(left|right|center|justify)$`)
	reFontSize = regexp.MustCompile(`^[+-]?[1-7]$`)
	reFontFace = regexp.MustCompile(`^[\p{L}\p{N} ,'"_-]{1,100}$`)
)

// newSanitizer builds the mail policy: bluemonday's UGC policy plus the
// layout tables, fonts and filtered inline styles that real mail uses.
// Scripts, event handlers, forms, frames, objects, <base>, <meta>, <link>
// and <style> never pass; style attributes keep only listed properties with
// values checked by bluemonday (no url(), no expression()).
func newSanitizer() *sanitizer {
	p := bluemonday.UGCPolicy()
	p.AllowImages()
	p.AllowDataURIImages()
	p.AllowTables()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto", "cid")

	p.AllowElements("center", "font")
	p.AllowAttrs("color").Matching(reColor).OnElements("font")
	p.AllowAttrs("size").Matching(reFontSize).OnElements("font")
	p.AllowAttrs("face").Matching(reFontFace).OnElements("font")
	p.AllowAttrs("bgcolor").Matching(reColor).OnElements("table", "tr", "td", "th", "tbody", "thead", "tfoot")
	p.AllowAttrs("border", "cellpadding", "cellspacing").Matching(reLength).OnElements("table")
	p.AllowAttrs("align").Matching(reAlign).OnElements("table", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("width", "height").Matching(reLength).OnElements("table", "td", "th", "img")

	p.AllowStyles(
		"color", "background-color",
		"font", "font-family", "font-size", "font-style", "font-weight", "font-variant",
		"text-align", "text-decoration", "text-indent", "text-transform", "line-height",
		"letter-spacing", "word-spacing", "white-space", "word-break", "word-wrap", "direction",
		"vertical-align", "display", "float", "clear",
		"margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
		"padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
		"border", "border-top", "border-right", "border-bottom", "border-left",
		"border-color", "border-style", "border-width", "border-radius",
		"border-collapse", "border-spacing", "table-layout",
		"width", "height", "max-width", "min-width", "max-height", "min-height",
		"list-style-type", "list-style-position",
	).Globally()
	return &sanitizer{policy: p}
}

// sanitized is the result of cleaning one HTML body.
type sanitized struct {
	HTML template.HTML
	// RemoteBlocked counts the images that would have been loaded from
	// another host and were removed.
	RemoteBlocked int
}

// Sanitize cleans body. inline maps Content-IDs to data: URIs of the
// message's own images, for cid: references; other cid: images are dropped.
func (s *sanitizer) Sanitize(body string, inline map[string]string) sanitized {
	return s.SanitizeRemote(body, inline, nil)
}

// SanitizeRemote is Sanitize that, when proxy is not nil, keeps remote
// (http, https) images, their source replaced by proxy(source), the image
// proxy's URL; a source proxy returns "" for is removed as before.
func (s *sanitizer) SanitizeRemote(body string, inline map[string]string, proxy func(string) string) sanitized {
	clean := s.policy.Sanitize(body)
	var out bytes.Buffer
	out.Grow(len(clean))
	blocked := 0
	z := html.NewTokenizer(strings.NewReader(clean))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				// bluemonday's output is well-formed; never reached in practice.
				return sanitized{}
			}
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(z.Raw())
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "a":
			tok.Attr = fixLink(tok.Attr)
		case "img":
			var removed bool
			tok.Attr, removed = fixImage(tok.Attr, inline, proxy)
			if removed {
				blocked++
			}
		}
		out.WriteString(tok.String())
	}
	// Only sanitizer output ever becomes template.HTML.
	return sanitized{HTML: template.HTML(out.String()), RemoteBlocked: blocked}
}

// fixLink makes a link open in a new tab without telling the target where
// it came from, and drops data: links.
func fixLink(attrs []html.Attribute) []html.Attribute {
	out := attrs[:0]
	hasHref := false
	for _, a := range attrs {
		switch a.Key {
		case "target", "rel":
			continue
		case "href":
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "data:") {
				continue
			}
			hasHref = true
		}
		out = append(out, a)
	}
	if hasHref {
		out = append(out,
			html.Attribute{Key: "target", Val: "_blank"},
			html.Attribute{Key: "rel", Val: "noopener noreferrer"})
	}
	return out
}

// fixImage keeps data: images, turns cid: images into the inline data URI
// given for them and removes every other source, reporting whether a remote
// (http, https) image was removed. Remote images stay blocked unless the
// user asked to see them: then proxy gives their image proxy URL.
func fixImage(attrs []html.Attribute, inline map[string]string, proxy func(string) string) ([]html.Attribute, bool) {
	out := attrs[:0]
	remote := false
	for _, a := range attrs {
		if a.Key == "srcset" {
			continue
		}
		if a.Key == "src" {
			v := strings.TrimSpace(a.Val)
			lv := strings.ToLower(v)
			switch {
			case strings.HasPrefix(lv, "data:image/"):
				// Raster types only (safeImageType): never SVG, which
				// bluemonday's AllowDataURIImages lets through.
				if mt, _, _ := strings.Cut(lv[len("data:"):], ";"); !safeImageType(mt) {
					continue
				}
			case strings.HasPrefix(lv, "cid:"):
				uri, ok := inline[cidKey(v[4:])]
				if !ok {
					continue
				}
				a.Val = uri
			case proxy != nil && (strings.HasPrefix(lv, "http:") || strings.HasPrefix(lv, "https:")) && proxy(v) != "":
				a.Val = proxy(v)
			default:
				remote = remote || strings.HasPrefix(lv, "http:") || strings.HasPrefix(lv, "https:") || strings.HasPrefix(lv, "//")
				continue
			}
		}
		out = append(out, a)
	}
	return out, remote
}

// cidKey normalizes a Content-ID for lookup (RFC 2392: "cid:" URLs are
// percent-encoded, and IDs compare without angle brackets).
func cidKey(id string) string {
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>"))
}
