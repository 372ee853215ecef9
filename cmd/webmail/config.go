package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
	"github.com/pematangsiantar/webmail/webmail"
)

// setting is one configuration value, settable from the config file (key
// Name), the environment (WEBMAIL_ + NAME in upper snake case) and a flag
// (--Name). Flags win over the environment, which wins over the file.
type setting struct {
	Name    string
	Default string
	Help    string
}

// serveSettings are the settings of `webmail serve`; `webmail demo` uses
// the subset that makes sense without a real backend.
var serveSettings = []setting{
	{"imap", "", "IMAP server: imaps://host:993 (TLS), imap://host:143 (STARTTLS, required) or imap+insecure://127.0.0.1:143 (loopback only)"},
	{"smtp", "", "SMTP submission server: smtps://host:465, smtp://host:587 (STARTTLS) or smtp+insecure://127.0.0.1:25 (loopback only)"},
	{"backend-ca", "", "PEM file of CA certificates (or the server certificate) to trust for the IMAP/SMTP servers, in addition to the system roots"},
	{"domain", "", "mail domain appended when a user signs in with a bare user name, e.g. pematangsiantar.go.id"},
	{"session-keys", "", "file of session cookie keys made by `webmail keygen FILE` (newest first; shared by all instances)"},
	{"hostname", "", "fully-qualified name of this webmail, sent in SMTP EHLO and used in Message-IDs (default: the machine's name if fully qualified, else webmail.<domain>)"},
	{"max-message-size", "25MB", "largest message a user may send, attachments included (never more than the SMTP server's SIZE allows)"},
	{"listen", "127.0.0.1:8080", "address the web server listens on"},
	{"helpdesk", "", "contact shown when sign-in fails, e.g. \"Diskominfo, telp. (0622) 123456\""},
	{"timezone", "Asia/Jakarta", "time zone dates are shown in"},
	{"tls-cert", "", "PEM certificate chain to serve HTTPS directly (with --tls-key)"},
	{"tls-key", "", "PEM private key for --tls-cert"},
	{"acme-domain", "", "host names to get HTTPS certificates for automatically over ACME (Let's Encrypt), comma-separated, e.g. webmail.pematangsiantar.go.id; instead of --tls-cert"},
	{"acme-cache", "", "directory where the ACME account key and the certificates are kept (required with --acme-domain)"},
	{"acme-email", "", "contact address given to the certificate authority, for expiry notices"},
	{"acme-directory", "https://acme-v02.api.letsencrypt.org/directory", "the ACME server's directory URL (another CA, Let's Encrypt's staging, or an internal ACME server)"},
	{"acme-ca", "", "PEM file of CA certificates to trust for an internal ACME server, in addition to the system roots"},
	{"acme-http-listen", "", "plain-HTTP address for ACME http-01 challenges and the redirect to HTTPS, usually :80 (empty: TLS-ALPN-01 challenges on --listen only)"},
	{"trusted-proxy", "", "comma-separated CIDRs of reverse proxies that terminate TLS; only they may set X-Forwarded-For/-Proto"},
	{"idle-timeout", "30m", "sign a user out after this long without activity"},
	{"session-lifetime", "12h", "sign a user out this long after sign-in, active or not"},
	{"per-page", "50", "messages per page in a folder"},
	{"password-driver", "", "how passwords are changed: zimbra, ldap or dovecot-passwdfile (empty: changing is not offered)"},
	{"password-file", "", "dovecot-passwdfile: the Dovecot passwd-file to rewrite"},
	{"zimbra-url", "", "zimbra: the SOAP URL (default https://<IMAP host>/service/soap)"},
	{"ldap-url", "", "ldap: the directory, ldaps://host, ldap://host (StartTLS) or ldap+insecure://127.0.0.1 (loopback only); also used to detect a reset password (pwdReset)"},
	{"ldap-user-dn", "", "ldap: the DN of a user, with {user} for the user name or {address} for the whole address, e.g. uid={user},ou=people,dc=pematangsiantar,dc=go,dc=id"},
	{"defaults", "", "file of provisioned default passwords made by `webmail accounts import`; a sign-in with a default must change it"},
	{"must-change-pattern", imapclient.DefaultMustChangePattern.String(), "regular expression matching the IMAP server's refusal of a login whose password must be changed (Zimbra's [ALERT] text)"},
	{"password-min-length", "10", "shortest new password accepted"},
	{"password-min-score", "3", "weakest new password accepted, as a zxcvbn strength score from 0 to 4"},
	{"imap-max-conns", "500", "most IMAP connections kept open by this instance"},
	{"metrics-listen", "", "address of a separate plain-HTTP listener serving Prometheus metrics at /metrics, e.g. 127.0.0.1:9100 (empty: none); keep it off the public network"},
	{"log-format", "text", "log format: text or json"},
	{"log-level", "info", "log level: debug, info, warn or error"},
}

// demoSettings are the settings `webmail demo` accepts.
var demoSettings = []setting{
	{"listen", "127.0.0.1:8080", "address the web server listens on"},
	{"timezone", "Asia/Jakarta", "time zone dates are shown in"},
	{"log-format", "text", "log format: text or json"},
	{"log-level", "info", "log level: debug, info, warn or error"},
}

