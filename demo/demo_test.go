package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	pwchange "github.com/pematangsiantar/webmail/webmail/password"
)

var testNow = time.Date(2026, 11, 26, 10, 30, 0, 0, wib)

const (
	diskominfo = "diskominfo@" + Domain
	bappeda    = "bappeda@" + Domain
)

func startBackend(t *testing.T, opts Options) *Backend {
	t.Helper()
	b, err := Start(opts)
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return b
}

func password(t *testing.T, address string) string {
	t.Helper()
	for _, a := range DefaultAccounts() {
		if a.Address == address {
			return a.Password
		}
	}
	t.Fatalf("no default account %s", address)
	return ""
}

// dialIMAP connects and, if pass is not empty, logs in.
func dialIMAP(t *testing.T, b *Backend, user, pass string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(b.IMAPAddr, nil)
	if err != nil {
		t.Fatalf("DialInsecure() = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if pass != "" {
		if err := c.Login(user, pass).Wait(); err != nil {
			t.Fatalf("Login(%s) = %v", user, err)
		}
	}
	return c
}

// dialSMTP connects, says EHLO and, if pass is not empty, authenticates.
func dialSMTP(t *testing.T, b *Backend, user, pass string) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(b.SMTPAddr)
	if err != nil {
		t.Fatalf("smtp.Dial() = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("test.pematangsiantar.go.id"); err != nil {
		t.Fatalf("Hello() = %v", err)
	}
	if pass != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
			t.Fatalf("Auth(%s) = %v", user, err)
		}
	}
	return c
}

func wantIMAPCode(t *testing.T, err error, code imap.ResponseCode) {
	t.Helper()
	var imapErr *imap.Error
	if !errors.As(err, &imapErr) || imapErr.Code != code {
		t.Fatalf("error = %v, want an *imap.Error with code %s", err, code)
	}
}

func wantSMTPCode(t *testing.T, err error, code int, enhanced smtp.EnhancedCode) {
	t.Helper()
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) || smtpErr.Code != code || smtpErr.EnhancedCode != enhanced {
		t.Fatalf("error = %v, want SMTP %d %v", err, code, enhanced)
	}
}

func TestIMAPLogin(t *testing.T) {
	b := startBackend(t, Options{})
	tests := []struct {
		name, user, pass string
		ok               bool
	}{
		{"right password", diskominfo, password(t, diskominfo), true},
		{"address in capitals", strings.ToUpper(diskominfo), password(t, diskominfo), true},
		{"wrong password", diskominfo, "salah", false},
		{"empty password", diskominfo, "", false},
		{"other account's password", diskominfo, password(t, bappeda), false},
		{"unknown user", "tidakada@" + Domain, "demo-tidakada", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialIMAP(t, b, "", "")
			err := c.Login(tt.user, tt.pass).Wait()
			if tt.ok {
				if err != nil {
					t.Fatalf("Login() = %v", err)
				}
				return
			}
			wantIMAPCode(t, err, imap.ResponseCodeAuthenticationFailed)
		})
	}
}

func TestIMAPAuthenticatePlain(t *testing.T) {
	b := startBackend(t, Options{})
	c := dialIMAP(t, b, "", "")
	wantIMAPCode(t, c.Authenticate(sasl.NewPlainClient("", diskominfo, "salah")), imap.ResponseCodeAuthenticationFailed)
	if err := c.Authenticate(sasl.NewPlainClient("", diskominfo, password(t, diskominfo))); err != nil {
		t.Fatalf("Authenticate(PLAIN) = %v", err)
	}
}

