// Package testenv tells tests where the real test servers and browser are,
// from WEBMAIL_TEST_* variables.
//
// `bash .ci/stack start DIR` starts a throw-away Dovecot + Postfix + OpenLDAP
// on loopback and writes DIR/env; source it (`. DIR/env`) before `go test` to
// run the tests against them. Without the variables the tests that need them
// are skipped, except under CI (CI set and non-empty), where a missing server
// is a failure. The variables:
//
//	WEBMAIL_TEST_IMAP          imap://HOST:PORT   IMAP, STARTTLS required before LOGIN
//	WEBMAIL_TEST_IMAPS         imaps://HOST:PORT  IMAP over implicit TLS
//	WEBMAIL_TEST_SMTP          smtp://HOST:PORT   submission, STARTTLS required
//	WEBMAIL_TEST_SMTPS         smtps://HOST:PORT  submission over implicit TLS (optional)
//	WEBMAIL_TEST_CA            PEM file of the servers' self-signed certificate
//	                           (valid for localhost, 127.0.0.1 and the stack's address)
//	WEBMAIL_TEST_USERS         address:password[,address:password...]
//	WEBMAIL_TEST_EXPIRED_USER  address:password of an account answered NO [EXPIRED]
//	WEBMAIL_TEST_BENCH_USER    address:password of an account for benchmarks
//	WEBMAIL_TEST_PWCHANGE_USER address:password of an account reserved for the
//	                           password-change tests (its password changes)
//	WEBMAIL_TEST_PWEXPIRED_USER address:password of a second NO [EXPIRED]
//	                           account, reserved for the password-change tests
//	WEBMAIL_TEST_PASSWD_FILE   Dovecot's passwd-file (the password-change driver rewrites it)
//	WEBMAIL_TEST_DOVEADM       doveadm command line for the stack ("doveadm -c DIR/dovecot.conf")
//	WEBMAIL_TEST_STACK         the stack's directory
//	WEBMAIL_TEST_STACK_SCRIPT  absolute path of .ci/stack (for Seed)
//	WEBMAIL_TEST_CHROMIUM      path of a Chromium binary for the browser tests
//
// and, for the LDAP directory (see LDAP):
//
//	WEBMAIL_TEST_LDAP                 ldap://HOST:PORT  slapd; StartTLS offered with
//	                                  the WEBMAIL_TEST_CA certificate
//	WEBMAIL_TEST_LDAP_USERDN          DN template with {user} (or {address})
//	WEBMAIL_TEST_LDAP_USERS           uid:password[,uid:password...]
//	WEBMAIL_TEST_LDAP_RESET_USER      uid:password the admin set (pwdReset: TRUE)
//	WEBMAIL_TEST_LDAP_ADMIN_DN        the directory's root DN, for test set-up
//	WEBMAIL_TEST_LDAP_ADMIN_PASSWORD  its password
package testenv

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Server describes the real mail servers started by .ci/stack.
type Server struct {
	// URLs: imap://, imaps://, smtp://, smtps:// with host:port.
	// SMTPS is "" when the stack has no implicit-TLS submission port.
	IMAP, IMAPS, SMTP, SMTPS string
	// CAFile is the PEM certificate to trust; PasswdFile is Dovecot's
	// passwd-file ("" if not given).
	CAFile, PasswdFile string
	// Users are ordinary accounts (at least one); they share a domain.
	Users []User
	// Expired signs in with NO [EXPIRED] until its password is changed.
	// Bench is an account reserved for benchmarks. PwChange and
	// PwExpired (another NO [EXPIRED] account) are reserved for the
	// password-change tests, which change their passwords and change
	// them back: no other test may sign in with them. Any may be the zero
	// User when not configured.
	Expired, Bench, PwChange, PwExpired User
	// Doveadm is the doveadm command line for this stack (nil if unset).
	Doveadm []string
	// Stack is the stack's directory, StackScript the path of .ci/stack
	// ("" if unset); Seed needs both.
	Stack, StackScript string
}

