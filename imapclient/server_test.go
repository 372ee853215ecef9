package imapclient

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/testenv"
)

// testServer is a real IMAP server the tests run against: the embedded
// demo server always, and Dovecot when .ci/stack has started one.
type testServer struct {
	name       string
	cfg        Config
	user, pass string
	// expired is an account whose password must be changed ("" if none).
	expiredUser, expiredPass string
}

// testServers returns the servers to run a test against.
func testServers(t *testing.T) []testServer {
	t.Helper()
	b, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatalf("start demo server: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	acct, expired := b.Accounts[0], b.Accounts[1]
	// The embedded server refuses the second account the way Zimbra does
	// when a password must be changed; Dovecot's says [EXPIRED].
	if err := b.SetMustChange(expired.Address, demo.MustChangeZimbra); err != nil {
		t.Fatal(err)
	}
	servers := []testServer{{
		name: "embedded",
		cfg:  Config{Addr: b.IMAPAddr, Security: SecurityNone},
		user: acct.Address, pass: acct.Password,
		expiredUser: expired.Address, expiredPass: expired.Password,
	}}
	if os.Getenv("WEBMAIL_TEST_IMAP") == "" && os.Getenv("CI") == "" {
		t.Log("real Dovecot not configured (run .ci/stack start DIR and source DIR/env): testing the embedded server only")
		return servers
	}
	d := testenv.Dovecot(t)
	cfg, err := ParseURL(d.IMAP)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = &tls.Config{RootCAs: testenv.CAPool(t, d), ServerName: "localhost"}
	servers = append(servers, testServer{
		name: "dovecot", cfg: cfg,
		user: d.Users[0].Address, pass: d.Users[0].Password,
		expiredUser: d.Expired.Address, expiredPass: d.Expired.Password,
	})
	return servers
}

// raw opens a plain go-imap connection for setting up fixtures.
func (s testServer) raw(t *testing.T) *imapclient.Client {
	t.Helper()
	c, err := dial(t.Context(), &s.cfg, s.user, s.pass)
	if err != nil {
		t.Fatalf("%s: login: %v", s.name, err)
	}
	t.Cleanup(func() { c.close() })
	return c.client
}

// newFolder creates a uniquely named folder holding msgs, appended in
// order with the given internal dates, and returns its name.
func (s testServer) newFolder(t *testing.T, msgs [][]byte, dates []time.Time, flags [][]imap.Flag) string {
	t.Helper()
	c := s.raw(t)
	var b [4]byte
	rand.Read(b[:])
	name := "Test " + strings.NewReplacer("/", "-", ".", "-").Replace(t.Name()) + " " + hex.EncodeToString(b[:])
	testenv.CreateMailbox(t, c, name)
	t.Cleanup(func() {
		if c, err := dial(t.Context(), &s.cfg, s.user, s.pass); err == nil {
			c.client.Delete(name).Wait()
			c.close()
		}
	})
	for i, m := range msgs {
		opts := &imap.AppendOptions{}
		if dates != nil {
			opts.Time = dates[i]
		}
		if flags != nil {
			opts.Flags = flags[i]
		}
		cmd := c.Append(name, int64(len(m)), opts)
		cmd.Write(m)
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("append to %q: %v", name, err)
		}
	}
	return name
}
