package imapclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// wordDecoder decodes RFC 2047 words in any charset go-message knows, so
// windows-1252 or ISO-8859-x subjects from Dovecot come out readable (and
// words in an unknown charset as their bytes: see charsetReader).
var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// conn is one logged-in IMAP connection. It is not safe for concurrent use:
// the cache hands it to one request at a time.
type conn struct {
	client   *imapclient.Client
	cfg      *Config
	username string

	// selected is the mailbox currently selected ("" when none) and its
	// state, so repeated requests on one folder need no new SELECT.
	selected    string
	uidValidity uint32
	numMessages uint32

	// sorted caches the UID order of the selected mailbox when the server
	// can SORT; changed is set by the server's EXISTS and EXPUNGE
	// notifications (on the client's reader goroutine), which make it stale.
	sorted  *sortCache
	changed atomic.Bool

	// headerRows makes list rows from header fields instead of ENVELOPE
	// and BODYSTRUCTURE, for the rest of one request whose list FETCH
	// broke the connection (see summaries and Session.do).
	headerRows bool
}

// dial connects to the server and logs in, classifying a refusal.
func dial(ctx context.Context, cfg *Config, username, password string) (*conn, error) {
	timeout := cfg.DialTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < timeout {
		timeout = time.Until(deadline)
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("imap address %q: %w", cfg.Addr, err)
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLS != nil {
		tlsConfig = cfg.TLS.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	cn := &conn{cfg: cfg, username: username}
	opts := &imapclient.Options{
		TLSConfig:   tlsConfig,
		WordDecoder: wordDecoder,
		Dialer:      &net.Dialer{Timeout: timeout},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Expunge: func(uint32) { cn.changed.Store(true) },
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					cn.changed.Store(true)
				}
			},
		},
	}

	var c *imapclient.Client
	switch cfg.Security {
	case SecurityTLS:
		c, err = imapclient.DialTLS(cfg.Addr, opts)
	case SecurityStartTLS:
		c, err = imapclient.DialStartTLS(cfg.Addr, opts)
	case SecurityNone:
		if !IsLoopback(host) {
			return nil, fmt.Errorf("imap: refusing a plain connection to non-loopback %s", cfg.Addr)
		}
		c, err = imapclient.DialInsecure(cfg.Addr, opts)
	default:
		return nil, fmt.Errorf("imap: unknown security mode %d", cfg.Security)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: dial %s: %w", ErrUnavailable, cfg.Addr, err)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: greeting from %s: %w", ErrUnavailable, cfg.Addr, err)
	}
	if err := c.Login(username, password).Wait(); err != nil {
		c.Close()
		return nil, classifyLogin(err, cfg)
	}
	cn.client = c
	return cn, nil
}

// classifyLogin classifies a refused LOGIN. A NO without a known code is a
// wrong password: Zimbra answers a bad password with a bare
// "NO LOGIN failed", Dovecot with [AUTHENTICATIONFAILED].
func classifyLogin(err error, cfg *Config) error {
	cerr := classify(err, cfg.MustChangePattern)
	if errors.Is(cerr, ErrAuthFailed) || errors.Is(cerr, ErrMustChangePassword) || errors.Is(cerr, ErrUnavailable) {
		return cerr
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo {
		return fmt.Errorf("%w: %w", ErrAuthFailed, err)
	}
	return fmt.Errorf("%w: login: %w", ErrUnavailable, err)
}

// closed reports whether the server or the network dropped the connection.
func (c *conn) closed() bool {
	select {
	case <-c.client.Closed():
		return true
	default:
		return false
	}
}

// droppedBy reports whether the failure err of a go-imap command broke
// the connection (see settle).
func (c *conn) droppedBy(err error) bool {
	if err == nil {
		return false
	}
	c.settle(err)
	return c.closed()
}

// settle waits briefly, after a command failed without a tagged answer
// from the server (a read, write or parse error, or BYE), for go-imap to
// close the connection: it does so on its own goroutine, so the command
// can fail a moment before Closed says so.
func (c *conn) settle(err error) {
	var imapErr *imap.Error
	if err == nil || (errors.As(err, &imapErr) && imapErr.Type != imap.StatusResponseTypeBye) {
		return
	}
	select {
	case <-c.client.Closed():
	case <-time.After(250 * time.Millisecond):
	}
}

// close logs out politely, then closes the connection.
func (c *conn) close() {
	if !c.closed() {
		done := make(chan struct{})
		go func() {
			c.client.Logout().Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	c.client.Close()
}

// caps returns the server's capabilities after login, less those the
// configuration says to ignore (see capsWithout).
func (c *conn) caps() imap.CapSet {
	return capsWithout(c.client.Caps(), c.cfg.IgnoreCaps)
}

// selectFolder selects a mailbox read-write unless it already is selected.
func (c *conn) selectFolder(name string) error {
	if c.selected == name && c.client.Mailbox() != nil {
		// Cheap NOOP so EXISTS reflects new mail since the last request.
		if err := c.client.Noop().Wait(); err != nil {
			return c.wrap(err, "noop")
		}
		c.numMessages = c.client.Mailbox().NumMessages
		return nil
	}
	c.selected = ""
	data, err := c.client.Select(name, nil).Wait()
	if err != nil {
		// Servers without RFC 5530 codes (Zimbra) answer a missing folder
		// with a bare NO.
		var imapErr *imap.Error
		if errors.As(err, &imapErr) && imapErr.Code == "" && imapErr.Type == imap.StatusResponseTypeNo {
			return fmt.Errorf("select %q: %w: %w", name, ErrNoSuchFolder, err)
		}
		return c.wrap(err, "select "+name)
	}
	c.selected = name
	c.uidValidity = data.UIDValidity
	c.numMessages = data.NumMessages
	c.sorted = nil
	return nil
}

// wrap classifies err and adds context.
func (c *conn) wrap(err error, what string) error {
	c.settle(err)
	return fmt.Errorf("imap %s: %w", what, classify(err, c.cfg.MustChangePattern))
}
