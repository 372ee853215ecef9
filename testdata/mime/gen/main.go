// Command gen writes the MIME fixture set of the reading view:
// testdata/mime/*.eml and testdata/mime/expect.json (what the rendered
// page must show for each). Run from the module root:
//
//	go run ./testdata/mime/gen
//
// The 5 MB attachment fixture is not stored: webmail/mime_fixtures_test.go
// builds it in memory.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Expect is what the reading view of one fixture must show.
type Expect struct {
	File        string   `json:"file"`
	Case        string   `json:"case"`
	Subject     string   `json:"subject"`
	FromName    string   `json:"from_name,omitempty"`
	FromAddr    string   `json:"from_addr"`
	Phrase      string   `json:"phrase"`
	Attachments []string `json:"attachments"`
	// Problems is set for broken mail: the page must carry the note.
	Problems bool `json:"problems,omitempty"`
	// Calendar is a phrase of the invitation summary, when there is one.
	Calendar string `json:"calendar,omitempty"`
	// Inner is the subject of an attached message, opened on its own.
	Inner string `json:"inner,omitempty"`
}

const to = "To: Bagian Tata Usaha <tatausaha@pematangsiantar.go.id>\r\n"
const date = "Date: Wed, 26 Nov 2025 09:15:00 +0700\r\n"

var (
	out     []Expect
	dir     string
	counter int
)

func enc(e encoding.Encoding, s string) string {
	b, err := e.NewEncoder().String(s)
	if err != nil {
		log.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// word is one RFC 2047 encoded word of s (already in charset cs).
func word(cs string, q bool, s string) string {
	if q {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == ' ':
				b.WriteByte('_')
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
				b.WriteByte(c)
			default:
				fmt.Fprintf(&b, "=%02X", c)
			}
		}
		return "=?" + cs + "?Q?" + b.String() + "?="
	}
	return "=?" + cs + "?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

func b64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return out.String() + s + "\r\n"
}

func write(name string, raw string, e Expect) {
	counter++
	e.File = fmt.Sprintf("%02d-%s.eml", counter, name)
	e.Case = name
	if e.Attachments == nil {
		e.Attachments = []string{}
	}
	if err := os.WriteFile(filepath.Join(dir, e.File), []byte(raw), 0o644); err != nil {
		log.Fatal(err)
	}
	out = append(out, e)
}

// legacy is one charset case: subject, sender name, body and an
// attachment name in that charset.
type legacy struct {
	name, cs string
	e        encoding.Encoding
	subject  string
	from     string
	body     string
	file     string
	rfc2231  bool // the file name as RFC 2231 rather than RFC 2047
}

