package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// People of the demo corpus. Offices of the city are demo accounts (so a
// reply to them is delivered); everything else is outside the city's
// domain, so mail to it is accepted and discarded. Staff names are fictional.
var (
	pDiskominfo  = person{"Dinas Komunikasi dan Informatika", "diskominfo@" + Domain}
	pBappeda     = person{"Badan Perencanaan Pembangunan Daerah", "bappeda@" + Domain}
	pSekretariat = person{"Sekretariat Daerah", "sekretariat@" + Domain}
	pBKPSDM      = person{"Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "bkpsdm@" + Domain}

	pProvinsi = person{"Dinas Kominfo Provinsi Sumatera Utara", "diskominfo@sumutprov.go.id"}
	pBuletin  = person{"Buletin Siantar Digital", "noreply@lists." + Domain}
	pNOC      = person{"Sistem Monitoring Jaringan", "noreply@noc." + Domain}
	pSIMPEG   = person{"SIMPEG Kota Pematangsiantar", "noreply@simpeg." + Domain}
	pVendor   = person{"PT Nusantara Solusi Data", "penjualan@nusantara-solusi.example"}
	pSpam     = person{"Undian Nasional Berhadiah", "hadiah@undian-nasional.example"}
	pKatering = person{"Katering Bu Rosmawati", "pesanan@katering-rosmawati.example"}
)

var (
	hariID  = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	bulanID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
)

// tanggal formats a date the Indonesian way: "Kamis, 3 Desember 2026".
func tanggal(t time.Time) string {
	return fmt.Sprintf("%s, %d %s %d", hariID[t.Weekday()], t.Day(), bulanID[t.Month()-1], t.Year())
}

// jam formats a time of day: "09.15 WIB".
func jam(t time.Time) string { return t.Format("15.04") + " WIB" }

// workday returns the date n days after t, moved past a weekend.
func workday(t time.Time, n int) time.Time {
	t = t.AddDate(0, 0, n)
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// quote is the body of a reply: text, then the original quoted.
func quote(text string, orig *seedMessage) string {
	var b strings.Builder
	b.WriteString(text)
	fmt.Fprintf(&b, "\n\nPada %s pukul %s, %s <%s> menulis:\n", tanggal(orig.date), jam(orig.date), orig.from.name, orig.from.addr)
	for _, l := range strings.Split(strings.TrimRight(orig.text, "\n"), "\n") {
		if l == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	return b.String()
}

// signature is an office's closing block.
func signature(name, title string, office person) string {
	return fmt.Sprintf("\n\nHormat kami,\n\n%s\n%s\n%s\nPemerintah Kota Pematangsiantar\n", name, title, office.name)
}

// corpus returns the demo messages, oldest first, dated relative to now.
func corpus(now time.Time) []*seedMessage {
	var msgs []*seedMessage
	add := func(m *seedMessage) *seedMessage {
		m.date = m.at.resolve(now)
		if m.replyTo != nil && !m.date.After(m.replyTo.date) {
			// Moving a weekend date back may put a reply before its
			// original: answer 47 minutes after it instead.
			m.date = m.replyTo.date.Add(47 * time.Minute)
		}
		msgs = append(msgs, m)
		return m
	}
	date := func(s stamp) time.Time { return s.resolve(now) }
	yr := now.In(wib).Year()
	allOffices := []person{pDiskominfo, pBappeda, pSekretariat, pBKPSDM}

	// Weekly newsletter: HTML with a remote banner image and a table.
	for k := 8; k >= 0; k-- {
		m := &seedMessage{
			key:     fmt.Sprintf("buletin-%d", 49-k),
			at:      anyDay(3+7*k, 7, 30),
			from:    pBuletin,
			to:      []person{{"Pelanggan Buletin Siantar Digital", "buletin@lists." + Domain}},
			bcc:     allOffices,
			subject: fmt.Sprintf("Buletin Siantar Digital – Edisi %d", 49-k),
			extra: [][2]string{
				{"List-Id", "Buletin Siantar Digital <buletin.lists." + Domain + ">"},
				{"List-Unsubscribe", "<mailto:buletin-keluar@lists." + Domain + "?subject=berhenti>"},
				{"Precedence", "bulk"},
			},
		}
		m.text, m.body = newsletter(49-k, k, date(m.at))
		add(m)
	}

	// Weekly availability report from the network monitoring system.
	for k := 8; k >= 0; k-- {
		at := anyDay(1+7*k, 6, 0)
		t := date(at)
		_, week := t.ISOWeek()
		m := &seedMessage{
			key:     fmt.Sprintf("noc-mingguan-%d", k),
			at:      at,
			from:    pNOC,
			to:      []person{pDiskominfo},
			subject: fmt.Sprintf("[NOC] Laporan Mingguan Ketersediaan Layanan – Minggu ke-%d", week),
			extra:   [][2]string{{"Auto-Submitted", "auto-generated"}},
		}
		m.text = nocReport(k, t)
		add(m)
	}
	add(&seedMessage{
		key:     "noc-sertifikat",
		at:      anyDay(5, 6, 15),
		from:    pNOC,
		to:      []person{pDiskominfo},
		subject: "[NOC] PERINGATAN: Sertifikat TLS portal.pematangsiantar.go.id kedaluwarsa dalam 14 hari",
		extra:   [][2]string{{"Auto-Submitted", "auto-generated"}, {"Importance", "high"}},
		flagged: []string{"diskominfo"},
		text: `PERINGATAN OTOMATIS – Sistem Monitoring Jaringan

Layanan    : portal.pematangsiantar.go.id (HTTPS, port 443)
Penerbit   : R11
Berlaku s/d: ` + tanggal(date(anyDay(5, 6, 15)).AddDate(0, 0, 14)) + `
Sisa waktu : 14 hari

Perpanjangan otomatis (ACME) gagal tiga kali berturut-turut:
  urn:ietf:params:acme:error:dns – DNS problem: SERVFAIL looking up CAA

Tindakan yang disarankan:
1. Periksa rekaman CAA pada zona pematangsiantar.go.id.
2. Jalankan ulang perpanjangan sertifikat setelah DNS diperbaiki.

Pesan ini dikirim otomatis; jangan membalas email ini.
`,
	})

	se := add(&seedMessage{
		key:     "se-email-resmi",
		at:      days(58, 8, 10),
		from:    pSekretariat,
		to:      []person{pDiskominfo, pBappeda, pBKPSDM},
		subject: fmt.Sprintf("Surat Edaran Wali Kota Nomor 800/412/SE/%d tentang Penggunaan Email Resmi", yr),
		folder:  map[string]string{"diskominfo": FolderArchive},
		text: `Yth. Kepala Perangkat Daerah
di lingkungan Pemerintah Kota Pematangsiantar

Bersama ini kami sampaikan Surat Edaran Wali Kota Pematangsiantar tentang
Penggunaan Email Resmi Pemerintah Daerah. Pokok-pokoknya:

1. Seluruh korespondensi kedinasan wajib menggunakan alamat email
   @pematangsiantar.go.id; email pribadi (Gmail, Yahoo, dan sejenisnya)
   tidak digunakan untuk surat-menyurat dinas.
2. Setiap perangkat daerah mengelola satu alamat email resmi unit kerja
   dan menunjuk satu orang admin.
3. Kata sandi diganti paling lambat setiap 90 hari dan tidak dibagikan.
4. Lampiran yang bersifat rahasia dikirim melalui aplikasi Srikandi.

Surat edaran lengkap terlampir. Atas perhatian dan kerja samanya kami
ucapkan terima kasih.` + signature("Drs. Jonner Damanik", "Kepala Bagian Umum", pSekretariat),
	})
	se.body = mixed(textPart(se.text), attachment(typePDF, "SE Penggunaan Email Resmi.pdf", pdfDocument(
		"Surat Edaran Wali Kota Pematangsiantar",
		[]string{"Tentang: Penggunaan Email Resmi Pemerintah Daerah", "", "1. Korespondensi dinas wajib memakai alamat @pematangsiantar.go.id.", "2. Setiap perangkat daerah menunjuk satu admin email.", "3. Kata sandi diganti paling lambat setiap 90 hari.", "", "Ditetapkan di Pematangsiantar"}), filenameRFC2047))

	add(&seedMessage{
		key:     "apel-pagi",
		at:      days(55, 14, 20),
		from:    pBKPSDM,
		to:      []person{pDiskominfo, pBappeda, pSekretariat},
		subject: "Pengumuman: Jadwal Apel Pagi dan Ketentuan Pakaian Dinas",
		folder:  map[string]string{"diskominfo": FolderArchive},
		text: `Yth. Bapak/Ibu Kepala Perangkat Daerah,

Dengan hormat, bersama ini kami sampaikan bahwa mulai minggu depan:

- Apel pagi dilaksanakan setiap hari Senin pukul 07.30 WIB di halaman
  Balai Kota, dipimpin secara bergantian oleh pimpinan perangkat daerah.
- Senin–Selasa: Pakaian Dinas Harian (PDH) khaki.
- Rabu: kemeja putih dan bawahan gelap.
- Kamis: pakaian khas daerah (ulos/songket sebagai aksesori).
- Jumat: pakaian olahraga pada pagi hari, dilanjutkan batik.

Mohon agar disampaikan kepada seluruh ASN dan tenaga PPPK di unit kerja
masing-masing.` + signature("Yusuf Lubis, S.H.", "Kepala Bidang Pengembangan Aparatur", pBKPSDM),
	})

	bimtek := add(&seedMessage{
		key:     "bimtek-keamanan",
		at:      days(52, 10, 5),
		from:    pProvinsi,
		to:      []person{pDiskominfo},
		subject: fmt.Sprintf("Undangan Bimbingan Teknis Keamanan Informasi bagi Pengelola TIK Kabupaten/Kota Tahun %d", yr),
		flagged: []string{"diskominfo"},
	})
	bimtek.text = fmt.Sprintf(`Yth. Kepala Dinas Komunikasi dan Informatika
Kota Pematangsiantar

Dalam rangka meningkatkan kapasitas pengelola keamanan informasi di
kabupaten/kota, kami mengundang Saudara untuk menugaskan 2 (dua) orang
personel mengikuti Bimbingan Teknis Keamanan Informasi yang akan
dilaksanakan pada:

  Hari/tanggal : %s s.d. %s
  Tempat       : Aula Dinas Kominfo Provinsi Sumatera Utara, Medan
  Materi       : manajemen insiden, hardening server, keamanan email
                 (SPF, DKIM, DMARC), dan pengenalan CSIRT daerah

Nama peserta mohon dikirim melalui balasan email ini paling lambat
%s. Undangan resmi terlampir.

Hormat kami,

Ir. Benny Tambunan
Kepala Bidang Persandian dan Keamanan Informasi
Dinas Komunikasi dan Informatika Provinsi Sumatera Utara
`, tanggal(workday(bimtek.date, 14)), tanggal(workday(bimtek.date, 16)), tanggal(workday(bimtek.date, 7)))
	bimtek.body = mixed(textPart(bimtek.text), attachment(typePDF, "Undangan Bimtek – Keamanan Informasi.pdf", pdfDocument(
		"Undangan Bimbingan Teknis Keamanan Informasi",
		[]string{"Dinas Komunikasi dan Informatika Provinsi Sumatera Utara", "", "Peserta: 2 orang per kabupaten/kota", "Tempat: Aula Dinas Kominfo Provinsi, Medan"}), filenameRFC2047))

	triwulan := add(&seedMessage{
		key:     "laporan-triwulan",
		at:      days(50, 9, 0),
		from:    pDiskominfo,
		to:      []person{pBappeda},
		cc:      []person{pSekretariat},
		subject: "Laporan Triwulan Pengelolaan Website dan Aplikasi Pemerintah Kota",
		folder:  map[string]string{"sekretariat": FolderArchive},
		text: `Yth. Kepala Badan Perencanaan Pembangunan Daerah,

Bersama ini kami sampaikan Laporan Triwulan pengelolaan website dan
aplikasi Pemerintah Kota Pematangsiantar sebagai bahan evaluasi kinerja.

Ringkasan:
- 38 subdomain aktif, 4 di antaranya dinonaktifkan karena tidak
  diperbarui lebih dari 6 bulan;
- ketersediaan portal resmi 99,82%;
- 27 permohonan layanan TIK dari perangkat daerah, 25 selesai.

Laporan lengkap terlampir dalam format PDF.` + signature("Rudi Hartono Sinaga, S.Kom.", "Kepala Bidang Aplikasi Informatika", pDiskominfo),
	})
	triwulan.body = mixed(textPart(triwulan.text), attachment(typePDF, "Laporan Triwulan – Dinas.pdf", pdfDocument(
		"Laporan Triwulan - Dinas Komunikasi dan Informatika",
		[]string{"Pengelolaan Website dan Aplikasi Pemerintah Kota Pematangsiantar", "", "Subdomain aktif: 38", "Ketersediaan portal resmi: 99,82%", "Permohonan layanan TIK: 27 (selesai 25)"}), filenameRFC2231))

	reset := add(&seedMessage{
		key:     "reset-sandi",
		at:      days(47, 11, 30),
		from:    pBappeda,
		to:      []person{pDiskominfo},
		subject: "Permohonan reset kata sandi email staf Bidang Perencanaan",
		text: `Selamat siang Tim Diskominfo,

Mohon bantuan reset kata sandi email untuk staf kami, Sdri. Lestari
Hutagalung (Bidang Perencanaan Ekonomi), karena yang bersangkutan lupa
kata sandi setelah cuti melahirkan. Yang bersangkutan dapat dihubungi di
ekstensi 214.

Terima kasih atas bantuannya.

Salam,
Hendra Saragih, S.T.
Sekretariat Bappeda
`,
	})
	resetRe := add(&seedMessage{
		key:     "reset-sandi-re",
		at:      days(46, 8, 45),
		from:    pDiskominfo,
		to:      []person{pBappeda},
		subject: "Re: Permohonan reset kata sandi email staf Bidang Perencanaan",
		replyTo: reset,
	})
	resetRe.text = quote(`Selamat pagi Pak Hendra,

Kata sandi sementara sudah kami sampaikan langsung kepada Sdri. Lestari
melalui telepon. Saat masuk pertama kali, sistem akan meminta kata sandi
baru. Mohon diingatkan agar tidak memakai kata sandi yang sama dengan
akun lain.

Salam,
Maria Simanjuntak
Pranata Komputer, Diskominfo`, reset)

	vendor := add(&seedMessage{
		key:     "penawaran-antivirus",
		at:      days(44, 15, 10),
		from:    pVendor,
		to:      []person{pDiskominfo},
		subject: fmt.Sprintf("Penawaran Perpanjangan Lisensi Antivirus Endpoint %d", yr+1),
		folder:  map[string]string{"diskominfo": FolderProject},
		text: fmt.Sprintf(`Yth. Bapak/Ibu Dinas Komunikasi dan Informatika,

Lisensi antivirus endpoint untuk 450 perangkat di lingkungan Pemerintah
Kota Pematangsiantar akan berakhir pada akhir tahun ini. Bersama ini kami
sampaikan penawaran perpanjangan untuk tahun %d:

  Lisensi endpoint (450 perangkat) ..... Rp 157.500.000
  Konsol manajemen terpusat ............ termasuk
  Pelatihan admin (2 orang) ............ termasuk

Harga belum termasuk PPN 11%%. Penawaran berlaku 30 hari. Produk juga
tersedia di Katalog Elektronik.

Salam hangat,
Andreas Sitorus
Account Manager Pemerintahan
PT Nusantara Solusi Data
`, yr+1),
	})
	vendor.body = mixed(alternative(textPart(vendor.text), htmlPart(fmt.Sprintf(`<!DOCTYPE html>
<html><body style="font-family:Arial,Helvetica,sans-serif;color:#222;font-size:14px">
<p>Yth. Bapak/Ibu Dinas Komunikasi dan Informatika,</p>
<p>Lisensi antivirus endpoint untuk <b>450 perangkat</b> di lingkungan Pemerintah Kota Pematangsiantar akan berakhir pada akhir tahun ini. Bersama ini kami sampaikan penawaran perpanjangan untuk tahun %d:</p>
<table style="border-collapse:collapse;margin:12px 0">
<tr style="background:#0b4f8a;color:#fff"><th style="padding:6px 10px;text-align:left">Item</th><th style="padding:6px 10px;text-align:right">Harga</th></tr>
<tr><td style="padding:6px 10px;border-bottom:1px solid #ddd">Lisensi endpoint (450 perangkat)</td><td style="padding:6px 10px;border-bottom:1px solid #ddd;text-align:right">Rp 157.500.000</td></tr>
<tr><td style="padding:6px 10px;border-bottom:1px solid #ddd">Konsol manajemen terpusat</td><td style="padding:6px 10px;border-bottom:1px solid #ddd;text-align:right">termasuk</td></tr>
<tr><td style="padding:6px 10px">Pelatihan admin (2 orang)</td><td style="padding:6px 10px;text-align:right">termasuk</td></tr>
</table>
<p style="color:#666;font-size:12px">Harga belum termasuk PPN 11%%. Penawaran berlaku 30 hari.</p>
<p>Salam hangat,<br><b>Andreas Sitorus</b><br>Account Manager Pemerintahan<br>PT Nusantara Solusi Data</p>
</body></html>`, yr+1))), attachment(typePDF, fmt.Sprintf("Penawaran Harga No. 118-NSD-%d.pdf", yr), pdfDocument(
		"Penawaran Harga Perpanjangan Lisensi Antivirus", []string{"Kepada: Dinas Komunikasi dan Informatika Kota Pematangsiantar", "Lisensi endpoint 450 perangkat: Rp 157.500.000", "Harga belum termasuk PPN 11%"}), filenameRFC2047))

	mtq := add(&seedMessage{
		key:     "nota-dinas-mtq",
		at:      days(41, 9, 30),
		from:    pSekretariat,
		to:      []person{pDiskominfo},
		subject: "Nota Dinas: Dukungan Jaringan Internet untuk MTQ Tingkat Kota",
	})
	mtqDay := workday(mtq.date, 12)
	mtq.text = fmt.Sprintf(`NOTA DINAS
Nomor   : 000.1.5/287/Umum/%d
Kepada  : Kepala Dinas Komunikasi dan Informatika
Dari    : Kepala Bagian Umum Sekretariat Daerah
Perihal : Dukungan jaringan internet untuk MTQ Tingkat Kota

Sehubungan dengan penyelenggaraan Musabaqah Tilawatil Quran (MTQ) Tingkat
Kota Pematangsiantar pada %s s.d. %s di Lapangan Haji Adam Malik,
kami mohon dukungan:

1. jaringan internet 100 Mbps untuk meja dewan hakim dan sekretariat;
2. siaran langsung melalui kanal resmi Pemerintah Kota;
3. dua orang teknisi siaga selama acara.

Rincian kebutuhan terlampir. Demikian disampaikan, atas perhatiannya
diucapkan terima kasih.
`, yr, tanggal(mtqDay), tanggal(mtqDay.AddDate(0, 0, 3))) + signature("Drs. Jonner Damanik", "Kepala Bagian Umum", pSekretariat)
	mtq.body = mixed(textPart(mtq.text), attachment(typeDOCX, "Nota Dinas Dukungan Jaringan MTQ.docx", docxDocument(
		"Rincian Kebutuhan Jaringan MTQ Tingkat Kota",
		[]string{"Lokasi: Lapangan Haji Adam Malik", "Internet 100 Mbps untuk meja dewan hakim dan sekretariat", "Siaran langsung di kanal resmi Pemerintah Kota", "Dua orang teknisi siaga"}), filenameRFC2047))

	mtqRe := add(&seedMessage{
		key:     "nota-dinas-mtq-re",
		at:      days(39, 13, 15),
		from:    pDiskominfo,
		to:      []person{pSekretariat},
		subject: "Re: Nota Dinas: Dukungan Jaringan Internet untuk MTQ Tingkat Kota",
		replyTo: mtq,
	})
	mtqRe.text = quote(`Yth. Kabag Umum,

Menindaklanjuti nota dinas di bawah, Diskominfo siap mendukung. Tim kami
akan survei lokasi pada hari Kamis pukul 10.00 WIB. Mohon dapat
ditunjuk narahubung dari panitia.

Salam,
Rudi Hartono Sinaga
Kabid Aplikasi Informatika`, mtq)

	spbe := add(&seedMessage{
		key:     "evaluasi-spbe",
		at:      days(36, 10, 0),
		from:    pDiskominfo,
		to:      []person{pBappeda, pSekretariat},
		subject: fmt.Sprintf("Laporan Evaluasi Mandiri SPBE Tahun %d", yr),
		folder:  map[string]string{"bappeda": FolderProjectSPBE},
		text: fmt.Sprintf(`Yth. Bapak/Ibu Anggota Tim Koordinasi SPBE,

Terlampir hasil evaluasi mandiri Sistem Pemerintahan Berbasis Elektronik
(SPBE) Kota Pematangsiantar tahun %d beserta grafik indeks per domain:

  Domain Kebijakan Internal ........ 2,80
  Domain Tata Kelola ............... 2,45
  Domain Manajemen ................. 1,90
  Domain Layanan ................... 3,10
  Indeks SPBE (sementara) .......... 2,62 (Baik)

Domain Manajemen masih paling rendah, terutama manajemen risiko dan
manajemen keamanan informasi. Mohon masukan sebelum diunggah ke aplikasi
evaluasi Kementerian PANRB.`, yr) + signature("Rudi Hartono Sinaga, S.Kom.", "Kepala Bidang Aplikasi Informatika", pDiskominfo),
	})
	spbe.body = mixed(textPart(spbe.text),
		attachment(typeDOCX, fmt.Sprintf("Evaluasi Mandiri SPBE %d.docx", yr), docxDocument(
			fmt.Sprintf("Evaluasi Mandiri SPBE Kota Pematangsiantar Tahun %d", yr),
			[]string{"Domain Kebijakan Internal: 2,80", "Domain Tata Kelola: 2,45", "Domain Manajemen: 1,90", "Domain Layanan: 3,10", "Indeks SPBE sementara: 2,62 (Baik)"}), filenameRFC2047),
		attachment(typePNG, "grafik-indeks-spbe.png", pngChart([]int{280, 245, 190, 310}), filenameRFC2047))

	add(&seedMessage{
		key:     "notulen-spbe",
		at:      days(33, 14, 0),
		from:    pBappeda,
		to:      []person{pDiskominfo},
		cc:      []person{pSekretariat},
		subject: "Notulen Rapat Tim Koordinasi SPBE",
		folder:  map[string]string{"diskominfo": FolderProjectSPBE, "sekretariat": FolderProjectSPBE},
		text: `Yth. Tim Koordinasi SPBE,

Berikut notulen rapat Tim Koordinasi SPBE di Ruang Rapat Bappeda:

1. Arsitektur SPBE kota perlu dimutakhirkan sesuai Peta Rencana.
   PIC: Diskominfo, target akhir bulan depan.
2. Aplikasi umum (Srikandi, SIPD, e-Kinerja) diutamakan; aplikasi khusus
   baru wajib melalui kajian kebutuhan.
3. Diskominfo menyiapkan rencana pemulihan bencana (DRP) pusat data.
4. Bappeda mengalokasikan program SPBE dalam rancangan Renja tahun depan.

Rapat berikutnya dijadwalkan dua minggu lagi.

Notulis,
Hendra Saragih, S.T.
`,
	})

	// A legacy system still sends windows-1252 (raw, 8bit, encoded-word
	// subject): exercises the reader's charset support.
	simpegAt := anyDay(30, 9, 20)
	add(&seedMessage{
		key:  "simpeg-pemutakhiran",
		at:   simpegAt,
		from: pSIMPEG,
		bcc:  allOffices,
		raw: []byte("From: SIMPEG Kota Pematangsiantar <" + pSIMPEG.addr + ">\n" +
			"To: undisclosed-recipients:;\n" +
			"Subject: =?windows-1252?Q?Pemberitahuan_=96_Pemutakhiran_Data_Pegawai?=\n" +
			"Date: " + date(simpegAt).Format("Mon, 02 Jan 2006 15:04:05 -0700") + "\n" +
			"Message-ID: <simpeg-pemutakhiran." + date(simpegAt).Format("20060102T1504") + "@simpeg." + Domain + ">\n" +
			"MIME-Version: 1.0\n" +
			"Content-Type: text/plain; charset=windows-1252\n" +
			"Content-Transfer-Encoding: 8bit\n" +
			"X-Mailer: SIMPEG v2.3\n" +
			"\n" +
			"Yth. Pengelola Kepegawaian Perangkat Daerah,\n\n" +
			"Pemutakhiran data pegawai periode ini dibuka selama 14 hari.\n" +
			"Mohon pastikan data berikut sudah benar \x96 terutama \x93riwayat\n" +
			"jabatan\x94 dan \x93pendidikan terakhir\x94.\n\n" +
			"Pesan ini dikirim otomatis oleh SIMPEG; mohon tidak membalas.\n"),
	})

	prev := now.In(wib).AddDate(0, -1, 0)
	portal := add(&seedMessage{
		key:     "grafik-portal",
		at:      days(27, 10, 40),
		from:    pDiskominfo,
		to:      []person{pSekretariat},
		subject: fmt.Sprintf("Grafik kunjungan portal resmi bulan %s %d", bulanID[prev.Month()-1], prev.Year()),
		text: `Yth. Bagian Protokol dan Komunikasi Pimpinan,

Sesuai permintaan, terlampir grafik kunjungan portal resmi Pemerintah
Kota per minggu untuk bahan laporan pimpinan. Kunjungan tertinggi pada
minggu ketiga, bersamaan dengan pengumuman penerimaan PPPK.

Salam,
Maria Simanjuntak
Diskominfo
`,
	})
	portal.body = mixed(textPart(portal.text), attachment(typePNG, "kunjungan-portal.png", pngChart([]int{12400, 15100, 23800, 14200}), filenameRFC2047))

	tik := add(&seedMessage{
		key:     "pendataan-tik",
		at:      days(24, 8, 0),
		from:    pProvinsi,
		to:      []person{pDiskominfo},
		subject: "Permintaan Data Infrastruktur TIK Kabupaten/Kota",
		text: `Yth. Kepala Dinas Kominfo Kabupaten/Kota se-Sumatera Utara,

Dalam rangka penyusunan peta infrastruktur TIK provinsi, mohon Saudara
mengisi formulir terlampir (pusat data, jaringan antar-OPD, akses
internet kantor kecamatan/kelurahan) dan mengirimkannya kembali dalam
waktu 10 hari kerja.

Hormat kami,
Bidang Infrastruktur TIK
Dinas Kominfo Provinsi Sumatera Utara
`,
	})
	tik.body = mixed(textPart(tik.text), attachment(typePDF,
		fmt.Sprintf("Formulir Pendataan Infrastruktur TIK Kabupaten-Kota se-Sumatera Utara Tahun %d.pdf", yr),
		pdfDocument("Formulir Pendataan Infrastruktur TIK", []string{"1. Pusat data: lokasi, kapasitas, daya", "2. Jaringan antar-OPD: media, kapasitas", "3. Akses internet kecamatan/kelurahan"}), filenameRFC2231Continued))

	add(&seedMessage{
		key:     "usul-pangkat",
		at:      days(22, 10, 15),
		from:    pSekretariat,
		to:      []person{pBKPSDM},
		subject: "Usulan Kenaikan Pangkat Pegawai Sekretariat Daerah",
		text: `Yth. Kepala BKPSDM,

Bersama ini kami sampaikan usulan kenaikan pangkat reguler untuk 6 (enam)
pegawai Sekretariat Daerah. Berkas fisik telah kami antar ke Bidang
Mutasi. Mohon informasi apabila ada kekurangan dokumen.` + signature("Friska Nainggolan, S.Sos.", "Kepala Subbagian Kepegawaian", pSekretariat),
	})

	add(&seedMessage{
		key:     "hari-kesadaran",
		at:      days(20, 11, 0),
		from:    pSekretariat,
		to:      []person{pDiskominfo, pBappeda, pBKPSDM},
		subject: "Undangan Upacara Hari Kesadaran Nasional",
		text: fmt.Sprintf(`Yth. Kepala Perangkat Daerah,

Mengharapkan kehadiran Bapak/Ibu beserta seluruh ASN pada Upacara Hari
Kesadaran Nasional:

  Hari/tanggal : %s
  Pukul        : 07.30 WIB
  Tempat       : Lapangan Merdeka, Pematangsiantar
  Pakaian      : KORPRI

Demikian undangan ini disampaikan.`, tanggal(workday(date(days(20, 11, 0)), 3))) + signature("Drs. Jonner Damanik", "Kepala Bagian Umum", pSekretariat),
	})

	cuti := add(&seedMessage{
		key:     "cuti-bersama",
		at:      days(17, 16, 30),
		from:    pBKPSDM,
		to:      []person{pDiskominfo, pBappeda, pSekretariat},
		subject: "Pengumuman Cuti Bersama dan Libur Nasional Akhir Tahun",
		text: `Yth. Pimpinan Perangkat Daerah,

Berdasarkan Surat Keputusan Bersama tentang Hari Libur Nasional dan Cuti
Bersama, bersama ini kami sampaikan jadwal libur akhir tahun (terlampir).
Unit layanan publik (RSUD, Dukcapil, pemadam kebakaran, BPBD) agar
mengatur jadwal piket sehingga layanan tetap berjalan.

Cuti bersama mengurangi hak cuti tahunan ASN.` + signature("Yusuf Lubis, S.H.", "Kepala Bidang Pengembangan Aparatur", pBKPSDM),
	})
	cuti.body = mixed(textPart(cuti.text), attachment(typePDF, "Pengumuman Cuti Bersama.pdf", pdfDocument(
		"Pengumuman Cuti Bersama dan Libur Nasional", []string{"Unit layanan publik mengatur jadwal piket.", "Cuti bersama mengurangi hak cuti tahunan ASN."}), filenameRFC2047))

	add(&seedMessage{
		key:      "katering-promo",
		at:       days(16, 11, 20),
		from:     pKatering,
		bcc:      allOffices,
		toHeader: "undisclosed-recipients:;",
		subject:  "Promo Nasi Kotak untuk Rapat dan Acara Kantor",
		folder:   map[string]string{"*": FolderTrash},
		text: `Horas Bapak/Ibu,

Katering Bu Rosmawati menyediakan nasi kotak, snack rapat, dan prasmanan
untuk acara kantor. Paket mulai Rp 25.000 per kotak, gratis antar untuk
wilayah Siantar Barat, Siantar Timur, dan Siantar Utara.

Pesan via balasan email ini paling lambat H-2.

Salam,
Bu Rosmawati
`,
	})

	maint := add(&seedMessage{
		key:     "pemeliharaan-email",
		at:      days(14, 9, 45),
		from:    pDiskominfo,
		to:      []person{pBappeda, pSekretariat, pBKPSDM},
		subject: "Pemeliharaan Server Email Sabtu Malam",
	})
	sat := maint.date
	for sat.Weekday() != time.Saturday {
		sat = sat.AddDate(0, 0, 1)
	}
	maint.text = fmt.Sprintf(`Yth. Pengguna Email Pemerintah Kota Pematangsiantar,

Akan dilakukan pemeliharaan server email pada %s:

  22.00 – 23.00 WIB  Pencadangan kotak surat
  23.00 – 01.00 WIB  Pembaruan perangkat lunak server
  01.00 – 02.00 WIB  Pengujian layanan

Selama pemeliharaan, webmail dan aplikasi email tidak dapat digunakan.
Email yang masuk akan diterima setelah layanan pulih.

Mohon maaf atas ketidaknyamanannya.`, tanggal(sat)) + signature("Rudi Hartono Sinaga, S.Kom.", "Kepala Bidang Aplikasi Informatika", pDiskominfo)
	maint.body = alternative(textPart(maint.text), htmlPart(fmt.Sprintf(`<!DOCTYPE html>
<html><body style="margin:0;padding:16px;font-family:Verdana,Arial,sans-serif;font-size:14px;color:#1d2733;background:#ffffff">
<div style="border-left:4px solid #d97706;padding:8px 14px;background:#fff8eb">
<p style="margin:0;font-weight:bold;color:#92400e">Pemeliharaan terjadwal: %s</p>
</div>
<p>Yth. Pengguna Email Pemerintah Kota Pematangsiantar,</p>
<p>Akan dilakukan pemeliharaan server email dengan jadwal berikut:</p>
<table style="border-collapse:collapse;font-size:13px">
<thead><tr style="background:#1f6fb2;color:#ffffff"><th style="padding:6px 12px;text-align:left">Waktu</th><th style="padding:6px 12px;text-align:left">Kegiatan</th></tr></thead>
<tbody>
<tr><td style="padding:6px 12px;border:1px solid #d0d7de">22.00 – 23.00 WIB</td><td style="padding:6px 12px;border:1px solid #d0d7de">Pencadangan kotak surat</td></tr>
<tr style="background:#f6f8fa"><td style="padding:6px 12px;border:1px solid #d0d7de">23.00 – 01.00 WIB</td><td style="padding:6px 12px;border:1px solid #d0d7de">Pembaruan perangkat lunak server</td></tr>
<tr><td style="padding:6px 12px;border:1px solid #d0d7de">01.00 – 02.00 WIB</td><td style="padding:6px 12px;border:1px solid #d0d7de">Pengujian layanan</td></tr>
</tbody></table>
<p>Selama pemeliharaan, <strong>webmail dan aplikasi email tidak dapat digunakan</strong>. Email yang masuk akan diterima setelah layanan pulih.</p>
<p>Mohon maaf atas ketidaknyamanannya.</p>
<p style="color:#57606a">Rudi Hartono Sinaga, S.Kom.<br>Kepala Bidang Aplikasi Informatika<br>Dinas Komunikasi dan Informatika</p>
</body></html>`, tanggal(sat))))

	// The thread: an invitation (HTML with an agenda table and a cid: logo,
	// plus a PDF), two replies to it and a reply to a reply.
	rakor := add(&seedMessage{
		key:     "rakor-rkpd",
		at:      days(12, 9, 15),
		from:    pBappeda,
		to:      []person{pDiskominfo, pSekretariat},
		cc:      []person{pBKPSDM},
		subject: fmt.Sprintf("Undangan Rapat Koordinasi Penyusunan RKPD Tahun %d", yr+1),
	})
	rakorDay := workday(rakor.date, 5)
	rakor.text = fmt.Sprintf(`Yth. Kepala Perangkat Daerah
(daftar terlampir)

Dalam rangka penyusunan Rencana Kerja Pemerintah Daerah (RKPD) Kota
Pematangsiantar Tahun %d, kami mengundang Bapak/Ibu untuk hadir pada:

  Hari/tanggal : %s
  Pukul        : 09.00 WIB s.d. selesai
  Tempat       : Ruang Rapat Bappeda, Lantai 2

Acara:
  09.00  Pembukaan oleh Sekretaris Daerah
  09.30  Paparan rancangan awal RKPD
  10.30  Diskusi prioritas program per perangkat daerah
  12.00  Penutup

Mengingat pentingnya acara, mohon hadir tepat waktu dan tidak diwakilkan.
Undangan resmi terlampir.`, yr+1, tanggal(rakorDay)) + signature("Dra. Lamtiur Purba, M.Si.", "Kepala Bidang Perencanaan Pemerintahan dan Pembangunan Manusia", pBappeda)
	rakor.body = mixed(
		alternative(
			textPart(rakor.text),
			related(
				htmlPart(fmt.Sprintf(`<!DOCTYPE html>
<html><body style="font-family:Georgia,'Times New Roman',serif;font-size:15px;color:#1a1a1a;max-width:640px">
<table style="width:100%%;border-bottom:3px double #0b6e4f;margin-bottom:14px"><tr>
<td style="width:56px"><img src="cid:logo-bappeda@pematangsiantar.go.id" alt="Logo Pemerintah Kota Pematangsiantar" width="48" height="48"></td>
<td style="text-align:center;line-height:1.3"><div style="font-size:13px">PEMERINTAH KOTA PEMATANGSIANTAR</div><div style="font-size:17px;font-weight:bold">BADAN PERENCANAAN PEMBANGUNAN DAERAH</div></td>
</tr></table>
<p>Yth. Kepala Perangkat Daerah<br><i>(daftar terlampir)</i></p>
<p>Dalam rangka penyusunan Rencana Kerja Pemerintah Daerah (RKPD) Kota Pematangsiantar Tahun %d, kami mengundang Bapak/Ibu untuk hadir pada:</p>
<table style="margin-left:20px;font-size:14px">
<tr><td style="padding:2px 8px">Hari/tanggal</td><td>:</td><td style="padding:2px 8px"><b>%s</b></td></tr>
<tr><td style="padding:2px 8px">Pukul</td><td>:</td><td style="padding:2px 8px">09.00 WIB s.d. selesai</td></tr>
<tr><td style="padding:2px 8px">Tempat</td><td>:</td><td style="padding:2px 8px">Ruang Rapat Bappeda, Lantai 2</td></tr>
</table>
<p style="margin-bottom:4px">Susunan acara:</p>
<table style="border-collapse:collapse;font-size:14px;margin-left:20px">
<tr style="background:#0b6e4f;color:#fff"><th style="padding:5px 10px;text-align:left">Waktu</th><th style="padding:5px 10px;text-align:left">Acara</th></tr>
<tr><td style="padding:5px 10px;border:1px solid #ccc">09.00</td><td style="padding:5px 10px;border:1px solid #ccc">Pembukaan oleh Sekretaris Daerah</td></tr>
<tr><td style="padding:5px 10px;border:1px solid #ccc">09.30</td><td style="padding:5px 10px;border:1px solid #ccc">Paparan rancangan awal RKPD</td></tr>
<tr><td style="padding:5px 10px;border:1px solid #ccc">10.30</td><td style="padding:5px 10px;border:1px solid #ccc">Diskusi prioritas program per perangkat daerah</td></tr>
<tr><td style="padding:5px 10px;border:1px solid #ccc">12.00</td><td style="padding:5px 10px;border:1px solid #ccc">Penutup</td></tr>
</table>
<p>Mengingat pentingnya acara, mohon hadir tepat waktu dan <span style="color:#b91c1c">tidak diwakilkan</span>. Undangan resmi terlampir.</p>
<p>Hormat kami,<br><br><b>Dra. Lamtiur Purba, M.Si.</b><br>Kepala Bidang Perencanaan Pemerintahan dan Pembangunan Manusia</p>
</body></html>`, yr+1, tanggal(rakorDay))),
				inlineImage(typePNG, "logo-bappeda@pematangsiantar.go.id", "logo.png", pngLogo()),
			),
		),
		attachment(typePDF, fmt.Sprintf("Undangan Rakor RKPD %d.pdf", yr+1), pdfDocument(
			fmt.Sprintf("Undangan Rapat Koordinasi Penyusunan RKPD Tahun %d", yr+1),
			[]string{"Badan Perencanaan Pembangunan Daerah Kota Pematangsiantar", "Tempat: Ruang Rapat Bappeda, Lantai 2", "Pukul 09.00 WIB s.d. selesai"}), filenameRFC2047),
	)
	rakorD := add(&seedMessage{
		key:     "rakor-rkpd-re-diskominfo",
		at:      days(11, 10, 2),
		from:    pDiskominfo,
		to:      []person{pBappeda},
		subject: "Re: " + rakor.subject,
		replyTo: rakor,
	})
	rakorD.text = quote(`Yth. Ibu Kabid,

Kepala Dinas Kominfo akan hadir sesuai undangan. Kami juga siap
menyiapkan proyektor dan siaran daring untuk peserta dari kecamatan.

Salam,
Rudi Hartono Sinaga`, rakor)
	rakorS := add(&seedMessage{
		key:     "rakor-rkpd-re-sekretariat",
		at:      days(11, 13, 40),
		from:    pSekretariat,
		to:      []person{pBappeda},
		cc:      []person{pDiskominfo},
		subject: "Re: " + rakor.subject,
		replyTo: rakor,
	})
	rakorS.text = quote(`Yth. Ibu Kabid,

Pada hari yang sama Bapak Sekretaris Daerah dijadwalkan menerima
kunjungan kerja DPRD pukul 09.00 WIB. Mohon kiranya pembukaan dapat
dimundurkan ke pukul 10.00 WIB, atau dilaksanakan di Ruang Rapat
Sekretariat Daerah agar beliau dapat hadir di antara dua acara.

Salam,
Friska Nainggolan
Bagian Protokol dan Komunikasi Pimpinan`, rakor)
	rakorUbah := add(&seedMessage{
		key:     "rakor-rkpd-perubahan",
		at:      days(10, 8, 30),
		from:    pBappeda,
		to:      []person{pDiskominfo, pSekretariat},
		cc:      []person{pBKPSDM},
		subject: "Re: " + rakor.subject,
		replyTo: rakorS,
		flagged: []string{"diskominfo"},
	})
	rakorUbah.text = quote(`Yth. Bapak/Ibu peserta rapat,

Menindaklanjuti masukan Sekretariat Daerah, rapat koordinasi dipindahkan
ke Ruang Rapat Sekretariat Daerah (Lantai 3 Balai Kota) dan dimulai pukul
10.00 WIB. Hari dan tanggal tetap.

Mohon maaf atas perubahan ini.

Salam,
Lamtiur Purba`, rakorS)

	pensiun := add(&seedMessage{
		key:     "data-pensiun",
		at:      days(9, 13, 30),
		from:    pBKPSDM,
		to:      []person{pSekretariat},
		cc:      []person{pBappeda},
		subject: fmt.Sprintf("Data Pegawai yang Memasuki Batas Usia Pensiun Tahun %d", yr+1),
		text: fmt.Sprintf(`Yth. Sekretaris Daerah,

Terlampir daftar 47 pegawai yang memasuki batas usia pensiun pada tahun
%d, sebagai bahan perencanaan kebutuhan pegawai dan penganggaran.
Bappeda kami tembuskan untuk perencanaan formasi.`, yr+1) + signature("Yusuf Lubis, S.H.", "Kepala Bidang Pengembangan Aparatur", pBKPSDM),
	})
	pensiun.body = mixed(textPart(pensiun.text), attachment(typePDF, fmt.Sprintf("Daftar BUP %d.pdf", yr+1), pdfDocument(
		"Daftar Pegawai Batas Usia Pensiun", []string{"Jumlah: 47 pegawai", "Rincian per perangkat daerah terlampir."}), filenameRFC2047))

	iku := add(&seedMessage{
		key:     "indikator-dashboard",
		at:      days(8, 10, 30),
		from:    pBappeda,
		to:      []person{pDiskominfo},
		subject: "Data Indikator Kinerja untuk Dashboard Eksekutif",
		unread:  []string{"diskominfo"},
		text: `Yth. Tim Diskominfo,

Sesuai rapat minggu lalu, terlampir data indikator kinerja utama (IKU)
dalam format CSV untuk dimuat ke dashboard eksekutif Wali Kota. Data
dimutakhirkan setiap triwulan oleh Bappeda.

Salam,
Hendra Saragih
`,
	})
	iku.body = mixed(textPart(iku.text), attachment("text/csv; charset=utf-8", "Indikator Kinerja Utama.csv", []byte(crlf(
		"indikator;satuan;target;realisasi\n"+
			"Indeks Pembangunan Manusia;poin;81,20;80,95\n"+
			"Tingkat Pengangguran Terbuka;persen;6,10;6,34\n"+
			"Indeks SPBE;poin;2,60;2,62\n"+
			"Persentase Penduduk Miskin;persen;8,50;8,71\n")), filenameRFC2047))

	add(&seedMessage{
		key:     "verifikasi-domain",
		at:      days(6, 14, 10),
		from:    pProvinsi,
		to:      []person{pDiskominfo},
		subject: "Hasil Verifikasi Pendaftaran Subdomain go.id",
		text: `Yth. Admin Domain Kota Pematangsiantar,

Permohonan subdomain ppid.pematangsiantar.go.id telah diverifikasi dan
disetujui. Rekaman DNS dapat dikelola melalui panel pengelola zona
kabupaten/kota. Mohon pastikan situs dilengkapi sertifikat TLS sebelum
diumumkan kepada publik.

Salam,
Bidang Infrastruktur TIK
Dinas Kominfo Provinsi Sumatera Utara
`,
	})

	add(&seedMessage{
		key:      "undian-hadiah",
		at:       anyDay(5, 3, 12),
		from:     pSpam,
		bcc:      allOffices,
		toHeader: "undisclosed-recipients:;",
		subject:  "SELAMAT!!! Anda Memenangkan Hadiah Undian Rp 150.000.000",
		folder:   map[string]string{"*": FolderJunk},
		extra: [][2]string{
			{"X-Spam-Flag", "YES"},
			{"X-Spam-Status", "Yes, score=14.2 required=5.0 tests=ADVANCE_FEE_4_NEW,FREEMAIL_REPLYTO,LOTS_OF_MONEY,URI_PHISH"},
			{"Reply-To", "klaim.hadiah.resmi@freemail.example"},
		},
		text: `SELAMAT!!!

Alamat email Anda terpilih sebagai PEMENANG UTAMA undian nasional dengan
hadiah uang tunai Rp 150.000.000.

Untuk mencairkan hadiah, segera kirim biaya administrasi Rp 2.500.000 dan
foto KTP ke nomor rekening yang kami berikan setelah Anda membalas email
ini. Batas waktu klaim 1 x 24 jam!!!

Panitia Undian Nasional
`,
	})

	add(&seedMessage{
		key:     "peliputan-walikota",
		at:      days(4, 9, 0),
		from:    pSekretariat,
		to:      []person{pDiskominfo},
		subject: "Permohonan Peliputan dan Publikasi Kegiatan Wali Kota",
		flagged: []string{"diskominfo"},
		text: fmt.Sprintf(`Yth. Kepala Dinas Kominfo,

Mohon dukungan peliputan dan publikasi kegiatan Wali Kota berikut:

  %s, 08.00 WIB – Peresmian Puskesmas Siantar Martoba
  %s, 14.00 WIB – Penyerahan bantuan alat tangkap kepada kelompok usaha

Materi publikasi (foto, video pendek, siaran pers) mohon diunggah ke
portal resmi dan media sosial Pemerintah Kota pada hari yang sama.`, tanggal(workday(date(days(4, 9, 0)), 2)), tanggal(workday(date(days(4, 9, 0)), 3))) +
			signature("Friska Nainggolan, S.Sos.", "Bagian Protokol dan Komunikasi Pimpinan", pSekretariat),
	})

	add(&seedMessage{
		key:     "skp-pengingat",
		at:      days(2, 15, 45),
		from:    pBKPSDM,
		to:      []person{pDiskominfo, pBappeda, pSekretariat},
		subject: "Pengingat: Batas Akhir Pengisian Sasaran Kinerja Pegawai (SKP)",
		text: fmt.Sprintf(`Yth. Pimpinan Perangkat Daerah,

Mengingatkan bahwa batas akhir pengisian dan persetujuan SKP melalui
aplikasi e-Kinerja adalah %s pukul 23.59 WIB. Pegawai yang belum
mengisi SKP tidak dapat diproses tambahan penghasilannya.

Terima kasih.`, tanggal(workday(date(days(2, 15, 45)), 5))) + signature("Yusuf Lubis, S.H.", "Kepala Bidang Pengembangan Aparatur", pBKPSDM),
	})

	add(&seedMessage{
		key:     "pelatihan-srikandi",
		at:      days(1, 8, 20),
		from:    pDiskominfo,
		to:      []person{pBappeda, pSekretariat},
		subject: "Konfirmasi Jadwal Pelatihan Aplikasi Srikandi",
		text: fmt.Sprintf(`Yth. Admin Persuratan Bappeda dan Sekretariat Daerah,

Pelatihan aplikasi Srikandi (tata naskah dinas elektronik) untuk operator
persuratan dijadwalkan pada %s pukul 09.00 WIB di Lab Komputer Diskominfo.
Mohon konfirmasi nama peserta (maksimal 3 orang per unit) dan membawa
laptop masing-masing.

Salam,
Maria Simanjuntak
Pranata Komputer, Diskominfo
`, tanggal(workday(date(days(1, 8, 20)), 2))),
	})

	renja := add(&seedMessage{
		key:     "renja-tanggapan",
		at:      minutesAgo(125),
		from:    pBappeda,
		to:      []person{pDiskominfo},
		subject: fmt.Sprintf("Mohon tanggapan: Rancangan Renja Diskominfo %d", yr+1),
		text: fmt.Sprintf(`Yth. Sekretaris Diskominfo,

Terlampir rancangan Rencana Kerja (Renja) Diskominfo tahun %d hasil
penyelarasan dengan rancangan RKPD. Mohon tanggapan, terutama pagu
program SPBE dan keamanan informasi, paling lambat Jumat ini.

Salam,
Lamtiur Purba
`, yr+1),
	})
	renja.body = mixed(textPart(renja.text), attachment(typeDOCX, fmt.Sprintf("Rancangan Renja Diskominfo %d.docx", yr+1), docxDocument(
		fmt.Sprintf("Rancangan Renja Diskominfo Tahun %d", yr+1),
		[]string{"Program penyelenggaraan SPBE", "Program persandian dan keamanan informasi", "Program informasi dan komunikasi publik"}), filenameRFC2047))

	add(&seedMessage{
		key:     "paparan-rapim",
		at:      minutesAgo(35),
		from:    pSekretariat,
		to:      []person{pDiskominfo},
		subject: "Segera: Bahan Paparan Rapat Pimpinan Besok Pagi",
		flagged: []string{"diskominfo"},
		extra:   [][2]string{{"Importance", "high"}},
		text: `Yth. Kepala Dinas Kominfo,

Mohon bahan paparan progres SPBE dan keamanan informasi (maksimal 5
slide) untuk rapat pimpinan besok pukul 08.00 WIB dapat dikirim hari ini
sebelum pukul 16.00 WIB.

Terima kasih.
Friska Nainggolan
`,
	})

	// One draft per office, saved minutes ago.
	drafts := []struct {
		from    person
		to      []person
		subject string
		text    string
		replyTo *seedMessage
	}{
		{pDiskominfo, []person{pBappeda}, "Re: " + renja.subject, quote(`Yth. Ibu Kabid,

Terima kasih atas rancangan Renja. Tanggapan kami:
1. Pagu program SPBE perlu memuat pembangunan DRP pusat data.
2. `, renja), renja},
		{pBappeda, []person{pSekretariat}, "Rekapitulasi usulan Musrenbang kecamatan", `Yth. Sekretaris Daerah,

Bersama ini kami sampaikan rekapitulasi usulan Musrenbang dari 8
kecamatan. Usulan terbanyak: perbaikan drainase dan jalan lingkungan.

(lampiran menyusul)
`, nil},
		{pSekretariat, []person{pDiskominfo, pBappeda, pBKPSDM}, "Undangan rapat pimpinan", `Yth. Kepala Perangkat Daerah,

Mengharapkan kehadiran Bapak/Ibu pada rapat pimpinan
hari/tanggal: ...
`, nil},
		{pBKPSDM, []person{pDiskominfo, pBappeda, pSekretariat}, "Pengumuman seleksi terbuka jabatan pimpinan tinggi pratama", `Yth. ASN Pemerintah Kota Pematangsiantar,

Dalam rangka mengisi kekosongan jabatan pimpinan tinggi pratama,
`, nil},
	}
	for i, d := range drafts {
		add(&seedMessage{
			key:     "draf-" + localPart(d.from.addr),
			at:      minutesAgo(50 - 5*i),
			from:    d.from,
			to:      d.to,
			subject: d.subject,
			replyTo: d.replyTo,
			text:    d.text,
			draft:   true,
		})
	}

	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].date.Before(msgs[j].date) })
	return msgs
}

