package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pematangsiantar/webmail/webmail/password"
)

func TestAccountsImport(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "defaults")
	first := filepath.Join(dir, "surat-1.csv")
	second := filepath.Join(dir, "surat-2.csv")
	os.WriteFile(first, []byte("No;Nama OPD;Alamat Email;Password\n1;Dinas Kominfo;diskominfo;Siantar#2022a\n2;Bappeda;bappeda;Siantar#2022b\n"), 0o600)
	os.WriteFile(second, []byte("email,password\nbappeda@pematangsiantar.go.id,Siantar#2023b\n"), 0o600)
	var stdout bytes.Buffer
	env := func(k string) string {
		if k == "WEBMAIL_DOMAIN" {
			return "pematangsiantar.go.id"
		}
		return ""
	}
	if err := cmdAccounts([]string{"import", "--out", out, first}, env, &stdout); err != nil {
		t.Fatal(err)
	}
	if err := cmdAccounts([]string{"import", "--out", out, second}, env, &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "now holds 2") {
		t.Errorf("output: %s", stdout.String())
	}
	data, _ := os.ReadFile(out)
	if bytes.Contains(data, []byte("Siantar#")) {
		t.Fatalf("plaintext in the defaults file:\n%s", data)
	}
	d, err := password.LoadDefaults(out)
	if err != nil {
		t.Fatal(err)
	}
	if !d.IsDefault("diskominfo@pematangsiantar.go.id", "Siantar#2022a") {
		t.Error("first letter's account lost")
	}
	if d.IsDefault("bappeda@pematangsiantar.go.id", "Siantar#2022b") || !d.IsDefault("bappeda@pematangsiantar.go.id", "Siantar#2023b") {
		t.Error("second letter did not replace the account's default")
	}
	if err := cmdAccounts([]string{"import", first}, env, &stdout); err == nil {
		t.Error("import without --out accepted")
	}
}
