package imapclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// mimeFixture reads one message of the webmail's fixture set.
func mimeFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "mime", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nestedAttached is a message with an attached multipart message, which
// has an attached single-part message in turn.
func nestedAttached() []byte {
	return []byte("From: Sekretariat <sekretariat@pematangsiantar.go.id>\r\n" +
		"To: tatausaha@pematangsiantar.go.id\r\n" +
		"Subject: Fwd: Fwd: Berkas berantai\r\n" +
		"Date: Wed, 26 Nov 2025 09:15:00 +0700\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n" +
		"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLapis luar.\r\n" +
		"--a\r\nContent-Type: message/rfc822\r\n\r\n" +
		"From: Bagian Umum <umum@pematangsiantar.go.id>\r\n" +
		"Subject: Fwd: Berkas berantai\r\n" +
		"Date: Tue, 25 Nov 2025 10:00:00 +0700\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Lapis tengah.</p>\r\n" +
		"--b\r\nContent-Type: message/rfc822\r\n\r\n" +
		"From: Camat <camat@pematangsiantar.go.id>\r\n" +
		"Subject: =?iso-8859-1?q?Berkas_berantai_=E9?=\r\n" +
		"Date: Mon, 24 Nov 2025 08:00:00 +0700\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=iso-8859-1\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Lapis terdalam, caf=E9.\r\n" +
		"--b--\r\n" +
		"--a--\r\n")
}

func TestAttachedMessage(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			folder := s.newFolder(t, [][]byte{mimeFixture(t, "18-message-rfc822.eml"), nestedAttached()}, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			ctx := t.Context()

			outer, err := sess.Message(ctx, folder, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(outer.Attachments) != 1 || outer.Attachments[0].Part != "2" || outer.Attachments[0].ContentType != "message/rfc822" ||
				outer.Attachments[0].Filename != "Disposisi surat masuk.eml" {
				t.Fatalf("outer attachments %+v", outer.Attachments)
			}
			m, err := sess.AttachedMessage(ctx, folder, 1, "2")
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != "Disposisi surat masuk" || m.ParentSubject != "Fwd: Disposisi surat masuk" || m.Part != "2" ||
				len(m.From) != 1 || m.From[0].Email != "kadis@pematangsiantar.go.id" || m.Date.Day() != 24 {
				t.Errorf("attached message %+v", m)
			}
			if !strings.Contains(m.Text, "Mohon ditindaklanjuti segera, terima kasih.") || m.HTML != "" || len(m.Problems) != 0 {
				t.Errorf("text %q html %q problems %q", m.Text, m.HTML, m.Problems)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Part != "2.2" || m.Attachments[0].Filename != "Surat-Masuk.pdf" {
				t.Fatalf("inner attachments %+v", m.Attachments)
			}
			// The inner attachment downloads by its section.
			var got []byte
			err = sess.Part(ctx, folder, 1, "2.2", func(info PartInfo, r io.Reader) error {
				if info.Filename != "Surat-Masuk.pdf" {
					t.Errorf("part info %+v", info)
				}
				got, err = io.ReadAll(r)
				return err
			})
			if err != nil || string(got) != "%PDF-1.4\n" {
				t.Errorf("inner part: %q, %v", got, err)
			}

			// Two levels: multipart inside, then single-part inside that
			// (its body is section 2.2.1).
			mid, err := sess.AttachedMessage(ctx, folder, 2, "2")
			if err != nil {
				t.Fatal(err)
			}
			if mid.Subject != "Fwd: Berkas berantai" || !strings.Contains(mid.HTML, "Lapis tengah.") || mid.ParentSubject != "Fwd: Fwd: Berkas berantai" {
				t.Errorf("middle message %q html %q parent %q", mid.Subject, mid.HTML, mid.ParentSubject)
			}
			if len(mid.Attachments) != 1 || mid.Attachments[0].Part != "2.2" || mid.Attachments[0].ContentType != "message/rfc822" {
				t.Fatalf("middle attachments %+v", mid.Attachments)
			}
			in, err := sess.AttachedMessage(ctx, folder, 2, "2.2")
			if err != nil {
				t.Fatal(err)
			}
			if in.Subject != "Berkas berantai é" || strings.TrimSpace(in.Text) != "Lapis terdalam, café." || len(in.Attachments) != 0 {
				t.Errorf("innermost message %q text %q attachments %+v", in.Subject, in.Text, in.Attachments)
			}

			// Sections that are not attached messages.
			for _, part := range []string{"1", "3", "2.1", "2.9", "x"} {
				if _, err := sess.AttachedMessage(ctx, folder, 1, part); !errors.Is(err, ErrNoSuchMessage) {
					t.Errorf("part %s: %v, want ErrNoSuchMessage", part, err)
				}
			}
		})
	}
}

