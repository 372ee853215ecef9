package demo

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-message"
)

// part is a node of a MIME tree: a leaf with a body, or a multipart with
// children. Built with go-message, so encodings and RFC 2047 words are right.
type part struct {
	header   message.Header
	body     []byte
	children []*part
}

// textPart is a text/plain UTF-8 part, quoted-printable.
func textPart(s string) *part {
	p := &part{body: []byte(crlf(s))}
	p.header.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	p.header.Set("Content-Transfer-Encoding", "quoted-printable")
	return p
}

// htmlPart is a text/html UTF-8 part, quoted-printable.
func htmlPart(s string) *part {
	p := &part{body: []byte(crlf(s))}
	p.header.SetContentType("text/html", map[string]string{"charset": "utf-8"})
	p.header.Set("Content-Transfer-Encoding", "quoted-printable")
	return p
}

func multipart(subtype string, children ...*part) *part {
	p := &part{children: children}
	p.header.SetContentType("multipart/"+subtype, nil)
	return p
}

// alternative is multipart/alternative (plain text first, RFC 2046 §5.1.4).
func alternative(children ...*part) *part { return multipart("alternative", children...) }

// mixed is multipart/mixed: the body, then attachments.
func mixed(children ...*part) *part { return multipart("mixed", children...) }

// related is multipart/related (RFC 2387): HTML and the images it references.
func related(children ...*part) *part {
	p := multipart("related", children...)
	p.header.SetContentType("multipart/related", map[string]string{"type": "text/html"})
	return p
}

// filenameStyle says how an attachment's non-ASCII file name is encoded.
type filenameStyle int

const (
	// filenameRFC2047 is go-message's default: filename="=?utf-8?q?...?="
	// (what Outlook and Gmail write too).
	filenameRFC2047 filenameStyle = iota
	// filenameRFC2231 is filename*=utf-8''... (RFC 2231 §4).
	filenameRFC2231
	// filenameRFC2231Continued splits the RFC 2231 value in numbered
	// sections, filename*0*=...; filename*1*=... (RFC 2231 §3).
	filenameRFC2231Continued
)

// attachment is a base64 attachment.
func attachment(contentType, filename string, data []byte, style filenameStyle) *part {
	p := &part{body: data}
	switch style {
	case filenameRFC2231:
		p.header.Set("Content-Type", contentType)
		p.header.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	case filenameRFC2231Continued:
		p.header.Set("Content-Type", contentType)
		p.header.AddRaw([]byte(continuedDisposition(filename)))
	default:
		p.header.SetContentType(contentType, map[string]string{"name": filename})
		p.header.SetContentDisposition("attachment", map[string]string{"filename": filename})
	}
	p.header.Set("Content-Transfer-Encoding", "base64")
	return p
}

// continuedDisposition writes a Content-Disposition header field whose
// filename is percent-encoded UTF-8 in sections of at most 40 bytes.
func continuedDisposition(filename string) string {
	enc := url.PathEscape(filename)
	var b strings.Builder
	b.WriteString("Content-Disposition: attachment")
	for i := 0; len(enc) > 0; i++ {
		n := min(40, len(enc))
		// Never split a %XX escape.
		if j := strings.LastIndexByte(enc[:n], '%'); j >= 0 && j > n-3 {
			n = j
		}
		chunk := enc[:n]
		enc = enc[n:]
		if i == 0 {
			chunk = "utf-8''" + chunk
		}
		fmt.Fprintf(&b, ";\r\n filename*%d*=%s", i, chunk)
	}
	b.WriteString("\r\n")
	return b.String()
}

// inlineImage is an image referenced from HTML as cid:<id>.
func inlineImage(contentType, id, filename string, data []byte) *part {
	p := &part{body: data}
	p.header.SetContentType(contentType, map[string]string{"name": filename})
	p.header.SetContentDisposition("inline", map[string]string{"filename": filename})
	p.header.Set("Content-ID", "<"+id+">")
	p.header.Set("Content-Transfer-Encoding", "base64")
	return p
}

// writeMessage writes the header fields (already encoded, in the order
// given) and the body tree. Multipart boundaries are derived from key so the
// output is byte-for-byte deterministic.
func writeMessage(w io.Writer, fields [][2]string, body *part, key string) error {
	// textproto writes fields in the reverse order of insertion: insert the
	// MIME fields first, then the message fields from last to first.
	n := 0
	bh := body.header.Copy()
	setBoundaries(&bh, body, key, &n)
	var top message.Header
	for _, f := range []string{"Content-Disposition", "Content-Transfer-Encoding", "Content-Type"} {
		if v := bh.Get(f); v != "" {
			top.Add(f, v)
		}
	}
	top.Add("MIME-Version", "1.0")
	for i := len(fields) - 1; i >= 0; i-- {
		top.Add(fields[i][0], fields[i][1])
	}
	mw, err := message.CreateWriter(w, top)
	if err != nil {
		return fmt.Errorf("create message writer: %w", err)
	}
	if err := writeBody(mw, body, key, &n); err != nil {
		return err
	}
	return mw.Close()
}

