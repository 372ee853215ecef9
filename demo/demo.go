// Package demo runs an embedded in-memory IMAP and SMTP server filled with realistic Indonesian mail.
//
// It backs the `webmail demo` subcommand, so anyone can try the product
// without a mail server, and the unit tests of other packages, so they run
// against a real IMAP/SMTP server in the same process. Both servers listen on
// loopback only and speak plain text (no TLS): never expose them.
//
// The IMAP side is go-imap's imapmemserver behind our own session (mutable
// passwords, SPECIAL-USE attributes, hierarchy-aware CREATE/RENAME). The SMTP
// side is a go-smtp submission server that delivers to the in-memory INBOXes
// and silently discards mail for other domains: nothing ever leaves the
// machine.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	pwchange "github.com/pematangsiantar/webmail/webmail/password"
)

// Domain is the mail domain of the default demo accounts.
const Domain = "pematangsiantar.go.id"

// Hostname is the name both servers use for themselves (SMTP greeting,
// trace headers).
const Hostname = "mail." + Domain

// MaxMessageBytes is the largest message accepted by SMTP (advertised as
// SIZE) and by IMAP APPEND (advertised as APPENDLIMIT): 35 MiB.
const MaxMessageBytes = 35 << 20

// Folder names present in every account. The first five are the well-known
// names the client falls back to when a server has no SPECIAL-USE.
const (
	FolderInbox       = "INBOX"
	FolderSent        = "Sent"
	FolderDrafts      = "Drafts"
	FolderJunk        = "Junk"
	FolderTrash       = "Trash"
	FolderArchive     = "Arsip"
	FolderProject     = "Proyek"
	FolderProjectSPBE = "Proyek/SPBE"
)

// Delimiter is the hierarchy delimiter of the demo IMAP server.
const Delimiter = '/'

// closeTimeout bounds how long Close waits for connections to wind down.
const closeTimeout = 10 * time.Second

// ErrUnknownAccount is returned (wrapped) when an address is not a demo account.
var ErrUnknownAccount = errors.New("demo: unknown account")

// Account is a demo mail account.
type Account struct {
	Address  string // e.g. "diskominfo@pematangsiantar.go.id"
	Name     string // display name, e.g. "Dinas Komunikasi dan Informatika"
	Password string
}

// Options configures Start.
type Options struct {
	Accounts []Account // nil = DefaultAccounts()
	Seed     bool      // fill mailboxes with the demo messages
	Now      time.Time // reference time for message dates (zero = time.Now())

	// NoSpecialUse hides the SPECIAL-USE attributes (RFC 6154) and the
	// capability, so a client must find Sent/Drafts/Junk/Trash by name, as
	// on a server without SPECIAL-USE.
	NoSpecialUse bool
	// Logger receives the servers' internal errors (nil = slog.Default()).
	Logger *slog.Logger
}

