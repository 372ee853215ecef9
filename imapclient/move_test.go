package imapclient

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// snapshot is every message of a folder: UID → its flags, sorted.
func (s testServer) snapshot(t *testing.T, folder string) map[uint32]string {
	t.Helper()
	c := s.raw(t)
	data, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %q: %v", folder, err)
	}
	out := map[uint32]string{}
	if data.NumMessages == 0 {
		return out
	}
	msgs, err := c.Fetch(seqRange(1, 0), &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatalf("fetch %q: %v", folder, err)
	}
	for _, m := range msgs {
		var fl []string
		for _, f := range m.Flags {
			if !strings.EqualFold(string(f), `\Recent`) {
				fl = append(fl, string(f))
			}
		}
		sort.Strings(fl)
		out[uint32(m.UID)] = strings.Join(fl, " ")
	}
	return out
}

// without is the snapshot less the given UIDs.
func without(snap map[uint32]string, uids ...uint32) map[uint32]string {
	out := maps.Clone(snap)
	for _, u := range uids {
		delete(out, u)
	}
	return out
}

// actionFolder is a folder of six messages, the second and fifth flagged,
// the first three seen; it returns the folder and its UIDs in order.
func (s testServer) actionFolder(t *testing.T) (string, []uint32) {
	t.Helper()
	var msgs [][]byte
	var flags [][]imap.Flag
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for i := range 6 {
		msgs = append(msgs, plainMessage(fmt.Sprintf("Surat %d", i+1), "Isi.", base.Add(time.Duration(i)*time.Hour)))
		var f []imap.Flag
		if i < 3 {
			f = append(f, imap.FlagSeen)
		}
		if i == 1 || i == 4 {
			f = append(f, imap.FlagFlagged)
		}
		flags = append(flags, f)
	}
	name := s.newFolder(t, msgs, nil, flags)
	snap := s.snapshot(t, name)
	uids := slices.Sorted(maps.Keys(snap))
	if len(uids) != 6 {
		t.Fatalf("fixture: %v", snap)
	}
	return name, uids
}

func TestMoveCopyUndo(t *testing.T) {
	for _, s := range testServers(t) {
		for _, mode := range []struct {
			name   string
			ignore []string
		}{
			{"move", nil},
			{"copy-fallback", []string{"MOVE"}},
		} {
			t.Run(s.name+"/"+mode.name, func(t *testing.T) {
				cfg := s.cfg
				cfg.IgnoreCaps = mode.ignore
				cache := NewCache(cfg, CacheOptions{})
				defer cache.Close()
				sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
				ctx := t.Context()
				from, uids := s.actionFolder(t)
				to := s.newFolder(t, nil, nil, nil)
				before := s.snapshot(t, from)

				// Move the second and fourth, plus a UID that never existed.
				moved := []uint32{uids[1], uids[3]}
				tr, err := sess.Move(ctx, from, append(slices.Clone(moved), uids[5]+100), to)
				if err != nil {
					t.Fatal(err)
				}
				if tr.Count != 2 || len(tr.UIDs) != 2 || tr.UIDs[uids[1]] == 0 || tr.UIDs[uids[3]] == 0 {
					t.Fatalf("transfer: %+v", tr)
				}
				if got, want := s.snapshot(t, from), without(before, moved...); !maps.Equal(got, want) {
					t.Errorf("origin after move: %v, want %v", got, want)
				}
				dest := s.snapshot(t, to)
				if len(dest) != 2 || dest[tr.UIDs[uids[1]]] != before[uids[1]] || dest[tr.UIDs[uids[3]]] != before[uids[3]] {
					t.Errorf("destination %v (flags must travel), map %v, before %v", dest, tr.UIDs, before)
				}

				// Undo: the new UIDs go back.
				back := slices.Collect(maps.Values(tr.UIDs))
				undo, err := sess.Move(ctx, to, back, from)
				if err != nil || undo.Count != 2 {
					t.Fatalf("undo: %+v, %v", undo, err)
				}
				after := s.snapshot(t, from)
				if len(after) != 6 || len(s.snapshot(t, to)) != 0 {
					t.Errorf("after undo: %v", after)
				}
				for _, u := range moved {
					if after[undo.UIDs[tr.UIDs[u]]] != before[u] {
						t.Errorf("message %d came back as %d with %q, want %q", u, undo.UIDs[tr.UIDs[u]], after[undo.UIDs[tr.UIDs[u]]], before[u])
					}
				}

				// Copy leaves the origin as it is.
				now := s.snapshot(t, from)
				cp, err := sess.Copy(ctx, from, []uint32{uids[0]}, to)
				if err != nil || cp.Count != 1 || len(cp.UIDs) != 1 {
					t.Fatalf("copy: %+v, %v", cp, err)
				}
				if got := s.snapshot(t, from); !maps.Equal(got, now) {
					t.Errorf("origin after copy: %v, want %v", got, now)
				}

				// UIDs that no longer exist: nothing to do, no error.
				if tr, err := sess.Move(ctx, from, []uint32{uids[1], uids[3]}, to); err != nil || tr.Count != 0 {
					t.Errorf("move of vanished UIDs: %+v, %v", tr, err)
				}

				// A destination deleted meanwhile: ErrNoSuchFolder, nothing touched.
				if _, err := sess.Move(ctx, from, []uint32{uids[0]}, "Folder Yang Sudah Dihapus"); !errors.Is(err, ErrNoSuchFolder) {
					t.Errorf("move to a missing folder: %v", err)
				}
				if got := s.snapshot(t, from); !maps.Equal(got, now) {
					t.Errorf("origin after a refused move: %v, want %v", got, now)
				}
				// A missing origin too.
				if _, err := sess.Move(ctx, "Tidak Ada", []uint32{1}, to); !errors.Is(err, ErrNoSuchFolder) {
					t.Errorf("move from a missing folder: %v", err)
				}
			})
		}
	}
}

