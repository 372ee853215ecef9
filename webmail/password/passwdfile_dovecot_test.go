package password

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// Against the real Dovecot + Postfix of .ci/stack: the passwd-file driver
// rewrites Dovecot's users file, and the new password signs in over IMAP
// (STARTTLS) and SMTP submission (Postfix asks Dovecot's auth), the old one
// no longer does. Only the accounts reserved for these tests are touched
// (testenv.Server.PwChange and PwExpired); their passwords are changed
// back at the end, and .ci/stack start rewrites the file anyway.

// passwdFileStack returns the stack, failing (CI) or skipping when the
// reserved accounts are not configured.
func passwdFileStack(t *testing.T) *testenv.Server {
	t.Helper()
	s := testenv.Dovecot(t)
	if s.PasswdFile == "" || s.PwChange.Address == "" || s.PwExpired.Address == "" {
		testenv.Unavailable(t, "WEBMAIL_TEST_PASSWD_FILE, WEBMAIL_TEST_PWCHANGE_USER or WEBMAIL_TEST_PWEXPIRED_USER is not set: restart the stack with the current .ci/stack")
	}
	return s
}

// passwdFileIMAPLogin signs in over IMAP with STARTTLS and returns the
// classified error (nil, imapclient.ErrAuthFailed, ErrMustChangePassword).
func passwdFileIMAPLogin(t *testing.T, s *testenv.Server, address, password string) error {
	t.Helper()
	cfg, err := imapclient.ParseURL(s.IMAP)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = &tls.Config{RootCAs: testenv.CAPool(t, s)}
	c := imapclient.NewCache(cfg, imapclient.CacheOptions{})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.Login(ctx, imapclient.Credentials{SessionID: "pwtest", Username: address, Password: password})
}

// passwdFileSMTPSend submits a small message with SMTP AUTH to an outside
// address (which the stack discards).
func passwdFileSMTPSend(t *testing.T, s *testenv.Server, address, password string) error {
	t.Helper()
	cfg, err := smtpclient.ParseURL(s.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = &tls.Config{RootCAs: testenv.CAPool(t, s)}
	cfg.Hello = "webmail.pematangsiantar.go.id"
	msg := fmt.Sprintf("From: <%s>\r\nTo: <discard@example.org>\r\nSubject: password test\r\n"+
		"Date: %s\r\nMessage-ID: <pwtest.%d@pematangsiantar.go.id>\r\n\r\nUji kata sandi.\r\n",
		address, time.Now().Format(time.RFC1123Z), time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return smtpclient.Send(ctx, cfg, address, password,
		smtpclient.Envelope{From: address, To: []string{"discard@example.org"}},
		int64(len(msg)), strings.NewReader(msg))
}

func TestPasswdFileDovecot(t *testing.T) {
	s := passwdFileStack(t)
	u := s.PwChange
	p, err := NewPasswdFile(s.PasswdFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if err := passwdFileIMAPLogin(t, s, u.Address, u.Password); err != nil {
		t.Fatalf("IMAP login with the initial password: %v", err)
	}
	if err := p.Change(ctx, u.Address, "wrong-Password-0", "pwchange-New-1"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong old password: %v, want ErrWrongPassword", err)
	}
	if err := p.Change(ctx, "nobody@pematangsiantar.go.id", u.Password, "pwchange-New-1"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("unknown account: %v, want ErrWrongPassword", err)
	}

	before := passwdFileLines(t, s.PasswdFile)
	fiBefore, err := os.Stat(s.PasswdFile)
	if err != nil {
		t.Fatal(err)
	}
	newPW := "pwchange-New-" + fmt.Sprint(time.Now().UnixNano()%100000)
	if err := p.Change(ctx, u.Address, u.Password, newPW); err != nil {
		t.Fatalf("Change: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Change(context.Background(), u.Address, newPW, u.Password); err != nil {
			t.Errorf("changing the password back: %v", err)
		}
	})

	// Every other line as it was; the file still Dovecot's.
	after := passwdFileLines(t, s.PasswdFile)
	if len(after) != len(before) {
		t.Fatalf("%d lines, was %d", len(after), len(before))
	}
	for i := range before {
		if strings.HasPrefix(before[i], u.Address+":") {
			if !strings.HasPrefix(after[i], u.Address+":{BLF-CRYPT}$2a$") {
				t.Errorf("the account's line is now %q", after[i])
			}
		} else if after[i] != before[i] {
			t.Errorf("line %d changed:\n%q\n%q", i, before[i], after[i])
		}
	}
	fiAfter, err := os.Stat(s.PasswdFile)
	if err != nil {
		t.Fatal(err)
	}
	stB, stA := fiBefore.Sys().(*syscall.Stat_t), fiAfter.Sys().(*syscall.Stat_t)
	if fiAfter.Mode() != fiBefore.Mode() || stA.Uid != stB.Uid || stA.Gid != stB.Gid {
		t.Errorf("mode/owner %v %d:%d, was %v %d:%d", fiAfter.Mode(), stA.Uid, stA.Gid, fiBefore.Mode(), stB.Uid, stB.Gid)
	}

	if err := passwdFileIMAPLogin(t, s, u.Address, newPW); err != nil {
		t.Errorf("IMAP login with the new password: %v", err)
	}
	if err := passwdFileIMAPLogin(t, s, u.Address, u.Password); !errors.Is(err, imapclient.ErrAuthFailed) {
		t.Errorf("IMAP login with the old password: %v, want ErrAuthFailed", err)
	}
	if err := passwdFileSMTPSend(t, s, u.Address, newPW); err != nil {
		t.Errorf("SMTP AUTH with the new password: %v", err)
	}
	if err := passwdFileSMTPSend(t, s, u.Address, u.Password); !errors.Is(err, smtpclient.ErrAuthFailed) {
		t.Errorf("SMTP AUTH with the old password: %v, want ErrAuthFailed", err)
	}
}

func TestPasswdFileDovecotExpired(t *testing.T) {
	// An account whose password Dovecot reports as expired (NO [EXPIRED],
	// its passdb of expired hashes comes first): once changed, the new
	// password no longer matches that passdb and signs in.
	s := passwdFileStack(t)
	u := s.PwExpired
	p, err := NewPasswdFile(s.PasswdFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if err := passwdFileIMAPLogin(t, s, u.Address, u.Password); !errors.Is(err, imapclient.ErrMustChangePassword) {
		t.Fatalf("IMAP login before the change: %v, want ErrMustChangePassword ([EXPIRED])", err)
	}
	newPW := "pwexpired-New-" + fmt.Sprint(time.Now().UnixNano()%100000)
	if err := p.Change(ctx, u.Address, u.Password, newPW); err != nil {
		t.Fatalf("Change: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Change(context.Background(), u.Address, newPW, u.Password); err != nil {
			t.Errorf("changing the password back: %v", err)
			return
		}
		// Back to the expired password: [EXPIRED] again, for reruns.
		if err := passwdFileIMAPLogin(t, s, u.Address, u.Password); !errors.Is(err, imapclient.ErrMustChangePassword) {
			t.Errorf("after changing it back: %v, want ErrMustChangePassword", err)
		}
	})
	if err := passwdFileIMAPLogin(t, s, u.Address, newPW); err != nil {
		t.Errorf("IMAP login with the new password: %v", err)
	}
	if err := passwdFileSMTPSend(t, s, u.Address, newPW); err != nil {
		t.Errorf("SMTP AUTH with the new password: %v", err)
	}
}
