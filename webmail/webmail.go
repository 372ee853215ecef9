// Package webmail is the web application: the route table, the handlers of
// every page, the encrypted-cookie session, CSRF protection, security
// headers, translations (Bahasa Indonesia by default, English on request)
// and the view models the templates render. It talks to the mail server
// only through imapclient, with the signed-in user's own credentials.
package webmail

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
	"github.com/pematangsiantar/webmail/webmail/password"
)

// KeyPair is one pair of session-cookie keys: Hash authenticates the
// cookie (HMAC-SHA256, 64 bytes) and Block encrypts it (AES-256, 32 bytes).
type KeyPair struct {
	Hash  []byte
	Block []byte
}

// LoginLimit bounds failed sign-in attempts, per client address and per
// account. Only failures use up tokens, so an office whose staff share one
// public address is not locked out by its own successful sign-ins. At most
// AccountBurst sign-ins of one account, and four times IPBurst of one
// address, may be under way at once.
type LoginLimit struct {
	// PerIP is the refill rate of failed attempts per client address
	// (IPv6 counted per /64); 0 means the default of 10 a minute.
	PerIP rate.Limit
	// IPBurst is how many failures a client address may make at once
	// (default 10).
	IPBurst int
	// PerAccount is the refill rate of failed attempts per account
	// (default 5 a minute).
	PerAccount rate.Limit
	// AccountBurst is how many failures an account may take at once
	// (default 5).
	AccountBurst int
}

// Config is the web application's configuration, validated by New.
type Config struct {
	// Domain is appended to a bare user name at sign-in ("boi" becomes
	// "boi@" + Domain). Empty means user names must be full addresses.
	Domain string
	// Helpdesk is the contact shown with every sign-in failure.
	Helpdesk string
	// Location is the time zone dates are shown in (default Asia/Jakarta).
	Location *time.Location
	// SessionKeys are the cookie keys, newest first; older pairs still
	// decode cookies so keys can be rotated. At least one is required.
	SessionKeys []KeyPair
	// IdleTimeout ends a session unused for this long (default 30m).
	IdleTimeout time.Duration
	// MaxLifetime ends a session this long after sign-in (default 12h).
	MaxLifetime time.Duration
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed.
	TrustedProxies []netip.Prefix
	// PerPage is the number of messages per list page (default 50).
	PerPage int
	// LoginLimit bounds failed sign-ins (defaults as documented there).
	LoginLimit LoginLimit
	// Metrics, when set, receives the app's Prometheus metrics (requests,
	// sign-ins, sends, password changes, IMAP connections); the caller
	// serves them (webmail serve --metrics-listen).
	Metrics prometheus.Registerer
	// Logger receives request errors and the sign-in audit trail
	// (default slog.Default()).
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now. Tests set it to
	// move the clock.
	Now func() time.Time

	// SMTP is the submission server messages are sent through, with each
	// user's own credentials. Its Hello must be a fully-qualified name.
	// Left empty, the compose page works but sending is refused as not
	// set up (the message is kept in Drafts) and New logs a warning.
	SMTP smtpclient.Config
	// Hostname is the fully-qualified name put in the Message-ID of the
	// messages written here (default: SMTP.Hello, else Domain).
	Hostname string
	// MaxMessageSize bounds the attachments (and body) of one message
	// (default 25 MB). The limit applied is the smaller of this and what
	// the SMTP server's SIZE leaves after base64 encoding.
	MaxMessageSize int64

	// Password changes passwords on the mail host (the forced change
	// after sign-in and the settings page). Nil: the pages say changing
	// is not available here and name the helpdesk.
	Password password.Changer
	// Detector, if set, is asked after every successful sign-in whether
	// the password must be changed first (LDAP password policy).
	Detector password.Detector
	// Defaults are the provisioned default passwords; a sign-in that
	// still uses its default must change it first. Nil: none.
	Defaults *password.Defaults
	// Policy is what a new password must satisfy before the backend is
	// asked (zero fields take the password package's defaults).
	Policy password.Policy
}

// Defaults used when a Config field is left at its zero value.
const (
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxLifetime = 12 * time.Hour
	DefaultPerPage     = 50
	// DefaultMaxMessageSize is the default bound of a message's
	// attachments: 25 MB, as the manual's mail server has always had.
	DefaultMaxMessageSize = 25 << 20
)

