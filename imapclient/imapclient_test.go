package imapclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/testenv"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in       string
		addr     string
		security Security
		wantErr  bool
	}{
		{"imaps://mail.example.org", "mail.example.org:993", SecurityTLS, false},
		{"imaps://mail.example.org:1993", "mail.example.org:1993", SecurityTLS, false},
		{"imap://mail.example.org", "mail.example.org:143", SecurityStartTLS, false},
		{"imap+insecure://127.0.0.1:1143", "127.0.0.1:1143", SecurityNone, false},
		{"imap+insecure://localhost", "localhost:143", SecurityNone, false},
		{"imap+insecure://[::1]:143", "[::1]:143", SecurityNone, false},
		{"imap+insecure://mail.example.org:143", "", 0, true},
		{"imap+insecure://10.0.0.1:143", "", 0, true},
		{"http://mail.example.org", "", 0, true},
		{"imaps://", "", 0, true},
		{"mail.example.org:993", "", 0, true},
	}
	for _, tt := range tests {
		cfg, err := ParseURL(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseURL(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (cfg.Addr != tt.addr || cfg.Security != tt.security) {
			t.Errorf("ParseURL(%q) = %v %v, want %v %v", tt.in, cfg.Addr, cfg.Security, tt.addr, tt.security)
		}
	}
}

func TestClassify(t *testing.T) {
	no := func(code imap.ResponseCode, text string) error {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: code, Text: text}
	}
	cfg := &Config{}
	tests := []struct {
		err  error
		want error
	}{
		{no(imap.ResponseCodeAuthenticationFailed, "Authentication failed."), ErrAuthFailed},
		{no("", "LOGIN failed"), ErrAuthFailed}, // Zimbra, wrong password
		{no(imap.ResponseCodeExpired, "Password expired"), ErrMustChangePassword},
		{no(imap.ResponseCodeAlert, "password must be changed before IMAP login permitted"), ErrMustChangePassword}, // Zimbra
		{no(imap.ResponseCodeUnavailable, "Temporary failure"), ErrUnavailable},
		{&imap.Error{Type: imap.StatusResponseTypeBye, Text: "Server shutting down"}, ErrUnavailable},
		{io.ErrUnexpectedEOF, ErrUnavailable},
	}
	for _, tt := range tests {
		if got := classifyLogin(tt.err, cfg); !errors.Is(got, tt.want) {
			t.Errorf("classifyLogin(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	custom := &Config{MustChangePattern: regexpMust(`(?i)kata sandi kedaluwarsa`)}
	if got := classifyLogin(no("", "Kata sandi kedaluwarsa"), custom); !errors.Is(got, ErrMustChangePassword) {
		t.Errorf("custom must-change pattern: got %v", got)
	}
	if got := classify(no(imap.ResponseCodeNonExistent, "Mailbox doesn't exist"), nil); !errors.Is(got, ErrNoSuchFolder) {
		t.Errorf("NONEXISTENT: got %v", got)
	}
}

func TestLogin(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			ctx := t.Context()
			if err := cache.Login(ctx, Credentials{SessionID: "a", Username: s.user, Password: s.pass}); err != nil {
				t.Fatalf("login: %v", err)
			}
			if cache.Len() != 1 {
				t.Errorf("cache holds %d connections, want 1", cache.Len())
			}
			err := cache.Login(ctx, Credentials{SessionID: "b", Username: s.user, Password: s.pass + "x"})
			if !errors.Is(err, ErrAuthFailed) {
				t.Errorf("wrong password: got %v, want ErrAuthFailed", err)
			}
			err = cache.Login(ctx, Credentials{SessionID: "c", Username: "nobody@pematangsiantar.go.id", Password: "x"})
			if !errors.Is(err, ErrAuthFailed) {
				t.Errorf("unknown user: got %v, want ErrAuthFailed", err)
			}
			if s.expiredUser != "" {
				err = cache.Login(ctx, Credentials{SessionID: "d", Username: s.expiredUser, Password: s.expiredPass})
				if !errors.Is(err, ErrMustChangePassword) {
					t.Errorf("expired password: got %v, want ErrMustChangePassword", err)
				}
			}
			// A session whose cookie carries a wrong password (changed
			// elsewhere) gets no connection from another login.
			_, err = cache.Session(Credentials{SessionID: "a", Username: s.user, Password: "stale"}).Folders(ctx)
			if !errors.Is(err, ErrAuthFailed) {
				t.Errorf("stale password on cached session: got %v, want ErrAuthFailed", err)
			}
		})
	}
}

func TestLoginUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cache := NewCache(Config{Addr: addr, Security: SecurityNone, DialTimeout: time.Second}, CacheOptions{})
	defer cache.Close()
	err = cache.Login(t.Context(), Credentials{SessionID: "x", Username: "a", Password: "b"})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("closed port: got %v, want ErrUnavailable", err)
	}
	// A TLS server that is not TLS: the handshake fails, still unavailable.
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	go func() {
		for {
			c, err := plain.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("garbage\r\n"))
			c.Close()
		}
	}()
	cache2 := NewCache(Config{Addr: plain.Addr().String(), Security: SecurityTLS, DialTimeout: time.Second}, CacheOptions{})
	defer cache2.Close()
	if err := cache2.Login(t.Context(), Credentials{SessionID: "y", Username: "a", Password: "b"}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("not a TLS server: got %v, want ErrUnavailable", err)
	}
}

func TestFolders(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			msg := plainMessage("Rapat koordinasi", "Isi pesan.", time.Now())
			name := s.newFolder(t, [][]byte{msg, msg, msg}, nil, [][]imap.Flag{{imap.FlagSeen}, nil, nil})
			raw := s.raw(t)
			testenv.CreateMailbox(t, raw, name+"/Sub")
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			folders, err := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass}).Folders(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			roles := map[Role]string{}
			var mine, child *Folder
			for i, f := range folders {
				if f.Role != RoleNone {
					roles[f.Role] = f.Name
				}
				if f.Name == name {
					mine = &folders[i]
				}
				if f.Name == name+"/Sub" {
					child = &folders[i]
					if i == 0 || folders[i-1].Name != name {
						t.Errorf("child folder not right after its parent")
					}
				}
			}
			for _, r := range []Role{RoleInbox, RoleSent, RoleDrafts, RoleJunk, RoleTrash} {
				if roles[r] == "" {
					t.Errorf("no folder with role %q in %v", r, folders)
				}
			}
			if folders[0].Role != RoleInbox {
				t.Errorf("first folder is %q, want the inbox", folders[0].Name)
			}
			if mine == nil || child == nil {
				t.Fatalf("created folders missing from %v", folders)
			}
			if mine.Total != 3 || mine.Unread != 2 {
				t.Errorf("counts = %d/%d unread, want 3/2", mine.Total, mine.Unread)
			}
			if child.Depth != mine.Depth+1 || child.Leaf != "Sub" {
				t.Errorf("child = depth %d leaf %q", child.Depth, child.Leaf)
			}
		})
	}
}

func TestListPaging(t *testing.T) {
	const n = 123
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			base := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
			msgs := make([][]byte, n)
			dates := make([]time.Time, n)
			for i := range msgs {
				dates[i] = base.Add(time.Duration(i) * time.Hour)
				msgs[i] = plainMessage(fmt.Sprintf("Pesan %03d", i), "Isi.", dates[i])
			}
			name := s.newFolder(t, msgs, dates, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			for _, tt := range []struct{ page, count, first int }{{1, 50, 122}, {2, 50, 72}, {3, 23, 22}, {9, 23, 22}} {
				p, err := sess.List(t.Context(), name, tt.page, 50)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != n || p.Pages() != 3 || len(p.Messages) != tt.count {
					t.Fatalf("page %d: total %d pages %d rows %d", tt.page, p.Total, p.Pages(), len(p.Messages))
				}
				if want := fmt.Sprintf("Pesan %03d", tt.first); p.Messages[0].Subject != want {
					t.Errorf("page %d starts with %q, want %q", tt.page, p.Messages[0].Subject, want)
				}
				for i := 1; i < len(p.Messages); i++ {
					if p.Messages[i].Date.After(p.Messages[i-1].Date) {
						t.Errorf("page %d not newest first at row %d", tt.page, i)
					}
				}
			}
			if _, err := sess.List(t.Context(), "Tidak Ada "+name, 1, 50); !errors.Is(err, ErrNoSuchFolder) {
				t.Errorf("missing folder: got %v, want ErrNoSuchFolder", err)
			}
			folders, p, err := sess.ListWithFolders(t.Context(), name, 2, 50)
			if err != nil || len(folders) < 6 || p.Messages[0].Subject != "Pesan 072" {
				t.Fatalf("ListWithFolders: %d folders, %v", len(folders), err)
			}
			// Another client deletes the folder while this session has it
			// selected.
			if err := s.raw(t).Delete(name).Wait(); err != nil {
				t.Fatal(err)
			}
			if _, _, err := sess.ListWithFolders(t.Context(), name, 1, 50); !errors.Is(err, ErrNoSuchFolder) {
				t.Errorf("folder deleted meanwhile: got %v, want ErrNoSuchFolder", err)
			}
		})
	}
}

