package demo

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// newSMTPServer configures the submission server: loopback, plain text, AUTH
// PLAIN required, SIZE advertised.
func (b *Backend) newSMTPServer(logger printfLogger) *smtp.Server {
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{b: b, conn: c}, nil
	}))
	s.Domain = Hostname
	s.AllowInsecureAuth = true // plain text on loopback only
	s.MaxMessageBytes = MaxMessageBytes
	s.MaxRecipients = 100
	s.ReadTimeout = 10 * time.Minute
	s.WriteTimeout = time.Minute
	s.ErrorLog = logger
	return s
}

// SMTP replies of the demo submission server (RFC 5321 codes, RFC 3463
// enhanced codes).
var (
	errSMTPAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errSMTPUserUnknown  = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "user unknown"}
	errSMTPBadAddress   = &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"}
)

// smtpSession is one SMTP connection after EHLO.
type smtpSession struct {
	b    *Backend
	conn *smtp.Conn

	acct  *account   // authenticated account, nil before AUTH
	from  string     // envelope sender of the current transaction
	local []*account // local recipients of the current transaction
}

var _ smtp.AuthSession = (*smtpSession)(nil)

// AuthMechanisms lists the SASL mechanisms offered: PLAIN only.
func (s *smtpSession) AuthMechanisms() []string {
	return []string{sasl.Plain}
}

// Auth checks AUTH PLAIN against the Backend's password table; a failure is
// 535 5.7.8.
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && !strings.EqualFold(identity, username) {
			return smtp.ErrAuthFailed // no proxy authorization
		}
		acct := s.b.authenticate(username, password)
		if acct == nil {
			return smtp.ErrAuthFailed
		}
		// Dovecot and Zimbra refuse a must-change account alike: 535.
		acct.mu.Lock()
		mustChange := acct.mustChange
		acct.mu.Unlock()
		if mustChange != MustChangeNone {
			return smtp.ErrAuthFailed
		}
		s.acct = acct
		return nil
	}), nil
}

// Mail starts a transaction: the sender must be the authenticated account.
func (s *smtpSession) Mail(from string, opts *smtp.MailOptions) error {
	if s.acct == nil {
		return errSMTPAuthRequired
	}
	if !strings.EqualFold(from, s.acct.addr) {
		return &smtp.SMTPError{
			Code:         553,
			EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message:      fmt.Sprintf("Sender address rejected: not owned by user %s", s.acct.addr),
		}
	}
	s.from = s.acct.addr
	s.local = nil
	return nil
}

// Rcpt accepts a demo account, refuses any other address of a local domain
// (550 5.1.1) and accepts, to discard, any other domain.
func (s *smtpSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	if s.acct == nil {
		return errSMTPAuthRequired
	}
	addr, err := canonicalAddress(to)
	if err != nil {
		return errSMTPBadAddress
	}
	if !s.b.isLocalDomain(addr[strings.LastIndexByte(addr, '@')+1:]) {
		return nil // remote: accepted and discarded, never relayed
	}
	acct := s.b.accounts[addr]
	if acct == nil {
		return errSMTPUserUnknown
	}
	s.local = append(s.local, acct)
	return nil
}

// Data reads the message and delivers it, unseen, to the INBOX of each local
// recipient, with trace headers as an MTA adds them.
func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r) // the server enforces MaxMessageBytes
	if err != nil {
		return err
	}
	if len(s.local) == 0 {
		return nil
	}
	received := fmt.Sprintf("Received: from %s (localhost [127.0.0.1])\r\n"+
		"\tby %s (webmail demo) with ESMTPSA;\r\n"+
		"\t%s\r\n", s.conn.Hostname(), Hostname, time.Now().Format(time.RFC1123Z))
	msg := append([]byte(received), raw...)
	if err := s.b.deliver(s.from, s.local, msg); err != nil {
		s.b.log.Error("demo SMTP delivery failed", "from", s.from, "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local delivery failed"}
	}
	return nil
}

// Reset ends the current transaction; the login stays.
func (s *smtpSession) Reset() {
	s.from = ""
	s.local = nil
}

// Logout frees the session.
func (s *smtpSession) Logout() error {
	return nil
}