// envName is the environment variable of a setting.
func envName(name string) string {
	return "WEBMAIL_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// loadSettings merges defaults, the config file (--config or
// WEBMAIL_CONFIG), the environment and the command-line flags into raw
// string values.
func loadSettings(cmd string, defs []setting, args []string, getenv func(string) string) (map[string]string, error) {
	fs := flag.NewFlagSet("webmail "+cmd, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: webmail %s [flags]\n\nEvery flag can also be set as WEBMAIL_<NAME> in the environment or as <name> in the --config file.\n\n", cmd)
		fs.PrintDefaults()
	}
	flagVals := map[string]*string{}
	for _, d := range defs {
		flagVals[d.Name] = fs.String(d.Name, d.Default, d.Help)
	}
	configPath := fs.String("config", getenv("WEBMAIL_CONFIG"), "TOML configuration file (WEBMAIL_CONFIG)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	raw := map[string]string{}
	known := map[string]bool{}
	for _, d := range defs {
		raw[d.Name] = d.Default
		known[d.Name] = true
	}
	if *configPath != "" {
		file, err := readConfigFile(*configPath)
		if err != nil {
			return nil, err
		}
		var unknown []string
		for k, v := range file {
			if !known[k] {
				unknown = append(unknown, k)
				continue
			}
			raw[k] = v
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return nil, fmt.Errorf("config file %s: unknown setting(s) %s", *configPath, strings.Join(unknown, ", "))
		}
	}
	for _, d := range defs {
		if v := getenv(envName(d.Name)); v != "" {
			raw[d.Name] = v
		}
	}
	fs.Visit(func(f *flag.Flag) {
		if p, ok := flagVals[f.Name]; ok {
			raw[f.Name] = *p
		}
	})
	return raw, nil
}

// readConfigFile reads a TOML file of settings; lists become
// comma-separated values.
func readConfigFile(path string) (map[string]string, error) {
	var doc map[string]any
	if _, err := toml.DecodeFile(path, &doc); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	out := map[string]string{}
	for k, v := range doc {
		switch v := v.(type) {
		case []any:
			parts := make([]string, len(v))
			for i, p := range v {
				parts[i] = fmt.Sprint(p)
			}
			out[k] = strings.Join(parts, ",")
		case map[string]any:
			return nil, fmt.Errorf("config file %s: %q must be a value, not a table", path, k)
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// serveConfig is everything `webmail serve` needs, validated.
type serveConfig struct {
	Listen string
	// MetricsListen is the /metrics listener's address ("" for none).
	MetricsListen string
	TLSCert       string
	TLSKey        string
	// ACME gets and renews the HTTPS certificate (nil: --tls-cert or none).
	ACME     *acmeConfig
	IMAP     imapclient.Config
	SMTP     smtpclient.Config
	MaxConns int
	Web      webmail.Config
	Log      logConfig
}

type logConfig struct {
	Format string
	Level  string
}

// buildServeConfig validates the raw settings as a whole and reports every
// problem at once, each saying what to fix.
func buildServeConfig(raw map[string]string) (*serveConfig, error) {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--%s (%s): %s", name, envName(name), fmt.Sprintf(format, args...)))
	}
	cfg := &serveConfig{Listen: raw["listen"], TLSCert: raw["tls-cert"], TLSKey: raw["tls-key"], MetricsListen: raw["metrics-listen"]}

	var roots *x509.CertPool
	if ca := raw["backend-ca"]; ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			bad("backend-ca", "cannot read: %v", err)
		} else {
			roots, err = x509.SystemCertPool()
			if err != nil || roots == nil {
				roots = x509.NewCertPool()
			}
			if !roots.AppendCertsFromPEM(pem) {
				bad("backend-ca", "%s holds no PEM certificate", ca)
			}
		}
	}
	tlsFor := func(addr string) *tls.Config {
		host, _, _ := net.SplitHostPort(addr)
		return &tls.Config{RootCAs: roots, ServerName: host, MinVersion: tls.VersionTLS12}
	}

	if raw["imap"] == "" {
		bad("imap", "missing: the IMAP server, e.g. imaps://mail.pematangsiantar.go.id:993")
	} else if c, err := imapclient.ParseURL(raw["imap"]); err != nil {
		bad("imap", "%v", err)
	} else {
		c.TLS = tlsFor(c.Addr)
		cfg.IMAP = c
	}
	hostname := strings.ToLower(strings.TrimSpace(raw["hostname"]))
	if hostname == "" {
		if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") {
			hostname = strings.ToLower(h)
		}
	}
	pw := buildPassword(raw, &cfg.IMAP, roots, bad)
	if raw["smtp"] == "" {
		bad("smtp", "missing: the SMTP submission server, e.g. smtp://mail.pematangsiantar.go.id:587")
	} else if c, err := smtpclient.ParseURL(raw["smtp"]); err != nil {
		bad("smtp", "%v", err)
	} else {
		c.TLS = tlsFor(c.Addr)
		cfg.SMTP = c
	}

	domain := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(raw["domain"])), "@")
	if domain == "" {
		bad("domain", "missing: the mail domain, e.g. pematangsiantar.go.id")
	} else if strings.ContainsAny(domain, " @/") || !strings.Contains(domain, ".") {
		bad("domain", "%q is not a domain name", domain)
	}

	var keys []webmail.KeyPair
	if raw["session-keys"] == "" {
		bad("session-keys", "missing: create a key file with `webmail keygen /etc/webmail/session.keys` and copy it to every instance")
	} else if k, err := readKeyFile(raw["session-keys"]); err != nil {
		bad("session-keys", "%v", err)
	} else {
		keys = k
	}

	if hostname == "" && domain != "" {
		hostname = "webmail." + domain
	}
	cfg.SMTP.Hello = hostname
	if cfg.SMTP.Addr != "" {
		if err := cfg.SMTP.Validate(); err != nil {
			bad("hostname", "%v (give this machine's fully-qualified name, e.g. webmail.pematangsiantar.go.id)", err)
		}
	}
	maxSize, err := parseSize(raw["max-message-size"])
	if err != nil {
		bad("max-message-size", "%v", err)
	}

	loc, err := time.LoadLocation(raw["timezone"])
	if err != nil {
		bad("timezone", "unknown time zone %q (use a name such as Asia/Jakarta)", raw["timezone"])
	}

	var proxies []netip.Prefix
	for _, s := range splitList(raw["trusted-proxy"]) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			if a, aerr := netip.ParseAddr(s); aerr == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				bad("trusted-proxy", "%q is not a CIDR such as 10.0.0.5/32", s)
				continue
			}
		}
		proxies = append(proxies, p.Masked())
	}

	idle := parseDuration(raw, "idle-timeout", bad)
	lifetime := parseDuration(raw, "session-lifetime", bad)
	if idle > 0 && lifetime > 0 && idle > lifetime {
		bad("idle-timeout", "longer than --session-lifetime")
	}
	perPage := parsePositive(raw, "per-page", 500, bad)
	cfg.MaxConns = parsePositive(raw, "imap-max-conns", 100000, bad)

	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		bad("tls-cert", "--tls-cert and --tls-key go together")
	} else if cfg.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey); err != nil {
			bad("tls-cert", "cannot load the certificate and key: %v", err)
		}
	}
	cfg.ACME = buildACME(raw, bad)
	host, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		bad("listen", "%q is not host:port", cfg.Listen)
	} else if cfg.TLSCert == "" && cfg.ACME == nil && len(proxies) == 0 && !imapclient.IsLoopback(host) {
		bad("listen", "plain HTTP on %q would send passwords in the clear: listen on 127.0.0.1, or serve HTTPS with --tls-cert/--tls-key, or put a TLS reverse proxy in front and name it with --trusted-proxy", cfg.Listen)
	}

	if cfg.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsListen); err != nil {
			bad("metrics-listen", "%q is not host:port", cfg.MetricsListen)
		} else if cfg.MetricsListen == cfg.Listen {
			bad("metrics-listen", "must differ from --listen: metrics are not for the users' browsers")
		}
	}

	cfg.Log = logConfig{Format: raw["log-format"], Level: raw["log-level"]}
	if err := cfg.Log.validate(); err != nil {
		errs = append(errs, err)
	}

	cfg.Web = webmail.Config{
		Domain:         domain,
		Helpdesk:       strings.TrimSpace(raw["helpdesk"]),
		Location:       loc,
		SessionKeys:    keys,
		IdleTimeout:    idle,
		MaxLifetime:    lifetime,
		TrustedProxies: proxies,
		PerPage:        perPage,
		SMTP:           cfg.SMTP,
		Hostname:       hostname,
		MaxMessageSize: maxSize,
		Password:       pw.Changer,
		Detector:       pw.Detector,
		Defaults:       pw.Defaults,
		Policy:         pw.Policy,
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return cfg, nil
}

func (l logConfig) validate() error {
	var errs []error
	if l.Format != "text" && l.Format != "json" {
		errs = append(errs, fmt.Errorf("--log-format (WEBMAIL_LOG_FORMAT): %q: use text or json", l.Format))
	}
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level (WEBMAIL_LOG_LEVEL): %q: use debug, info, warn or error", l.Level))
	}
	return errors.Join(errs...)
}

func parseDuration(raw map[string]string, name string, bad func(string, string, ...any)) time.Duration {
	d, err := time.ParseDuration(raw[name])
	if err != nil || d <= 0 {
		bad(name, "%q is not a positive duration such as 30m or 12h", raw[name])
		return 0
	}
	return d
}

func parsePositive(raw map[string]string, name string, limit int, bad func(string, string, ...any)) int {
	n, err := strconv.Atoi(raw[name])
	if err != nil || n <= 0 || n > limit {
		bad(name, "%q is not a number between 1 and %d", raw[name], limit)
		return 0
	}
	return n
}

// parseSize parses a size such as 25MB, 500KB, 1GB or a number of bytes.
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (4<<30)/mult {
		return 0, fmt.Errorf("%q is not a size such as 25MB", s)
	}
	return n * mult, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
