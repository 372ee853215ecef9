package password

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/pematangsiantar/webmail/testenv"
)

func TestLDAPConfig(t *testing.T) {
	const dn = "uid={user},ou=people,dc=pematangsiantar,dc=go,dc=id"
	for _, tc := range []struct {
		url, userDN string
		addr        string
		security    ldapSecurity
		ok          bool
	}{
		{"ldaps://ldap.pematangsiantar.go.id", dn, "ldap.pematangsiantar.go.id:636", ldapTLS, true},
		{"ldap://ldap.pematangsiantar.go.id", dn, "ldap.pematangsiantar.go.id:389", ldapStartTLS, true},
		{"ldap://10.1.2.3:1389/", dn, "10.1.2.3:1389", ldapStartTLS, true},
		{"ldap+insecure://127.0.0.1", dn, "127.0.0.1:389", ldapInsecure, true},
		{"ldap+insecure://[::1]:10389", "mail={address},dc=x", "[::1]:10389", ldapInsecure, true},
		{"ldap+insecure://ldap.pematangsiantar.go.id", dn, "", 0, false},
		{"ldapi:///var/run/slapd.sock", dn, "", 0, false},
		{"ldap://host/dc=x", dn, "", 0, false},
		{"ldap://", dn, "", 0, false},
		{"ldap://host", "uid=fixed,dc=x", "", 0, false},
		{"ldap://host", "{user}", "", 0, false},
	} {
		l, err := NewLDAP(LDAPConfig{URL: tc.url, UserDN: tc.userDN})
		if (err == nil) != tc.ok {
			t.Errorf("NewLDAP(%q, %q) = %v, want ok=%v", tc.url, tc.userDN, err, tc.ok)
			continue
		}
		if err == nil && (l.addr != tc.addr || l.security != tc.security) {
			t.Errorf("NewLDAP(%q): addr %q security %d, want %q %d", tc.url, l.addr, l.security, tc.addr, tc.security)
		}
	}
}

func TestLDAPDN(t *testing.T) {
	l, err := NewLDAP(LDAPConfig{URL: "ldaps://ldap.example", UserDN: "uid={user},ou=people,dc=x"})
	if err != nil {
		t.Fatal(err)
	}
	for account, want := range map[string]string{
		"budi@pematangsiantar.go.id": "uid=budi,ou=people,dc=x",
		"budi":                       "uid=budi,ou=people,dc=x",
		"a,b=c+d@x":                  `uid=a\,b=c\+d,ou=people,dc=x`,
		"#lead@x":                    `uid=\#lead,ou=people,dc=x`,
	} {
		if got := l.dn(account); got != want {
			t.Errorf("dn(%q) = %q, want %q", account, got, want)
		}
	}
	l.userDN = "mail={address},ou=people,dc=x"
	if got := l.dn("budi@pematangsiantar.go.id"); got != "mail=budi@pematangsiantar.go.id,ou=people,dc=x" {
		t.Errorf("{address}: %q", got)
	}
}

// ldapTestResult is the *ldap.Error go-ldap makes of an ExtendedResponse
// with this result and, when ppError >= 0, a password policy response
// control carrying that error number (encoded as OpenLDAP 2.5 does:
// "MAOBAQY=" for error 6).
func ldapTestResult(t *testing.T, code uint16, text string, ppError int) error {
	t.Helper()
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAPMessage")
	env.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 2, "messageID"))
	resp := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedResponse, nil, "ExtendedResponse")
	resp.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(code), "resultCode"))
	resp.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "matchedDN"))
	resp.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, text, "diagnosticMessage"))
	env.AppendChild(resp)
	if ppError >= 0 {
		controls := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
		c := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
		c.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, ldap.ControlTypeBeheraPasswordPolicy, "type"))
		c.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString,
			string([]byte{0x30, 0x03, 0x81, 0x01, byte(ppError)}), "value"))
		controls.AppendChild(c)
		env.AppendChild(controls)
	}
	pkt, err := ber.DecodePacketErr(env.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	err = ldap.GetLDAPError(pkt)
	if err == nil {
		t.Fatal("GetLDAPError: nil")
	}
	return err
}

