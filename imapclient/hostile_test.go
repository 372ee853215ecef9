package imapclient

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// hostileMessages reads the messages of testdata/hostile, crafted against
// parsers in their headers and their structure.
func hostileMessages(t *testing.T) (names []string, raw [][]byte) {
	t.Helper()
	files, err := filepath.Glob("../testdata/hostile/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile messages: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(f))
		raw = append(raw, b)
	}
	return names, raw
}

// TestHostileMessages lists, opens, searches and reads back the source of
// every hostile message: none may fail the folder list or its own view.
func TestHostileMessages(t *testing.T) {
	names, raw := hostileMessages(t)
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			folder := s.newFolder(t, raw, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			ctx := t.Context()
			p, err := sess.List(ctx, folder, 1, 50)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(p.Messages) != len(raw) {
				t.Fatalf("listed %d messages, want %d", len(p.Messages), len(raw))
			}
			for i, name := range names {
				uid := uint32(i + 1)
				if _, err := sess.Message(ctx, folder, uid); err != nil {
					t.Errorf("%s: open: %v", name, err)
				}
				var got []byte
				err := sess.Raw(ctx, folder, uid, func(_ RawInfo, r io.Reader) error {
					got, err = io.ReadAll(r)
					return err
				})
				want := raw[i]
				if s.name == "dovecot" {
					want = bytes.ReplaceAll(want, []byte{0}, []byte{0x80}) // Dovecot stores NUL as 0x80
				}
				if s.name == "embedded" && name == "12-no-header.eml" {
					want = nil // go-imap's imapmemserver sends BODY[] empty when the header does not parse
				}
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: source: %q, %v", name, got, err)
				}
			}
			if _, err := sess.Search(ctx, folder, Query{Text: "Isi"}, 1, 50); err != nil {
				t.Errorf("search: %v", err)
			}
		})
	}
}
