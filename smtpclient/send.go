package smtpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Envelope is the SMTP envelope of one message (RFC 5321 section 2.3.1).
type Envelope struct {
	// From is the bare address of the signed-in user (MAIL FROM).
	From string
	// To lists every recipient as a bare address: To, Cc and Bcc alike.
	// Bcc recipients appear only here, never in the message's headers.
	// Duplicates (ignoring case) are sent once.
	To []string
}

// Send submits one message read from r. size is its length in bytes when
// known (0 when not): it is announced as MAIL FROM SIZE= and a message over
// the server's advertised SIZE is refused with ErrTooLarge before anything
// is sent; without it, the stream is cut as soon as it grows past SIZE.
//
// The steps: dial (implicit TLS, or STARTTLS, which is then required; plain
// text only for SecurityNone toward loopback), EHLO cfg.Hello, AUTH PLAIN
// with username and password (never over an unencrypted connection except
// plain loopback), MAIL FROM, RCPT TO for every recipient, DATA streamed
// from r (never read whole into memory), QUIT.
//
// Every recipient is tried; if any is refused, the error is a
// *RecipientsError listing all refused ones and DATA is not sent, so
// nobody gets the message. Other failures wrap ErrAuthFailed,
// ErrUnavailable, ErrTooLarge, ErrSenderRefused or ErrConfig; an error
// from r is returned wrapped as it is, and the message is then not
// delivered (the transfer is cut before its end). Classify maps any of
// them to a Kind.
//
// ctx bounds the whole submission; cfg.Timeout bounds each step.
func Send(ctx context.Context, cfg Config, username, password string, env Envelope, size int64, r io.Reader) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	from, to, err := checkEnvelope(env)
	if err != nil {
		return err
	}
	s, err := dial(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.close()
	return s.send(username, password, from, to, size, r)
}