func main() {
	dir = "testdata/mime"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	olds, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, f := range olds {
		os.Remove(f)
	}

	cases := []legacy{
		{"utf-8", "UTF-8", encoding.Nop, "Rapat Koordinasi – Anggaran 2026", "Dinas Pendidikan Kota", "Selamat pagi, mohon hadir tepat waktu — terima kasih.", "Jadwal – Rapat.pdf", false},
		{"iso-8859-1", "ISO-8859-1", charmap.ISO8859_1, "Café für Straße", "Jürgen Müller", "Grüße aus München, señor García.", "Bücher.pdf", true},
		{"iso-8859-2", "ISO-8859-2", charmap.ISO8859_2, "Zażółć gęślą jaźń", "Paweł Łukasiewicz", "Zażółć gęślą jaźń, pozdrawiam.", "Łódź.pdf", false},
		{"iso-8859-15", "ISO-8859-15", charmap.ISO8859_15, "Prix: 100 € pour l'œuvre", "Élodie Bœuf", "L'œuvre coûte 100 € seulement.", "Œuvre €.pdf", true},
		{"windows-1250", "windows-1250", charmap.Windows1250, "Příliš žluťoučký kůň", "Jiří Dvořák", "Příliš žluťoučký kůň úpěl ďábelské ódy.", "Účet.pdf", false},
		{"windows-1251", "windows-1251", charmap.Windows1251, "Привет из Москвы", "Иван Петров", "Съешь же ещё этих мягких французских булок.", "Отчёт.pdf", true},
		{"windows-1252", "windows-1252", charmap.Windows1252, "“Smart quotes” – €5 deal", "Zoë O’Brien", "It’s a “deal” for €5 — really.", "Résumé – Zoë.pdf", false},
		{"koi8-r", "KOI8-R", charmap.KOI8R, "Съешь ещё булок", "Дмитрий Соколов", "В чащах юга жил бы цитрус.", "Письмо.txt", false},
		{"gb2312", "GB2312", simplifiedchinese.HZGB2312, "", "", "", "", false}, // replaced below
		{"gbk", "GBK", simplifiedchinese.GBK, "欢迎访问政府网站", "王小明", "欢迎访问我们的网站，谢谢。", "报告.pdf", true},
		{"big5", "Big5", traditionalchinese.Big5, "繁體中文測試", "陳大文", "這是繁體中文的測試郵件。", "會議記錄.pdf", false},
		{"shift_jis", "Shift_JIS", japanese.ShiftJIS, "会議のお知らせ", "山田太郎", "こんにちは、会議は明日です。", "資料.pdf", false},
		{"euc-kr", "EUC-KR", korean.EUCKR, "회의 안내", "김철수", "안녕하세요, 회의는 내일입니다.", "보고서.pdf", true},
	}
	// GB2312 is encoded with GBK's encoder (GB2312 is its subset).
	cases[8] = legacy{"gb2312", "GB2312", simplifiedchinese.GBK, "你好世界", "李华", "你好，世界！欢迎光临。", "文件.pdf", false}

	for i, c := range cases {
		q := i%2 == 1
		subj := enc(c.e, c.subject)
		// Subject: two adjacent encoded words on folded lines, split at a
		// space, one B and one Q: the decoder must join them.
		half := strings.Index(c.subject, " ")
		var subjHdr string
		if half > 0 {
			a, b := enc(c.e, c.subject[:half]), enc(c.e, c.subject[half:])
			subjHdr = word(c.cs, q, a) + "\r\n " + word(c.cs, !q, b)
		} else {
			subjHdr = word(c.cs, q, subj)
		}
		fromHdr := word(c.cs, !q, enc(c.e, c.from))
		var fileParams string
		encFile := enc(c.e, c.file)
		if c.rfc2231 {
			// Split in continuations: filename*0*=cs''..; filename*1*=..
			esc := pctEncode(encFile)
			cut := len(esc) / 2
			for cut > 0 && cut < len(esc) && (esc[cut-1] == '%' || (cut > 1 && esc[cut-2] == '%')) {
				cut++
			}
			fileParams = "; filename*0*=" + c.cs + "''" + esc[:cut] + ";\r\n filename*1*=" + esc[cut:]
		} else {
			fileParams = "; filename=\"" + word(c.cs, q, encFile) + "\""
		}
		bodyBytes := enc(c.e, c.body)
		var body string
		cte := "8bit"
		if q {
			cte = "base64"
			body = b64([]byte(bodyBytes))
		} else {
			body = bodyBytes + "\r\n"
		}
		raw := "From: " + fromHdr + " <pengirim" + fmt.Sprint(i) + "@example.org>\r\n" + to +
			"Subject: " + subjHdr + "\r\n" + date + "Message-ID: <cs-" + c.name + "@fixture>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
			"--b1\r\nContent-Type: text/plain; charset=" + c.cs + "\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n" + body +
			"--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment" + fileParams + "\r\n" +
			"Content-Transfer-Encoding: base64\r\n\r\n" + b64([]byte("lampiran "+c.name)) + "--b1--\r\n"
		write("charset-"+c.name, raw, Expect{Subject: c.subject, FromName: c.from, FromAddr: fmt.Sprintf("pengirim%d@example.org", i),
			Phrase: c.body, Attachments: []string{c.file}})
	}

	// RFC 2231 continuations, mixed encoded and plain pieces, UTF-8.
	write("rfc2231-continuations", "From: Bagian Keuangan <keuangan@pematangsiantar.go.id>\r\n"+to+
		"Subject: Laporan keuangan tahunan\r\n"+date+"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"+
		"--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nTerlampir laporan keuangan tahun 2025.\r\n"+
		"--b\r\nContent-Type: application/pdf;\r\n name*0*=utf-8''Laporan%20Keuangan%20;\r\n name*1*=Tahun%202025%20%E2%80%93%20;\r\n name*2=\"Final.pdf\"\r\n"+
		"Content-Disposition: attachment;\r\n filename*0*=utf-8''Laporan%20Keuangan%20;\r\n filename*1*=Tahun%202025%20%E2%80%93%20;\r\n filename*2=\"Final.pdf\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
		Expect{Subject: "Laporan keuangan tahunan", FromName: "Bagian Keuangan", FromAddr: "keuangan@pematangsiantar.go.id",
			Phrase: "Terlampir laporan keuangan tahun 2025.", Attachments: []string{"Laporan Keuangan Tahun 2025 – Final.pdf"}})

	// RFC 6532: raw UTF-8 in the headers.
	write("raw-utf8-headers", "From: Dédé Siregar <dede@pematangsiantar.go.id>\r\n"+to+
		"Subject: Undangan Syukuran 🎉 Ñandú – Tahun Baru\r\n"+date+"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"+
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nMari merayakan bersama — semua hadir ya 🎉.\r\n"+
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"Daftar Hadir – Ünï.pdf\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
		Expect{Subject: "Undangan Syukuran 🎉 Ñandú – Tahun Baru", FromName: "Dédé Siregar", FromAddr: "dede@pematangsiantar.go.id",
			Phrase: "Mari merayakan bersama — semua hadir ya 🎉.", Attachments: []string{"Daftar Hadir – Ünï.pdf"}})

	// 8-bit body with no charset: Latin-1 bytes (not UTF-8).
	write("8bit-no-charset", "From: Pierre Dupont <pierre@example.fr>\r\n"+to+"Subject: Bonne journee\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
		enc(charmap.ISO8859_1, "Bonne journée à tous, à bientôt.")+"\r\n",
		Expect{Subject: "Bonne journee", FromName: "Pierre Dupont", FromAddr: "pierre@example.fr", Phrase: "Bonne journée à tous, à bientôt."})

	// mixed > alternative > related with a cid image, plus an attachment.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xfc\xcf\xc0P\x0f\x00\x04\x85\x01\x80\x84\xa9\x8c!\x00\x00\x00\x00IEND\xaeB`\x82")
	write("nested-related", "From: Humas Pemko <humas@pematangsiantar.go.id>\r\n"+to+"Subject: Buletin mingguan\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n"+
		"--mix\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"+
		"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVersi teks buletin mingguan.\r\n"+
		"--alt\r\nContent-Type: multipart/related; boundary=\"rel\"\r\n\r\n"+
		"--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><h1>Buletin</h1><p>Kegiatan pekan ini di balai kota.</p><img src=\"cid:logo@pemko\" alt=\"Logo\"></body></html>\r\n"+
		"--rel\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-ID: <logo@pemko>\r\nContent-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"+b64(png)+
		"--rel--\r\n--alt--\r\n"+
		"--mix\r\nContent-Type: application/pdf; name=\"Agenda.pdf\"\r\nContent-Disposition: attachment; filename=\"Agenda.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--mix--\r\n",
		Expect{Subject: "Buletin mingguan", FromName: "Humas Pemko", FromAddr: "humas@pematangsiantar.go.id",
			Phrase: "Kegiatan pekan ini di balai kota.", Attachments: []string{"Agenda.pdf"}})

	// message/rfc822 attachment.
	inner := "From: Kepala Dinas <kadis@pematangsiantar.go.id>\r\nTo: staf@pematangsiantar.go.id\r\nSubject: Disposisi surat masuk\r\n" +
		"Date: Mon, 24 Nov 2025 08:00:00 +0700\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"in\"\r\n\r\n" +
		"--in\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMohon ditindaklanjuti segera, terima kasih.\r\n" +
		"--in\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"Surat-Masuk.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--in--\r\n"
	write("message-rfc822", "From: Sekretariat <sekretariat@pematangsiantar.go.id>\r\n"+to+"Subject: Fwd: Disposisi surat masuk\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"out\"\r\n\r\n"+
		"--out\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBerikut pesan yang diteruskan.\r\n"+
		"--out\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"+inner+"--out--\r\n",
		Expect{Subject: "Fwd: Disposisi surat masuk", FromName: "Sekretariat", FromAddr: "sekretariat@pematangsiantar.go.id",
			Phrase: "Berikut pesan yang diteruskan.", Attachments: []string{"Disposisi surat masuk.eml"}, Inner: "Disposisi surat masuk"})

	// text/calendar invitation.
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Fixture//ID\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:rapat-1@fixture\r\n" +
		"SUMMARY:Rapat Evaluasi Program\r\nDTSTART;TZID=Asia/Jakarta:20251201T090000\r\nDTEND;TZID=Asia/Jakarta:20251201T110000\r\n" +
		"LOCATION:Ruang Rapat Lt. 2\\, Balai Kota\r\nORGANIZER;CN=Sekretaris Daerah:mailto:sekda@pematangsiantar.go.id\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	write("calendar-invite", "From: Sekretaris Daerah <sekda@pematangsiantar.go.id>\r\n"+to+"Subject: Undangan: Rapat Evaluasi Program\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"+
		"--m\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"+
		"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnda diundang ke rapat evaluasi program.\r\n"+
		"--a\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n"+ics+"--a--\r\n"+
		"--m\r\nContent-Type: application/ics; name=\"undangan.ics\"\r\nContent-Disposition: attachment; filename=\"undangan.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"+b64([]byte(ics))+"--m--\r\n",
		Expect{Subject: "Undangan: Rapat Evaluasi Program", FromName: "Sekretaris Daerah", FromAddr: "sekda@pematangsiantar.go.id",
			Phrase: "Anda diundang ke rapat evaluasi program.", Attachments: []string{"undangan.ics"}, Calendar: "Ruang Rapat Lt. 2, Balai Kota"})

	// 100 attachments.
	var many strings.Builder
	var names []string
	many.WriteString("From: Arsip <arsip@pematangsiantar.go.id>\r\n" + to + "Subject: Seratus lampiran\r\n" + date +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBerkas arsip terlampir semuanya.\r\n")
	for i := 1; i <= 100; i++ {
		n := fmt.Sprintf("arsip-%03d.txt", i)
		names = append(names, n)
		fmt.Fprintf(&many, "--m\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"%s\"\r\n\r\nBerkas nomor %d.\r\n", n, i)
	}
	many.WriteString("--m--\r\n")
	write("100-attachments", many.String(), Expect{Subject: "Seratus lampiran", FromName: "Arsip", FromAddr: "arsip@pematangsiantar.go.id",
		Phrase: "Berkas arsip terlampir semuanya.", Attachments: names})

	// Broken mail.
	write("broken-no-content-type", "From: Tanpa Tipe <tanpa@example.org>\r\n"+to+"Subject: Pesan tanpa Content-Type\r\n"+date+
		"\r\nIsi pesan tanpa tipe konten sama sekali.\r\n",
		Expect{Subject: "Pesan tanpa Content-Type", FromName: "Tanpa Tipe", FromAddr: "tanpa@example.org", Phrase: "Isi pesan tanpa tipe konten sama sekali."})

	write("broken-part-no-content-type", "From: Tanpa Tipe <tanpa@example.org>\r\n"+to+"Subject: Bagian tanpa Content-Type\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\nBagian pertama tanpa header apa pun.\r\n"+
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"Lampiran.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
		Expect{Subject: "Bagian tanpa Content-Type", FromName: "Tanpa Tipe", FromAddr: "tanpa@example.org",
			Phrase: "Bagian pertama tanpa header apa pun.", Attachments: []string{"Lampiran.pdf"}})

	good := base64.StdEncoding.EncodeToString([]byte("Selamat pagi semuanya, rapat dimulai pukul sembilan."))
	write("broken-base64", "From: Base Rusak <b64@example.org>\r\n"+to+"Subject: Base64 rusak\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"+good+"\r\n=AB*C$$\r\n!!!QUJD\r\n",
		Expect{Subject: "Base64 rusak", FromName: "Base Rusak", FromAddr: "b64@example.org",
			Phrase: "Selamat pagi semuanya, rapat dimulai pukul sembilan.", Problems: true})

	write("broken-quoted-printable", "From: QP Rusak <qp@example.org>\r\n"+to+"Subject: Quoted-printable rusak\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+
		"Harga naik =E2=80=93 lihat tabel =ZZ di bawah.\r\nBaris kedua tetap terbaca =\r\nsampai akhir.\r\n",
		Expect{Subject: "Quoted-printable rusak", FromName: "QP Rusak", FromAddr: "qp@example.org",
			Phrase: "Baris kedua tetap terbaca sampai akhir.", Problems: true})

	write("broken-unknown-charset", "From: =?x-unknown?Q?Pengirim_Aneh?= <aneh@example.org>\r\n"+to+"Subject: =?x-unknown?Q?Charset_tak_dikenal?=\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nIsi dengan charset yang tidak dikenal.\r\n",
		Expect{Subject: "Charset tak dikenal", FromName: "Pengirim Aneh", FromAddr: "aneh@example.org",
			Phrase: "Isi dengan charset yang tidak dikenal.", Problems: true})

	write("broken-unknown-encoding", "From: Kode Aneh <kode@example.org>\r\n"+to+"Subject: Transfer encoding tak dikenal\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: x-bogus\r\n\r\nTeks ini tetap harus tampil apa adanya.\r\n",
		Expect{Subject: "Transfer encoding tak dikenal", FromName: "Kode Aneh", FromAddr: "kode@example.org",
			Phrase: "Teks ini tetap harus tampil apa adanya.", Problems: true})

	write("broken-truncated-multipart", "From: Terpotong <potong@example.org>\r\n"+to+"Subject: Multipart terpotong\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"cut\"\r\n\r\n--cut\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Bagian yang masih utuh dari pesan terpotong.\r\n--cut\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"Potongan.pdf\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJ",
		Expect{Subject: "Multipart terpotong", FromName: "Terpotong", FromAddr: "potong@example.org",
			Phrase: "Bagian yang masih utuh dari pesan terpotong."})

	write("broken-header-no-colon", "From: Tanpa Titik Dua <kolon@example.org>\r\n"+to+"Subject: Header tanpa titik dua\r\n"+
		"Ini baris header tanpa titik dua\r\n"+date+"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIsi pesan setelah header rusak.\r\n",
		Expect{Subject: "Header tanpa titik dua", FromName: "Tanpa Titik Dua", FromAddr: "kolon@example.org", Phrase: "Isi pesan setelah header rusak."})

	// format=flowed plain text, DelSp=yes.
	write("format-flowed", "From: Alir Teks <alir@example.org>\r\n"+to+"Subject: Teks mengalir\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n"+
		"Paragraf ini dipecah oleh klien menjadi beberapa baris yang sambung- \r\nmenyambung dan harus digabungkan kembali.  \r\nSelesai.\r\n\r\n> Kutipan yang juga  \r\n> mengalir.\r\n",
		Expect{Subject: "Teks mengalir", FromName: "Alir Teks", FromAddr: "alir@example.org",
			Phrase: "Paragraf ini dipecah oleh klien menjadi beberapa baris yang sambung-menyambung dan harus digabungkan kembali. Selesai.\n\n> Kutipan yang juga mengalir."})

	// HTML with a text alternative (the plain-text switch).
	write("html-and-text", "From: Humas <humas@pematangsiantar.go.id>\r\n"+to+"Subject: Siaran pers\r\n"+date+
		"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"+
		"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVersi teks siaran pers.\r\n"+
		"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Versi <b>HTML</b> siaran pers.</p>\r\n--a--\r\n",
		Expect{Subject: "Siaran pers", FromName: "Humas", FromAddr: "humas@pematangsiantar.go.id", Phrase: "siaran pers."})

	js, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "expect.json"), append(js, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %d fixtures to %s\n", len(out), dir)
}

// pctEncode is RFC 2231's percent-encoding of raw bytes.
func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