func TestIMAPCapabilities(t *testing.T) {
	for _, noSpecialUse := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoSpecialUse=%v", noSpecialUse), func(t *testing.T) {
			b := startBackend(t, Options{NoSpecialUse: noSpecialUse})
			c := dialIMAP(t, b, diskominfo, password(t, diskominfo))
			caps, err := c.Capability().Wait()
			if err != nil {
				t.Fatalf("Capability() = %v", err)
			}
			for _, want := range []imap.Cap{imap.CapIMAP4rev1, imap.CapNamespace, imap.CapUIDPlus, imap.CapESearch,
				imap.CapListExtended, imap.CapListStatus, imap.CapChildren, imap.CapIdle, imap.CapUnselect,
				imap.Cap(fmt.Sprintf("APPENDLIMIT=%d", MaxMessageBytes))} {
				if !caps.Has(want) {
					t.Errorf("capability %s missing", want)
				}
			}
			for _, absent := range []imap.Cap{imap.CapIMAP4rev2, imap.CapSort, imap.CapCondStore, imap.CapMove} {
				if caps.Has(absent) {
					t.Errorf("capability %s advertised", absent)
				}
			}
			if caps.Has(imap.CapSpecialUse) == noSpecialUse {
				t.Errorf("SPECIAL-USE advertised = %v, want %v", caps.Has(imap.CapSpecialUse), !noSpecialUse)
			}
		})
	}
}

func TestIMAPList(t *testing.T) {
	for _, noSpecialUse := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoSpecialUse=%v", noSpecialUse), func(t *testing.T) {
			b := startBackend(t, Options{NoSpecialUse: noSpecialUse})
			c := dialIMAP(t, b, bappeda, password(t, bappeda))
			list, err := c.List("", "*", nil).Collect()
			if err != nil {
				t.Fatalf("List() = %v", err)
			}
			got := make(map[string]*imap.ListData)
			var names []string
			for _, d := range list {
				got[d.Mailbox] = d
				names = append(names, d.Mailbox)
				if d.Delim != '/' {
					t.Errorf("%s: delimiter %q, want '/'", d.Mailbox, d.Delim)
				}
			}
			// INBOX first, then by name.
			want := append([]string{FolderInbox}, Folders()[1:]...)
			sort.Strings(want[1:])
			if strings.Join(names, ",") != strings.Join(want, ",") {
				t.Errorf("LIST = %v, want %v", names, want)
			}
			wantUse := map[string]imap.MailboxAttr{
				FolderSent: imap.MailboxAttrSent, FolderDrafts: imap.MailboxAttrDrafts,
				FolderJunk: imap.MailboxAttrJunk, FolderTrash: imap.MailboxAttrTrash,
			}
			for name, attr := range wantUse {
				if d := got[name]; d == nil || hasAttr(d.Attrs, attr) == noSpecialUse {
					t.Errorf("%s: attrs %v, special-use %s expected: %v", name, attrsOf(d), attr, !noSpecialUse)
				}
			}
			if d := got[FolderProject]; d == nil || !hasAttr(d.Attrs, imap.MailboxAttrHasChildren) {
				t.Errorf("%s: attrs %v, want \\HasChildren", FolderProject, attrsOf(d))
			}
			if d := got[FolderInbox]; d == nil || !hasAttr(d.Attrs, imap.MailboxAttrHasNoChildren) {
				t.Errorf("INBOX: attrs %v, want \\HasNoChildren", attrsOf(d))
			}

			// Top level only with "%".
			top, err := c.List("", "%", nil).Collect()
			if err != nil {
				t.Fatalf("List(%%) = %v", err)
			}
			if len(top) != len(Folders())-1 {
				t.Errorf("LIST %% returned %d mailboxes, want %d", len(top), len(Folders())-1)
			}

			if !noSpecialUse {
				special, err := c.List("", "*", &imap.ListOptions{SelectSpecialUse: true}).Collect()
				if err != nil {
					t.Fatalf("List(SPECIAL-USE) = %v", err)
				}
				if len(special) != 4 {
					t.Errorf("LIST (SPECIAL-USE) returned %d mailboxes, want 4", len(special))
				}
			}
		})
	}
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}

func attrsOf(d *imap.ListData) []imap.MailboxAttr {
	if d == nil {
		return nil
	}
	return d.Attrs
}

