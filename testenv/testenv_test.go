package testenv

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeTB records Skip and Fatal instead of ending the real test.
type fakeTB struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped, f.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls fn with a fakeTB in its own goroutine (Skip and Fatalf end it).
func run[T any](t *testing.T, fn func(testing.TB) T) (T, *fakeTB) {
	f := &fakeTB{TB: t}
	var res T
	done := make(chan struct{})
	go func() {
		defer close(done)
		res = fn(f)
	}()
	<-done
	return res, f
}

var allVars = []string{
	"WEBMAIL_TEST_IMAP", "WEBMAIL_TEST_IMAPS", "WEBMAIL_TEST_SMTP", "WEBMAIL_TEST_SMTPS",
	"WEBMAIL_TEST_CA", "WEBMAIL_TEST_USERS", "WEBMAIL_TEST_EXPIRED_USER", "WEBMAIL_TEST_BENCH_USER",
	"WEBMAIL_TEST_PASSWD_FILE", "WEBMAIL_TEST_DOVEADM", "WEBMAIL_TEST_STACK", "WEBMAIL_TEST_STACK_SCRIPT",
	"WEBMAIL_TEST_CHROMIUM", "CI",
	"WEBMAIL_TEST_PWCHANGE_USER", "WEBMAIL_TEST_PWEXPIRED_USER",
	"WEBMAIL_TEST_LDAP", "WEBMAIL_TEST_LDAP_USERDN", "WEBMAIL_TEST_LDAP_USERS", "WEBMAIL_TEST_LDAP_RESET_USER",
	"WEBMAIL_TEST_LDAP_ADMIN_DN", "WEBMAIL_TEST_LDAP_ADMIN_PASSWORD",
}

// clearEnv blanks every variable the package reads, for this test.
func clearEnv(t *testing.T) {
	for _, v := range allVars {
		t.Setenv(v, "")
	}
}

// setStack sets the variables exactly as .ci/stack writes them.
func setStack(t *testing.T) {
	clearEnv(t)
	for k, v := range map[string]string{
		"WEBMAIL_TEST_IMAP":                "imap://127.0.0.2:31400",
		"WEBMAIL_TEST_IMAPS":               "imaps://127.0.0.2:31401",
		"WEBMAIL_TEST_SMTP":                "smtp://127.0.0.2:31402",
		"WEBMAIL_TEST_SMTPS":               "smtps://127.0.0.2:31403",
		"WEBMAIL_TEST_CA":                  "/tmp/stack/tls/cert.pem",
		"WEBMAIL_TEST_USERS":               "alice@pematangsiantar.go.id:alice-Pass-1,bob@pematangsiantar.go.id:bob-Pass-2",
		"WEBMAIL_TEST_EXPIRED_USER":        "expired@pematangsiantar.go.id:expired-Pass-3",
		"WEBMAIL_TEST_BENCH_USER":          "bench@pematangsiantar.go.id:bench-Pass-4",
		"WEBMAIL_TEST_PWCHANGE_USER":       "pwchange@pematangsiantar.go.id:pwchange-Pass-5",
		"WEBMAIL_TEST_PWEXPIRED_USER":      "pwexpired@pematangsiantar.go.id:pwexpired-Pass-6",
		"WEBMAIL_TEST_PASSWD_FILE":         "/tmp/stack/dovecot/users",
		"WEBMAIL_TEST_DOVEADM":             "doveadm -c /tmp/stack/dovecot.conf",
		"WEBMAIL_TEST_STACK":               "/tmp/stack",
		"WEBMAIL_TEST_STACK_SCRIPT":        "/src/.ci/stack",
		"WEBMAIL_TEST_LDAP":                "ldap://127.0.0.2:31404",
		"WEBMAIL_TEST_LDAP_USERDN":         "uid={user},ou=people,dc=pematangsiantar,dc=go,dc=id",
		"WEBMAIL_TEST_LDAP_USERS":          "ldapuser:ldapuser-Pass-1",
		"WEBMAIL_TEST_LDAP_RESET_USER":     "ldapreset:ldapreset-Pass-2",
		"WEBMAIL_TEST_LDAP_ADMIN_DN":       "cn=admin,dc=pematangsiantar,dc=go,dc=id",
		"WEBMAIL_TEST_LDAP_ADMIN_PASSWORD": "0123456789abcdef",
	} {
		t.Setenv(k, v)
	}
}