// setBoundaries fixes the boundary of a multipart header.
func setBoundaries(h *message.Header, p *part, key string, n *int) {
	t, params, _ := h.ContentType()
	if !strings.HasPrefix(t, "multipart/") {
		return
	}
	if params == nil {
		params = map[string]string{}
	}
	*n++
	params["boundary"] = fmt.Sprintf("=_siantar_%s_%d", key, *n)
	h.SetContentType(t, params)
}

func writeBody(mw *message.Writer, p *part, key string, n *int) error {
	if len(p.children) == 0 {
		if _, err := mw.Write(p.body); err != nil {
			return fmt.Errorf("write part: %w", err)
		}
		return nil
	}
	for _, c := range p.children {
		// Constructors set Content-Type first; textproto would write it
		// last. Re-insert so the fields come out in the order they were set.
		var h message.Header
		for f := c.header.Fields(); f.Next(); {
			h.Add(f.Key(), f.Value())
		}
		setBoundaries(&h, c, key, n)
		cw, err := mw.CreatePart(h)
		if err != nil {
			return fmt.Errorf("create part: %w", err)
		}
		if err := writeBody(cw, c, key, n); err != nil {
			return err
		}
		if err := cw.Close(); err != nil {
			return fmt.Errorf("close part: %w", err)
		}
	}
	return nil
}

// crlf turns "\n" line ends into CRLF (RFC 5322 §2.3).
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// Generated attachments. They are built in code (no binary files in the
// repository) and are valid files of their type.

// pngChart draws a small bar chart.
func pngChart(values []int) []byte {
	const w, h = 160, 90
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := color.RGBA{0xf7, 0xf9, 0xfc, 0xff}
	bar := color.RGBA{0x1f, 0x6f, 0xb2, 0xff}
	axis := color.RGBA{0x44, 0x44, 0x44, 0xff}
	fill(img, image.Rect(0, 0, w, h), bg)
	fill(img, image.Rect(10, h-10, w-6, h-9), axis)
	fill(img, image.Rect(10, 6, 11, h-9), axis)
	maxV := 1
	for _, v := range values {
		maxV = max(maxV, v)
	}
	bw := (w - 24) / max(1, len(values))
	for i, v := range values {
		x := 14 + i*bw
		top := h - 10 - v*(h-20)/maxV
		fill(img, image.Rect(x, top, x+bw-4, h-10), bar)
	}
	return encodePNG(img)
}

// pngLogo draws a round emblem: the "logo" of the inline cid: image.
func pngLogo() []byte {
	const s = 48
	img := image.NewRGBA(image.Rect(0, 0, s, s))
	green := color.RGBA{0x0b, 0x6e, 0x4f, 0xff}
	gold := color.RGBA{0xe8, 0xb0, 0x1c, 0xff}
	for y := 0; y < s; y++ {
		for x := 0; x < s; x++ {
			dx, dy := x-s/2, y-s/2
			switch d := dx*dx + dy*dy; {
			case d < 14*14:
				img.Set(x, y, gold)
			case d < 23*23:
				img.Set(x, y, green)
			}
		}
	}
	return encodePNG(img)
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(fmt.Sprintf("demo: encode PNG: %v", err)) // cannot fail on a bytes.Buffer
	}
	return buf.Bytes()
}

// pdfDocument writes a one-page PDF 1.4 with a title and lines of text in
// Helvetica. Non-ASCII characters are replaced (the standard font's
// encoding is not UTF-8).
func pdfDocument(title string, lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT\n/F1 16 Tf\n56 780 Td\n(" + pdfString(title) + ") Tj\n/F1 11 Tf\n0 -28 Td\n")
	for _, l := range lines {
		content.WriteString("(" + pdfString(l) + ") Tj\n0 -16 Td\n")
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Title (" + pdfString(title) + ") /Producer (webmail demo) >>",
	}
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return buf.Bytes()
}

// pdfString escapes a PDF literal string and replaces non-ASCII.
func pdfString(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "(", "\\(", ")", "\\)", "–", "-", "—", "-", "’", "'", "“", "\"", "”", "\"")
	s = r.Replace(s)
	return strings.Map(func(c rune) rune {
		if c > 126 {
			return '?'
		}
		return c
	}, s)
}

// docxDocument writes a minimal, valid Office Open XML word-processing file.
func docxDocument(title string, paragraphs []string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	modified := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC) // fixed: deterministic bytes
	add := func(name, content string) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			panic(fmt.Sprintf("demo: docx %s: %v", name, err)) // cannot fail on a bytes.Buffer
		}
		if _, err := io.WriteString(w, content); err != nil {
			panic(fmt.Sprintf("demo: docx %s: %v", name, err))
		}
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`)
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	doc.WriteString(`<w:p><w:r><w:rPr><w:b/><w:sz w:val="32"/></w:rPr><w:t>` + xmlEscape(title) + `</w:t></w:r></w:p>`)
	for _, p := range paragraphs {
		doc.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + xmlEscape(p) + `</w:t></w:r></w:p>`)
	}
	doc.WriteString(`</w:body></w:document>`)
	add("word/document.xml", doc.String())
	if err := zw.Close(); err != nil {
		panic(fmt.Sprintf("demo: docx: %v", err))
	}
	return buf.Bytes()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// Media types of the generated attachments.
const (
	typePDF  = "application/pdf"
	typePNG  = "image/png"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