// TestMoveWithoutUIDPlus is the fallback of a server without UIDPLUS: the
// originals are copied and marked \Deleted, never expunged folder-wide (a
// message another client marked \Deleted stays).
func TestMoveWithoutUIDPlus(t *testing.T) {
	s := testServers(t)[0]
	cfg := s.cfg
	cfg.IgnoreCaps = []string{"MOVE", "UIDPLUS"}
	cache := NewCache(cfg, CacheOptions{})
	defer cache.Close()
	sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
	from, uids := s.actionFolder(t)
	to := s.newFolder(t, nil, nil, nil)
	before := s.snapshot(t, from)
	tr, err := sess.Move(t.Context(), from, []uint32{uids[2]}, to)
	if err != nil || tr.Count != 1 {
		t.Fatalf("move: %+v, %v", tr, err)
	}
	after := s.snapshot(t, from)
	if len(after) != 6 || !strings.Contains(after[uids[2]], `\Deleted`) || !maps.Equal(without(after, uids[2]), without(before, uids[2])) {
		t.Errorf("origin: %v, before %v", after, before)
	}
	if len(s.snapshot(t, to)) != 1 {
		t.Error("no copy in the destination")
	}
}

func TestSetFlags(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			ctx := t.Context()
			folder, uids := s.actionFolder(t)
			before := s.snapshot(t, folder)

			// Mark the third (seen) and fourth (unseen) read: only the
			// fourth changes.
			fc, err := sess.SetFlags(ctx, folder, []uint32{uids[2], uids[3], 9999}, true, FlagSeen)
			if err != nil || fc.Count != 2 || !slices.Equal(fc.Changed, []uint32{uids[3]}) {
				t.Fatalf("mark read: %+v, %v", fc, err)
			}
			got := s.snapshot(t, folder)
			if got[uids[3]] != `\Seen` || !maps.Equal(without(got, uids[3]), without(before, uids[3])) {
				t.Errorf("after mark read: %v, before %v", got, before)
			}
			// Undo: only the changed one.
			if _, err := sess.SetFlags(ctx, folder, fc.Changed, false, FlagSeen); err != nil {
				t.Fatal(err)
			}
			if got := s.snapshot(t, folder); !maps.Equal(got, before) {
				t.Errorf("after undo: %v, want %v", got, before)
			}
			// Unflag the second and fifth.
			fc, err = sess.SetFlags(ctx, folder, []uint32{uids[1], uids[4]}, false, FlagFlagged)
			if err != nil || fc.Count != 2 || len(fc.Changed) != 2 {
				t.Fatalf("unflag: %+v, %v", fc, err)
			}
			got = s.snapshot(t, folder)
			if got[uids[1]] != `\Seen` || got[uids[4]] != "" || !maps.Equal(without(got, uids[1], uids[4]), without(before, uids[1], uids[4])) {
				t.Errorf("after unflag: %v", got)
			}
		})
	}
}

