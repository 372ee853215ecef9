package imapclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// TestFolderManage creates, renames, subscribes and deletes folders with
// non-ASCII names, nested by the server's delimiter, and checks what is
// refused, on both servers.
func TestFolderManage(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			ctx := t.Context()
			cache := NewCache(s.cfg, CacheOptions{})
			t.Cleanup(cache.Close)
			sess := cache.Session(Credentials{SessionID: "fm", Username: s.user, Password: s.pass})
			tok := randHex(3)
			top := "Surat Masuk – 2025 é " + tok
			t.Cleanup(func() {
				if c, err := dial(ctx, &s.cfg, s.user, s.pass); err == nil {
					for _, n := range []string{top, "Surat Lama ü " + tok} {
						c.client.Delete(n).Wait()
					}
					c.close()
				}
			})

			name, err := sess.CreateFolder(ctx, "", "  "+top+" ")
			if err != nil || name != top {
				t.Fatalf("create: %q, %v", name, err)
			}
			folders, subs, err := sess.FoldersSubscribed(ctx)
			if err != nil {
				t.Fatal(err)
			}
			f, ok := findFolder(folders, top)
			if !ok || f.Leaf != top || f.Depth != 0 || f.Delim == "" {
				t.Fatalf("created folder not listed as %q: %+v", top, f)
			}
			if !subs[top] {
				t.Errorf("new folder not subscribed: %v", subs)
			}
			delim := f.Delim
			// The name as another client sees it: modified UTF-7 on the
			// wire, decoded again by go-imap.
			list, err := s.raw(t).List("", top, nil).Collect()
			if err != nil || len(list) != 1 || list[0].Mailbox != top {
				t.Fatalf("raw LIST %q: %v %v", top, list, err)
			}

			child, err := sess.CreateFolder(ctx, top, "Sub ✓")
			if err != nil || child != top+delim+"Sub ✓" {
				t.Fatalf("create child: %q, %v", child, err)
			}
			folders, _ = sess.Folders(ctx)
			if c, ok := findFolder(folders, child); !ok || c.Depth != 1 || c.Leaf != "Sub ✓" {
				t.Errorf("child: %+v", c)
			}
			if _, err := sess.CreateFolder(ctx, "", top); !errors.Is(err, ErrFolderExists) {
				t.Errorf("create again: %v, want ErrFolderExists", err)
			}
			if _, err := sess.CreateFolder(ctx, "Tidak Ada "+tok, "x"); !errors.Is(err, ErrNoSuchFolder) {
				t.Errorf("missing parent: %v", err)
			}

			// Refused names; nothing is created.
			before, _ := sess.Folders(ctx)
			for _, tt := range []struct {
				leaf string
				want NameProblem
			}{
				{"", NameEmpty}, {"   ", NameEmpty}, {"a" + delim + "b", NameDelimiter},
				{"50%", NameWildcard}, {"semua*", NameWildcard}, {"baris\r\nbaru", NameControl},
				{"nul\x00", NameControl}, {string(make([]rune, 201)), NameControl},
			} {
				_, err := sess.CreateFolder(ctx, top, tt.leaf)
				var ne *FolderNameError
				if !errors.Is(err, ErrInvalidFolderName) || !errors.As(err, &ne) || ne.Problem != tt.want {
					t.Errorf("create %q: %v, want %s", tt.leaf, err, tt.want)
				}
			}
			if _, err := CheckLeaf(string(make([]byte, 0))+repeat("é", 201), "/"); !errors.Is(err, ErrInvalidFolderName) {
				t.Errorf("too long: %v", err)
			}
			if after, _ := sess.Folders(ctx); len(after) != len(before) {
				t.Errorf("refused names changed the list: %d → %d folders", len(before), len(after))
			}

			// Special folders are neither renamed nor deleted.
			var trash string
			for _, f := range folders {
				if f.Role == RoleTrash {
					trash = f.Name
				}
			}
			for _, n := range []string{"INBOX", "inbox", trash} {
				if _, err := sess.RenameFolder(ctx, n, "Lain "+tok); !errors.Is(err, ErrSpecialFolder) {
					t.Errorf("rename %q: %v, want ErrSpecialFolder", n, err)
				}
				if err := sess.DeleteFolder(ctx, n); !errors.Is(err, ErrSpecialFolder) {
					t.Errorf("delete %q: %v, want ErrSpecialFolder", n, err)
				}
			}

			// Rename, with the folder selected; the child moves along.
			if _, err := sess.List(ctx, top, 1, 50); err != nil {
				t.Fatal(err)
			}
			renamed, err := sess.RenameFolder(ctx, top, "Surat Lama ü "+tok)
			if err != nil || renamed != "Surat Lama ü "+tok {
				t.Fatalf("rename: %q, %v", renamed, err)
			}
			folders, subs, _ = sess.FoldersSubscribed(ctx)
			if _, ok := findFolder(folders, top); ok {
				t.Error("old name still listed")
			}
			if _, ok := findFolder(folders, renamed+delim+"Sub ✓"); !ok {
				t.Errorf("child did not move: %v", folders)
			}
			if subs != nil && !subs[renamed] {
				t.Errorf("renamed folder not subscribed")
			}
			if _, err := sess.RenameFolder(ctx, renamed+delim+"Sub ✓", "x"+delim+"y"); !errors.Is(err, ErrInvalidFolderName) {
				t.Errorf("rename to a name with the delimiter: %v", err)
			}

			// Subscriptions.
			if err := sess.Unsubscribe(ctx, renamed); err != nil {
				t.Fatal(err)
			}
			if _, subs, _ = sess.FoldersSubscribed(ctx); subs[renamed] {
				t.Error("still subscribed")
			}
			if err := sess.Subscribe(ctx, renamed); err != nil {
				t.Fatal(err)
			}
			if _, subs, _ = sess.FoldersSubscribed(ctx); !subs[renamed] {
				t.Error("not subscribed again")
			}

			// Delete with the child.
			if err := sess.DeleteFolder(ctx, renamed); err != nil {
				t.Fatal(err)
			}
			folders, _ = sess.Folders(ctx)
			for _, n := range []string{renamed, renamed + delim + "Sub ✓"} {
				if _, ok := findFolder(folders, n); ok {
					t.Errorf("%q still listed", n)
				}
			}
			if err := sess.DeleteFolder(ctx, renamed); !errors.Is(err, ErrNoSuchFolder) {
				t.Errorf("delete again: %v", err)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// TestCreateFolderConcurrently creates folders from several sessions of
// one account at once, as a user with two tabs or devices might: every
// create must succeed, although Dovecot sometimes answers such a CREATE
// with ALREADYEXISTS after creating the folder.
func TestCreateFolderConcurrently(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			cache := NewCache(s.cfg, CacheOptions{})
			t.Cleanup(cache.Close)
			var mu sync.Mutex
			var created []string
			t.Cleanup(func() {
				if c, err := dial(context.Background(), &s.cfg, s.user, s.pass); err == nil {
					for _, n := range created {
						c.client.Delete(n).Wait()
					}
					c.close()
				}
			})
			var wg sync.WaitGroup
			for g := range 4 {
				sess := cache.Session(Credentials{SessionID: fmt.Sprint("c", g), Username: s.user, Password: s.pass})
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 15 {
						name, err := sess.CreateFolder(t.Context(), "", "Serentak "+randHex(4))
						if err != nil {
							t.Error(err)
							continue
						}
						mu.Lock()
						created = append(created, name)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
		})
	}
}