func TestSeedStatusMatchesSummary(t *testing.T) {
	b := startBackend(t, Options{Seed: true, Now: testNow})
	for _, acct := range DefaultAccounts() {
		t.Run(acct.Address, func(t *testing.T) {
			c := dialIMAP(t, b, acct.Address, acct.Password)
			summary := SeedSummary(acct.Address)
			total := 0
			for _, folder := range Folders() {
				st, err := c.Status(folder, &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
				if err != nil {
					t.Fatalf("Status(%s) = %v", folder, err)
				}
				want := summary[folder]
				if int(*st.NumMessages) != want.Messages || int(*st.NumUnseen) != want.Unseen {
					t.Errorf("%s: %d messages, %d unseen; SeedSummary says %d, %d",
						folder, *st.NumMessages, *st.NumUnseen, want.Messages, want.Unseen)
				}
				total += want.Messages
			}
			for _, folder := range []string{FolderInbox, FolderSent, FolderDrafts, FolderJunk, FolderTrash} {
				if summary[folder].Messages == 0 {
					t.Errorf("%s is empty", folder)
				}
			}
			if summary[FolderInbox].Unseen == 0 {
				t.Errorf("no unread mail in INBOX")
			}
			if total < 20 {
				t.Errorf("only %d messages", total)
			}
			t.Logf("%s: %+v (total %d)", acct.Address, summary, total)

			// LIST-STATUS gives the same numbers.
			list, err := c.List("", "*", &imap.ListOptions{ReturnStatus: &imap.StatusOptions{NumMessages: true}}).Collect()
			if err != nil {
				t.Fatalf("List(RETURN STATUS) = %v", err)
			}
			for _, d := range list {
				if d.Status == nil || int(*d.Status.NumMessages) != summary[d.Mailbox].Messages {
					t.Errorf("LIST-STATUS %s = %+v, want %d messages", d.Mailbox, d.Status, summary[d.Mailbox].Messages)
				}
			}
		})
	}
}

func TestSeedSummaryIndependentOfNow(t *testing.T) {
	a := fmt.Sprint(SeedSummary(diskominfo))
	for _, now := range []time.Time{
		time.Date(2027, 1, 1, 0, 5, 0, 0, time.UTC),
		time.Date(2026, 3, 14, 23, 59, 0, 0, wib),
		testNow,
	} {
		counts := make(map[string]FolderCount)
		for _, pl := range placements(corpus(now)) {
			if pl.acct == diskominfo {
				c := counts[pl.folder]
				c.Messages++
				counts[pl.folder] = c
			}
		}
		for folder, c := range counts {
			if SeedSummary(diskominfo)[folder].Messages != c.Messages {
				t.Errorf("now=%v: %s has %d messages, SeedSummary says %d", now, folder, c.Messages, SeedSummary(diskominfo)[folder].Messages)
			}
		}
	}
	if b := fmt.Sprint(SeedSummary(diskominfo)); a != b {
		t.Errorf("SeedSummary changed: %s then %s", a, b)
	}
	if got := SeedSummary("orang@luar.example"); got[FolderInbox].Messages != 0 || len(got) != len(Folders()) {
		t.Errorf("SeedSummary(unknown) = %v", got)
	}
}

func TestSeedDeterministic(t *testing.T) {
	build := func() [][]byte {
		var out [][]byte
		for _, m := range corpus(testNow) {
			raw, err := m.bytes()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, raw)
		}
		return out
	}
	a, b := build(), build()
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("message %d differs between two builds", i)
		}
	}
}

