package compose

import (
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// Attribute values of the markup a mail editor produces.
var (
	reColor    = regexp.MustCompile(`^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9., %]{5,40}\))$`)
	reLength   = regexp.MustCompile(`^[0-9]{1,4}(%|px)?$`)
	reNumber   = regexp.MustCompile(`^[0-9]{1,4}$`)
	reAlign    = regexp.MustCompile(`(?i)^(left|right|center|justify)$`)
	reVAlign   = regexp.MustCompile(`(?i)^(top|middle|bottom|baseline)$`)
	reFontSize = regexp.MustCompile(`^[+-]?[1-7]$`)
	reFontFace = regexp.MustCompile(`^[\p{L}\p{N} ,'"_-]{1,100}$`)
	reListType = regexp.MustCompile(`^(1|a|A|i|I|disc|circle|square)$`)
	reCite     = regexp.MustCompile(`(?i)^cite$`)
	reDir      = regexp.MustCompile(`(?i)^(ltr|rtl|auto)$`)
	// Links only to the web and to mail addresses.
	reHref = regexp.MustCompile(`(?i)^\s*(https?://|mailto:)`)
	// Images only from the message itself (cid:, RFC 2392) or pasted into
	// the editor (data:): never from a server, so that nothing we send can
	// tell a third party that the recipient opened it.
	reImgSrc = regexp.MustCompile(`(?i)^\s*(cid:[^\s]|data:image/(png|jpeg|gif|webp);base64,)`)
)

// sendPolicy is built once; a bluemonday policy is safe for concurrent use
// once built.
var sendPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowURLSchemeWithCustomPolicy("cid", func(u *url.URL) bool { return u.Opaque != "" })
	// data: only for images, checked to be valid base64 of a raster type.
	p.AllowDataURIImages()

	p.AllowElements(
		"p", "div", "br", "span", "hr", "center",
		"b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "sub", "sup", "small", "big",
		"code", "pre", "tt", "kbd", "font",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "dl", "dt", "dd", "blockquote",
		"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th",
	)
	p.AllowAttrs("href").Matching(reHref).OnElements("a")
	p.AllowAttrs("src").Matching(reImgSrc).OnElements("img")
	p.AllowAttrs("alt", "title").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("width", "height").Matching(reLength).OnElements("img", "table", "td", "th", "col")
	p.AllowAttrs("type").Matching(reCite).OnElements("blockquote")
	p.AllowAttrs("color").Matching(reColor).OnElements("font")
	p.AllowAttrs("size").Matching(reFontSize).OnElements("font")
	p.AllowAttrs("face").Matching(reFontFace).OnElements("font")
	p.AllowAttrs("start").Matching(reNumber).OnElements("ol")
	p.AllowAttrs("type").Matching(reListType).OnElements("ol", "ul")
	p.AllowAttrs("value").Matching(reNumber).OnElements("li")
	p.AllowAttrs("align").Matching(reAlign).OnElements("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "img")
	p.AllowAttrs("valign").Matching(reVAlign).OnElements("tr", "td", "th")
	p.AllowAttrs("bgcolor").Matching(reColor).OnElements("table", "tr", "td", "th")
	p.AllowAttrs("border", "cellpadding", "cellspacing").Matching(reNumber).OnElements("table")
	p.AllowAttrs("colspan", "rowspan").Matching(reNumber).OnElements("td", "th")
	p.AllowAttrs("span").Matching(reNumber).OnElements("col", "colgroup")
	p.AllowAttrs("dir").Matching(reDir).Globally()

	// Inline styles: bluemonday checks each value with its handler for the
	// property (no url(), no expression(), no var()); anything positional
	// or that loads a resource (background, position, content…) is out.
	p.AllowStyles(
		"color", "background-color",
		"font-size", "font-family", "font-weight", "font-style", "font-variant",
		"text-decoration", "text-align", "text-indent", "line-height", "vertical-align", "white-space",
		"margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
		"padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
		"border", "border-top", "border-right", "border-bottom", "border-left",
		"border-color", "border-style", "border-width", "border-collapse", "border-spacing",
		"width", "height", "list-style-type",
	).Globally()
	return p
})

// SanitizeHTML cleans HTML that we are about to send: the editor's output
// and the quoted or forwarded original. What a mail editor produces stays
// (paragraphs, line breaks, bold/italic/underline/strike, fonts, colours,
// headings, lists, quotes with type=cite, links, tables, filtered inline
// styles); scripts, event handlers, forms, frames, objects, <style>,
// <meta>, <base> and comments go. Links keep only http, https and mailto
// targets. Images keep only cid: and data:image/ (png, jpeg, gif, webp)
// sources, so a pasted image survives but no remote (tracking) image is
// ever sent. The result is an HTML fragment.
func SanitizeHTML(s string) string {
	return dropEmptyImages(sendPolicy().Sanitize(s))
}

// dropEmptyImages removes the <img> elements whose source the policy took
// away (a remote image keeps its width and height otherwise, and shows as
// a broken image).
func dropEmptyImages(s string) string {
	if !strings.Contains(s, "<img") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return "" // not reached: a strings.Reader does not fail
			}
			return b.String()
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			if name, _ := z.TagName(); string(name) == "img" && !hasAttr(z, "src") {
				continue
			}
		}
		b.Write(z.Raw())
	}
}

// hasAttr reports whether the current tag of z has attribute key. It
// consumes the tag's attributes.
func hasAttr(z *html.Tokenizer, key string) bool {
	for {
		k, _, more := z.TagAttr()
		if string(k) == key {
			return true
		}
		if !more {
			return false
		}
	}
}