func TestMessageAndPart(t *testing.T) {
	attachment := bytes.Repeat([]byte("PDF-ISI-\x00\xff"), 3000)
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			raw := multipartMessage(attachment)
			name := s.newFolder(t, [][]byte{raw, plainLatin1()}, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			p, err := sess.List(t.Context(), name, 1, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Messages) != 2 {
				t.Fatalf("got %d messages", len(p.Messages))
			}
			var uid, latinUID uint32
			for _, m := range p.Messages {
				if strings.HasPrefix(m.Subject, "Undangan") {
					uid = m.UID
					if !m.HasAttachments || m.Seen {
						t.Errorf("summary: attachments %v seen %v", m.HasAttachments, m.Seen)
					}
				} else {
					latinUID = m.UID
				}
			}
			m, err := sess.Message(t.Context(), name, uid)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != "Undangan Rapat – Évaluasi" {
				t.Errorf("subject %q", m.Subject)
			}
			if len(m.From) != 1 || m.From[0].Name != "Boi Manalu" || m.From[0].Email != "boi@pematangsiantar.go.id" {
				t.Errorf("from %+v", m.From)
			}
			if !strings.Contains(m.Text, "Dengan hormat, rapat diadakan hari Senin.") {
				t.Errorf("text %q", m.Text)
			}
			if !strings.Contains(m.HTML, "<b>Senin</b>") || !strings.Contains(m.HTML, "é") {
				t.Errorf("html %q", m.HTML)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Filename != "Laporan Triwulan – Dinas.pdf" || m.Attachments[0].ContentType != "application/pdf" {
				t.Fatalf("attachments %+v", m.Attachments)
			}
			var got []byte
			err = sess.Part(t.Context(), name, uid, m.Attachments[0].Part, func(info PartInfo, r io.Reader) error {
				if info.Filename != "Laporan Triwulan – Dinas.pdf" {
					t.Errorf("part filename %q", info.Filename)
				}
				got, err = io.ReadAll(r)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, attachment) {
				t.Errorf("attachment: got %d bytes, want %d", len(got), len(attachment))
			}
			// Opening marked it read.
			p, _ = sess.List(t.Context(), name, 1, 50)
			for _, row := range p.Messages {
				if row.UID == uid && !row.Seen {
					t.Errorf("message not marked read")
				}
			}
			latin, err := sess.Message(t.Context(), name, latinUID)
			if err != nil {
				t.Fatal(err)
			}
			if latin.Subject != "Café à Pematangsiantar" || !strings.Contains(latin.Text, "Crème brûlée") {
				t.Errorf("latin-1 message: subject %q text %q", latin.Subject, latin.Text)
			}
			if _, err := sess.Message(t.Context(), name, 99999); !errors.Is(err, ErrNoSuchMessage) {
				t.Errorf("missing uid: got %v, want ErrNoSuchMessage", err)
			}
			err = sess.Part(t.Context(), name, uid, "7", func(PartInfo, io.Reader) error { return nil })
			if !errors.Is(err, ErrNoSuchMessage) {
				t.Errorf("missing part: got %v, want ErrNoSuchMessage", err)
			}
		})
	}
}

func TestRedialAfterDrop(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			cr := Credentials{SessionID: "s", Username: s.user, Password: s.pass}
			if err := cache.Login(t.Context(), cr); err != nil {
				t.Fatal(err)
			}
			// Cut the connection under the cache, as a server restart would.
			cache.mu.Lock()
			e := cache.entries["s"]
			cache.mu.Unlock()
			e.conn.client.Close()
			if _, err := cache.Session(cr).List(t.Context(), "INBOX", 1, 10); err != nil {
				t.Fatalf("after a dropped connection: %v", err)
			}
			if st := cache.Stats(); st != (CacheStats{Conns: 1, Dials: 2, Redials: 1}) {
				t.Errorf("stats %+v, want 1 connection, 2 dials, 1 redial", st)
			}
		})
	}
}

func TestConcurrentRequestsOfOneSession(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			a := s.newFolder(t, [][]byte{plainMessage("Satu", "a", time.Now())}, nil, nil)
			b := s.newFolder(t, [][]byte{plainMessage("Dua", "b", time.Now()), plainMessage("Tiga", "c", time.Now())}, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					folder, want := a, 1
					if i%2 == 1 {
						folder, want = b, 2
					}
					p, err := sess.List(context.Background(), folder, 1, 50)
					if err != nil {
						errs <- err
					} else if len(p.Messages) != want {
						errs <- fmt.Errorf("%s: %d messages, want %d", folder, len(p.Messages), want)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if cache.Len() != 1 {
				t.Errorf("one session used %d connections", cache.Len())
			}
		})
	}
}