// Backend is a running demo IMAP + SMTP server pair.
type Backend struct {
	IMAPAddr string // "127.0.0.1:port", plain IMAP (no TLS), loopback only
	SMTPAddr string // "127.0.0.1:port", plain SMTP submission with AUTH PLAIN allowed without TLS (loopback only)
	// Accounts lists the accounts with their initial passwords; SetPassword
	// does not update it.
	Accounts []Account

	log          *slog.Logger
	noSpecialUse bool
	accounts     map[string]*account // by lower-case address; the map itself is immutable after Start
	domains      map[string]bool     // lower-case domains of the accounts

	imapServer *imapserver.Server
	smtpServer *smtp.Server
	imapLn     *trackingListener
	smtpLn     *trackingListener

	imapConns sync.WaitGroup // one per accepted IMAP connection, done when its session closes
	serving   sync.WaitGroup // the two Serve goroutines
	closing   atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// account is the server-side state of one Account.
type account struct {
	addr string // canonical (lower-case) address
	name string
	user *imapmemserver.User

	mu         sync.Mutex
	password   string
	mustChange MustChange             // how a right password is refused, if at all
	folders    map[string]*folderInfo // by mailbox name; kept in step with user
}

// MustChange says how the server refuses the right password of an account
// whose password must be changed first.
type MustChange int

const (
	// MustChangeNone lets the account in.
	MustChangeNone MustChange = iota
	// MustChangeExpired answers NO [EXPIRED] (RFC 5530), as Dovecot does.
	MustChangeExpired
	// MustChangeZimbra answers NO [ALERT] password must be changed before
	// IMAP login permitted, as Zimbra does.
	MustChangeZimbra
)

// SetMustChange makes the account's current password refused as needing a
// change, in the given server's style, until SetPassword changes it.
func (b *Backend) SetMustChange(address string, how MustChange) error {
	acct, err := b.account(address)
	if err != nil {
		return fmt.Errorf("demo: set must-change: %w", err)
	}
	acct.mu.Lock()
	acct.mustChange = how
	acct.mu.Unlock()
	return nil
}

// folderInfo is what we know about a mailbox that imapmemserver does not expose.
type folderInfo struct {
	specialUse imap.MailboxAttr // "" for an ordinary folder
	subscribed bool
}

// DefaultAccounts returns the demo accounts of the Pematangsiantar city
// government, with readable passwords ("demo-" + the local part).
func DefaultAccounts() []Account {
	return []Account{
		{Address: "diskominfo@" + Domain, Name: "Dinas Komunikasi dan Informatika", Password: "demo-diskominfo"},
		{Address: "bappeda@" + Domain, Name: "Badan Perencanaan Pembangunan Daerah", Password: "demo-bappeda"},
		{Address: "sekretariat@" + Domain, Name: "Sekretariat Daerah", Password: "demo-sekretariat"},
		{Address: "bkpsdm@" + Domain, Name: "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", Password: "demo-bkpsdm"},
	}
}

// Start creates the accounts, seeds them if asked, and starts the IMAP and
// SMTP servers on 127.0.0.1 with kernel-chosen ports.
func Start(opts Options) (*Backend, error) {
	accts := opts.Accounts
	if accts == nil {
		accts = DefaultAccounts()
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}

	b := &Backend{
		Accounts:     append([]Account(nil), accts...),
		log:          logger,
		noSpecialUse: opts.NoSpecialUse,
		accounts:     make(map[string]*account, len(accts)),
		domains:      make(map[string]bool),
	}
	for _, a := range accts {
		if err := b.addAccount(a); err != nil {
			return nil, err
		}
	}
	if opts.Seed {
		if err := b.seed(now); err != nil {
			return nil, fmt.Errorf("demo: seed mailboxes: %w", err)
		}
	}

	imapRaw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listen for IMAP: %w", err)
	}
	smtpRaw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		imapRaw.Close()
		return nil, fmt.Errorf("demo: listen for SMTP: %w", err)
	}
	b.IMAPAddr = imapRaw.Addr().String()
	b.SMTPAddr = smtpRaw.Addr().String()
	// Count each IMAP connection when it is accepted (before its goroutine
	// starts), so Close can wait for all of them without racing Add and Wait.
	b.imapLn = newTrackingListener(imapRaw, func() { b.imapConns.Add(1) })
	b.smtpLn = newTrackingListener(smtpRaw, nil)

	b.imapServer = imapserver.New(&imapserver.Options{
		NewSession:   b.newIMAPSession,
		Caps:         b.imapCaps(),
		Logger:       printfLogger{log: logger, server: "imap", closing: &b.closing},
		InsecureAuth: true, // plain text on loopback only
	})
	b.smtpServer = b.newSMTPServer(printfLogger{log: logger, server: "smtp", closing: &b.closing})

	b.serving.Add(2)
	go func() {
		defer b.serving.Done()
		if err := b.imapServer.Serve(b.imapLn); err != nil && !b.closing.Load() {
			b.log.Error("demo IMAP server stopped", "err", err)
		}
	}()
	go func() {
		defer b.serving.Done()
		if err := b.smtpServer.Serve(b.smtpLn); err != nil && !b.closing.Load() {
			b.log.Error("demo SMTP server stopped", "err", err)
		}
	}()
	return b, nil
}

// addAccount registers a and creates its folders.
func (b *Backend) addAccount(a Account) error {
	addr, err := canonicalAddress(a.Address)
	if err != nil {
		return fmt.Errorf("demo: account %q: %w", a.Address, err)
	}
	if _, dup := b.accounts[addr]; dup {
		return fmt.Errorf("demo: account %q listed twice", a.Address)
	}
	if a.Password == "" {
		return fmt.Errorf("demo: account %q has no password", a.Address)
	}
	acct := &account{
		addr: addr,
		name: a.Name,
		// The memserver's own password is never checked: our session
		// authenticates against acct.password, which can change.
		user:     imapmemserver.NewUser(addr, ""),
		password: a.Password,
		folders:  make(map[string]*folderInfo),
	}
	for _, f := range []struct {
		name string
		use  imap.MailboxAttr
	}{
		{FolderInbox, ""},
		{FolderSent, imap.MailboxAttrSent},
		{FolderDrafts, imap.MailboxAttrDrafts},
		{FolderJunk, imap.MailboxAttrJunk},
		{FolderTrash, imap.MailboxAttrTrash},
		{FolderArchive, ""},
		{FolderProject, ""},
		{FolderProjectSPBE, ""},
	} {
		if err := acct.create(f.name, f.use); err != nil {
			return fmt.Errorf("demo: account %q: create %q: %w", addr, f.name, err)
		}
		if err := acct.subscribe(f.name, true); err != nil {
			return fmt.Errorf("demo: account %q: subscribe %q: %w", addr, f.name, err)
		}
	}
	b.accounts[addr] = acct
	b.domains[addr[strings.LastIndexByte(addr, '@')+1:]] = true
	return nil
}