// TestUnreadableMessage: a FETCH that breaks the connection is retried
// once on a fresh one; when it breaks that one too, the message is
// unreadable, and the session still works for the next request.
func TestUnreadableMessage(t *testing.T) {
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			folder := s.newFolder(t, [][]byte{multipartMessage([]byte("isi")), mimeFixture(t, "18-message-rfc822.eml")}, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			ctx := t.Context()
			t.Cleanup(func() { testHookBodyFetch = nil })

			// Once: a dropped connection, the request still succeeds.
			cuts := 0
			testHookBodyFetch = func(c *conn) {
				if cuts == 0 {
					c.client.Close()
				}
				cuts++
			}
			m, err := sess.Message(ctx, folder, 1)
			if err != nil || !strings.Contains(m.Text, "Dengan hormat") || cuts != 2 {
				t.Fatalf("after one drop: %v, %d fetches", err, cuts)
			}

			// Always: the message cannot be read, on either of the two
			// connections the request tries.
			testHookBodyFetch = func(c *conn) { c.client.Close() }
			for _, open := range []func() error{
				func() error { _, err := sess.Message(ctx, folder, 1); return err },
				func() error { _, err := sess.AttachedMessage(ctx, folder, 2, "2"); return err },
			} {
				if err := open(); !errors.Is(err, ErrUnreadableMessage) {
					t.Errorf("broken fetch: %v, want ErrUnreadableMessage", err)
				}
			}
			testHookBodyFetch = nil
			// The next request works on a fresh connection.
			if p, err := sess.List(ctx, folder, 1, 10); err != nil || len(p.Messages) != 2 {
				t.Fatalf("after an unreadable message: %v", err)
			}
			if _, err := sess.Message(ctx, folder, 1); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestNamedHTMLAfterText: an HTML part with a file name after the text
// of a multipart/mixed is an attachment, not the body.
func TestNamedHTMLAfterText(t *testing.T) {
	raw := []byte("From: a@example.org\r\nTo: b@example.org\r\nSubject: Laporan\r\n" +
		"Date: Wed, 26 Nov 2025 09:15:00 +0700\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n" +
		"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLaporan terlampir.\r\n" +
		"--m\r\nContent-Type: text/html; charset=utf-8\r\nContent-Disposition: inline; filename=\"x.html\"\r\n\r\n" +
		"<p>Isi berkas</p>\r\n--m--\r\n")
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			folder := s.newFolder(t, [][]byte{raw}, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			m, err := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass}).Message(t.Context(), folder, 1)
			if err != nil {
				t.Fatal(err)
			}
			if m.HTML != "" || !strings.Contains(m.Text, "Laporan terlampir.") {
				t.Errorf("body: text %q html %q", m.Text, m.HTML)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Filename != "x.html" || m.Attachments[0].Part != "2" {
				t.Errorf("attachments %+v", m.Attachments)
			}
		})
	}
}

