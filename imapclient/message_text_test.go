package imapclient

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestUnflow(t *testing.T) {
	for _, c := range []struct {
		in    string
		delSp bool
		want  string
	}{
		{"Satu dua \r\ntiga.\r\nEmpat.\r\n", false, "Satu dua tiga.\nEmpat.\n"},
		{"sambung- \r\nmenyambung.\r\n", true, "sambung-menyambung.\n"},
		{"> Kutipan \r\n> mengalir.\r\n>> Dalam \r\n>> lagi.\r\n", false, "> Kutipan mengalir.\n>> Dalam lagi.\n"},
		{" >Stuffed.\r\n-- \r\nTanda tangan\r\n", false, ">Stuffed.\n-- \nTanda tangan\n"},
		// A flowed line followed by a different quote depth ends there.
		{"> Akhir \r\nBaru.\r\n", false, "> Akhir \nBaru.\n"},
	} {
		if got := unflow(c.in, c.delSp); got != c.want {
			t.Errorf("unflow(%q, %v) = %q, want %q", c.in, c.delSp, got, c.want)
		}
	}
}

func TestDecodeQP(t *testing.T) {
	got, bad := decodeQP([]byte("Harga =E2=80=93 naik =ZZ lagi=\r\n sambung.  \r\nakhir="))
	if string(got) != "Harga – naik =ZZ lagi sambung.\r\nakhir" || !bad {
		t.Errorf("decodeQP = %q, %v", got, bad)
	}
	if got, bad := decodeQP([]byte("a=3Db\r\n")); string(got) != "a=b\r\n" || bad {
		t.Errorf("decodeQP = %q, %v", got, bad)
	}
}

func TestLegacyText(t *testing.T) {
	if got := headerText("Caf\xe9"); got != "Café" {
		t.Errorf("headerText latin-1 = %q", got)
	}
	if got := headerText("Café ✓"); got != "Café ✓" {
		t.Errorf("headerText utf-8 = %q", got)
	}
	r, err := charsetReader("x-unknown", strings.NewReader("Rapat"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r); string(b) != "Rapat" {
		t.Errorf("unknown charset = %q", b)
	}
	if got, _ := wordDecoder.DecodeHeader("=?x-unknown?Q?Rapat_pagi?="); got != "Rapat pagi" {
		t.Errorf("word in unknown charset = %q", got)
	}
}

func TestParseEvent(t *testing.T) {
	ev := parseEvent("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Rapat\r\n  Evaluasi\r\n" +
		"DTSTART:20251201T020000Z\r\nDTEND;TZID=Asia/Jakarta:20251201T110000\r\nLOCATION:Ruang 2\\, Balai Kota\r\n" +
		"ORGANIZER;CN=\"Sekda: Kota\":mailto:sekda@example.org\r\nBEGIN:VALARM\r\nSUMMARY:Pengingat\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	if ev == nil {
		t.Fatal("no event")
	}
	wib := time.FixedZone("WIB", 7*3600)
	if ev.Summary != "Rapat Evaluasi" || ev.Location != "Ruang 2, Balai Kota" || ev.Method != "REQUEST" ||
		ev.Organizer != (Address{Name: "Sekda: Kota", Email: "sekda@example.org"}) ||
		!ev.Start.Equal(time.Date(2025, 12, 1, 9, 0, 0, 0, wib)) || !ev.End.Equal(time.Date(2025, 12, 1, 11, 0, 0, 0, wib)) {
		t.Errorf("event %+v", ev)
	}
	if ev := parseEvent("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20251217\nEND:VEVENT\n"); ev == nil || !ev.AllDay || ev.Start.Day() != 17 {
		t.Errorf("all-day event %+v", ev)
	}
	if parseEvent("garbage") != nil {
		t.Error("event from garbage")
	}
}