// Close stops both servers, drops every connection and waits for the
// goroutines serving them. It is safe to call more than once.
func (b *Backend) Close() error {
	b.closeOnce.Do(func() { b.closeErr = b.close() })
	return b.closeErr
}

func (b *Backend) close() error {
	b.closing.Store(true)
	var errs []error

	// IMAP: stop accepting, drop the connections ourselves (the server only
	// knows the ones whose goroutine has registered), then wait for every
	// session to close.
	if err := b.imapLn.closeAll(); err != nil {
		errs = append(errs, fmt.Errorf("demo: close IMAP listener: %w", err))
	}
	if err := b.imapServer.Close(); err != nil {
		errs = append(errs, fmt.Errorf("demo: close IMAP server: %w", err))
	}

	// SMTP: same, then Shutdown waits for the connection goroutines, which
	// exit as soon as their connection is closed.
	if err := b.smtpLn.closeAll(); err != nil {
		errs = append(errs, fmt.Errorf("demo: close SMTP listener: %w", err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	if err := b.smtpServer.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("demo: shut down SMTP server: %w", err))
	}

	if !waitTimeout(&b.imapConns, closeTimeout) {
		errs = append(errs, fmt.Errorf("demo: IMAP sessions still open after %v", closeTimeout))
	}
	if !waitTimeout(&b.serving, closeTimeout) {
		errs = append(errs, fmt.Errorf("demo: server loops still running after %v", closeTimeout))
	}
	return errors.Join(errs...)
}

// SetPassword changes the password of a demo account. Connections already
// logged in stay logged in; new logins (IMAP and SMTP) need the new password.
func (b *Backend) SetPassword(address, password string) error {
	acct, err := b.account(address)
	if err != nil {
		return fmt.Errorf("demo: set password: %w", err)
	}
	if password == "" {
		return fmt.Errorf("demo: set password for %s: empty password", acct.addr)
	}
	acct.mu.Lock()
	acct.password = password
	acct.mustChange = MustChangeNone
	acct.mu.Unlock()
	return nil
}

// Change changes an account's password after checking the old one: the
// demo backend's password-change driver (password.Changer). A wrong old
// password or an unknown account is pwchange.ErrWrongPassword.
func (b *Backend) Change(ctx context.Context, account, oldPassword, newPassword string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("demo: change password: %w", err)
	}
	if b.authenticate(account, oldPassword) == nil {
		return fmt.Errorf("demo: change password of %s: %w", account, pwchange.ErrWrongPassword)
	}
	return b.SetPassword(account, newPassword)
}

// CheckPassword reports whether password is the current password of address,
// as a login would check it (constant time).
func (b *Backend) CheckPassword(address, password string) bool {
	return b.authenticate(address, password) != nil
}

// Deliver appends a raw RFC 5322 message to the INBOX of each recipient, as
// the mail host's delivery agent would: unseen, INTERNALDATE now, with a
// Return-Path header for from. Every recipient must be a demo account;
// otherwise nothing is delivered and the error wraps ErrUnknownAccount.
func (b *Backend) Deliver(from string, to []string, r io.Reader) error {
	if from != "" { // "" is the null reverse-path of a bounce
		addr, err := canonicalAddress(from)
		if err != nil {
			return fmt.Errorf("demo: deliver from %q: %w", from, err)
		}
		from = addr
	}
	var accts []*account
	for _, rcpt := range to {
		acct, err := b.account(rcpt)
		if err != nil {
			return fmt.Errorf("demo: deliver to %q: %w", rcpt, err)
		}
		accts = append(accts, acct)
	}
	raw, err := readMessage(r)
	if err != nil {
		return fmt.Errorf("demo: deliver: %w", err)
	}
	return b.deliver(from, accts, raw)
}

// deliver stores raw in the INBOX of each account (once per account).
func (b *Backend) deliver(from string, accts []*account, raw []byte) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Return-Path: <%s>\r\n", from)
	buf.Write(raw)
	msg := buf.Bytes()
	now := time.Now()
	seen := make(map[*account]bool)
	for _, acct := range accts {
		if seen[acct] {
			continue
		}
		seen[acct] = true
		if _, err := acct.append(FolderInbox, nil, now, msg); err != nil {
			return fmt.Errorf("demo: deliver to %s: %w", acct.addr, err)
		}
	}
	return nil
}

