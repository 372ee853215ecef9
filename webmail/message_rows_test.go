package webmail

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestRowsHTML parses the rows RowsHTML writes and finds every value back
// as text or as the value of its attribute, whatever characters it holds.
func TestRowsHTML(t *testing.T) {
	nasty := `<script>alert(1)</script>"'&amp;<!-- ]]> ` + "\u202e"
	p := &messageListPage{
		Labels:  rowLabels{Unread: "Belum " + nasty, Flagged: "Tanda " + nasty, Attachment: "Lampiran " + nasty, ClipURL: "/static/clip.svg?" + nasty},
		Actions: &actionBar{LabelSelect: "Pilih " + nasty},
		Rows: []messageRow{{
			UIDText: "7", URL: "/mail/message?folder=" + nasty, Who: "Dari " + nasty, WhoFull: "a@b " + nasty,
			Subject: "Perihal " + nasty, Date: "26 Nov " + nasty, DateFull: "Rabu " + nasty, Size: "3 KB " + nasty,
			Unread: true, Flagged: true, HasAttachments: true,
		}, {UIDText: "8", URL: "/mail/message?uid=8", Subject: "Biasa"}},
	}
	doc, err := html.Parse(strings.NewReader("<table><tbody>" + string(p.RowsHTML()) + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []*html.Node
	texts := map[string]bool{}
	attrs := map[string]string{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if n.Data == "tr" {
				rows = append(rows, n)
			}
			if n.Data == "script" {
				t.Errorf("a value became a script element")
			}
			for _, a := range n.Attr {
				if len(rows) == 1 {
					attrs[n.Data+"."+a.Key] = a.Val
				}
			}
		case html.TextNode:
			if len(rows) == 1 {
				texts[n.Data] = true
			}
		case html.CommentNode:
			t.Errorf("a value became a comment: %q", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	r := p.Rows[0]
	for _, want := range []string{r.Who, r.Subject, r.Date, r.Size, p.Labels.Flagged, p.Labels.Unread + ": ", p.Actions.LabelSelect + " " + r.Subject} {
		if !texts[want] {
			t.Errorf("text %q not found in %v", want, texts)
		}
	}
	for key, want := range map[string]string{
		"a.href": r.URL, "td.title": r.WhoFull, "time.title": r.DateFull, "input.value": "7",
		"img.src": p.Labels.ClipURL, "img.alt": p.Labels.Attachment, "img.title": p.Labels.Attachment,
	} {
		if attrs[key] != want {
			t.Errorf("%s = %q, want %q", key, attrs[key], want)
		}
	}
	if got := attrs["tr.class"]; got != "unread" {
		t.Errorf("unread row class %q", got)
	}
}