// withDefaults fills zero fields and checks the configuration as a whole.
func (cfg Config) withDefaults() (Config, error) {
	var errs []error
	if len(cfg.SessionKeys) == 0 {
		errs = append(errs, errors.New("no session keys"))
	}
	for i, k := range cfg.SessionKeys {
		if len(k.Hash) < 32 {
			errs = append(errs, fmt.Errorf("session key pair %d: hash key must be at least 32 bytes (64 recommended), got %d", i+1, len(k.Hash)))
		}
		if len(k.Block) != 32 {
			errs = append(errs, fmt.Errorf("session key pair %d: block key must be 32 bytes (AES-256), got %d", i+1, len(k.Block)))
		}
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation("Asia/Jakarta")
		if err != nil {
			// A system without tzdata: WIB is UTC+7 all year round.
			loc = time.FixedZone("WIB", 7*60*60)
		}
		cfg.Location = loc
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxLifetime == 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	if cfg.IdleTimeout < 0 || cfg.MaxLifetime < 0 {
		errs = append(errs, errors.New("idle timeout and maximum lifetime must be positive"))
	}
	if cfg.PerPage == 0 {
		cfg.PerPage = DefaultPerPage
	}
	if cfg.PerPage < 1 || cfg.PerPage > 500 {
		errs = append(errs, fmt.Errorf("messages per page must be between 1 and 500, got %d", cfg.PerPage))
	}
	if cfg.LoginLimit.PerIP == 0 {
		cfg.LoginLimit.PerIP = rate.Every(6 * time.Second)
	}
	if cfg.LoginLimit.IPBurst == 0 {
		cfg.LoginLimit.IPBurst = 10
	}
	if cfg.LoginLimit.PerAccount == 0 {
		cfg.LoginLimit.PerAccount = rate.Every(12 * time.Second)
	}
	if cfg.LoginLimit.AccountBurst == 0 {
		cfg.LoginLimit.AccountBurst = 5
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxMessageSize == 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.MaxMessageSize < 0 {
		errs = append(errs, fmt.Errorf("maximum message size must be positive, got %d", cfg.MaxMessageSize))
	}
	if cfg.SMTP.Addr != "" {
		if err := cfg.SMTP.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.Hostname == "" {
		cfg.Hostname = cfg.SMTP.Hello
	}
	if cfg.Hostname == "" {
		cfg.Hostname = cfg.Domain
	}
	if cfg.Hostname != "" && !validHostname(cfg.Hostname) {
		errs = append(errs, fmt.Errorf("host name %q is not a fully-qualified domain name (it goes into every Message-ID)", cfg.Hostname))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := errors.Join(errs...); err != nil {
		return cfg, fmt.Errorf("webmail: invalid configuration: %w", err)
	}
	return cfg, nil
}

// app holds what every handler needs; handlers are its methods.
type app struct {
	cfg      Config
	imap     *imapclient.Cache
	log      *slog.Logger
	sessions *sessionStore
	views    *views
	cat      *catalogue
	assets   *assets
	limiter  *loginLimiter
	// strength bounds the calls of the strength meter per client.
	strength *requestLimiter
	policy   *sanitizer
	sizes    *sizeLimit
	metrics  *metrics
}

// New builds the web application: it parses the templates and translations
// once (a missing template or translation file fails here, not in a
// request) and returns the echo instance with every route registered.
func New(cfg Config, imap *imapclient.Cache) (*echo.Echo, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if imap == nil {
		return nil, errors.New("webmail: no IMAP connection cache")
	}
	cat, err := loadCatalogue()
	if err != nil {
		return nil, fmt.Errorf("webmail: %w", err)
	}
	as, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("webmail: %w", err)
	}
	vs, err := loadViews(as, cat)
	if err != nil {
		return nil, fmt.Errorf("webmail: %w", err)
	}
	m, err := newMetrics(cfg.Metrics, imap)
	if err != nil {
		return nil, fmt.Errorf("webmail: %w", err)
	}
	a := &app{
		cfg:      cfg,
		imap:     imap,
		log:      cfg.Logger,
		sessions: newSessionStore(cfg),
		views:    vs,
		cat:      cat,
		assets:   as,
		limiter:  newLoginLimiter(cfg.LoginLimit, cfg.Now),
		strength: newRequestLimiter(strengthRate, strengthBurst, cfg.Now),
		policy:   newSanitizer(),
		sizes:    &sizeLimit{},
		metrics:  m,
	}
	if cfg.SMTP.Addr == "" {
		a.log.Warn("no SMTP server configured: messages cannot be sent, only saved as drafts")
	}
	if cfg.Password == nil {
		a.log.Warn("no password-change driver configured: users cannot change their passwords here")
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = a.handleError
	e.IPExtractor = a.clientIP
	a.routes(e)
	return e, nil
}

// validHostname reports whether h is a fully-qualified domain name: at
// least two labels of letters, digits and hyphens.
func validHostname(h string) bool {
	labels := strings.Split(h, ".")
	if len(h) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