// User is an account on the test servers.
type User struct {
	Address, Password string
}

// Unavailable skips the test because a real server it needs is not
// configured, or fails it when CI is set: in CI nothing is skipped.
func Unavailable(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set: a missing test server is a failure)", what)
	}
	t.Skip(what)
}

// Dovecot returns the real IMAP/SMTP servers described by the WEBMAIL_TEST_*
// variables. If WEBMAIL_TEST_IMAP is unset it skips the test, or fails it
// when CI is set. A variable that is set but malformed always fails the test.
func Dovecot(t testing.TB) *Server {
	t.Helper()
	if os.Getenv("WEBMAIL_TEST_IMAP") == "" {
		Unavailable(t, "real Dovecot not configured: run .ci/stack start DIR and source DIR/env")
		return nil
	}
	s, err := fromEnv()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return s
}

func fromEnv() (*Server, error) {
	s := &Server{
		CAFile:      os.Getenv("WEBMAIL_TEST_CA"),
		PasswdFile:  os.Getenv("WEBMAIL_TEST_PASSWD_FILE"),
		Stack:       os.Getenv("WEBMAIL_TEST_STACK"),
		StackScript: os.Getenv("WEBMAIL_TEST_STACK_SCRIPT"),
	}
	if d := strings.Fields(os.Getenv("WEBMAIL_TEST_DOVEADM")); len(d) > 0 {
		s.Doveadm = d
	}
	var err error
	for _, u := range []struct {
		dst      *string
		name     string
		scheme   string
		required bool
	}{
		{&s.IMAP, "WEBMAIL_TEST_IMAP", "imap", true},
		{&s.IMAPS, "WEBMAIL_TEST_IMAPS", "imaps", false},
		{&s.SMTP, "WEBMAIL_TEST_SMTP", "smtp", true},
		{&s.SMTPS, "WEBMAIL_TEST_SMTPS", "smtps", false},
	} {
		if *u.dst, err = serverURL(u.name, u.scheme, u.required); err != nil {
			return nil, err
		}
	}
	if s.CAFile == "" {
		return nil, fmt.Errorf("WEBMAIL_TEST_CA is not set")
	}
	if s.Users, err = parseUsers("WEBMAIL_TEST_USERS", os.Getenv("WEBMAIL_TEST_USERS")); err != nil {
		return nil, err
	}
	if len(s.Users) == 0 {
		return nil, fmt.Errorf("WEBMAIL_TEST_USERS is not set")
	}
	for _, o := range []struct {
		dst  *User
		name string
	}{
		{&s.Expired, "WEBMAIL_TEST_EXPIRED_USER"},
		{&s.Bench, "WEBMAIL_TEST_BENCH_USER"},
		{&s.PwChange, "WEBMAIL_TEST_PWCHANGE_USER"},
		{&s.PwExpired, "WEBMAIL_TEST_PWEXPIRED_USER"},
	} {
		v := os.Getenv(o.name)
		if v == "" {
			continue
		}
		us, err := parseUsers(o.name, v)
		if err != nil {
			return nil, err
		}
		if len(us) != 1 {
			return nil, fmt.Errorf("%s: want one address:password, got %d", o.name, len(us))
		}
		*o.dst = us[0]
	}
	return s, nil
}

// serverURL reads and checks one scheme://host:port variable.
func serverURL(name, scheme string, required bool) (string, error) {
	v := os.Getenv(name)
	if v == "" {
		if required {
			return "", fmt.Errorf("%s is not set", name)
		}
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("%s=%q: %v", name, v, err)
	}
	if u.Scheme != scheme || u.Hostname() == "" || u.Port() == "" || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("%s=%q: want %s://host:port", name, v, scheme)
	}
	if p, err := strconv.Atoi(u.Port()); err != nil || p <= 0 || p > 65535 {
		return "", fmt.Errorf("%s=%q: bad port", name, v)
	}
	return v, nil
}

