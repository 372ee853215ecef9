package compose

import (
	stdhtml "html"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLToText makes the text/plain alternative of an HTML body: paragraphs
// separated by a blank line, <br> and <div> as line breaks, list items as
// "- " (or "1. " in ordered lists, nested lists indented), links as
// "text (url)", blockquotes as lines starting with "> " (">> " when
// nested), table rows as lines with cells separated by " | ", and
// horizontal rules as a line of dashes. Scripts, styles and the head are
// skipped; images become their alt text.
//
// Lines are not wrapped: without format=flowed (RFC 3676) hard-wrapped
// lines show ragged on narrow screens, and quoted-printable keeps the
// transport lines short anyway.
//
// It is written on golang.org/x/net/html (the HTML5 parser bluemonday also
// uses) rather than taken from an html2text package: the maintained ones
// we tried either insert spaces between inline elements ("Pe<b>ma</b>tang"
// became "Pe *ma* tang" with github.com/inbucket/html2text v1.0.0) or
// ignore blocks, quotes and tables (github.com/k3a/html2text v1.3.0), and
// the input here is our own sanitized HTML with a small, known set of
// elements.
func HTMLToText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		// html.Parse only fails on reader errors; a strings.Reader has none.
		return ""
	}
	var t textWriter
	t.node(doc)
	return t.finish()
}

// textWriter accumulates lines of text while walking the HTML tree.
type textWriter struct {
	out   strings.Builder
	line  strings.Builder // current line, without prefixes
	space bool            // a space is due before the next word
	quote int             // blockquote depth
	lead  string          // indentation of continuation lines in a list item
	mark  string          // list marker due at the start of the next line
	lists []listState
	pre   int

	wrote      bool // some line has been written
	blankDue   bool // a blank line is due before the next line
	blankQuote int  // quote depth of that blank line
}

type listState struct {
	ordered bool
	n       int
}

func (t *textWriter) prefix(quote int) string {
	if quote == 0 {
		return ""
	}
	return strings.Repeat(">", quote) + " "
}

// emitLine writes one finished line with its prefixes.
func (t *textWriter) emitLine(s string) {
	if t.blankDue && t.wrote {
		t.out.WriteString(strings.TrimRight(t.prefix(t.blankQuote), " "))
		t.out.WriteByte('\n')
	}
	t.blankDue = false
	lead := t.lead
	if t.mark != "" {
		lead = t.mark
		t.mark = ""
	}
	t.out.WriteString(strings.TrimRight(t.prefix(t.quote)+lead+s, " \t"))
	t.out.WriteByte('\n')
	t.wrote = true
}

// text adds inline text to the current line.
func (t *textWriter) text(s string) {
	if t.pre > 0 {
		lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
		for i, l := range lines {
			if i > 0 {
				t.emitLine(t.line.String())
				t.line.Reset()
			}
			t.line.WriteString(l)
		}
		return
	}
	for i, w := range strings.FieldsFunc(s, isHTMLSpace) {
		if i > 0 || (t.space && t.line.Len() > 0) || (len(s) > 0 && isHTMLSpace(rune(s[0])) && t.line.Len() > 0) {
			t.line.WriteByte(' ')
		}
		// A no-break space is how editors keep several spaces: keep them.
		t.line.WriteString(strings.ReplaceAll(w, "\u00a0", " "))
	}
	t.space = len(s) > 0 && isHTMLSpace(rune(s[len(s)-1]))
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

// endLine finishes the current line if it has anything on it.
func (t *textWriter) endLine() {
	if t.line.Len() > 0 || t.mark != "" {
		t.emitLine(t.line.String())
		t.line.Reset()
	}
	t.space = false
}

// br ends the current line; on an empty line it writes an empty line.
func (t *textWriter) br() {
	if t.line.Len() > 0 || t.mark != "" {
		t.endLine()
		return
	}
	t.emitLine("")
}

// paragraph ends the current line and asks for a blank line before the
// next one, at the outermost quote depth asked for.
func (t *textWriter) paragraph() {
	t.endLine()
	if !t.blankDue || t.quote < t.blankQuote {
		t.blankQuote = t.quote
	}
	t.blankDue = true
}

// finish returns the text: no blank lines at the start or the end, and
// a final line break unless it is empty.
func (t *textWriter) finish() string {
	t.endLine()
	s := strings.Trim(t.out.String(), "\n")
	if s == "" {
		return ""
	}
	return s + "\n"
}

func (t *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.node(c)
	}
}

