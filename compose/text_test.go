package compose

import (
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", ``, ``},
		{"editor lines", `<div>Yth. Bapak/Ibu,</div><div><br></div><div>Mohon hadir.</div>`,
			"Yth. Bapak/Ibu,\n\nMohon hadir.\n"},
		{"inline formatting keeps words whole", `<div>Mohon <b>hadir</b>, di Pe<span style="color:red">ma</span>tang<i>siantar</i>.</div>`,
			"Mohon hadir, di Pematangsiantar.\n"},
		{"paragraphs", `<p>satu</p><p>dua<br>tiga</p>`, "satu\n\ndua\ntiga\n"},
		{"trailing br in a block", `<div>satu<br></div><div>dua</div>`, "satu\ndua\n"},
		{"white space", "<div>  a\n\t b&nbsp;&nbsp;c  </div>", "a b  c\n"},
		{"br br", `a<br><br>b`, "a\n\nb\n"},
		{"list", `<ul><li>satu</li><li>dua</li></ul>`, "- satu\n- dua\n"},
		{"ordered and nested", `<ol><li>a</li><li>b<ol><li>b1</li></ol></li></ol><ol start="7"><li>g</li></ol>`,
			"1. a\n2. b\n   1. b1\n\n7. g\n"},
		{"list item continuation", `<ul><li>baris<br>lanjutan</li></ul>`, "- baris\n  lanjutan\n"},
		{"links", `<a href="https://pematangsiantar.go.id/agenda">agenda</a> <a href="https://pematangsiantar.go.id/">https://pematangsiantar.go.id/</a> <a href="https://x.example/a">https://x.example/a</a> <a href="mailto:boi@pematangsiantar.go.id">Boi</a> <a href="mailto:siti@pematangsiantar.go.id">siti@pematangsiantar.go.id</a> <a href="https://x.example/img"></a>`,
			"agenda (https://pematangsiantar.go.id/agenda) https://pematangsiantar.go.id/ https://x.example/a Boi (boi@pematangsiantar.go.id) siti@pematangsiantar.go.id https://x.example/img\n"},
		{"blockquote", `<p>Pada Senin, Boi menulis:</p><blockquote type="cite"><div>kutipan satu</div><div>dua</div><blockquote><p>lebih dalam</p></blockquote></blockquote><p>balasan</p>`,
			"Pada Senin, Boi menulis:\n\n> kutipan satu\n> dua\n>\n>> lebih dalam\n\nbalasan\n"},
		{"table", `<table><thead><tr><th>Nama</th><th>NIP</th></tr></thead><tbody><tr><td>Boi</td><td>1234</td></tr><tr><td></td><td>5678</td></tr></tbody></table>`,
			"Nama | NIP\nBoi | 1234\n5678\n"},
		{"layout table", `<table><tr><td><p>Kop surat</p><p>Alamat</p></td><td>kanan</td></tr></table>`,
			"Kop surat\n\nAlamat\nkanan\n"},
		{"table in quote", `<blockquote><table><tr><td>a</td><td>b</td></tr></table></blockquote>`, "> a | b\n"},
		{"headings and rule", `<h1>Judul</h1>isi<hr>akhir`, "Judul\n\nisi\n\n--------------------\n\nakhir\n"},
		{"pre", "<pre>  kode\n    baris</pre>", "  kode\n    baris\n"},
		{"image link", `<p><a href="https://pematangsiantar.go.id/"><img src="cid:a@b" alt="Pemko"></a> <a href="https://x.go.id/"><img src="cid:c@d"></a></p>`,
			"Pemko (https://pematangsiantar.go.id/) https://x.go.id/\n"},
		{"image alt", `<p>Logo: <img src="cid:a@b" alt="Pemko"></p>`, "Logo: Pemko\n"},
		{"skipped", `<html><head><title>T</title><style>p{}</style></head><body><script>x()</script><p>isi</p></body></html>`, "isi\n"},
		{"entities", `<p>&lt;b&gt; &amp; &quot;kutip&quot; &#8211; &eacute;</p>`, "<b> & \"kutip\" – é\n"},
		{"reply frame", QuoteReply("Pada 4 Maret, Boi menulis:", "<p>Halo</p>", ""), "Pada 4 Maret, Boi menulis:\n\n> Halo\n"},
	} {
		if got := HTMLToText(tc.in); got != tc.want {
			t.Errorf("%s: HTMLToText(%s)\n = %q\nwant %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestTextToHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a\r\nb", "a<br>\nb"},
		{"<script>&", "&lt;script&gt;&amp;"},
		{"lihat https://x.go.id/a?b=1&c=2.", `lihat <a href="https://x.go.id/a?b=1&amp;c=2">https://x.go.id/a?b=1&amp;c=2</a>.`},
		{"(https://x.go.id/a) dan http://y.go.id/wiki/A_(b)", `(<a href="https://x.go.id/a">https://x.go.id/a</a>) dan <a href="http://y.go.id/wiki/A_(b)">http://y.go.id/wiki/A_(b)</a>`},
		{`"https://x.go.id/"onmouseover="alert(1)`, `&#34;<a href="https://x.go.id/">https://x.go.id/</a>&#34;onmouseover=&#34;alert(1)`},
		{"javascript:alert(1) ftp://x", "javascript:alert(1) ftp://x"},
	} {
		if got := TextToHTML(tc.in); got != tc.want {
			t.Errorf("TextToHTML(%q)\n = %s\nwant %s", tc.in, got, tc.want)
		}
		checkInert(t, TextToHTML(tc.in))
	}
}