// parseUsers parses "address:password[,address:password...]". The password
// is everything after the first colon, so it may hold colons (not commas).
func parseUsers(name, v string) ([]User, error) {
	var us []User
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		addr, pw, ok := strings.Cut(item, ":")
		if !ok || pw == "" || !strings.Contains(addr, "@") || strings.HasPrefix(addr, "@") || strings.HasSuffix(addr, "@") {
			return nil, fmt.Errorf("%s: %q is not address:password", name, item)
		}
		us = append(us, User{Address: addr, Password: pw})
	}
	return us, nil
}

// LDAPServer describes the OpenLDAP directory started by .ci/stack: slapd
// with the ppolicy overlay (pwdMustChange, pwdMinLength 8, pwdInHistory 3,
// pwdCheckQuality 2) under dc=pematangsiantar,dc=go,dc=id.
type LDAPServer struct {
	// URL is ldap://host:port. The server offers StartTLS with the
	// certificate of CAFile and also accepts plain LDAP (loopback).
	URL, CAFile string
	// UserDN is the template of a user's DN, with {user} for the uid.
	UserDN string
	// Users are ordinary accounts (at least one).
	Users []LDAPUser
	// Reset is an account whose password the admin set, so it carries
	// pwdReset: TRUE and must be changed (zero if not configured).
	Reset LDAPUser
	// AdminDN and AdminPassword are the directory's root, for tests that
	// must set things back ("" if not configured).
	AdminDN, AdminPassword string
}

// CAPool returns a pool holding the certificate(s) of s.CAFile.
func (s *LDAPServer) CAPool(t testing.TB) *x509.CertPool {
	t.Helper()
	return CAPool(t, &Server{CAFile: s.CAFile})
}

// LDAPUser is an account of the test directory: its uid and password.
type LDAPUser struct {
	Name, Password string
}

// LDAP returns the directory described by the WEBMAIL_TEST_LDAP* variables.
// If WEBMAIL_TEST_LDAP is unset it skips the test, or fails it when CI is
// set. A variable that is set but malformed always fails the test.
func LDAP(t testing.TB) *LDAPServer {
	t.Helper()
	if os.Getenv("WEBMAIL_TEST_LDAP") == "" {
		Unavailable(t, "real OpenLDAP not configured: run .ci/stack start DIR and source DIR/env")
		return nil
	}
	s, err := ldapFromEnv()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return s
}

func ldapFromEnv() (*LDAPServer, error) {
	s := &LDAPServer{
		CAFile:        os.Getenv("WEBMAIL_TEST_CA"),
		UserDN:        os.Getenv("WEBMAIL_TEST_LDAP_USERDN"),
		AdminDN:       os.Getenv("WEBMAIL_TEST_LDAP_ADMIN_DN"),
		AdminPassword: os.Getenv("WEBMAIL_TEST_LDAP_ADMIN_PASSWORD"),
	}
	var err error
	if s.URL, err = serverURL("WEBMAIL_TEST_LDAP", "ldap", true); err != nil {
		return nil, err
	}
	if s.CAFile == "" {
		return nil, fmt.Errorf("WEBMAIL_TEST_CA is not set")
	}
	if !strings.Contains(s.UserDN, "{user}") && !strings.Contains(s.UserDN, "{address}") {
		return nil, fmt.Errorf("WEBMAIL_TEST_LDAP_USERDN=%q: want a DN template with {user} or {address}", s.UserDN)
	}
	if s.Users, err = parseLDAPUsers("WEBMAIL_TEST_LDAP_USERS", os.Getenv("WEBMAIL_TEST_LDAP_USERS")); err != nil {
		return nil, err
	}
	if len(s.Users) == 0 {
		return nil, fmt.Errorf("WEBMAIL_TEST_LDAP_USERS is not set")
	}
	if v := os.Getenv("WEBMAIL_TEST_LDAP_RESET_USER"); v != "" {
		us, err := parseLDAPUsers("WEBMAIL_TEST_LDAP_RESET_USER", v)
		if err != nil {
			return nil, err
		}
		if len(us) != 1 {
			return nil, fmt.Errorf("WEBMAIL_TEST_LDAP_RESET_USER: want one uid:password, got %d", len(us))
		}
		s.Reset = us[0]
	}
	if (s.AdminDN == "") != (s.AdminPassword == "") {
		return nil, fmt.Errorf("WEBMAIL_TEST_LDAP_ADMIN_DN and WEBMAIL_TEST_LDAP_ADMIN_PASSWORD go together")
	}
	return s, nil
}