func TestDeleteAndEmpty(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			ctx := t.Context()
			folder, uids := s.actionFolder(t)
			trash, err := sess.SpecialFolder(ctx, RoleTrash)
			if err != nil {
				t.Fatal(err)
			}
			before := s.snapshot(t, folder)
			trashBefore := s.snapshot(t, trash)

			// Hapus: to Trash.
			tr, err := sess.Delete(ctx, folder, []uint32{uids[0], uids[5]})
			if err != nil || tr.Permanent || tr.To != trash || tr.Count != 2 || len(tr.UIDs) != 2 {
				t.Fatalf("delete: %+v, %v", tr, err)
			}
			if got := s.snapshot(t, folder); !maps.Equal(got, without(before, uids[0], uids[5])) {
				t.Errorf("folder after delete: %v", got)
			}
			inTrash := s.snapshot(t, trash)
			if len(inTrash) != len(trashBefore)+2 {
				t.Errorf("trash: %v", inTrash)
			}
			// Hapus inside Trash: for good, and only those.
			first := tr.UIDs[uids[0]]
			tr2, err := sess.Delete(ctx, trash, []uint32{first})
			if err != nil || !tr2.Permanent || tr2.Count != 1 {
				t.Fatalf("delete in trash: %+v, %v", tr2, err)
			}
			if got := s.snapshot(t, trash); !maps.Equal(got, without(inTrash, first)) {
				t.Errorf("trash after permanent delete: %v, want %v", got, without(inTrash, first))
			}
			// DeleteForever elsewhere.
			if n, err := sess.DeleteForever(ctx, folder, []uint32{uids[1], 4000}); err != nil || n != 1 {
				t.Errorf("delete forever: %d, %v", n, err)
			}
			if got := s.snapshot(t, folder); !maps.Equal(got, without(before, uids[0], uids[1], uids[5])) {
				t.Errorf("folder after delete forever: %v", got)
			}
			// Spam and Archive (created on first use).
			if tr, err := sess.MoveTo(ctx, folder, []uint32{uids[2]}, RoleJunk); err != nil || tr.Count != 1 || tr.To == "" {
				t.Errorf("spam: %+v, %v", tr, err)
			}
			if tr, err := sess.MoveTo(ctx, folder, []uint32{uids[3]}, RoleArchive); err != nil || tr.Count != 1 || tr.To == "" {
				t.Errorf("archive: %+v, %v", tr, err)
			}
			if got := s.snapshot(t, folder); !maps.Equal(got, without(before, uids[0], uids[1], uids[2], uids[3], uids[5])) {
				t.Errorf("folder after spam and archive: %v", got)
			}
			// Empty: everything of the folder, nothing elsewhere.
			other := s.snapshot(t, trash)
			if n, err := sess.EmptyFolder(ctx, folder); err != nil || n != 1 {
				t.Errorf("empty: %d, %v", n, err)
			}
			if got := s.snapshot(t, folder); len(got) != 0 {
				t.Errorf("after empty: %v", got)
			}
			if got := s.snapshot(t, trash); !maps.Equal(got, other) {
				t.Errorf("trash changed by emptying another folder")
			}
		})
	}
}

func TestUIDSets(t *testing.T) {
	for _, tt := range []struct {
		in   []uint32
		want string
	}{
		{nil, ""},
		{[]uint32{9, 1, 2, 3, 4, 5, 5}, "1:5,9"},
		{[]uint32{7}, "7"},
		{[]uint32{1, 3, 4, 10, 11, 12}, "1,3:4,10:12"},
	} {
		got := FormatUIDs(tt.in)
		if got != tt.want {
			t.Errorf("FormatUIDs(%v) = %q, want %q", tt.in, got, tt.want)
		}
		back, err := ParseUIDs(got, 100)
		if err != nil || len(back) != len(slices.Compact(slices.Sorted(slices.Values(tt.in)))) {
			t.Errorf("ParseUIDs(%q) = %v, %v", got, back, err)
		}
	}
	for _, bad := range []string{"0", "1:*", "a", "1,,2", "1:4294967295", "-1", "1:0"} {
		if _, err := ParseUIDs(bad, 500); err == nil {
			t.Errorf("ParseUIDs(%q) accepted", bad)
		}
	}
}