// TestLegacyRFC2231Names: file names sent as RFC 2231 in legacy charsets
// come out right on every server (the embedded one drops them from
// BODYSTRUCTURE: they are read from the part's MIME header).
func TestLegacyRFC2231Names(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("..", "testdata", "mime", "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expect []struct {
		File        string   `json:"file"`
		Attachments []string `json:"attachments"`
	}
	if err := json.Unmarshal(js, &expect); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, e := range expect {
		want[e.File] = e.Attachments
	}
	files := []string{"02-charset-iso-8859-1.eml", "04-charset-iso-8859-15.eml", "06-charset-windows-1251.eml",
		"10-charset-gbk.eml", "13-charset-euc-kr.eml", "14-rfc2231-continuations.eml"}
	var msgs [][]byte
	for _, f := range files {
		msgs = append(msgs, mimeFixture(t, f))
	}
	for _, s := range testServers(t) {
		t.Run(s.name, func(t *testing.T) {
			folder := s.newFolder(t, msgs, nil, nil)
			cache := NewCache(s.cfg, CacheOptions{})
			defer cache.Close()
			sess := cache.Session(Credentials{SessionID: "s", Username: s.user, Password: s.pass})
			for i, f := range files {
				m, err := sess.Message(t.Context(), folder, uint32(i+1))
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, at := range m.Attachments {
					names = append(names, at.Filename)
				}
				if strings.Join(names, "|") != strings.Join(want[f], "|") {
					t.Errorf("%s: attachments %q, want %q", f, names, want[f])
				}
				// The download has the name too.
				if len(m.Attachments) > 0 {
					err := sess.Part(t.Context(), folder, uint32(i+1), m.Attachments[0].Part, func(info PartInfo, r io.Reader) error {
						if info.Filename != want[f][0] {
							t.Errorf("%s: download name %q, want %q", f, info.Filename, want[f][0])
						}
						_, err := io.Copy(io.Discard, r)
						return err
					})
					if err != nil {
						t.Errorf("%s: download: %v", f, err)
					}
				}
			}
		})
	}
}

func TestHeaderParams(t *testing.T) {
	for in, want := range map[string]string{
		`attachment; filename*0*=ISO-8859-1''B%FCch;` + "\r\n" + ` filename*1*=er.pdf`: "Bücher.pdf",
		`attachment; filename="a \"b\"; c.pdf"; size=3`:                                `a "b"; c.pdf`,
		`attachment; filename*=windows-1251''%CE%F2%F7%B8%F2.pdf`:                      "Отчёт.pdf",
		`inline; FILENAME="=?utf-8?q?caf=C3=A9.txt?="`:                                 "café.txt",
		`attachment`:            "",
		`attachment; filename=`: "",
	} {
		got := mimeHeaderFilename([]byte("Content-Disposition: " + in + "\r\n\r\n"))
		if got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	if got := mimeHeaderFilename([]byte("Content-Type: application/pdf; name*=GBK''%B1%A8%B8%E6.pdf\r\n")); got != "报告.pdf" {
		t.Errorf("Content-Type name: %q", got)
	}
}

// TestUnreadableClassification: a FETCH the server refuses (NO or BAD) is
// the message's fault; a failed SELECT, or a FETCH refused for the
// account's state, keeps its own classification.
func TestUnreadableClassification(t *testing.T) {
	c := &conn{cfg: &Config{}}
	no := &imap.Error{Type: imap.StatusResponseTypeNo, Text: "Internal error occurred"}
	bad := &imap.Error{Type: imap.StatusResponseTypeBad, Text: "Error in IMAP command"}
	for _, err := range []error{c.fetchErr(no, "fetch message"), c.fetchErr(bad, "fetch body")} {
		if got := unreadable(err); !errors.Is(got, ErrUnreadableMessage) {
			t.Errorf("%v: %v, want ErrUnreadableMessage", err, got)
		}
	}
	for _, err := range []error{
		c.wrap(no, "select INBOX"),
		fmt.Errorf("uid 1: %w", ErrNoSuchMessage),
		c.fetchErr(&imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeExpired, Text: "expired"}, "fetch"),
		c.fetchErr(&imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "later"}, "fetch"),
	} {
		if got := unreadable(err); errors.Is(got, ErrUnreadableMessage) {
			t.Errorf("%v classified as unreadable", err)
		}
	}
}