func TestQuoteReply(t *testing.T) {
	got := QuoteReply("Pada 4 Maret 2025 09.30, Boi <boi@x.go.id> menulis:",
		`<html><head><style>p{color:red}</style></head><body><p onclick="x()">Halo <b>semua</b></p><img src="https://tracker.example/p.gif"><img src="cid:logo@x"></body></html>`, "ignored")
	want := `<p><br></p><p>Pada 4 Maret 2025 09.30, Boi &lt;boi@x.go.id&gt; menulis:</p><blockquote type="cite"><p>Halo <b>semua</b></p><img src="cid:logo@x"></blockquote>`
	if got != want {
		t.Errorf("QuoteReply HTML\n = %s\nwant %s", got, want)
	}
	got = QuoteReply("Boi menulis:", "", "baris <1>\r\nbaris 2")
	want = `<p><br></p><p>Boi menulis:</p><blockquote type="cite">baris &lt;1&gt;<br>` + "\n" + `baris 2</blockquote>`
	if got != want {
		t.Errorf("QuoteReply text\n = %s\nwant %s", got, want)
	}
	// What the editor gets back must pass the send policy unchanged.
	if SanitizeHTML(got) != got {
		t.Errorf("quote changed by SanitizeHTML: %s", SanitizeHTML(got))
	}
}

func TestForwardBody(t *testing.T) {
	lines := [][2]string{
		{"Dari", `"Boi Manalu" <boi@pematangsiantar.go.id>`},
		{"Tanggal", "Selasa, 4 Maret 2025 09.30"},
		{"Subjek", "Undangan <Rapat>"},
		{"Kepada", "siti@pematangsiantar.go.id"},
	}
	got := ForwardBody("---------- Pesan terusan ----------", lines, `<div>Isi <i>asli</i><script>x()</script></div>`, "")
	want := `<p><br></p><p>---------- Pesan terusan ----------<br>Dari: &#34;Boi Manalu&#34; &lt;boi@pematangsiantar.go.id&gt;<br>Tanggal: Selasa, 4 Maret 2025 09.30<br>Subjek: Undangan &lt;Rapat&gt;<br>Kepada: siti@pematangsiantar.go.id</p><div><div>Isi <i>asli</i></div></div>`
	if got != want {
		t.Errorf("ForwardBody\n = %s\nwant %s", got, want)
	}
	if strings.Contains(got, "blockquote") {
		t.Error("forward quoted")
	}
	text := HTMLToText(got)
	wantText := "---------- Pesan terusan ----------\nDari: \"Boi Manalu\" <boi@pematangsiantar.go.id>\nTanggal: Selasa, 4 Maret 2025 09.30\nSubjek: Undangan <Rapat>\nKepada: siti@pematangsiantar.go.id\n\nIsi asli\n"
	if text != wantText {
		t.Errorf("ForwardBody as text\n = %q\nwant %q", text, wantText)
	}
	got = ForwardBody("--", nil, "", "teks asli")
	if got != `<p><br></p><p>--</p><div>teks asli</div>` {
		t.Errorf("ForwardBody text = %s", got)
	}
}