func TestCacheEvictsWhenFull(t *testing.T) {
	s := testServers(t)[0]
	cache := NewCache(s.cfg, CacheOptions{MaxConns: 2})
	defer cache.Close()
	for i := range 4 {
		cr := Credentials{SessionID: fmt.Sprint(i), Username: s.user, Password: s.pass}
		if _, err := cache.Session(cr).Folders(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := cache.Len(); n != 2 {
		t.Errorf("cache holds %d connections, want the cap of 2", n)
	}
	cache.Drop("3")
	if n := cache.Len(); n != 1 {
		t.Errorf("after Drop: %d connections, want 1", n)
	}
}

func TestCacheDropAccount(t *testing.T) {
	b, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cache := NewCache(Config{Addr: b.IMAPAddr, Security: SecurityNone}, CacheOptions{})
	defer cache.Close()
	one, other := b.Accounts[0], b.Accounts[1]
	// Two sessions of one account (the user name in another case) and one
	// of another account.
	for _, cr := range []Credentials{
		{SessionID: "1", Username: one.Address, Password: one.Password},
		{SessionID: "2", Username: strings.ToUpper(one.Address), Password: one.Password},
		{SessionID: "3", Username: other.Address, Password: other.Password},
	} {
		if err := cache.Login(t.Context(), cr); err != nil {
			t.Fatal(err)
		}
	}
	if n := cache.DropAccount(one.Address); n != 2 {
		t.Errorf("DropAccount closed %d connections, want 2", n)
	}
	if n := cache.Len(); n != 1 {
		t.Errorf("%d connections left, want the other account's 1", n)
	}
	// After a password change, a session still holding the old password
	// has to log in again, and cannot.
	if err := b.SetPassword(one.Address, "sandi-baru-yang-panjang"); err != nil {
		t.Fatal(err)
	}
	_, err = cache.Session(Credentials{SessionID: "1", Username: one.Address, Password: one.Password}).Folders(t.Context())
	if !errors.Is(err, ErrAuthFailed) {
		t.Errorf("session with the old password: got %v, want ErrAuthFailed", err)
	}
}

// TestListSeesChanges checks that a cached connection (and its cached date
// order) reflects mail delivered or expunged by another client.
func TestListSeesChanges(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
			var msgs [][]byte
			for i := range 5 {
				msgs = append(msgs, plainMessage(fmt.Sprintf("Lama %d", i), "x", base.Add(time.Duration(i)*time.Hour)))
			}
			name := s.newFolder(t, msgs, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			subjects := func() []string {
				t.Helper()
				p, err := sess.List(t.Context(), name, 1, 50)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, m := range p.Messages {
					out = append(out, m.Subject)
				}
				return out
			}
			if got := subjects(); len(got) != 5 || got[0] != "Lama 4" {
				t.Fatalf("before: %v", got)
			}
			raw := s.raw(t)
			newMsg := plainMessage("Baru", "x", base.Add(48*time.Hour))
			cmd := raw.Append(name, int64(len(newMsg)), nil)
			cmd.Write(newMsg)
			cmd.Close()
			if _, err := cmd.Wait(); err != nil {
				t.Fatal(err)
			}
			if got := subjects(); len(got) != 6 || got[0] != "Baru" {
				t.Fatalf("after a delivery: %v", got)
			}
			// Expunge the newest by another client: same count as a new
			// delivery would leave, so only the server's EXPUNGE tells.
			if _, err := raw.Select(name, nil).Wait(); err != nil {
				t.Fatal(err)
			}
			if err := raw.Store(imap.SeqSetNum(6), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
				t.Fatal(err)
			}
			if err := raw.Expunge().Close(); err != nil {
				t.Fatal(err)
			}
			older := plainMessage("Terlambat", "x", base.Add(90*time.Minute))
			cmd = raw.Append(name, int64(len(older)), nil)
			cmd.Write(older)
			cmd.Close()
			if _, err := cmd.Wait(); err != nil {
				t.Fatal(err)
			}
			got := subjects()
			if len(got) != 6 || got[0] == "Baru" {
				t.Fatalf("after expunge + delivery: %v", got)
			}
			if s.name == "dovecot" {
				// SORT by Date: the late arrival with an old date sits
				// between Lama 2 and Lama 1.
				want := []string{"Lama 4", "Lama 3", "Lama 2", "Terlambat", "Lama 1", "Lama 0"}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("date order: got %v, want %v", got, want)
				}
			}
		})
	}
}