// MaxSize dials, says EHLO and returns the server's advertised maximum
// message size (RFC 1870 SIZE), 0 when it advertises none or no limit. It
// does not authenticate and caches nothing: the caller caches.
func MaxSize(ctx context.Context, cfg Config) (int64, error) {
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	s, err := dial(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer s.close()
	limit := s.maxSize()
	_ = s.c.Quit() // the answer is in hand; a failing QUIT changes nothing
	return limit, nil
}

// maxSize returns the SIZE limit of the last EHLO (0: none).
func (s *session) maxSize() int64 {
	if n, ok := s.c.MaxMessageSize(); ok && n > 0 {
		return int64(n)
	}
	return 0
}

// send runs AUTH and one mail transaction on a connection after EHLO.
func (s *session) send(username, password, from string, to []string, size int64, r io.Reader) error {
	limit := s.maxSize()
	if size > 0 && limit > 0 && size > limit {
		return fmt.Errorf("%w: the message is %d bytes, the server accepts at most %d", ErrTooLarge, size, limit)
	}

	// RFC 6531: non-ASCII addresses need SMTPUTF8; say which ones now
	// rather than failing the whole MAIL command.
	utf8 := !isASCII(from)
	for _, a := range to {
		utf8 = utf8 || !isASCII(a)
	}
	if ok, _ := s.c.Extension("SMTPUTF8"); utf8 && !ok {
		if !isASCII(from) {
			return fmt.Errorf("%w: the server does not accept the non-ASCII address %q (no SMTPUTF8)", ErrSenderRefused, from)
		}
		var refused []RecipientError
		for _, a := range to {
			if !isASCII(a) {
				refused = append(refused, RecipientError{Address: a, Message: "the server does not accept non-ASCII addresses (no SMTPUTF8)"})
			}
		}
		return &RecipientsError{Refused: refused}
	}

	if err := s.auth(username, password); err != nil {
		return err
	}

	opts := &smtp.MailOptions{UTF8: utf8}
	if size > 0 {
		opts.Size = size // go-smtp adds SIZE= only when the server has SIZE
	}
	if err := s.c.Mail(from, opts); err != nil {
		return s.fail("MAIL FROM", err, mailSentinel)
	}

	var refused []RecipientError
	for _, a := range to {
		err := s.c.Rcpt(a, nil)
		if err == nil {
			continue
		}
		var se *smtp.SMTPError
		if !errors.As(err, &se) {
			return s.fail("RCPT TO:<"+a+">", err, nil)
		}
		switch {
		case se.Code == 421:
			return s.fail("RCPT TO:<"+a+">", err, func(*smtp.SMTPError) error { return ErrUnavailable })
		case senderRejected(se):
			// Postfix checks the sender at RCPT time (smtpd_delay_reject):
			// every recipient would get the same answer.
			return s.fail("RCPT TO:<"+a+">", err, func(*smtp.SMTPError) error { return ErrSenderRefused })
		case configRejected(se):
			return s.fail("RCPT TO:<"+a+">", err, func(*smtp.SMTPError) error { return ErrConfig })
		}
		refused = append(refused, RecipientError{
			Address:      a,
			Code:         se.Code,
			EnhancedCode: se.EnhancedCode,
			Message:      se.Message,
			err:          se,
		})
	}
	if len(refused) > 0 {
		// No DATA: nobody gets a message some recipients would miss. QUIT
		// ends the transaction (RFC 5321 section 4.1.1.10).
		_ = s.c.Quit()
		return &RecipientsError{Refused: refused}
	}

	w, err := s.c.Data()
	if err != nil {
		return s.fail("DATA", err, dataSentinel)
	}
	src := &sizeLimitReader{r: r, limit: limit}
	if _, err := io.Copy(w, src); err != nil {
		// Do not close w: that would send the final dot and deliver a
		// truncated message. Dropping the connection aborts the
		// transaction (RFC 5321 section 4.1.1.4: no final dot, no mail).
		switch {
		case src.tooLarge:
			return fmt.Errorf("%w: the message grew past the server's limit of %d bytes; transfer cut, nothing delivered", ErrTooLarge, limit)
		case s.ctx.Err() != nil:
			return s.unavailable("sending the message (transfer cut, nothing delivered)", err)
		case src.err != nil:
			return fmt.Errorf("smtp: reading the message (transfer cut, nothing delivered): %w", src.err)
		}
		return s.fail("sending the message", err, nil)
	}
	if err := w.Close(); err != nil {
		var se *smtp.SMTPError
		if !errors.As(err, &se) && (s.ctx.Err() != nil || isConnError(err)) {
			// The final dot may have reached the server.
			return fmt.Errorf("%w: end of DATA: %w", ErrMaybeSent, err)
		}
		return s.fail("end of DATA", err, dataSentinel)
	}
	// The server has taken the message: from here on nothing may turn
	// into an error, or the user would send it twice.
	_ = s.c.Quit()
	return nil
}

// auth runs AUTH PLAIN (RFC 4954, RFC 4616), refusing to send the
// password over an unencrypted connection other than plain loopback.
func (s *session) auth(username, password string) error {
	if !s.encrypted && !s.plainLoopback {
		return fmt.Errorf("%w: refusing to send credentials without TLS to %s", ErrConfig, s.cfg.Addr)
	}
	if !s.c.SupportsAuth(sasl.Plain) {
		_, mechs := s.c.Extension("AUTH")
		return fmt.Errorf("%w: %s does not offer AUTH PLAIN (offers %q)", ErrConfig, s.cfg.Addr, mechs)
	}
	err := s.c.Auth(sasl.NewPlainClient("", username, password))
	if err == nil {
		return nil
	}
	return s.fail("AUTH PLAIN", err, authSentinel)
}

// authSentinel maps a reply to AUTH (RFC 4954 section 6).
func authSentinel(se *smtp.SMTPError) error {
	switch {
	case se.Code == 535 || se.Code == 534:
		// 535 5.7.8 bad credentials (also Dovecot's expired password and
		// Zimbra's must-change account); 534 5.7.9 mechanism too weak, as
		// Gmail says for "use an app password".
		return ErrAuthFailed
	case se.Code/100 == 4:
		// 454 4.7.0 temporary authentication failure: RFC 4954 section 6
		// says not to ask the user for another password.
		return ErrUnavailable
	case se.Code == 504 || se.Code == 538 || se.Code == 530:
		// mechanism unknown, encryption required, authentication required
		return ErrConfig
	}
	return ErrAuthFailed
}

// mailSentinel maps a reply to MAIL FROM.
func mailSentinel(se *smtp.SMTPError) error {
	switch {
	case se.Code == 421:
		return ErrUnavailable
	case isTooLarge(se):
		return ErrTooLarge
	case senderRejected(se), se.Code/100 == 5:
		return ErrSenderRefused
	}
	return nil // 4xx: temporary, Classify says so from the code
}

// dataSentinel maps a reply to DATA or to the final dot.
func dataSentinel(se *smtp.SMTPError) error {
	switch {
	case se.Code == 421:
		return ErrUnavailable
	case isTooLarge(se):
		return ErrTooLarge
	}
	return nil
}

// isTooLarge reports 552 (RFC 1870 section 6) or 5.3.4 (RFC 3463).
func isTooLarge(se *smtp.SMTPError) bool {
	return se.Code == 552 || se.EnhancedCode == smtp.EnhancedCode{5, 3, 4}
}

// senderRejected reports Postfix's refusal of the sender, which it gives at
// RCPT time ("<x>: Sender address rejected: not owned by user y").
func senderRejected(se *smtp.SMTPError) bool {
	return strings.Contains(strings.ToLower(se.Message), "sender address rejected")
}

// configRejected reports Postfix's refusals of our EHLO name or our host,
// also given at RCPT time: the deployer must fix them, not the user.
func configRejected(se *smtp.SMTPError) bool {
	m := strings.ToLower(se.Message)
	return strings.Contains(m, "helo command rejected") || strings.Contains(m, "client host rejected")
}

// fail turns an error of a step into the package's error. A server reply is
// wrapped in the sentinel that sentinel returns for it (none: the reply
// alone, which Classify still maps by its code); anything else means the
// connection failed (ErrUnavailable) unless it is a local error.
func (s *session) fail(step string, err error, sentinel func(*smtp.SMTPError) error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		var sent error
		if sentinel != nil {
			sent = sentinel(se)
		}
		if sent == nil && se.Code == 421 {
			sent = ErrUnavailable
		}
		if sent == nil {
			return fmt.Errorf("smtp: %s refused: %w", step, replyError{se})
		}
		return fmt.Errorf("%w: %s: %w", sent, step, replyError{se})
	}
	if s.ctx.Err() != nil || isConnError(err) {
		return s.unavailable(step, err)
	}
	return fmt.Errorf("smtp: %s: %w", step, err)
}

