package imapclient

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
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

// TestListFromHeaders: when the list FETCH breaks the connection, as an
// ENVELOPE or BODYSTRUCTURE go-imap cannot parse does, the redialled
// attempt builds the rows from the header fields, and they read as the
// ordinary ones do; the hostile messages list that way too.
func TestListFromHeaders(t *testing.T) {
	_, hostile := hostileMessages(t)
	now := time.Date(2025, 11, 24, 9, 30, 0, 0, time.UTC)
	msgs := [][]byte{
		plainMessage("Rapat koordinasi", "Isi.", now),
		multipartMessage([]byte("%PDF-1.4 isi")),
		[]byte("From: \"Tata Usaha, Bagian\" <tu@pematangsiantar.go.id>\r\nTo: a@b.id, \"C\" <c@d.id>\r\n" +
			"Subject: =?iso-8859-1?q?R=E9sum=E9?= rapat\r\nDate: Tue, 25 Nov 2025 10:00:00 +0700\r\n\r\nIsi.\r\n"),
	}
	flags := [][]imap.Flag{{imap.FlagSeen}, {imap.FlagFlagged}, nil}
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			folder := s.newFolder(t, msgs, nil, flags)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			ctx := t.Context()
			want, err := sess.List(ctx, folder, 1, 50)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { testHookListFetch = nil })
			breaks := 0
			testHookListFetch = func(c *conn) {
				breaks++
				c.client.Close()
			}
			got, err := sess.List(ctx, folder, 1, 50)
			testHookListFetch = nil
			if err != nil || breaks != 1 {
				t.Fatalf("list after a broken FETCH: %v (%d breaks)", err, breaks)
			}
			if len(got.Messages) != len(want.Messages) {
				t.Fatalf("%d rows from headers, want %d", len(got.Messages), len(want.Messages))
			}
			for i, g := range got.Messages {
				w := want.Messages[i]
				if g.UID != w.UID || g.Subject != w.Subject || !g.Date.Equal(w.Date) || g.Size != w.Size ||
					g.Seen != w.Seen || g.Flagged != w.Flagged || g.HasAttachments != w.HasAttachments ||
					!slices.Equal(g.From, w.From) || !slices.Equal(g.To, w.To) {
					t.Errorf("row %d from headers:\n%+v\nwant\n%+v", i, g, w)
				}
			}
			// The next request is back to ENVELOPE and BODYSTRUCTURE.
			testHookListFetch = func(*conn) { breaks++ }
			if _, err := sess.List(ctx, folder, 1, 50); err != nil || breaks != 2 {
				t.Errorf("next list: %v (%d fetches through the hook)", err, breaks-1)
			}
			testHookListFetch = nil

			bad := s.newFolder(t, hostile, nil, nil)
			testHookListFetch = func(c *conn) { c.client.Close() }
			p, err := sess.List(ctx, bad, 1, 50)
			testHookListFetch = nil
			if err != nil || len(p.Messages) != len(hostile) {
				t.Fatalf("hostile messages from headers: %v", err)
			}
		})
	}
}