func TestDovecotFromStackEnv(t *testing.T) {
	setStack(t)
	s, f := run(t, Dovecot)
	if f.failed || f.skipped {
		t.Fatalf("Dovecot: failed=%v skipped=%v: %s", f.failed, f.skipped, f.msg)
	}
	want := &Server{
		IMAP: "imap://127.0.0.2:31400", IMAPS: "imaps://127.0.0.2:31401",
		SMTP: "smtp://127.0.0.2:31402", SMTPS: "smtps://127.0.0.2:31403",
		CAFile: "/tmp/stack/tls/cert.pem", PasswdFile: "/tmp/stack/dovecot/users",
		Users: []User{
			{"alice@pematangsiantar.go.id", "alice-Pass-1"},
			{"bob@pematangsiantar.go.id", "bob-Pass-2"},
		},
		Expired:     User{"expired@pematangsiantar.go.id", "expired-Pass-3"},
		Bench:       User{"bench@pematangsiantar.go.id", "bench-Pass-4"},
		PwChange:    User{"pwchange@pematangsiantar.go.id", "pwchange-Pass-5"},
		PwExpired:   User{"pwexpired@pematangsiantar.go.id", "pwexpired-Pass-6"},
		Doveadm:     []string{"doveadm", "-c", "/tmp/stack/dovecot.conf"},
		Stack:       "/tmp/stack",
		StackScript: "/src/.ci/stack",
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Dovecot() =\n%+v\nwant\n%+v", s, want)
	}
}

func TestDovecotMinimal(t *testing.T) {
	clearEnv(t)
	t.Setenv("WEBMAIL_TEST_IMAP", "imap://localhost:143")
	t.Setenv("WEBMAIL_TEST_SMTP", "smtp://localhost:587")
	t.Setenv("WEBMAIL_TEST_CA", "/ca.pem")
	t.Setenv("WEBMAIL_TEST_USERS", " a@example.org:pass:with:colons , ")
	s, f := run(t, Dovecot)
	if f.failed || f.skipped {
		t.Fatalf("Dovecot: %s", f.msg)
	}
	if len(s.Users) != 1 || s.Users[0] != (User{"a@example.org", "pass:with:colons"}) {
		t.Errorf("Users = %+v", s.Users)
	}
	if s.IMAPS != "" || s.SMTPS != "" || s.Expired != (User{}) || s.Bench != (User{}) || s.PwChange != (User{}) || s.Doveadm != nil {
		t.Errorf("optional fields not empty: %+v", s)
	}
}

func TestDovecotUnset(t *testing.T) {
	clearEnv(t)
	_, f := run(t, Dovecot)
	if !f.skipped || f.failed || !strings.Contains(f.msg, ".ci/stack start") {
		t.Errorf("without CI: skipped=%v failed=%v msg=%q, want a skip", f.skipped, f.failed, f.msg)
	}
	t.Setenv("CI", "true")
	_, f = run(t, Dovecot)
	if !f.failed || f.skipped {
		t.Errorf("with CI: skipped=%v failed=%v msg=%q, want a failure", f.skipped, f.failed, f.msg)
	}
}