// newsletter builds edition n of the weekly newsletter (k weeks old): an
// HTML body with a remote banner image (remote content the client must
// block) and a statistics table, and its plain-text alternative.
func newsletter(n, k int, date time.Time) (string, *part) {
	news := [][2]string{
		{"Mal Pelayanan Publik kini buka hari Sabtu", "Mulai bulan ini Mal Pelayanan Publik melayani pengurusan KTP-el, KIA, dan perizinan usaha pada hari Sabtu pukul 08.00–12.00 WIB."},
		{"Wi-Fi gratis di 20 taman kota", "Diskominfo memasang titik akses Wi-Fi di taman kota dan ruang terbuka hijau, termasuk Taman Bunga dan Lapangan Merdeka."},
		{"Aplikasi pengaduan warga diperbarui", "Warga kini dapat melampirkan foto dan lokasi saat melaporkan jalan rusak, lampu jalan padam, atau sampah menumpuk."},
		{"Pelatihan literasi digital untuk UMKM", "Sebanyak 120 pelaku UMKM mengikuti pelatihan pemasaran daring dan keamanan transaksi digital."},
		{"Rapat koordinasi keamanan siber", "Tim tanggap insiden siber kota menggelar latihan simulasi serangan ransomware bersama perangkat daerah."},
		{"Sistem antrean daring RSUD", "Pasien rawat jalan RSUD dr. Djasamen Saragih dapat mengambil nomor antrean dari rumah melalui portal layanan."},
		{"Data terbuka: 35 set data baru", "Portal Satu Data Kota menambah 35 set data, antara lain data sekolah, puskesmas, dan harga bahan pokok."},
		{"Kelurahan percontohan layanan digital", "Lima kelurahan menjadi percontohan layanan surat keterangan secara daring dengan tanda tangan elektronik."},
		{"Perpustakaan digital kota", "Koleksi buku elektronik perpustakaan kota kini dapat dipinjam melalui aplikasi ponsel dengan kartu anggota."},
	}
	a, b := news[k%len(news)], news[(k+4)%len(news)]
	visits := 18000 + 1370*((9-k)%9)
	complaints := 140 + 17*((k*5)%9)
	solved := complaints - 9 - k
	fmtInt := func(v int) string { // Indonesian thousands separator
		s := fmt.Sprint(v)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "." + s[i:]
		}
		return s
	}

	text := fmt.Sprintf(`BULETIN SIANTAR DIGITAL – Edisi %d
%s

%s
%s

%s
%s

Statistik layanan minggu ini
  Kunjungan portal resmi ....... %s
  Pengaduan warga masuk ........ %d
  Pengaduan selesai ............ %d

Anda menerima buletin ini sebagai pengguna email Pemerintah Kota
Pematangsiantar. Berhenti berlangganan: balas dengan subjek "berhenti".
`, n, tanggal(date), a[0], a[1], b[0], b[1], fmtInt(visits), complaints, solved)

	html := fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Buletin Siantar Digital</title></head>