func (t *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		t.text(n.Data)
		return
	case html.DocumentNode:
		t.children(n)
		return
	case html.ElementNode:
	default:
		return
	}

	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Title, atom.Template, atom.Noscript:
	case atom.Br:
		t.br()
	case atom.Hr:
		t.paragraph()
		t.emitLine(strings.Repeat("-", 20))
		t.paragraph()
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Dl, atom.Center:
		t.paragraph()
		t.children(n)
		t.paragraph()
	case atom.Pre:
		t.paragraph()
		t.pre++
		t.children(n)
		t.pre--
		t.paragraph()
	case atom.Blockquote:
		t.paragraph()
		t.quote++
		t.children(n)
		t.endLine()
		t.quote--
		t.paragraph()
	case atom.Ul, atom.Ol:
		t.list(n)
	case atom.Li:
		t.item(n)
	case atom.Table:
		t.table(n)
	case atom.A:
		t.link(n)
	case atom.Img:
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			t.text(alt)
		}
	case atom.Div, atom.Dt, atom.Dd, atom.Tr, atom.Caption, atom.Address, atom.Section, atom.Article, atom.Header, atom.Footer:
		t.endLine()
		t.children(n)
		t.endLine()
	default:
		t.children(n)
	}
}

func (t *textWriter) list(n *html.Node) {
	if len(t.lists) == 0 {
		t.paragraph()
	} else {
		t.endLine()
	}
	ls := listState{ordered: n.DataAtom == atom.Ol, n: 1}
	if v, err := strconv.Atoi(attr(n, "start")); err == nil {
		ls.n = v
	}
	t.lists = append(t.lists, ls)
	t.children(n)
	t.lists = t.lists[:len(t.lists)-1]
	if len(t.lists) == 0 {
		t.paragraph()
	} else {
		t.endLine()
	}
}

func (t *textWriter) item(n *html.Node) {
	t.endLine()
	marker := "- "
	if k := len(t.lists); k > 0 && t.lists[k-1].ordered {
		if v, err := strconv.Atoi(attr(n, "value")); err == nil {
			t.lists[k-1].n = v
		}
		marker = strconv.Itoa(t.lists[k-1].n) + ". "
		t.lists[k-1].n++
	}
	saved := t.lead
	t.mark = t.lead + marker
	t.lead += strings.Repeat(" ", len(marker))
	t.children(n)
	t.endLine()
	t.mark = ""
	t.lead = saved
}

func (t *textWriter) link(n *html.Node) {
	label := strings.Join(strings.FieldsFunc(textContent(n), isHTMLSpace), " ")
	href := strings.TrimSpace(attr(n, "href"))
	before := t.out.Len() + t.line.Len()
	t.children(n)
	wroteNothing := t.out.Len()+t.line.Len() == before
	lower := strings.ToLower(href)
	switch {
	case strings.HasPrefix(lower, "mailto:"):
		addr := href[len("mailto:"):]
		if i := strings.IndexByte(addr, '?'); i >= 0 {
			addr = addr[:i]
		}
		if addr != "" && !strings.EqualFold(addr, label) {
			t.text(" (" + addr + ")")
		}
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		switch {
		case wroteNothing:
			t.text(" " + href)
		case label != href && label != strings.TrimRight(href, "/"):
			t.text(" (" + href + ")")
		}
	}
}

// table writes each row as a line, cells separated by " | ". A row whose
// cells hold several lines (a layout table) is written cell after cell.
func (t *textWriter) table(n *html.Node) {
	t.paragraph()
	for _, row := range tableRows(n) {
		var cells []string
		multi := false
		for c := row.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
				continue
			}
			var sub textWriter
			sub.children(c)
			s := strings.TrimSpace(sub.finish())
			if s == "" {
				continue
			}
			multi = multi || strings.Contains(s, "\n")
			cells = append(cells, s)
		}
		if len(cells) == 0 {
			continue
		}
		t.endLine()
		if !multi {
			t.emitLine(strings.Join(cells, " | "))
			continue
		}
		for _, c := range cells {
			for _, l := range strings.Split(c, "\n") {
				t.emitLine(l)
			}
		}
	}
	t.paragraph()
}

// tableRows returns the rows of table n, not those of nested tables.
func tableRows(n *html.Node) []*html.Node {
	var rows []*html.Node
	var walk func(*html.Node)
	walk = func(p *html.Node) {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				rows = append(rows, c)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(c)
			}
		}
	}
	walk(n)
	return rows
}

func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(p *html.Node) {
		if p.Type == html.TextNode {
			b.WriteString(p.Data)
		}
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// webLink finds http and https URLs in plain text.
var webLink = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+`)

// TextToHTML turns plain text into an HTML fragment: escaped, every line
// break a <br>, http(s) URLs made links. Punctuation that ends a sentence
// is not taken into the link.
func TextToHTML(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("<br>\n")
		}
		last := 0
		for _, m := range webLink.FindAllStringIndex(line, -1) {
			url := trimURL(line[m[0]:m[1]])
			b.WriteString(stdhtml.EscapeString(line[last:m[0]]))
			esc := stdhtml.EscapeString(url)
			b.WriteString(`<a href="` + esc + `">` + esc + `</a>`)
			last = m[0] + len(url)
		}
		b.WriteString(stdhtml.EscapeString(line[last:]))
	}
	return b.String()
}

// trimURL drops trailing punctuation from a URL found in text, and a
// closing parenthesis that has no opening one in the URL.
func trimURL(u string) string {
	for len(u) > 0 {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'", c) >= 0:
			u = u[:len(u)-1]
		case c == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}