// checkEnvelope validates and normalizes the envelope: a sender, at least
// one recipient, bare addresses only. Malformed recipients come back as a
// *RecipientsError (Code 0), so the user sees them like refused ones.
func checkEnvelope(env Envelope) (from string, to []string, err error) {
	from = strings.TrimSpace(env.From)
	if !validAddress(from) {
		return "", nil, fmt.Errorf("%w: %q is not a bare e-mail address", ErrSenderRefused, env.From)
	}
	if len(env.To) == 0 {
		return "", nil, errors.New("smtp: no recipients")
	}
	seen := make(map[string]bool, len(env.To))
	var refused []RecipientError
	for _, a := range env.To {
		a = strings.TrimSpace(a)
		key := strings.ToLower(a)
		if seen[key] {
			continue
		}
		seen[key] = true
		if !validAddress(a) {
			refused = append(refused, RecipientError{Address: a, Message: "not a bare e-mail address"})
			continue
		}
		to = append(to, a)
	}
	if len(refused) > 0 {
		return "", nil, &RecipientsError{Refused: refused}
	}
	return from, to, nil
}

// validAddress is a loose check of a bare addr-spec, enough to keep the
// SMTP command line well-formed (RFC 5321 section 4.1.2); the web layer
// parses addresses strictly before.
func validAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 || len(a) > 254 {
		return false
	}
	for _, r := range a {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == ',' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// sizeLimitReader passes r through, remembering r's own error, and fails
// instead of passing more than limit bytes in total (limit 0: no limit).
type sizeLimitReader struct {
	r        io.Reader
	limit    int64
	n        int64
	err      error // r's error other than io.EOF
	tooLarge bool
}

var errStreamTooLarge = errors.New("message larger than the server's SIZE")

func (l *sizeLimitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.limit > 0 && l.n > l.limit {
		l.tooLarge = true
		return 0, errStreamTooLarge // drop these bytes: the server never sees more than limit
	}
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}
