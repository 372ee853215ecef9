package webmail

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/templates"
)

// catalogueKeys returns the keys of every language file.
func catalogueKeys(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, lang := range languages {
		path := "translations/" + lang + ".toml"
		b, err := fs.ReadFile(translationFS, path)
		if err != nil {
			t.Fatalf("language %s has no file: %v", lang, err)
		}
		mf, err := i18n.ParseMessageFileBytes(b, path, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		keys := map[string]string{}
		for _, m := range mf.Messages {
			if m.Other == "" {
				t.Errorf("%s: %s is empty", path, m.ID)
			}
			keys[m.ID] = m.Other
		}
		out[lang] = keys
	}
	return out
}

// TestCatalogueComplete fails when a key is missing in either language.
func TestCatalogueComplete(t *testing.T) {
	all := catalogueKeys(t)
	union := map[string]bool{}
	for _, keys := range all {
		for k := range keys {
			union[k] = true
		}
	}
	for _, lang := range languages {
		var missing []string
		for k := range union {
			if _, ok := all[lang][k]; !ok {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("language %s lacks %d keys: %s", lang, len(missing), strings.Join(missing, ", "))
		}
	}
	// Placeholders must match: a translation that drops {{.Helpdesk}}
	// would hide the contact the manual promises.
	rePlace := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	for k, v := range all[defaultLang] {
		want := rePlace.FindAllStringSubmatch(v, -1)
		for _, lang := range languages {
			got := rePlace.FindAllStringSubmatch(all[lang][k], -1)
			if len(got) != len(want) {
				t.Errorf("%s: %s has placeholders %v, %s has %v", k, defaultLang, want, lang, got)
			}
		}
	}
}

// TestCatalogueKeysUsed fails when a template or the Go code uses a key the
// catalogue does not have.
func TestCatalogueKeysUsed(t *testing.T) {
	known := catalogueKeys(t)[defaultLang]
	// Templates: {{.T "key"}} and {{$.T "key" ...}}.
	reTpl := regexp.MustCompile(`\.T\s+"([^"]+)"`)
	used := 0
	err := fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.FS, path)
		if err != nil {
			return err
		}
		for _, m := range reTpl.FindAllStringSubmatch(string(b), -1) {
			used++
			if _, ok := known[m[1]]; !ok {
				t.Errorf("%s uses unknown key %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 30 {
		t.Errorf("found only %d keys in the templates: is the pattern still right?", used)
	}

	// Go code: every string literal in a namespace of the catalogue.
	namespaces := map[string]bool{}
	for k := range known {
		namespaces[strings.SplitN(k, ".", 2)[0]] = true
	}
	reLit := regexp.MustCompile(`"([a-z_]+\.[a-z0-9_.]*[a-z0-9_])"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range reLit.FindAllStringSubmatch(string(b), -1) {
			ns := strings.SplitN(m[1], ".", 2)[0]
			if !namespaces[ns] || strings.HasSuffix(m[1], ".") {
				continue
			}
			if strings.HasPrefix(m[1], "webmail.") || regexp.MustCompile(`\.(html|toml|css|js|svg)$`).MatchString(m[1]) {
				continue // context keys, file names
			}
			if _, ok := known[m[1]]; !ok {
				t.Errorf("%s uses unknown key %q", f, m[1])
			}
		}
	}
	// Keys built at run time.
	for _, r := range []imapclient.Role{imapclient.RoleInbox, imapclient.RoleDrafts, imapclient.RoleSent,
		imapclient.RoleJunk, imapclient.RoleTrash, imapclient.RoleArchive} {
		if _, ok := known["folder."+string(r)]; !ok {
			t.Errorf("no name for folder role %q", r)
		}
	}
}

// TestCatalogueLoads checks the catalogue as New loads it, and a few
// translations users will see first.
func TestCatalogueLoads(t *testing.T) {
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, key, want string }{
		{"id", "login.username", "Nama pengguna"},
		{"en", "login.username", "Username"},
		{"id", "login.submit", "Masuk"},
		{"en", "login.submit", "Sign in"},
		{"id", "folder.inbox", "Kotak Masuk"},
		{"id", "list.empty", "Tidak ada pesan"},
		{"en", "list.empty", "No messages"},
		{"id", "list.range", "1–50 dari 1.234"},
	} {
		got := c.T(tc.lang, tc.key, "First", "1", "Last", "50", "Total", "1.234")
		if got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
	if got := c.T("id", "login.helpdesk", "Helpdesk", "Diskominfo <0622>"); got != "Bantuan: Diskominfo <0622>." {
		t.Errorf("helpdesk line = %q (values must not be escaped twice)", got)
	}
	if got := c.T("id", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}
