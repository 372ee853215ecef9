package smtpclient

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-smtp"
)

// Errors returned by this package; test them with errors.Is. Each is
// wrapped together with the original error (the server's reply, the network
// error) so the log says exactly what happened.
var (
	// ErrAuthFailed means the server refused the user name or password
	// (535 5.7.8, also for an expired account, or 534).
	ErrAuthFailed = errors.New("smtp: authentication failed")
	// ErrUnavailable means the server could not be reached or used: dial or
	// TLS failure, a timeout, the context ended, 421 (service closing), a
	// temporary failure of authentication (454 4.7.0, RFC 4954 section 6),
	// or the connection dropped. Nothing was sent.
	ErrUnavailable = errors.New("smtp: server unavailable")
	// ErrMaybeSent means the connection broke while the end of the
	// message went out or its reply was awaited: the server may have
	// taken the message, and nobody can tell (RFC 5321 section 4.1.1.4
	// allows no better). Sending it again may deliver it twice.
	ErrMaybeSent = errors.New("smtp: connection lost at the end of the message; it may have been delivered")
	// ErrTooLarge means the message is larger than the server accepts: its
	// known size is over the advertised SIZE (checked before anything is
	// sent), the stream grew past SIZE (the transfer is cut, nothing is
	// delivered), or the server answered 552 / 5.3.4.
	ErrTooLarge = errors.New("smtp: message too large")
	// ErrSenderRefused means the server refused the envelope sender, at MAIL
	// FROM or, as Postfix does with reject_authenticated_sender_login_mismatch,
	// at RCPT with "Sender address rejected" (553 5.7.1 not owned by user).
	ErrSenderRefused = errors.New("smtp: sender refused")
	// ErrConfig means this product's settings or the server's set-up
	// prevent sending: an empty or non-FQDN Hello, plain text toward a
	// non-loopback address, a server that offers no STARTTLS (required) or
	// no AUTH PLAIN, or a server refusing our EHLO name or our host. The
	// user cannot fix it; the deployer must.
	ErrConfig = errors.New("smtp: configuration error")
)

// RecipientError is one recipient refused at RCPT TO.
type RecipientError struct {
	Address string // as given in Envelope.To
	// Code is the SMTP reply code (550, 553, 452, ...); 0 means this
	// package refused the address before the server saw it (malformed,
	// or non-ASCII toward a server without SMTPUTF8).
	Code int
	// EnhancedCode is the RFC 3463 status code ({5, 1, 1}), or zeros when
	// the server sent none.
	EnhancedCode [3]int
	// Message is the server's text (or ours when Code is 0). It may contain
	// the server's internal details: log it, translate Kind for the user.
	Message string

	err error // the original *smtp.SMTPError, for errors.As
}

// Error describes the refusal for the logs.
func (e *RecipientError) Error() string {
	return fmt.Sprintf("smtp: recipient <%s> refused: %s", e.Address, formatReply(e.Code, e.EnhancedCode, e.Message))
}

// Unwrap returns the server's reply (*smtp.SMTPError), if any.
func (e *RecipientError) Unwrap() error { return e.err }

// Temporary reports whether the server said to try again later (4xx).
func (e *RecipientError) Temporary() bool { return e.Code/100 == 4 }

// Kind says why the recipient was refused (one of the KindRecipient…
// kinds and KindTooManyRecipients).
func (e *RecipientError) Kind() Kind {
	ec := e.EnhancedCode
	switch {
	case e.Code == 0:
		return KindRecipientInvalid
	case ec == [3]int{4, 5, 3} || ec == [3]int{5, 5, 3} ||
		e.Code == 452 && strings.Contains(strings.ToLower(e.Message), "too many recipients"):
		// RFC 5321 section 4.5.3.1.10: 452 too many recipients.
		return KindTooManyRecipients
	case e.Code/100 == 4:
		return KindRecipientTemporary
	case ec[1] == 1 && (ec[2] == 3 || ec[2] == 7): // bad address syntax
		return KindRecipientInvalid
	case ec[1] == 1: // 5.1.1 bad mailbox, 5.1.2 bad system, 5.1.6 moved, 5.1.10 null MX
		return KindRecipientUnknown
	case ec[1] == 7: // 5.7.1 delivery not authorized, relay denied
		return KindRecipientNotAllowed
	case e.Code == 501 || e.Code == 553 && ec == [3]int{}:
		return KindRecipientInvalid
	}
	return KindRecipientRefused
}

// RecipientsError is returned by Send when the server refused one or more
// recipients. Send tries every recipient first, so Refused lists all of
// them in the order given; no message was sent to anyone (no partial
// delivery: the user fixes the addresses and sends again).
//
// errors.As(err, &*RecipientError) finds the first refused recipient.
type RecipientsError struct {
	Refused []RecipientError
}

// Error lists the refused recipients for the logs.
func (e *RecipientsError) Error() string {
	var b strings.Builder
	if len(e.Refused) == 1 {
		b.WriteString("smtp: 1 recipient refused, message not sent: ")
	} else {
		fmt.Fprintf(&b, "smtp: %d recipients refused, message not sent: ", len(e.Refused))
	}
	for i, r := range e.Refused {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "<%s>: %s", r.Address, formatReply(r.Code, r.EnhancedCode, r.Message))
	}
	return b.String()
}