<body style="margin:0;padding:0;background:#eef2f6">
<table role="presentation" width="100%%" cellpadding="0" cellspacing="0" style="background:#eef2f6"><tr><td align="center" style="padding:16px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:6px;font-family:Arial,Helvetica,sans-serif;color:#1f2933">
<tr><td><img src="https://www.pematangsiantar.go.id/assets/buletin/banner-600x120.png" width="600" height="120" alt="Buletin Siantar Digital" style="display:block;border:0;border-radius:6px 6px 0 0"></td></tr>
<tr><td style="padding:18px 24px 4px;font-size:12px;color:#6b7785">Edisi %d · %s</td></tr>
<tr><td style="padding:4px 24px"><h2 style="margin:8px 0;font-size:20px;color:#0b4f8a">%s</h2><p style="margin:0 0 12px;font-size:14px;line-height:1.5">%s</p></td></tr>
<tr><td style="padding:4px 24px"><h2 style="margin:8px 0;font-size:20px;color:#0b4f8a">%s</h2><p style="margin:0 0 12px;font-size:14px;line-height:1.5">%s</p></td></tr>
<tr><td style="padding:8px 24px 16px">
<table cellpadding="0" cellspacing="0" style="width:100%%;border-collapse:collapse;font-size:14px">
<caption style="text-align:left;font-weight:bold;padding:6px 0">Statistik layanan minggu ini</caption>
<tr style="background:#0b4f8a;color:#ffffff"><th style="padding:6px 10px;text-align:left">Indikator</th><th style="padding:6px 10px;text-align:right">Jumlah</th></tr>
<tr><td style="padding:6px 10px;border-bottom:1px solid #e1e5ea">Kunjungan portal resmi</td><td style="padding:6px 10px;border-bottom:1px solid #e1e5ea;text-align:right">%s</td></tr>
<tr style="background:#f6f8fa"><td style="padding:6px 10px;border-bottom:1px solid #e1e5ea">Pengaduan warga masuk</td><td style="padding:6px 10px;border-bottom:1px solid #e1e5ea;text-align:right">%d</td></tr>
<tr><td style="padding:6px 10px">Pengaduan selesai</td><td style="padding:6px 10px;text-align:right;color:#17803d;font-weight:bold">%d</td></tr>
</table></td></tr>
<tr><td style="padding:12px 24px;font-size:11px;color:#8a949e;border-top:1px solid #e1e5ea">Anda menerima buletin ini sebagai pengguna email Pemerintah Kota Pematangsiantar.
<a href="https://lists.pematangsiantar.go.id/buletin/berhenti" style="color:#8a949e">Berhenti berlangganan</a></td></tr>
</table></td></tr></table>
</body></html>`, n, tanggal(date), a[0], a[1], b[0], b[1], fmtInt(visits), complaints, solved)
	return text, alternative(textPart(text), htmlPart(html))
}

// nocReport is the plain-text weekly availability report, k weeks old.
func nocReport(k int, date time.Time) string {
	services := []struct {
		name string
		base float64
	}{
		{"portal.pematangsiantar.go.id", 99.95},
		{"mail.pematangsiantar.go.id", 99.90},
		{"ppid.pematangsiantar.go.id", 99.70},
		{"sipd.pematangsiantar.go.id", 99.85},
		{"Link internet utama (ISP 1)", 99.60},
		{"Link internet cadangan (ISP 2)", 98.90},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Laporan Mingguan Ketersediaan Layanan\nPeriode: %s s.d. %s\n\n", tanggal(date.AddDate(0, 0, -7)), tanggal(date.AddDate(0, 0, -1)))
	fmt.Fprintf(&b, "%-32s %10s %12s\n", "Layanan", "Uptime", "Gangguan")
	b.WriteString(strings.Repeat("-", 56) + "\n")
	for i, s := range services {
		down := (k*7 + i*3) % 5                                                           // minutes of outage, deterministic
		up := strings.Replace(fmt.Sprintf("%.2f", s.base-float64(down)/100), ".", ",", 1) // decimal comma
		fmt.Fprintf(&b, "%-32s %9s%% %8d menit\n", s.name, up, down*12)
	}
	b.WriteString("\nCatatan: angka dihitung dari pemeriksaan tiap 60 detik.\nPesan ini dikirim otomatis; jangan membalas email ini.\n")
	return b.String()
}