// TestSeedMessages reads every seeded message of every folder back over
// IMAP and checks order, dates and MIME validity.
func TestSeedMessages(t *testing.T) {
	b := startBackend(t, Options{Seed: true, Now: testNow})
	for _, acct := range DefaultAccounts() {
		t.Run(acct.Address, func(t *testing.T) {
			c := dialIMAP(t, b, acct.Address, acct.Password)
			filenames := make(map[string]bool)
			for _, folder := range Folders() {
				if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
					t.Fatalf("Select(%s) = %v", folder, err)
				}
				if SeedSummary(acct.Address)[folder].Messages == 0 {
					continue
				}
				all, err := c.Fetch(seqAll(), &imap.FetchOptions{
					Envelope:     true,
					InternalDate: true,
					Flags:        true,
					BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
				}).Collect()
				if err != nil {
					t.Fatalf("Fetch(%s) = %v", folder, err)
				}
				var prev time.Time
				for _, m := range all {
					if m.Envelope == nil || m.Envelope.Subject == "" {
						t.Errorf("%s #%d: no subject", folder, m.SeqNum)
						continue
					}
					if !m.InternalDate.Equal(m.Envelope.Date) {
						t.Errorf("%s %q: INTERNALDATE %v != Date %v", folder, m.Envelope.Subject, m.InternalDate, m.Envelope.Date)
					}
					if m.InternalDate.Before(prev) {
						t.Errorf("%s %q: arrives after a newer message", folder, m.Envelope.Subject)
					}
					prev = m.InternalDate
					if m.InternalDate.After(testNow) || m.InternalDate.Before(testNow.AddDate(0, 0, -62)) {
						t.Errorf("%s %q: date %v outside the last 60 days", folder, m.Envelope.Subject, m.InternalDate)
					}
					for _, name := range checkMIME(t, m.BodySection[0].Bytes) {
						filenames[name] = true
					}
					isDraft := false
					for _, f := range m.Flags {
						isDraft = isDraft || f == imap.FlagDraft
					}
					if isDraft != (folder == FolderDrafts) {
						t.Errorf("%s %q: flags %v", folder, m.Envelope.Subject, m.Flags)
					}
				}
			}
			if acct.Address == bappeda {
				for _, want := range []string{"Laporan Triwulan – Dinas.pdf", "Undangan Rakor RKPD 2027.pdf", "Evaluasi Mandiri SPBE 2026.docx", "grafik-indeks-spbe.png"} {
					if !filenames[want] {
						t.Errorf("attachment %q not found; have %v", want, filenames)
					}
				}
			}
			if acct.Address == diskominfo {
				for _, want := range []string{"Undangan Bimtek – Keamanan Informasi.pdf", "Formulir Pendataan Infrastruktur TIK Kabupaten-Kota se-Sumatera Utara Tahun 2026.pdf"} {
					if !filenames[want] {
						t.Errorf("attachment %q not found; have %v", want, filenames)
					}
				}
			}
		})
	}
}

func seqAll() imap.SeqSet {
	var s imap.SeqSet
	s.AddRange(1, 0)
	return s
}

// checkMIME parses a message with go-message and returns its attachment
// file names. Every part must be readable; attachments must be valid files
// of their type.
func checkMIME(t *testing.T, raw []byte) []string {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		if strings.Contains(err.Error(), "unknown charset") { // windows-1252 without the charset package
			return nil
		}
		t.Errorf("CreateReader: %v\n%s", err, raw[:min(len(raw), 400)])
		return nil
	}
	var names []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("NextPart: %v", err)
			return names
		}
		body, err := io.ReadAll(p.Body)
		if err != nil {
			t.Errorf("read part: %v", err)
		}
		if h, ok := p.Header.(*mail.AttachmentHeader); ok {
			name, err := h.Filename()
			if err != nil || name == "" {
				t.Errorf("attachment file name %q: %v", name, err)
			}
			names = append(names, name)
			ct, _, _ := h.ContentType()
			var magic string
			switch ct {
			case typePDF:
				magic = "%PDF-"
			case typePNG:
				magic = "\x89PNG"
			case typeDOCX:
				magic = "PK\x03\x04"
			}
			if !bytes.HasPrefix(body, []byte(magic)) {
				t.Errorf("attachment %q (%s) does not start with %q", name, ct, magic)
			}
		}
	}
	return names
}

