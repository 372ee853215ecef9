package webmail

import (
	"net/http"
	"net/url"
	"testing"
)

// TestFolderManagePage creates, renames, subscribes and deletes a folder
// through /folders, with translated errors for refused names and special
// folders.
func TestFolderManagePage(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.mustSignIn(acctTU)
	b.get("/mail").mustContain(t, `<a href="/folders">Kelola folder</a>`)
	p := b.get("/folders")
	p.mustContain(t, "<h1>Kelola folder</h1>", "Folder khusus")
	tok := p.csrf(t)
	post := func(path string, v url.Values) *page {
		v.Set("csrf_token", tok)
		return b.post(path, v)
	}
	name := "Surat Masuk – 2025 é"
	if p := post("/folders/create", url.Values{"name": {name}}); p.StatusCode != http.StatusSeeOther || p.location() != "/folders" {
		t.Fatalf("create: %d %s\n%s", p.StatusCode, p.location(), p.Body)
	}
	b.get("/folders").mustContain(t, "Folder dibuat.", ">"+name+"<", "Berhenti langganan")
	post("/folders/create", url.Values{"name": {"Sub"}, "parent": {name}})
	b.get("/mail").mustContain(t, ">Sub<", `class="depth-1`)
	for _, tt := range []struct{ name, want string }{
		{name, "Folder dengan nama itu sudah ada."},
		{"a/b", "pemisah folder"},
		{"50%", `tidak boleh berisi &#34;%&#34;`},
		{"", "Isi nama folder."},
	} {
		p := post("/folders/create", url.Values{"name": {tt.name}})
		if p.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("create %q: %d", tt.name, p.StatusCode)
		}
		p.mustContain(t, tt.want)
	}
	post("/folders/create", url.Values{"name": {"x"}, "parent": {"Tidak Ada"}}).mustContain(t, "Folder itu tidak ada")
	// Special folders.
	post("/folders/rename", url.Values{"folder": {"INBOX"}, "name": {"Lain"}}).mustContain(t, "tidak dapat diganti namanya")
	post("/folders/delete", url.Values{"folder": {"Trash"}, "confirm": {"1"}}).mustContain(t, "tidak dapat diganti namanya")
	// Rename, unsubscribe, delete with confirmation.
	if p := post("/folders/rename", url.Values{"folder": {name}, "name": {"Surat Lama ü"}}); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d\n%s", p.StatusCode, p.Body)
	}
	b.get("/folders").mustContain(t, "Nama folder diganti.", ">Surat Lama ü<")
	post("/folders/subscribe", url.Values{"folder": {"Surat Lama ü"}, "subscribe": {"0"}})
	b.get("/folders").mustContain(t, "Langganan folder dihentikan.")
	p = post("/folders/delete", url.Values{"folder": {"Surat Lama ü"}})
	p.mustContain(t, "Hapus folder Surat Lama ü?", `name="confirm" value="1"`)
	b.get("/folders/delete?folder="+url.QueryEscape("Surat Lama ü")).mustContain(t, "Ya, hapus folder")
	if p := post("/folders/delete", url.Values{"folder": {"Surat Lama ü"}, "confirm": {"1"}}); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", p.StatusCode, p.Body)
	}
	p = b.get("/folders")
	p.mustContain(t, "Folder dihapus.")
	p.mustNotContain(t, "Surat Lama ü")
	// The English page.
	b.get("/folders?lang=en")
	b.get("/folders").mustContain(t, "<h1>Manage folders</h1>")
}
