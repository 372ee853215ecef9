package compose

import (
	stdhtml "html"
	"strings"
)

// emptyParagraph is where the user's own text goes, above the quote.
const emptyParagraph = "<p><br></p>"

// originalHTML is the body of the original as safe HTML: its HTML part
// sanitized with SanitizeHTML (remote images dropped), else its text part
// escaped with line breaks and links kept.
func originalHTML(origHTML, origText string) string {
	if strings.TrimSpace(origHTML) != "" {
		return SanitizeHTML(origHTML)
	}
	return TextToHTML(origText)
}

// QuoteReply returns the HTML to put in the editor for a reply: an empty
// paragraph for the user's text, the header line (plain text, given
// translated by the caller: "Pada <tanggal>, <nama> menulis:"), then the
// original in <blockquote type="cite">. The original is origHTML when it
// is not empty, sanitized, else origText escaped.
func QuoteReply(header, origHTML, origText string) string {
	var b strings.Builder
	b.WriteString(emptyParagraph)
	b.WriteString("<p>" + stdhtml.EscapeString(header) + "</p>")
	b.WriteString(`<blockquote type="cite">`)
	b.WriteString(originalHTML(origHTML, origText))
	b.WriteString("</blockquote>")
	return b.String()
}

// ForwardBody returns the HTML to put in the editor for a forward: an
// empty paragraph for the user's text, then the separator line (given
// translated: "---------- Pesan terusan ----------") and one line per
// header ({"Dari", "Boi <boi@…>"} is written "Dari: Boi <boi@…>"), then
// the original body (sanitized HTML, else escaped text), not quoted.
func ForwardBody(separator string, headerLines [][2]string, origHTML, origText string) string {
	var b strings.Builder
	b.WriteString(emptyParagraph)
	b.WriteString("<p>" + stdhtml.EscapeString(separator))
	for _, l := range headerLines {
		b.WriteString("<br>" + stdhtml.EscapeString(l[0]) + ": " + stdhtml.EscapeString(l[1]))
	}
	b.WriteString("</p>")
	b.WriteString("<div>" + originalHTML(origHTML, origText) + "</div>")
	return b.String()
}