func TestThreadAndInlineImage(t *testing.T) {
	b := startBackend(t, Options{Seed: true, Now: testNow})
	c := dialIMAP(t, b, diskominfo, password(t, diskominfo))
	if _, err := c.Select(FolderInbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "Rapat Koordinasi Penyusunan RKPD"}},
	}, nil).Wait()
	if err != nil {
		t.Fatalf("UIDSearch() = %v", err)
	}
	uids := data.AllUIDs()
	// The invitation and two replies are in INBOX, our own reply in Sent.
	if len(uids) != 3 {
		t.Fatalf("thread messages in INBOX: %v, want 3", uids)
	}
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		Envelope:      true,
		Flags:         true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	first := msgs[0]
	if first.Envelope.InReplyTo != nil || !hasFlag(first.Flags, imap.FlagAnswered) {
		t.Errorf("invitation: In-Reply-To %v, flags %v (want none, \\Answered)", first.Envelope.InReplyTo, first.Flags)
	}
	for _, m := range msgs[1:] {
		if len(m.Envelope.InReplyTo) == 0 || !strings.HasPrefix(m.Envelope.Subject, "Re: ") {
			t.Errorf("reply %q: In-Reply-To %v", m.Envelope.Subject, m.Envelope.InReplyTo)
		}
	}
	// The invitation holds a multipart/related with a cid: image.
	found := false
	first.BodyStructure.Walk(func(path []int, part imap.BodyStructure) bool {
		if sp, ok := part.(*imap.BodyStructureSinglePart); ok && sp.ID == "<logo-bappeda@pematangsiantar.go.id>" {
			found = true
		}
		return true
	})
	if !found {
		t.Errorf("no inline image with Content-ID in %#v", first.BodyStructure)
	}
}

