package imapclient

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
	"time"
)

func TestAppendFlagsExpunge(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			ctx := t.Context()

			drafts, err := sess.SpecialFolder(ctx, RoleDrafts)
			if err != nil || drafts == "" {
				t.Fatalf("drafts folder: %q, %v", drafts, err)
			}
			folder := s.newFolder(t, nil, nil, nil)
			raw := []byte("From: a@pematangsiantar.go.id\r\nSubject: Draf laporan\r\n" +
				"Message-ID: <draf-1@pematangsiantar.go.id>\r\nIn-Reply-To: <asli@x.example>\r\n" +
				"References: <akar@x.example>\r\n <asli@x.example>\r\n\r\nIsi draf.\r\n")
			open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
			// Select the folder first, so the append must show in a
			// cached list.
			if _, err := sess.List(ctx, folder, 1, 50); err != nil {
				t.Fatal(err)
			}
			date := time.Date(2025, 5, 2, 10, 0, 0, 0, time.UTC)
			uid, err := sess.Append(ctx, folder, []string{FlagSeen, FlagDraft}, date, int64(len(raw)), open)
			if err != nil {
				t.Fatal(err)
			}
			if uid == 0 {
				t.Fatal("no APPENDUID from a server with UIDPLUS")
			}
			p, err := sess.List(ctx, folder, 1, 50)
			if err != nil || len(p.Messages) != 1 || p.Messages[0].UID != uid || !p.Messages[0].Draft || !p.Messages[0].Seen {
				t.Fatalf("after append: %+v, %v", p, err)
			}
			m, err := sess.Message(ctx, folder, uid)
			if err != nil {
				t.Fatal(err)
			}
			if m.MessageID != "draf-1@pematangsiantar.go.id" || !slices.Equal(m.References, []string{"akar@x.example", "asli@x.example"}) ||
				!slices.Equal(m.InReplyTo, []string{"asli@x.example"}) {
				t.Errorf("ids: %q %q %q", m.MessageID, m.References, m.InReplyTo)
			}
			if err := sess.AddFlags(ctx, folder, []uint32{uid}, FlagAnswered, FlagForwarded); err != nil {
				t.Fatal(err)
			}
			if m, _ := sess.Message(ctx, folder, uid); !m.Answered {
				t.Errorf("\\Answered not set")
			}
			second, err := sess.Append(ctx, folder, nil, time.Time{}, int64(len(raw)), open)
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Expunge(ctx, folder, uid); err != nil {
				t.Fatal(err)
			}
			p, _ = sess.List(ctx, folder, 1, 50)
			if len(p.Messages) != 1 || p.Messages[0].UID != second {
				t.Errorf("after expunging one of two: %+v", p.Messages)
			}
			if _, err := sess.Message(ctx, folder, uid); !errors.Is(err, ErrNoSuchMessage) {
				t.Errorf("expunged message: %v", err)
			}
			if _, err := sess.Append(ctx, "Tidak Ada Folder", nil, time.Time{}, int64(len(raw)), open); !errors.Is(err, ErrNoSuchFolder) {
				t.Errorf("append to a missing folder: %v", err)
			}
		})
	}
}

func TestSpecialFolderCreatedWhenMissing(t *testing.T) {
	s := testServers(t)[0] // the embedded server lets a test delete Junk
	if err := s.raw(t).Delete("Junk").Wait(); err != nil {
		t.Fatal(err)
	}
	cache := NewCache(s.cfg, CacheOptions{})
	defer cache.Close()
	sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
	name, err := sess.SpecialFolder(t.Context(), RoleJunk)
	if err != nil || name != "Junk" {
		t.Fatalf("SpecialFolder(junk) = %q, %v", name, err)
	}
	folders, _ := sess.Folders(t.Context())
	if !selectable(folders, "Junk") {
		t.Errorf("Junk not created: %v", folders)
	}
}
