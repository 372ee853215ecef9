package smtpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"
)

// session is one connection to the submission server, after EHLO.
type session struct {
	ctx context.Context
	cfg Config
	c   *smtp.Client
	// encrypted: TLS is up (implicit or STARTTLS). plainLoopback: no TLS,
	// allowed because the mode is SecurityNone and the peer is loopback.
	encrypted, plainLoopback bool
	stop                     func() bool // unregisters the context watcher
}

// dial connects, sets up TLS as cfg says and sends EHLO cfg.Hello.
func dial(ctx context.Context, cfg Config) (*session, error) {
	timeout := cfg.timeout()
	s := &session{ctx: ctx, cfg: cfg}
	d := net.Dialer{Timeout: timeout}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, s.unavailable("connecting to "+cfg.Addr, err)
	}
	// Cancelling ctx (or its deadline) closes the connection, which
	// unblocks whatever step is running; go-smtp takes no context.
	s.stop = context.AfterFunc(ctx, func() { raw.Close() })
	ok := false
	defer func() {
		if !ok {
			s.stop()
			raw.Close()
		}
	}()
	dc := &deadlineConn{Conn: raw, timeout: timeout}

	var conn net.Conn
	switch cfg.Security {
	case SecurityNone:
		if !isLoopback(raw.RemoteAddr()) {
			return nil, fmt.Errorf("%w: %s resolved to %s, not a loopback address: plain text refused", ErrConfig, cfg.Addr, raw.RemoteAddr())
		}
		conn, s.plainLoopback = dc, true
	case SecurityTLS:
		tc := tls.Client(dc, cfg.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, s.unavailable("TLS handshake with "+cfg.Addr, err)
		}
		conn, s.encrypted = tc, true
	case SecurityStartTLS:
		greeting, err := s.startTLS(dc)
		if err != nil {
			return nil, err
		}
		tc := tls.Client(dc, cfg.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, s.unavailable("TLS handshake after STARTTLS with "+cfg.Addr, err)
		}
		// go-smtp reads a greeting before its EHLO; the server sends none
		// after STARTTLS (RFC 3207 section 4.2), so replay the first one.
		conn, s.encrypted = &replayConn{Conn: tc, pending: []byte("220 " + greeting + "\r\n")}, true
	default:
		return nil, fmt.Errorf("%w: unknown SMTP security mode %d", ErrConfig, int(cfg.Security))
	}

	c := smtp.NewClient(conn)
	c.CommandTimeout = timeout
	c.SubmissionTimeout = timeout
	s.c = c
	if err := c.Hello(cfg.Hello); err != nil {
		return nil, s.fail("EHLO "+cfg.Hello, err, func(se *smtp.SMTPError) error {
			if se.Code/100 == 5 && se.Code != 554 {
				return ErrConfig // our EHLO name was refused
			}
			return ErrUnavailable // 421, 4xx, or 554 no service here
		})
	}
	ok = true
	return s, nil
}

// close drops the connection (after QUIT, or to abort a transaction).
func (s *session) close() {
	s.stop()
	_ = s.c.Close()
}

// startTLS does the plain-text part of RFC 3207 itself: go-smtp's
// NewClientStartTLS would say "EHLO localhost" before STARTTLS and has no
// way to set the name first. It returns the first line of the greeting.
func (s *session) startTLS(conn net.Conn) (string, error) {
	tp := textproto.NewConn(conn) // not closed here: conn lives on under TLS
	_, greeting, err := tp.ReadResponse(220)
	if err != nil {
		return "", s.fail("greeting", textprotoErr(err), func(*smtp.SMTPError) error { return ErrUnavailable })
	}
	ehlo := "EHLO " + s.cfg.Hello
	_, ext, err := cmd(tp, 250, ehlo)
	if err != nil {
		return "", s.fail(ehlo, err, func(se *smtp.SMTPError) error {
			if se.Code/100 == 5 && se.Code != 554 {
				return ErrConfig
			}
			return ErrUnavailable
		})
	}
	offered := false
	for _, line := range strings.Split(ext, "\n")[1:] { // the first line is the server's name
		if f := strings.Fields(line); len(f) > 0 && strings.EqualFold(f[0], "STARTTLS") {
			offered = true
		}
	}
	if !offered {
		return "", fmt.Errorf("%w: %s does not offer STARTTLS, which smtp:// requires; nothing was sent (use smtps:// if the server has implicit TLS)", ErrConfig, s.cfg.Addr)
	}
	if _, _, err := cmd(tp, 220, "STARTTLS"); err != nil {
		return "", s.fail("STARTTLS", err, func(*smtp.SMTPError) error { return ErrUnavailable })
	}
	// Anything already read past the 220 came in plain text and would be
	// taken as sent under TLS: a man in the middle injecting replies
	// (CVE-2011-0411 is the server-side twin). Refuse.
	if tp.R.Buffered() > 0 {
		return "", fmt.Errorf("%w: %s sent data after its STARTTLS reply, before TLS", ErrUnavailable, s.cfg.Addr)
	}
	first, _, _ := strings.Cut(greeting, "\n")
	return first, nil
}

// cmd sends one command and reads its reply on a plain textproto
// connection, converting a refusal into *smtp.SMTPError.
func cmd(tp *textproto.Conn, want int, line string) (int, string, error) {
	id, err := tp.Cmd("%s", line)
	if err != nil {
		return 0, "", err
	}
	tp.StartResponse(id)
	defer tp.EndResponse(id)
	code, msg, err := tp.ReadResponse(want)
	return code, msg, textprotoErr(err)
}

// textprotoErr converts a textproto reply error into *smtp.SMTPError,
// parsing the enhanced status code as go-smtp does (RFC 2034).
func textprotoErr(err error) error {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return err
	}
	se := &smtp.SMTPError{Code: te.Code, Message: te.Msg}
	code, rest, ok := strings.Cut(te.Msg, " ")
	if !ok {
		return se
	}
	parts := strings.Split(code, ".")
	if len(parts) != 3 {
		return se
	}
	var ec smtp.EnhancedCode
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return se
		}
		ec[i] = n
	}
	se.EnhancedCode = ec
	se.Message = strings.ReplaceAll(rest, "\n"+code+" ", "\n")
	return se
}

// unavailable wraps a connection failure, naming the context's end when
// that is what closed the connection.
func (s *session) unavailable(step string, err error) error {
	if s.ctx.Err() != nil {
		return fmt.Errorf("%w: %s: %w (%w)", ErrUnavailable, step, context.Cause(s.ctx), err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, step, err)
}

// isConnError reports errors that mean the connection failed or the server
// spoke something that is not SMTP.
func isConnError(err error) bool {
	var ne net.Error
	var pe textproto.ProtocolError
	return errors.As(err, &ne) || errors.As(err, &pe) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}

// isLoopback reports whether the connection's peer is a loopback address.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// deadlineConn gives every Read and Write its own deadline, so a server
// that stops reading the message (go-smtp sets no deadline while DATA is
// written) or stops answering fails after the timeout, not never.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// replayConn returns pending before reading from the connection.
type replayConn struct {
	net.Conn
	pending []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