// Unwrap returns each refused recipient as a *RecipientError.
func (e *RecipientsError) Unwrap() []error {
	errs := make([]error, len(e.Refused))
	for i := range e.Refused {
		errs[i] = &e.Refused[i]
	}
	return errs
}

// Kind is what went wrong, for the user's message: the web layer
// translates it (see Kind.String for catalogue keys).
type Kind int

const (
	// KindNone: no error.
	KindNone Kind = iota
	// KindOther: not a mail-server refusal (for example reading the
	// message failed); a generic message, details in the log.
	KindOther
	// KindAuthFailed: the password was refused (or has expired).
	KindAuthFailed
	// KindUnavailable: the server cannot be reached now; try again later.
	KindUnavailable
	// KindTemporary: the server refused for now (4xx); try again later.
	KindTemporary
	// KindTooLarge: the message is over the server's size limit.
	KindTooLarge
	// KindSenderRefused: the user may not send as this From address.
	KindSenderRefused
	// KindRecipients: one or more recipients were refused; the
	// *RecipientsError lists them, each with its own Kind.
	KindRecipients
	// KindRejected: the server refused the message itself (5xx after
	// DATA: content policy, spam or virus filter).
	KindRejected
	// KindConfig: a set-up problem only the deployer can fix.
	KindConfig
	// KindMaybeSent: the connection broke at the end of the message; it
	// may have been delivered (ErrMaybeSent).
	KindMaybeSent

	// KindRecipientUnknown: no such mailbox (550 5.1.1).
	KindRecipientUnknown
	// KindRecipientInvalid: the address is malformed (5.1.3, 501).
	KindRecipientInvalid
	// KindRecipientNotAllowed: policy forbids sending there (5.7.x,
	// e.g. 553 5.7.1, relay access denied).
	KindRecipientNotAllowed
	// KindTooManyRecipients: the server takes no more recipients in one
	// message (452 4.5.3).
	KindTooManyRecipients
	// KindRecipientTemporary: refused for now (other 4xx), try again later.
	KindRecipientTemporary
	// KindRecipientRefused: refused for another reason (other 5xx).
	KindRecipientRefused
)

var kindNames = [...]string{
	KindNone:                "none",
	KindOther:               "other",
	KindAuthFailed:          "auth_failed",
	KindUnavailable:         "unavailable",
	KindTemporary:           "temporary",
	KindTooLarge:            "too_large",
	KindSenderRefused:       "sender_refused",
	KindRecipients:          "recipients",
	KindRejected:            "rejected",
	KindConfig:              "config",
	KindMaybeSent:           "maybe_sent",
	KindRecipientUnknown:    "recipient_unknown",
	KindRecipientInvalid:    "recipient_invalid",
	KindRecipientNotAllowed: "recipient_not_allowed",
	KindTooManyRecipients:   "too_many_recipients",
	KindRecipientTemporary:  "recipient_temporary",
	KindRecipientRefused:    "recipient_refused",
}

// String returns a snake_case name usable as a catalogue key suffix
// ("send.error." + kind.String()).
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Classify says what kind of failure err is. For KindRecipients, use
// errors.As with *RecipientsError and each RecipientError's Kind.
func Classify(err error) Kind {
	if err == nil {
		return KindNone
	}
	var rs *RecipientsError
	var r *RecipientError
	var se *smtp.SMTPError
	switch {
	case errors.Is(err, ErrConfig):
		return KindConfig
	case errors.Is(err, ErrAuthFailed):
		return KindAuthFailed
	case errors.Is(err, ErrMaybeSent):
		return KindMaybeSent
	case errors.Is(err, ErrUnavailable):
		return KindUnavailable
	case errors.Is(err, ErrTooLarge):
		return KindTooLarge
	case errors.Is(err, ErrSenderRefused):
		return KindSenderRefused
	case errors.As(err, &rs):
		return KindRecipients
	case errors.As(err, &r):
		return r.Kind()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return KindUnavailable
	case errors.As(err, &se):
		switch {
		case se.Code == 421:
			return KindUnavailable
		case se.Code == 552 || se.EnhancedCode == smtp.EnhancedCode{5, 3, 4}:
			return KindTooLarge
		case se.Code/100 == 4:
			return KindTemporary
		case se.Code/100 == 5:
			return KindRejected
		}
	}
	return KindOther
}

// replyError wraps a server reply so its text shows the enhanced code.
type replyError struct{ se *smtp.SMTPError }

func (e replyError) Error() string {
	return formatReply(e.se.Code, e.se.EnhancedCode, e.se.Message)
}

func (e replyError) Unwrap() error { return e.se }

// formatReply renders "550 5.1.1 text" (the code alone when there is no
// enhanced code).
func formatReply(code int, ec [3]int, msg string) string {
	var b strings.Builder
	if code != 0 {
		fmt.Fprintf(&b, "%03d ", code)
	}
	if ec[0] > 0 {
		fmt.Fprintf(&b, "%d.%d.%d ", ec[0], ec[1], ec[2])
	}
	b.WriteString(strings.ReplaceAll(msg, "\n", " / "))
	return strings.TrimSpace(b.String())
}