// AppendTo stores raw in a mailbox of an account with the given flags and
// INTERNALDATE (zero = now) and returns its UID. Tests use it to put crafted
// messages in place.
func (b *Backend) AppendTo(address, mailbox string, flags []imap.Flag, date time.Time, raw []byte) (uid uint32, err error) {
	acct, err := b.account(address)
	if err != nil {
		return 0, fmt.Errorf("demo: append: %w", err)
	}
	if date.IsZero() {
		date = time.Now()
	}
	u, err := acct.append(mailbox, flags, date, raw)
	if err != nil {
		return 0, fmt.Errorf("demo: append to %s %q: %w", acct.addr, mailbox, err)
	}
	return uint32(u), nil
}

// CreateMailbox creates a mailbox (and any missing parent, delimiter "/")
// in an account, subscribed.
func (b *Backend) CreateMailbox(address, name string) error {
	acct, err := b.account(address)
	if err != nil {
		return fmt.Errorf("demo: create mailbox: %w", err)
	}
	if err := acct.createAll(name, nil); err != nil {
		return fmt.Errorf("demo: create mailbox %q for %s: %w", name, acct.addr, err)
	}
	if err := acct.subscribe(name, true); err != nil {
		return fmt.Errorf("demo: subscribe %q for %s: %w", name, acct.addr, err)
	}
	return nil
}

// account finds a demo account by address (case-insensitive).
func (b *Backend) account(address string) (*account, error) {
	addr, err := canonicalAddress(address)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", address, err)
	}
	acct := b.accounts[addr]
	if acct == nil {
		return nil, fmt.Errorf("%s: %w", addr, ErrUnknownAccount)
	}
	return acct, nil
}

// dummyPasswordHash is compared against when the user is unknown, so an
// unknown user costs the same time as a wrong password.
var dummyPasswordHash = sha256.Sum256([]byte("demo: no such user"))

// authenticate returns the account if address and password match, nil
// otherwise. The comparison is constant-time (hashes of equal length).
func (b *Backend) authenticate(address, password string) *account {
	given := sha256.Sum256([]byte(password))
	addr, _ := canonicalAddress(address)
	acct := b.accounts[addr]
	if acct == nil {
		subtle.ConstantTimeCompare(given[:], dummyPasswordHash[:])
		return nil
	}
	acct.mu.Lock()
	want := sha256.Sum256([]byte(acct.password))
	acct.mu.Unlock()
	if subtle.ConstantTimeCompare(given[:], want[:]) != 1 {
		return nil
	}
	return acct
}

// isLocalDomain reports whether domain (any case) is served by this backend.
func (b *Backend) isLocalDomain(domain string) bool {
	return b.domains[strings.ToLower(domain)]
}

// canonicalAddress validates a bare addr-spec and lower-cases it.
func canonicalAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(s) {
		return "", fmt.Errorf("not a bare e-mail address")
	}
	return strings.ToLower(a.Address), nil
}

// readMessage reads a whole message, refusing one larger than MaxMessageBytes.
func readMessage(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxMessageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	if len(raw) > MaxMessageBytes {
		return nil, fmt.Errorf("message larger than %d bytes", MaxMessageBytes)
	}
	return raw, nil
}

// append stores raw in mailbox name of acct.
func (acct *account) append(name string, flags []imap.Flag, date time.Time, raw []byte) (imap.UID, error) {
	data, err := acct.user.Append(name, bytes.NewReader(raw), &imap.AppendOptions{
		Flags: flags,
		Time:  date,
	})
	if err != nil {
		return 0, err
	}
	return data.UID, nil
}

// waitTimeout waits for wg, giving up after d. It reports whether wg finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// printfLogger adapts slog to the Printf-style loggers of go-imap and go-smtp.
type printfLogger struct {
	log     *slog.Logger
	server  string
	closing *atomic.Bool // errors about closed connections during Close are expected
}

// Printf logs one formatted message at warning level.
func (l printfLogger) Printf(format string, args ...any) {
	l.warn(fmt.Sprintf(format, args...))
}

// Println logs its arguments at warning level.
func (l printfLogger) Println(args ...any) {
	l.warn(fmt.Sprintln(args...))
}

func (l printfLogger) warn(msg string) {
	if l.closing.Load() && strings.Contains(msg, net.ErrClosed.Error()) {
		return
	}
	l.log.Warn(strings.TrimSpace(msg), "server", "demo "+l.server)
}