func TestDovecotMalformed(t *testing.T) {
	for _, tc := range []struct{ name, value, wantMsg string }{
		{"WEBMAIL_TEST_IMAP", "imaps://127.0.0.2:31400", "WEBMAIL_TEST_IMAP"},
		{"WEBMAIL_TEST_IMAP", "127.0.0.2:31400", "WEBMAIL_TEST_IMAP"},
		{"WEBMAIL_TEST_IMAPS", "imaps://127.0.0.2", "WEBMAIL_TEST_IMAPS"},
		{"WEBMAIL_TEST_SMTP", "", "WEBMAIL_TEST_SMTP is not set"},
		{"WEBMAIL_TEST_SMTPS", "smtps://127.0.0.2:99999", "bad port"},
		{"WEBMAIL_TEST_CA", "", "WEBMAIL_TEST_CA"},
		{"WEBMAIL_TEST_USERS", "", "WEBMAIL_TEST_USERS is not set"},
		{"WEBMAIL_TEST_USERS", "alice-Pass-1", "not address:password"},
		{"WEBMAIL_TEST_USERS", "alice@x:", "not address:password"},
		{"WEBMAIL_TEST_EXPIRED_USER", "a@x:1,b@x:2", "want one"},
		{"WEBMAIL_TEST_PWCHANGE_USER", "pwchange", "not address:password"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			setStack(t)
			t.Setenv(tc.name, tc.value)
			_, f := run(t, Dovecot)
			if !f.failed || !strings.Contains(f.msg, tc.wantMsg) {
				t.Errorf("failed=%v msg=%q, want a failure mentioning %q", f.failed, f.msg, tc.wantMsg)
			}
		})
	}
}

func TestLDAPFromStackEnv(t *testing.T) {
	setStack(t)
	s, f := run(t, LDAP)
	if f.failed || f.skipped {
		t.Fatalf("LDAP: failed=%v skipped=%v: %s", f.failed, f.skipped, f.msg)
	}
	want := &LDAPServer{
		URL:           "ldap://127.0.0.2:31404",
		CAFile:        "/tmp/stack/tls/cert.pem",
		UserDN:        "uid={user},ou=people,dc=pematangsiantar,dc=go,dc=id",
		Users:         []LDAPUser{{"ldapuser", "ldapuser-Pass-1"}},
		Reset:         LDAPUser{"ldapreset", "ldapreset-Pass-2"},
		AdminDN:       "cn=admin,dc=pematangsiantar,dc=go,dc=id",
		AdminPassword: "0123456789abcdef",
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("LDAP() =\n%+v\nwant\n%+v", s, want)
	}
}

func TestLDAPUnset(t *testing.T) {
	clearEnv(t)
	_, f := run(t, LDAP)
	if !f.skipped || f.failed || !strings.Contains(f.msg, ".ci/stack start") {
		t.Errorf("without CI: skipped=%v failed=%v msg=%q, want a skip", f.skipped, f.failed, f.msg)
	}
	t.Setenv("CI", "true")
	_, f = run(t, LDAP)
	if !f.failed || f.skipped {
		t.Errorf("with CI: skipped=%v failed=%v msg=%q, want a failure", f.skipped, f.failed, f.msg)
	}
}

func TestLDAPMalformed(t *testing.T) {
	for _, tc := range []struct{ name, value, wantMsg string }{
		{"WEBMAIL_TEST_LDAP", "ldaps://127.0.0.2:31404", "WEBMAIL_TEST_LDAP"},
		{"WEBMAIL_TEST_LDAP", "ldap://127.0.0.2", "WEBMAIL_TEST_LDAP"},
		{"WEBMAIL_TEST_CA", "", "WEBMAIL_TEST_CA"},
		{"WEBMAIL_TEST_LDAP_USERDN", "uid=ldapuser,ou=people", "{user}"},
		{"WEBMAIL_TEST_LDAP_USERS", "", "WEBMAIL_TEST_LDAP_USERS is not set"},
		{"WEBMAIL_TEST_LDAP_USERS", "ldapuser", "not uid:password"},
		{"WEBMAIL_TEST_LDAP_USERS", "ldapuser@x:pw", "not uid:password"},
		{"WEBMAIL_TEST_LDAP_RESET_USER", "a:1,b:2", "want one"},
		{"WEBMAIL_TEST_LDAP_ADMIN_PASSWORD", "", "go together"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			setStack(t)
			t.Setenv(tc.name, tc.value)
			_, f := run(t, LDAP)
			if !f.failed || !strings.Contains(f.msg, tc.wantMsg) {
				t.Errorf("failed=%v msg=%q, want a failure mentioning %q", f.failed, f.msg, tc.wantMsg)
			}
		})
	}
}

