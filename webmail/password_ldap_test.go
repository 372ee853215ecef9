package webmail

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"testing"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/testenv"
	"github.com/pematangsiantar/webmail/webmail/password"
)

// TestLDAPResetForcesChange signs in to a mailbox whose account's password
// was reset by an administrator in real OpenLDAP (pwdReset: the bind
// succeeds, only the password-policy control tells): the user must change
// the password first, while an ordinary directory user gets the inbox.
func TestLDAPResetForcesChange(t *testing.T) {
	l := testenv.LDAP(t)
	if l.Reset.Name == "" || len(l.Users) == 0 {
		t.Fatal("WEBMAIL_TEST_LDAP_RESET_USER and WEBMAIL_TEST_LDAP_USERS are needed")
	}
	detector, err := password.NewLDAP(password.LDAPConfig{
		URL:    l.URL,
		UserDN: l.UserDN,
		TLS:    &tls.Config{RootCAs: l.CAPool(t), ServerName: "localhost"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The mailboxes are the embedded server's, with the directory's
	// names and passwords, as on a host whose IMAP authenticates
	// against the directory.
	const domain = "pematangsiantar.go.id"
	reset := demo.Account{Address: l.Reset.Name + "@" + domain, Password: l.Reset.Password}
	normal := demo.Account{Address: l.Users[0].Name + "@" + domain, Password: l.Users[0].Password}
	b, err := demo.Start(demo.Options{Accounts: []demo.Account{reset, normal}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	e := newEnvAt(t, imapclient.Config{Addr: b.IMAPAddr, Security: imapclient.SecurityNone},
		func(c *Config, _ *imapclient.Config) { c.Detector = detector })

	p := e.browser().signIn(l.Reset.Name, reset.Password)
	if p.StatusCode != http.StatusSeeOther || p.location() != "/password/change" {
		t.Fatalf("reset account: %d %s", p.StatusCode, p.location())
	}
	if p := e.browser().signIn(l.Users[0].Name, normal.Password); p.StatusCode != http.StatusSeeOther || p.location() != "/mail" {
		t.Fatalf("ordinary account: %d %s", p.StatusCode, p.location())
	}
}