func TestIMAPBinaryFetch(t *testing.T) {
	b := startBackend(t, Options{Seed: true, Now: testNow})
	c := dialIMAP(t, b, bappeda, password(t, bappeda))
	if _, err := c.Select(FolderInbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "Laporan Triwulan"}},
	}, nil).Wait()
	if err != nil || len(data.AllUIDs()) != 1 {
		t.Fatalf("UIDSearch() = %v, %v", data, err)
	}
	msgs, err := c.Fetch(imap.UIDSetNum(data.AllUIDs()...), &imap.FetchOptions{
		BinarySection: []*imap.FetchItemBinarySection{{Part: []int{2}, Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("Fetch(BINARY[2]) = %v", err)
	}
	if len(msgs) != 1 || len(msgs[0].BinarySection) != 1 || !bytes.HasPrefix(msgs[0].BinarySection[0].Bytes, []byte("%PDF-1.4")) {
		t.Errorf("BINARY[2] is not the decoded PDF")
	}
}

func TestSMTPSendToLocalAccount(t *testing.T) {
	b := startBackend(t, Options{Seed: true, Now: testNow})
	before := SeedSummary(bappeda)[FolderInbox]

	c := dialSMTP(t, b, diskominfo, password(t, diskominfo))
	if size, ok := c.MaxMessageSize(); !ok || size != MaxMessageBytes {
		t.Errorf("SIZE = %d, %v; want %d", size, ok, MaxMessageBytes)
	}
	msg := "From: Diskominfo <" + diskominfo + ">\r\n" +
		"To: Bappeda <" + bappeda + ">, Teman <teman@luar.example>\r\n" +
		"Subject: Uji kirim dari demo\r\n" +
		"Message-ID: <uji-1@pematangsiantar.go.id>\r\n" +
		"\r\n" +
		"Halo Bappeda.\r\n"
	if err := c.SendMail(diskominfo, []string{bappeda, "teman@luar.example"}, strings.NewReader(msg)); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("Quit() = %v", err)
	}

	ic := dialIMAP(t, b, bappeda, password(t, bappeda))
	st, err := ic.Status(FolderInbox, &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if int(*st.NumMessages) != before.Messages+1 || int(*st.NumUnseen) != before.Unseen+1 {
		t.Errorf("INBOX after send: %d/%d unseen, want %d/%d", *st.NumMessages, *st.NumUnseen, before.Messages+1, before.Unseen+1)
	}
	if _, err := ic.Select(FolderInbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := ic.Fetch(imap.SeqSetNum(*st.NumMessages), &imap.FetchOptions{
		Envelope:    true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Fetch(last) = %v, %v", msgs, err)
	}
	if msgs[0].Envelope.Subject != "Uji kirim dari demo" {
		t.Errorf("last INBOX message is %q", msgs[0].Envelope.Subject)
	}
	raw := string(msgs[0].BodySection[0].Bytes)
	if !strings.HasPrefix(raw, "Return-Path: <"+diskominfo+">\r\nReceived: ") || !strings.HasSuffix(raw, "Halo Bappeda.\r\n") {
		t.Errorf("delivered message:\n%s", raw)
	}
}

func TestSMTPRefusals(t *testing.T) {
	b := startBackend(t, Options{})
	user, pass := diskominfo, password(t, diskominfo)

	t.Run("unknown local recipient", func(t *testing.T) {
		c := dialSMTP(t, b, user, pass)
		if err := c.Mail(user, nil); err != nil {
			t.Fatal(err)
		}
		wantSMTPCode(t, c.Rcpt("tidakada@"+Domain, nil), 550, smtp.EnhancedCode{5, 1, 1})
		if err := c.Rcpt(bappeda, nil); err != nil {
			t.Errorf("Rcpt(local) after a refusal = %v", err)
		}
	})
	t.Run("sender not the login", func(t *testing.T) {
		c := dialSMTP(t, b, user, pass)
		wantSMTPCode(t, c.Mail(bappeda, nil), 553, smtp.EnhancedCode{5, 7, 1})
	})
	t.Run("no authentication", func(t *testing.T) {
		c := dialSMTP(t, b, "", "")
		wantSMTPCode(t, c.Mail(user, nil), 530, smtp.EnhancedCode{5, 7, 0})
	})
	t.Run("wrong password", func(t *testing.T) {
		c := dialSMTP(t, b, "", "")
		wantSMTPCode(t, c.Auth(sasl.NewPlainClient("", user, "salah")), 535, smtp.EnhancedCode{5, 7, 8})
	})
	t.Run("too large", func(t *testing.T) {
		c := dialSMTP(t, b, user, pass)
		wantSMTPCode(t, c.Mail(user, &smtp.MailOptions{Size: MaxMessageBytes + 1}), 552, smtp.EnhancedCode{5, 3, 4})
	})
}

func TestSetPassword(t *testing.T) {
	b := startBackend(t, Options{})
	old := password(t, diskominfo)
	if err := b.SetPassword(diskominfo, "Rahasia-Baru-2026"); err != nil {
		t.Fatalf("SetPassword() = %v", err)
	}
	c := dialIMAP(t, b, "", "")
	wantIMAPCode(t, c.Login(diskominfo, old).Wait(), imap.ResponseCodeAuthenticationFailed)
	dialIMAP(t, b, diskominfo, "Rahasia-Baru-2026")

	s := dialSMTP(t, b, "", "")
	wantSMTPCode(t, s.Auth(sasl.NewPlainClient("", diskominfo, old)), 535, smtp.EnhancedCode{5, 7, 8})
	dialSMTP(t, b, diskominfo, "Rahasia-Baru-2026")

	if !b.CheckPassword(diskominfo, "Rahasia-Baru-2026") || b.CheckPassword(diskominfo, old) {
		t.Errorf("CheckPassword disagrees with SetPassword")
	}
	if err := b.SetPassword("tidakada@"+Domain, "x"); !errors.Is(err, ErrUnknownAccount) {
		t.Errorf("SetPassword(unknown) = %v, want ErrUnknownAccount", err)
	}
	if err := b.SetPassword(diskominfo, ""); err == nil {
		t.Errorf("SetPassword(empty) succeeded")
	}
}

func TestDeliverAndAppendTo(t *testing.T) {
	b := startBackend(t, Options{})
	raw := "From: a@luar.example\r\nTo: " + bappeda + "\r\nSubject: Halo\r\n\r\nIsi.\r\n"
	if err := b.Deliver("a@luar.example", []string{bappeda, diskominfo}, strings.NewReader(raw)); err != nil {
		t.Fatalf("Deliver() = %v", err)
	}
	if err := b.Deliver("a@luar.example", []string{bappeda, "tidakada@" + Domain}, strings.NewReader(raw)); !errors.Is(err, ErrUnknownAccount) {
		t.Errorf("Deliver(unknown) = %v, want ErrUnknownAccount", err)
	}

	date := time.Date(2026, 5, 2, 9, 0, 0, 0, wib)
	uid, err := b.AppendTo(bappeda, FolderArchive, []imap.Flag{imap.FlagSeen, imap.FlagFlagged}, date, []byte(raw))
	if err != nil || uid != 1 {
		t.Fatalf("AppendTo() = %d, %v", uid, err)
	}
	if _, err := b.AppendTo(bappeda, "Tidak Ada", nil, date, []byte(raw)); err == nil {
		t.Errorf("AppendTo(missing mailbox) succeeded")
	}
	if err := b.CreateMailbox(bappeda, "Tidak Ada/Lagi"); err != nil {
		t.Fatalf("CreateMailbox() = %v", err)
	}
	if uid, err := b.AppendTo(bappeda, "Tidak Ada/Lagi", nil, time.Time{}, []byte(raw)); err != nil || uid != 1 {
		t.Errorf("AppendTo(new mailbox) = %d, %v", uid, err)
	}

	c := dialIMAP(t, b, bappeda, password(t, bappeda))
	st, err := c.Status(FolderInbox, &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil || *st.NumMessages != 1 || *st.NumUnseen != 1 {
		t.Errorf("INBOX after one good and one refused Deliver: %+v, %v", st, err)
	}
	if _, err := c.Select(FolderArchive, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{Flags: true, InternalDate: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Fetch() = %v, %v", msgs, err)
	}
	if !msgs[0].InternalDate.Equal(date) || !hasFlag(msgs[0].Flags, imap.FlagFlagged) {
		t.Errorf("appended message: %v %v", msgs[0].InternalDate, msgs[0].Flags)
	}
}

func TestMailboxHierarchy(t *testing.T) {
	b := startBackend(t, Options{})
	c := dialIMAP(t, b, diskominfo, password(t, diskominfo))
	if err := c.Create("Kegiatan/2026/MTQ", nil).Wait(); err != nil {
		t.Fatalf("Create() = %v", err)
	}
	wantIMAPCode(t, c.Create("Kegiatan", nil).Wait(), imap.ResponseCodeAlreadyExists)
	if err := c.Rename(FolderProject, "Proyek Lama", nil).Wait(); err != nil {
		t.Fatalf("Rename() = %v", err)
	}
	if err := c.Delete(FolderInbox).Wait(); err == nil {
		t.Errorf("Delete(INBOX) succeeded")
	}
	if err := c.Delete("Kegiatan/2026").Wait(); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range list {
		s := d.Mailbox
		if hasAttr(d.Attrs, imap.MailboxAttrNoSelect) {
			s += "(noselect)"
		}
		got = append(got, s)
	}
	want := "INBOX,Arsip,Drafts,Junk,Kegiatan,Kegiatan/2026(noselect),Kegiatan/2026/MTQ,Proyek Lama,Proyek Lama/SPBE,Sent,Trash"
	if strings.Join(got, ",") != want {
		t.Errorf("LIST = %s\nwant   %s", strings.Join(got, ","), want)
	}
	if err := c.Unsubscribe(FolderArchive).Wait(); err != nil {
		t.Fatal(err)
	}
	subs, err := c.List("", "*", &imap.ListOptions{SelectSubscribed: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range subs {
		if d.Mailbox == FolderArchive {
			t.Errorf("unsubscribed %s listed as subscribed", FolderArchive)
		}
	}
}

func TestCustomAccounts(t *testing.T) {
	b := startBackend(t, Options{Seed: true, Now: testNow, Accounts: []Account{
		{Address: diskominfo, Name: "Diskominfo", Password: "rahasia"},
		{Address: "uji@kota.example", Name: "Uji", Password: "uji"},
	}})
	c := dialIMAP(t, b, diskominfo, "rahasia")
	st, err := c.Status(FolderInbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil || int(*st.NumMessages) != SeedSummary(diskominfo)[FolderInbox].Messages {
		t.Errorf("Status = %+v, %v", st, err)
	}
	// A second domain is local too.
	s := dialSMTP(t, b, diskominfo, "rahasia")
	if err := s.Mail(diskominfo, nil); err != nil {
		t.Fatal(err)
	}
	wantSMTPCode(t, s.Rcpt("lain@kota.example", nil), 550, smtp.EnhancedCode{5, 1, 1})
	wantSMTPCode(t, s.Rcpt(bappeda, nil), 550, smtp.EnhancedCode{5, 1, 1})

	if _, err := Start(Options{Accounts: []Account{{Address: "bukan alamat", Password: "x"}}}); err == nil {
		t.Errorf("Start with a bad address succeeded")
	}
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	b, err := Start(Options{Seed: true, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	// A logged-in IMAP connection idling in a selected mailbox, a bare one,
	// and SMTP connections before and after EHLO.
	ic, err := imapclient.DialInsecure(b.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ic.Close()
	if err := ic.Login(diskominfo, password(t, diskominfo)).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.Select(FolderInbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := ic.Idle()
	if err != nil {
		t.Fatal(err)
	}
	bare, err := imapclient.DialInsecure(b.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	sc, err := smtp.Dial(b.SMTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.Hello("test.example"); err != nil {
		t.Fatal(err)
	}
	sc2, err := smtp.Dial(b.SMTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer sc2.Close()

	if err := b.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
	_ = idle.Close()

	select {
	case <-ic.Closed():
	case <-time.After(5 * time.Second):
		t.Errorf("IMAP client not disconnected by Close")
	}
	if err := sc.Noop(); err == nil {
		t.Errorf("SMTP connection still answers after Close")
	}
	if _, err := imapclient.DialInsecure(b.IMAPAddr, nil); err == nil {
		t.Errorf("IMAP still accepts connections after Close")
	}
	if _, err := smtp.Dial(b.SMTPAddr); err == nil {
		t.Errorf("SMTP still accepts connections after Close")
	}

	// Our clients' goroutines end once their connections are closed too.
	ic.Close()
	bare.Close()
	sc.Close()
	sc2.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before Start, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

func TestMustChange(t *testing.T) {
	b, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	acct := b.Accounts[0]
	login := func(password string) error {
		c, err := imapclient.DialInsecure(b.IMAPAddr, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.Login(acct.Address, password).Wait()
	}
	for _, tt := range []struct {
		how  MustChange
		code imap.ResponseCode
		text string
	}{
		{MustChangeExpired, imap.ResponseCodeExpired, ""},
		{MustChangeZimbra, imap.ResponseCodeAlert, "password must be changed before IMAP login permitted"},
	} {
		if err := b.SetMustChange(acct.Address, tt.how); err != nil {
			t.Fatal(err)
		}
		var imapErr *imap.Error
		if err := login(acct.Password); !errors.As(err, &imapErr) || imapErr.Code != tt.code || !strings.Contains(imapErr.Text, tt.text) {
			t.Errorf("must-change %d: got %v", tt.how, err)
		}
		if err := login("salah"); !errors.As(err, &imapErr) || imapErr.Code != imap.ResponseCodeAuthenticationFailed {
			t.Errorf("must-change %d, wrong password: got %v", tt.how, err)
		}
	}
	// A new password lifts it.
	if err := b.SetPassword(acct.Address, "sandi-baru-1"); err != nil {
		t.Fatal(err)
	}
	if err := login("sandi-baru-1"); err != nil {
		t.Errorf("after the change: %v", err)
	}
}

func TestChange(t *testing.T) {
	b, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	acct := b.Accounts[0]
	if err := b.Change(t.Context(), acct.Address, "salah", "baru-Sandi-12345"); !errors.Is(err, pwchange.ErrWrongPassword) {
		t.Errorf("wrong old password: %v", err)
	}
	if err := b.Change(t.Context(), "tidakada@pematangsiantar.go.id", "x", "baru-Sandi-12345"); !errors.Is(err, pwchange.ErrWrongPassword) {
		t.Errorf("unknown account: %v", err)
	}
	if err := b.Change(t.Context(), acct.Address, acct.Password, "baru-Sandi-12345"); err != nil {
		t.Fatal(err)
	}
	if b.CheckPassword(acct.Address, acct.Password) || !b.CheckPassword(acct.Address, "baru-Sandi-12345") {
		t.Error("password not changed")
	}
}
