package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for loadSettings.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestKeygenAndRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session.keys")
	if n, err := keygen(path, time.Now()); err != nil || n != 0 {
		t.Fatalf("keygen = %d, %v", n, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", st.Mode().Perm(), err)
	}
	first, err := readKeyFile(path)
	if err != nil || len(first) != 1 {
		t.Fatalf("read: %d keys, %v", len(first), err)
	}
	for i := 1; i <= 4; i++ {
		if _, err := keygen(path, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := readKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1+keptOldKeys {
		t.Errorf("after rotations: %d pairs, want %d", len(keys), 1+keptOldKeys)
	}
	if string(keys[0].Hash) == string(first[0].Hash) {
		t.Errorf("newest key is not first")
	}
	os.Chmod(path, 0o644)
	if _, err := readKeyFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key file: got %v", err)
	}
}

func TestServeConfigSources(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "session.keys")
	if _, err := keygen(keys, time.Now()); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "webmail.toml")
	os.WriteFile(file, []byte(`
imap = "imaps://mail.pematangsiantar.go.id"
smtp = "smtp://mail.pematangsiantar.go.id:587"
domain = "pematangsiantar.go.id"
session-keys = "`+keys+`"
helpdesk = "Diskominfo, telp. (0622) 123456"
trusted-proxy = ["10.0.0.5", "192.168.1.0/24"]
listen = "0.0.0.0:8080"
`), 0o600)
	raw, err := loadSettings("serve", serveSettings,
		[]string{"--config", file, "--per-page", "25"},
		env(map[string]string{"WEBMAIL_HELPDESK": "Helpdesk dari env", "WEBMAIL_PER_PAGE": "99"}))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := buildServeConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Addr != "mail.pematangsiantar.go.id:993" || cfg.SMTP.Addr != "mail.pematangsiantar.go.id:587" {
		t.Errorf("backends %q %q", cfg.IMAP.Addr, cfg.SMTP.Addr)
	}
	if cfg.Web.Helpdesk != "Helpdesk dari env" {
		t.Errorf("environment should override the file: helpdesk %q", cfg.Web.Helpdesk)
	}
	if cfg.Web.PerPage != 25 {
		t.Errorf("flag should override the environment: per-page %d", cfg.Web.PerPage)
	}
	if len(cfg.Web.TrustedProxies) != 2 || cfg.Web.TrustedProxies[0].String() != "10.0.0.5/32" {
		t.Errorf("trusted proxies %v", cfg.Web.TrustedProxies)
	}
	if cfg.Web.MaxMessageSize != 25<<20 {
		t.Errorf("default max message size %d", cfg.Web.MaxMessageSize)
	}
	if cfg.Web.Hostname == "" || cfg.SMTP.Hello != cfg.Web.Hostname {
		t.Errorf("hostname %q, EHLO %q", cfg.Web.Hostname, cfg.SMTP.Hello)
	}
	if cfg.Web.Location.String() != "Asia/Jakarta" {
		t.Errorf("default time zone %v", cfg.Web.Location)
	}
}

func TestServeRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "session.keys")
	keygen(keys, time.Now())
	good := map[string]string{
		"WEBMAIL_IMAP": "imaps://mail.example.org", "WEBMAIL_SMTP": "smtps://mail.example.org",
		"WEBMAIL_DOMAIN": "pematangsiantar.go.id", "WEBMAIL_SESSION_KEYS": keys,
	}
	tests := []struct {
		name string
		set  map[string]string
		args []string
		want []string // each must appear in the error
	}{
		{"nothing", nil, nil, []string{"--imap", "--smtp", "--domain", "--session-keys", "webmail keygen"}},
		{"insecure remote", map[string]string{"WEBMAIL_IMAP": "imap+insecure://mail.example.org"}, nil, []string{"loopback"}},
		{"bad scheme", map[string]string{"WEBMAIL_SMTP": "http://x"}, nil, []string{"--smtp", "scheme"}},
		{"plain http on all interfaces", nil, []string{"--listen", ":8080"}, []string{"--listen", "--tls-cert", "--trusted-proxy"}},
		{"half tls", nil, []string{"--tls-cert", "/x.pem"}, []string{"--tls-key"}},
		{"bad zone", nil, []string{"--timezone", "Mars/Olympus"}, []string{"--timezone"}},
		{"bad proxy", nil, []string{"--trusted-proxy", "kantor"}, []string{"--trusted-proxy"}},
		{"bad duration", nil, []string{"--idle-timeout", "lama"}, []string{"--idle-timeout"}},
		{"missing ca", nil, []string{"--backend-ca", "/tidak/ada.pem"}, []string{"--backend-ca"}},
		{"bad size", nil, []string{"--max-message-size", "banyak"}, []string{"--max-message-size"}},
		{"bad hostname", nil, []string{"--hostname", "localhost"}, []string{"--hostname"}},
		{"missing key file", map[string]string{"WEBMAIL_SESSION_KEYS": "/tidak/ada"}, nil, []string{"--session-keys"}},
		{"bad metrics address", nil, []string{"--metrics-listen", "9100"}, []string{"--metrics-listen", "host:port"}},
		{"metrics on the web listener", nil, []string{"--metrics-listen", "127.0.0.1:8080"}, []string{"--metrics-listen", "differ"}},
		{"acme without a cache", nil, []string{"--acme-domain", "webmail.pematangsiantar.go.id"}, []string{"--acme-cache"}},
		{"acme and a certificate", nil, []string{"--acme-domain", "webmail.pematangsiantar.go.id", "--acme-cache", "/tmp/x", "--tls-cert", "/x.pem", "--tls-key", "/x.key"}, []string{"--acme-domain", "exclude"}},
		{"acme for an address", nil, []string{"--acme-domain", "10.0.0.5", "--acme-cache", "/tmp/x"}, []string{"--acme-domain", "10.0.0.5"}},
		{"acme over http", nil, []string{"--acme-domain", "webmail.pematangsiantar.go.id", "--acme-cache", "/tmp/x", "--acme-directory", "http://ca.local/dir"}, []string{"--acme-directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			if tt.name != "nothing" {
				for k, v := range good {
					vars[k] = v
				}
			}
			for k, v := range tt.set {
				vars[k] = v
			}
			raw, err := loadSettings("serve", serveSettings, tt.args, env(vars))
			if err == nil {
				_, err = buildServeConfig(raw)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	// Unknown keys in the file are refused, not ignored.
	file := filepath.Join(dir, "typo.toml")
	os.WriteFile(file, []byte("imap_url = \"imaps://x\"\n"), 0o600)
	if _, err := loadSettings("serve", serveSettings, []string{"--config", file}, env(nil)); err == nil || !strings.Contains(err.Error(), "imap_url") {
		t.Errorf("unknown file key: got %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"25MB": 25 << 20, "25m": 25 << 20, "500KB": 500 << 10, "1GB": 1 << 30, "1048576": 1 << 20, " 10 MB ": 10 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5MB", "MB", "lima MB", "99999GB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func TestServePasswordSettings(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "session.keys")
	keygen(keys, time.Now())
	passwd := filepath.Join(dir, "users")
	os.WriteFile(passwd, []byte("boi@pematangsiantar.go.id:{PLAIN}x::::::\n"), 0o640)
	base := map[string]string{
		"WEBMAIL_IMAP": "imaps://mail.pematangsiantar.go.id", "WEBMAIL_SMTP": "smtps://mail.pematangsiantar.go.id",
		"WEBMAIL_DOMAIN": "pematangsiantar.go.id", "WEBMAIL_SESSION_KEYS": keys,
	}
	build := func(args ...string) (*serveConfig, error) {
		raw, err := loadSettings("serve", serveSettings, args, env(base))
		if err != nil {
			return nil, err
		}
		return buildServeConfig(raw)
	}
	cfg, err := build("--password-driver", "zimbra")
	if err != nil || cfg.Web.Password == nil {
		t.Fatalf("zimbra: %v", err)
	}
	if cfg, err := build("--password-driver", "dovecot-passwdfile", "--password-file", passwd, "--password-min-length", "12"); err != nil || cfg.Web.Password == nil || cfg.Web.Policy.MinLength != 12 {
		t.Fatalf("passwd-file: %v", err)
	}
	cfg, err = build("--password-driver", "ldap", "--ldap-url", "ldaps://ldap.pematangsiantar.go.id", "--ldap-user-dn", "uid={user},ou=people,dc=pematangsiantar,dc=go,dc=id")
	if err != nil || cfg.Web.Password == nil || cfg.Web.Detector == nil {
		t.Fatalf("ldap: %v", err)
	}
	if cfg, err := build("--must-change-pattern", "(?i)kata sandi kedaluwarsa"); err != nil || !cfg.IMAP.MustChangePattern.MatchString("Kata sandi kedaluwarsa") {
		t.Fatalf("must-change pattern: %v", err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--password-driver", "exchange"}, "--password-driver"},
		{[]string{"--password-driver", "zimbra", "--zimbra-url", "http://mail.example.org/service/soap"}, "--zimbra-url"},
		{[]string{"--password-driver", "ldap"}, "--ldap-url"},
		{[]string{"--password-driver", "dovecot-passwdfile"}, "--password-file"},
		{[]string{"--password-driver", "dovecot-passwdfile", "--password-file", "/tidak/ada"}, "--password-file"},
		{[]string{"--ldap-url", "ldap+insecure://ldap.example.org"}, "--ldap"},
		{[]string{"--defaults", "/tidak/ada"}, "--defaults"},
		{[]string{"--must-change-pattern", "(("}, "--must-change-pattern"},
		{[]string{"--password-min-score", "9"}, "--password-min-score"},
	} {
		if _, err := build(tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error naming %s", tt.args, err, tt.want)
		}
	}
}

// TestServeACMESettings: with --acme-domain, HTTPS on all interfaces needs
// neither certificate files nor a proxy, and the domains are normalised.
func TestServeACMESettings(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "session.keys")
	keygen(keys, time.Now())
	raw, err := loadSettings("serve", serveSettings, []string{"--listen", ":443",
		"--acme-domain", " Webmail.Pematangsiantar.go.id, mail.pematangsiantar.go.id ", "--acme-cache", dir, "--acme-http-listen", ":80"},
		env(map[string]string{"WEBMAIL_IMAP": "imaps://mail.pematangsiantar.go.id", "WEBMAIL_SMTP": "smtps://mail.pematangsiantar.go.id",
			"WEBMAIL_DOMAIN": "pematangsiantar.go.id", "WEBMAIL_SESSION_KEYS": keys}))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := buildServeConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.ACME
	if a == nil || strings.Join(a.Domains, ",") != "webmail.pematangsiantar.go.id,mail.pematangsiantar.go.id" ||
		a.Directory != "https://acme-v02.api.letsencrypt.org/directory" || a.HTTPListen != ":80" || a.Roots != nil {
		t.Errorf("acme settings %+v", a)
	}
}