// parseLDAPUsers parses "uid:password[,uid:password...]"; the password is
// everything after the first colon.
func parseLDAPUsers(name, v string) ([]LDAPUser, error) {
	var us []LDAPUser
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		uid, pw, ok := strings.Cut(item, ":")
		if !ok || uid == "" || pw == "" || strings.ContainsAny(uid, "@=,") {
			return nil, fmt.Errorf("%s: %q is not uid:password", name, item)
		}
		us = append(us, LDAPUser{Name: uid, Password: pw})
	}
	return us, nil
}

// Chromium returns the Chromium binary named by WEBMAIL_TEST_CHROMIUM. If it
// is unset it skips the test, or fails it when CI is set; a path that is not
// an executable file always fails the test.
func Chromium(t testing.TB) string {
	t.Helper()
	p := os.Getenv("WEBMAIL_TEST_CHROMIUM")
	if p == "" {
		Unavailable(t, "headless Chromium not configured: set WEBMAIL_TEST_CHROMIUM=/usr/bin/chromium")
		return ""
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatalf("testenv: WEBMAIL_TEST_CHROMIUM: %v", err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		t.Fatalf("testenv: WEBMAIL_TEST_CHROMIUM=%s is not an executable file", p)
	}
	return p
}

// CAPool returns a pool holding the certificate(s) of s.CAFile.
func CAPool(t testing.TB, s *Server) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatalf("testenv: CA file: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("testenv: no PEM certificate in %s", s.CAFile)
	}
	return pool
}

// Seed appends n generated messages (plain, HTML and with attachments,
// dated over the past year, about 70% seen) to mailbox ("" means INBOX) of
// the account address, using `.ci/stack seed`. 10,000 take a few seconds.
// It skips or fails (under CI) when the stack's directory and script are
// not given.
func (s *Server) Seed(t testing.TB, address string, n int, mailbox string) {
	t.Helper()
	if s.Stack == "" || s.StackScript == "" {
		Unavailable(t, "WEBMAIL_TEST_STACK and WEBMAIL_TEST_STACK_SCRIPT are not set: cannot seed mail")
		return
	}
	if mailbox == "" {
		mailbox = "INBOX"
	}
	out, err := exec.Command("bash", s.StackScript, "seed", s.Stack, address, strconv.Itoa(n), mailbox).CombinedOutput()
	if err != nil {
		t.Fatalf("testenv: seed %d messages for %s: %v\n%s", n, address, err, out)
	}
}

// CreateMailbox creates a fixture mailbox whose name no other test uses.
// Dovecot (maildir) sometimes answers NO [ALREADYEXISTS] to a CREATE that
// did create the mailbox when other sessions of the same user create or
// delete mailboxes at the same moment, as parallel test packages do; the
// name being unique, that answer is accepted once a STATUS shows the
// mailbox exists and is empty.
func CreateMailbox(t testing.TB, c *imapclient.Client, name string) {
	t.Helper()
	err := c.Create(name, nil).Wait()
	var imapErr *imap.Error
	if err == nil || !errors.As(err, &imapErr) || imapErr.Code != imap.ResponseCodeAlreadyExists {
		if err != nil {
			t.Fatalf("testenv: create %q: %v", name, err)
		}
		return
	}
	st, serr := c.Status(name, &imap.StatusOptions{NumMessages: true}).Wait()
	if serr != nil || st.NumMessages == nil || *st.NumMessages != 0 {
		t.Fatalf("testenv: create %q: %v (status: %v)", name, err, serr)
	}
}
