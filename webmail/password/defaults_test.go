package password

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A letter as the city's spreadsheet exports it: semicolons, a title
// row, a numbered table with the OPD name, the address and the password.
const letter = "\ufeffLampiran Surat Sekretaris Daerah Nomor 096/1229/111/2022;;;\n" +
	"No;Nama OPD;Alamat Email;Password\n" +
	"1;Dinas Komunikasi dan Informatika;diskominfo@pematangsiantar.go.id;Siantar#2022kominfo\n" +
	"2;Badan Perencanaan Pembangunan Daerah;bappeda;Siantar#2022bappeda\n" +
	"3;\"Dinas Kesehatan; UPT\";Dinkes@Pematangsiantar.go.id;Siantar#2022dinkes\n" +
	";;;\n"

func TestImportLetter(t *testing.T) {
	d, err := ImportLetter(strings.NewReader(letter), "pematangsiantar.go.id")
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 {
		t.Fatalf("imported %d accounts, want 3", d.Len())
	}
	path := filepath.Join(t.TempDir(), "defaults")
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Siantar#2022", "kominfo\n", "2022bappeda", "2022dinkes"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the defaults file holds plaintext %q:\n%s", secret, buf.String())
		}
	}
	loaded, err := LoadDefaults(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		account, password string
		want              bool
	}{
		{"diskominfo@pematangsiantar.go.id", "Siantar#2022kominfo", true},
		{"DISKOMINFO@pematangsiantar.go.id", "Siantar#2022kominfo", true},
		{"bappeda@pematangsiantar.go.id", "Siantar#2022bappeda", true},
		{"dinkes@pematangsiantar.go.id", "Siantar#2022dinkes", true},
		{"diskominfo@pematangsiantar.go.id", "Siantar#2022kominfo ", false},
		{"diskominfo@pematangsiantar.go.id", "kata-sandi-baru-yang-panjang", false},
		{"bappeda@pematangsiantar.go.id", "Siantar#2022kominfo", false},
		{"tidakada@pematangsiantar.go.id", "Siantar#2022kominfo", false},
	}
	for _, tt := range tests {
		if got := loaded.IsDefault(tt.account, tt.password); got != tt.want {
			t.Errorf("IsDefault(%q, %q) = %v, want %v", tt.account, tt.password, got, tt.want)
		}
	}
	// The same password hashes differently each time (salted).
	again, _ := ImportLetter(strings.NewReader(letter), "pematangsiantar.go.id")
	if again.hashes["bappeda@pematangsiantar.go.id"] == d.hashes["bappeda@pematangsiantar.go.id"] {
		t.Error("hashes are not salted")
	}
	var nilDefaults *Defaults
	if nilDefaults.IsDefault("a@b.c", "x") || nilDefaults.Len() != 0 {
		t.Error("a nil Defaults must match nothing")
	}
}

func TestImportLetterFormats(t *testing.T) {
	for name, in := range map[string]string{
		"commas, English header": "email,password\nboi@pematangsiantar.go.id,Rahasia-123\n",
		"tabs, Indonesian":       "Akun\tKata Sandi\nboi\tRahasia-123\n",
		"no header":              "1,Bagian Umum,boi@pematangsiantar.go.id,Rahasia-123\n",
	} {
		d, err := ImportLetter(strings.NewReader(in), "pematangsiantar.go.id")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !d.IsDefault("boi@pematangsiantar.go.id", "Rahasia-123") {
			t.Errorf("%s: default not recognised", name)
		}
	}
	for name, in := range map[string]string{
		"empty":               "",
		"no columns":          "nama,jabatan\nBoi,Kepala\n",
		"missing password":    "email,password\nboi@pematangsiantar.go.id,\n",
		"bare without domain": "email,password\nboi,x\n",
	} {
		domain := "pematangsiantar.go.id"
		if name == "bare without domain" {
			domain = ""
		}
		if _, err := ImportLetter(strings.NewReader(in), domain); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLoadDefaultsRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"plaintext": "boi@pematangsiantar.go.id Rahasia-123\n",
		"bcrypt":    "boi@pematangsiantar.go.id $2a$10$abcdefghijklmnopqrstuu\n",
		"no hash":   "boi@pematangsiantar.go.id\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		if _, err := LoadDefaults(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