func TestLDAPModifyErrors(t *testing.T) {
	const (
		quality = "Password fails quality checking policy"
		history = "Password is in history of old passwords"
		same    = "Password is not being changed from existing value"
	)
	for _, tc := range []struct {
		name   string
		code   uint16
		text   string
		pp     int
		want   error
		policy string // the Rule of a *PolicyError
	}{
		{"too short, with control", 19, quality, 6, nil, RuleMinLength},
		{"quality, with control", 19, quality, 5, nil, RuleBackend},
		{"quality, no control", 19, quality, -1, nil, RuleBackend},
		{"in history, with control", 19, history, 8, ErrRecentlyUsed, ""},
		{"in history, no control", 19, history, -1, ErrRecentlyUsed, ""},
		{"same as current (OpenLDAP says in history)", 19, same, 8, nil, RuleSameAsOld},
		{"same as current, no control", 19, same, -1, nil, RuleSameAsOld},
		{"too young", 19, "Password is too young to change", 7, ErrTooSoon, ""},
		{"too young, no control", 19, "Password is too young to change", -1, ErrTooSoon, ""},
		{"not allowed", 50, "User alteration of password is not allowed", 3, ErrLocked, ""},
		{"not allowed, no control", 50, "insufficient access", -1, ErrLocked, ""},
		{"must supply old", 53, "Must supply old password to be changed as well as new one", 4, ErrWrongPassword, ""},
		{"wrong old password", 53, "unwilling to verify old password", -1, ErrWrongPassword, ""},
		{"unwilling otherwise", 53, "operation not supported", -1, ErrLocked, ""},
		{"busy", 51, "busy", -1, ErrUnavailable, ""},
		{"other", 80, "internal error", -1, ErrUnavailable, ""},
	} {
		err := ldapModifyError(context.Background(), ldapTestResult(t, tc.code, tc.text, tc.pp))
		if tc.policy != "" {
			var pe *PolicyError
			if !errors.As(err, &pe) || pe.Rule != tc.policy || !strings.Contains(pe.Detail, tc.text) {
				t.Errorf("%s: %v, want a PolicyError %s", tc.name, err, tc.policy)
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := ldapModifyError(context.Background(), ldap.NewError(ldap.ErrorNetwork, errors.New("connection closed"))); !errors.Is(err, ErrUnavailable) {
		t.Errorf("network: %v", err)
	}
}

func TestLDAPRefusesEmpty(t *testing.T) {
	// Nothing listens there: refusals must come before any dial.
	l, err := NewLDAP(LDAPConfig{URL: "ldap+insecure://127.0.0.1:1", UserDN: "uid={user},dc=x"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := l.Change(ctx, "a@x", "", "new-Password-1"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("empty old: %v", err)
	}
	var pe *PolicyError
	if err := l.Change(ctx, "a@x", "old", ""); !errors.As(err, &pe) {
		t.Errorf("empty new: %v", err)
	}
	if _, err := l.MustChange(ctx, "a@x", ""); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("MustChange with an empty password: %v", err)
	}
	if err := l.Change(ctx, "a@x", "old", "new-Password-1"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("nothing listening: %v", err)
	}
}

func TestLDAPHangingServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept, never answer
		}
	}()
	l, err := NewLDAP(LDAPConfig{URL: "ldap+insecure://" + ln.Addr().String(), UserDN: "uid={user},dc=x"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = l.MustChange(ctx, "a@x", "pw")
	if !errors.Is(err, ErrUnavailable) || time.Since(start) > 5*time.Second {
		t.Errorf("MustChange = %v after %v, want ErrUnavailable soon", err, time.Since(start))
	}
}

// Against the real OpenLDAP of .ci/stack (testenv.LDAP).

// ldapAdmin binds as the directory's root, for setting things back.
func ldapAdmin(t *testing.T, srv *testenv.LDAPServer) *ldap.Conn {
	t.Helper()
	if srv.AdminDN == "" {
		t.Fatal("WEBMAIL_TEST_LDAP_ADMIN_DN is not set: cannot set the directory back")
	}
	c, err := ldap.DialURL(srv.URL, ldap.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.StartTLS(&tls.Config{RootCAs: srv.CAPool(t), ServerName: ldapTestHost(t, srv)}); err != nil {
		t.Fatal(err)
	}
	if err := c.Bind(srv.AdminDN, srv.AdminPassword); err != nil {
		t.Fatal(err)
	}
	return c
}

func ldapTestHost(t *testing.T, srv *testenv.LDAPServer) string {
	host, _, err := net.SplitHostPort(strings.TrimPrefix(srv.URL, "ldap://"))
	if err != nil {
		t.Fatal(err)
	}
	return host
}

// ldapAdminSet sets uid's password as the admin, which makes it
// pwdReset: TRUE; unless reset, the flag is then removed again.
func ldapAdminSet(t *testing.T, srv *testenv.LDAPServer, uid, password string, reset bool) {
	t.Helper()
	c := ldapAdmin(t, srv)
	defer c.Close()
	dn := strings.ReplaceAll(srv.UserDN, "{user}", ldap.EscapeDN(uid))
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest(dn, "", password)); err != nil {
		t.Fatalf("admin: set the password of %s: %v", dn, err)
	}
	if !reset {
		m := ldap.NewModifyRequest(dn, nil)
		m.Delete("pwdReset", nil)
		if err := c.Modify(m); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchAttribute) {
			t.Fatalf("admin: remove pwdReset of %s: %v", dn, err)
		}
	}
}

func ldapTestDriver(t *testing.T, srv *testenv.LDAPServer, scheme string, pool *x509.CertPool) *LDAP {
	t.Helper()
	l, err := NewLDAP(LDAPConfig{
		URL:    scheme + "://" + strings.TrimPrefix(srv.URL, "ldap://"),
		TLS:    &tls.Config{RootCAs: pool},
		UserDN: srv.UserDN,
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// ldapTLSRelay accepts TLS on 127.0.0.1 with a fresh self-signed
// certificate and relays the plain bytes to target. It returns its address
// and a pool trusting the certificate.
func ldapTLSRelay(t *testing.T, target string) (string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.DialTimeout("tcp", target, 10*time.Second)
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	return ln.Addr().String(), pool
}

func ldapRandomPassword(t *testing.T, prefix string) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

func TestLDAPDirectory(t *testing.T) {
	srv := testenv.LDAP(t)
	if srv.Reset.Name == "" {
		t.Fatal("WEBMAIL_TEST_LDAP_RESET_USER is not set")
	}
	d := ldapTestDriver(t, srv, "ldap", srv.CAPool(t)) // StartTLS
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user := srv.Users[0]
	// The account as the user signs in: {user} is its local part.
	account := user.Name + "@pematangsiantar.go.id"

	t.Run("MustChange", func(t *testing.T) {
		if must, err := d.MustChange(ctx, account, user.Password); err != nil || must {
			t.Errorf("MustChange(%s) = %v, %v; want false", user.Name, must, err)
		}
		if must, err := d.MustChange(ctx, srv.Reset.Name, srv.Reset.Password); err != nil || !must {
			t.Errorf("MustChange(%s) = %v, %v; want true", srv.Reset.Name, must, err)
		}
		if _, err := d.MustChange(ctx, account, "wrong-Password-0"); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("MustChange with a wrong password: %v", err)
		}
		if _, err := d.MustChange(ctx, "nobody@pematangsiantar.go.id", "wrong-Password-0"); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("MustChange of an unknown user: %v", err)
		}
		// The same over plain LDAP (loopback).
		plain := ldapTestDriver(t, srv, "ldap+insecure", nil)
		if must, err := plain.MustChange(ctx, srv.Reset.Name, srv.Reset.Password); err != nil || !must {
			t.Errorf("ldap+insecure: MustChange(%s) = %v, %v; want true", srv.Reset.Name, must, err)
		}
	})

	t.Run("ldaps", func(t *testing.T) {
		// slapd listens for ldap:// only: a TLS-terminating relay in front
		// of it, with a certificate of its own, stands in for ldaps://.
		addr, pool := ldapTLSRelay(t, strings.TrimPrefix(srv.URL, "ldap://"))
		l, err := NewLDAP(LDAPConfig{URL: "ldaps://" + addr, TLS: &tls.Config{RootCAs: pool}, UserDN: srv.UserDN})
		if err != nil {
			t.Fatal(err)
		}
		if must, err := l.MustChange(ctx, srv.Reset.Name, srv.Reset.Password); err != nil || !must {
			t.Errorf("ldaps: MustChange(%s) = %v, %v; want true", srv.Reset.Name, must, err)
		}
		l, _ = NewLDAP(LDAPConfig{URL: "ldaps://" + addr, TLS: &tls.Config{RootCAs: x509.NewCertPool()}, UserDN: srv.UserDN})
		if _, err := l.MustChange(ctx, srv.Reset.Name, srv.Reset.Password); !errors.Is(err, ErrUnavailable) {
			t.Errorf("ldaps with an unknown CA: %v, want ErrUnavailable", err)
		}
	})

	t.Run("StartTLS verifies the certificate", func(t *testing.T) {
		untrusting := ldapTestDriver(t, srv, "ldap", x509.NewCertPool())
		if _, err := untrusting.MustChange(ctx, account, user.Password); !errors.Is(err, ErrUnavailable) {
			t.Errorf("StartTLS with an unknown CA: %v, want ErrUnavailable", err)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct {
			name, old, new string
			want           error
			rule           string
		}{
			{"wrong old password", "wrong-Password-0", "ldapuser-New-9", ErrWrongPassword, ""},
			{"too short", user.Password, "short1", nil, RuleMinLength},
			{"same as the current one", user.Password, user.Password, nil, RuleSameAsOld},
		} {
			err := d.Change(ctx, account, tc.old, tc.new)
			if tc.rule != "" {
				var pe *PolicyError
				if !errors.As(err, &pe) || pe.Rule != tc.rule {
					t.Errorf("%s: %v, want PolicyError %s", tc.name, err, tc.rule)
				}
			} else if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		// Nothing changed.
		if must, err := d.MustChange(ctx, account, user.Password); err != nil || must {
			t.Errorf("after the refusals: MustChange = %v, %v", must, err)
		}
	})

	t.Run("change and history", func(t *testing.T) {
		// A new password each run: the history keeps the old ones.
		newPW := ldapRandomPassword(t, "ldapuser-New")
		t.Cleanup(func() { ldapAdminSet(t, srv, user.Name, user.Password, false) })
		if err := d.Change(ctx, account, user.Password, newPW); err != nil {
			t.Fatalf("Change: %v", err)
		}
		if must, err := d.MustChange(ctx, account, newPW); err != nil || must {
			t.Errorf("new password: MustChange = %v, %v; want false, nil", must, err)
		}
		if _, err := d.MustChange(ctx, account, user.Password); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("old password after the change: %v, want ErrWrongPassword", err)
		}
		if err := d.Change(ctx, account, newPW, user.Password); !errors.Is(err, ErrRecentlyUsed) {
			t.Errorf("back to the old one: %v, want ErrRecentlyUsed", err)
		}
	})

	t.Run("reset user changes its password", func(t *testing.T) {
		reset := srv.Reset
		newPW := ldapRandomPassword(t, "ldapreset-New")
		t.Cleanup(func() {
			// The admin sets it back: pwdReset: TRUE again, for reruns.
			ldapAdminSet(t, srv, reset.Name, reset.Password, true)
			if must, err := d.MustChange(context.Background(), reset.Name, reset.Password); err != nil || !must {
				t.Errorf("after the admin set it back: MustChange = %v, %v; want true", must, err)
			}
		})
		if err := d.Change(ctx, reset.Name, reset.Password, newPW); err != nil {
			t.Fatalf("Change: %v", err)
		}
		if must, err := d.MustChange(ctx, reset.Name, newPW); err != nil || must {
			t.Errorf("after the change: MustChange = %v, %v; want false", must, err)
		}
	})
}