func TestChromium(t *testing.T) {
	clearEnv(t)
	_, f := run(t, Chromium)
	if !f.skipped {
		t.Errorf("unset without CI: %+v, want a skip", f)
	}
	t.Setenv("CI", "1")
	_, f = run(t, Chromium)
	if !f.failed {
		t.Errorf("unset with CI: %+v, want a failure", f)
	}

	dir := t.TempDir()
	exe := filepath.Join(dir, "chromium")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("WEBMAIL_TEST_CHROMIUM", exe)
	p, f := run(t, Chromium)
	if f.failed || f.skipped || p != exe {
		t.Errorf("Chromium() = %q (%+v), want %q", p, f, exe)
	}

	for _, bad := range []string{filepath.Join(dir, "missing"), dir} {
		t.Setenv("WEBMAIL_TEST_CHROMIUM", bad)
		if _, f := run(t, Chromium); !f.failed {
			t.Errorf("WEBMAIL_TEST_CHROMIUM=%s: %+v, want a failure", bad, f)
		}
	}
}

func TestCAPool(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	dir := t.TempDir()
	good := filepath.Join(dir, "cert.pem")
	os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)

	pool, f := run(t, func(tb testing.TB) *x509.CertPool { return CAPool(tb, &Server{CAFile: good}) })
	if f.failed {
		t.Fatalf("CAPool: %s", f.msg)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost"}); err != nil {
		t.Errorf("certificate not trusted by the pool: %v", err)
	}

	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a certificate"), 0o644)
	for _, file := range []string{bad, filepath.Join(dir, "missing.pem")} {
		_, f := run(t, func(tb testing.TB) *x509.CertPool { return CAPool(tb, &Server{CAFile: file}) })
		if !f.failed {
			t.Errorf("CAPool(%s) did not fail", file)
		}
	}
}

func TestSeedWithoutStack(t *testing.T) {
	clearEnv(t)
	_, f := run(t, func(tb testing.TB) struct{} { (&Server{}).Seed(tb, "a@x", 1, ""); return struct{}{} })
	if !f.skipped {
		t.Errorf("Seed without a stack: %+v, want a skip", f)
	}
}

// TestStackLDAP checks, when a stack is configured, that slapd answers
// StartTLS with the stack's certificate for the URL's host.
func TestStackLDAP(t *testing.T) {
	s := LDAP(t)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// An ExtendedRequest for StartTLS (RFC 4511 section 4.14.1), message 1.
	oid := "1.3.6.1.4.1.1466.20037"
	req := append([]byte{0x30, byte(7 + len(oid)), 0x02, 0x01, 0x01, 0x77, byte(2 + len(oid)), 0x80, byte(len(oid))}, oid...)
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	// ExtendedResponse (0x78) with resultCode success (0x0a 0x01 0x00).
	if !strings.Contains(string(buf[:n]), "\x78") || !strings.Contains(string(buf[:n]), "\x0a\x01\x00") {
		t.Fatalf("StartTLS answer % x", buf[:n])
	}
	tc := tls.Client(c, &tls.Config{RootCAs: s.CAPool(t), ServerName: u.Hostname()})
	if err := tc.Handshake(); err != nil {
		t.Errorf("TLS after StartTLS as %s: %v", u.Hostname(), err)
	}
}

// TestStack checks, when a stack is configured, that its certificate
// verifies for the URL's host and for localhost and that IMAPS greets.
func TestStack(t *testing.T) {
	s := Dovecot(t)
	pool := CAPool(t, s)
	for _, raw := range []string{s.IMAPS, s.SMTPS} {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{u.Hostname(), "localhost"} {
			c, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: pool, ServerName: name})
			if err != nil {
				t.Errorf("%s as %s: %v", raw, name, err)
				continue
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err != nil || !(strings.HasPrefix(line, "* OK") || strings.HasPrefix(line, "220 ")) {
				t.Errorf("%s as %s: greeting %q, %v", raw, name, line, err)
			}
		}
	}
}
