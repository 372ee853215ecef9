package smtpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/emersion/go-smtp"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		raw  string
		addr string
		sec  Security
		bad  bool
	}{
		{raw: "smtps://mail.pematangsiantar.go.id", addr: "mail.pematangsiantar.go.id:465", sec: SecurityTLS},
		{raw: "smtp://mail.pematangsiantar.go.id", addr: "mail.pematangsiantar.go.id:587", sec: SecurityStartTLS},
		{raw: "smtp://127.0.0.2:31412", addr: "127.0.0.2:31412", sec: SecurityStartTLS},
		{raw: "smtp+insecure://127.0.0.1", addr: "127.0.0.1:25", sec: SecurityNone},
		{raw: "smtp+insecure://[::1]:2525", addr: "[::1]:2525", sec: SecurityNone},
		{raw: "smtp+insecure://localhost:2525", addr: "localhost:2525", sec: SecurityNone},
		{raw: "smtp+insecure://mail.pematangsiantar.go.id:25", bad: true},
		{raw: "imap://mail.pematangsiantar.go.id", bad: true},
		{raw: "mail.pematangsiantar.go.id:587", bad: true},
		{raw: "smtp://", bad: true},
		{raw: "smtp://user:pw@mail.pematangsiantar.go.id", bad: true},
		{raw: "smtp://mail.pematangsiantar.go.id/x", bad: true},
	} {
		cfg, err := ParseURL(c.raw)
		if c.bad {
			if err == nil {
				t.Errorf("ParseURL(%q) = %+v, want an error", c.raw, cfg)
			}
			continue
		}
		if err != nil || cfg.Addr != c.addr || cfg.Security != c.sec {
			t.Errorf("ParseURL(%q) = %q %v, %v; want %q %v", c.raw, cfg.Addr, cfg.Security, err, c.addr, c.sec)
		}
		if cfg.Security.String()+"://" != c.raw[:len(cfg.Security.String())+3] {
			t.Errorf("%v.String() = %q does not match %q", cfg.Security, cfg.Security.String(), c.raw)
		}
	}
}

func TestCheckHello(t *testing.T) {
	for _, h := range []string{"webmail.pematangsiantar.go.id", "mail.example.net", "a-b.c1", "[127.0.0.1]", "[IPv6:2001:db8::1]"} {
		if err := checkHello(h); err != nil {
			t.Errorf("checkHello(%q): %v", h, err)
		}
	}
	for _, h := range []string{"", "localhost", "LOCALHOST", "webmail", "localhost.localdomain", "foo.localhost",
		"webmail.", ".go.id", "-a.go.id", "a-.go.id", "web mail.go.id", "web_mail.go.id", "mail.go.id\r\nRCPT TO:<x@y>",
		"[127.0.0.1", "[999.0.0.1]", "[2001:db8::1]", "[IPv6:127.0.0.1]"} {
		if err := checkHello(h); err == nil {
			t.Errorf("checkHello(%q) accepted", h)
		}
	}
}

// TestClassify maps replies as Postfix, Zimbra (Postfix too), Dovecot's
// SASL and Gmail give them, at the step where they give them.
func TestClassify(t *testing.T) {
	reply := func(code int, ec [3]int, msg string) *smtp.SMTPError {
		return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: msg}
	}
	s := &session{ctx: context.Background()}
	authMap := func(se *smtp.SMTPError) error { return s.fail("AUTH PLAIN", se, authSentinel) }
	for _, c := range []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, KindNone},
		{"plain error", errors.New("x"), KindOther},
		{"auth 535", authMap(reply(535, [3]int{5, 7, 8}, "Error: authentication failed: authentication failure")), KindAuthFailed},
		{"auth 454 is temporary, not a bad password", authMap(reply(454, [3]int{4, 7, 0}, "Temporary authentication failure")), KindUnavailable},
		{"auth 534 app password", authMap(reply(534, [3]int{5, 7, 9}, "Application-specific password required")), KindAuthFailed},
		{"auth 538 encryption required", authMap(reply(538, [3]int{5, 7, 11}, "Encryption required")), KindConfig},
		{"MAIL 552 SIZE", s.fail("MAIL FROM", reply(552, [3]int{5, 3, 4}, "Message size exceeds fixed limit"), mailSentinel), KindTooLarge},
		{"MAIL 553 sender", s.fail("MAIL FROM", reply(553, [3]int{5, 7, 1}, "Sender address rejected: not owned by user x"), mailSentinel), KindSenderRefused},
		{"MAIL 450 sender domain", s.fail("MAIL FROM", reply(450, [3]int{4, 1, 8}, "Sender address rejected: Domain not found"), mailSentinel), KindSenderRefused},
		{"MAIL 451", s.fail("MAIL FROM", reply(451, [3]int{4, 3, 0}, "Temporary lookup failure"), mailSentinel), KindTemporary},
		{"DATA 452 4.3.1", s.fail("DATA", reply(452, [3]int{4, 3, 1}, "Insufficient system storage"), dataSentinel), KindTemporary},
		{"end of DATA 554 spam", s.fail("end of DATA", reply(554, [3]int{5, 7, 1}, "Message rejected as spam"), dataSentinel), KindRejected},
		{"421 anywhere", s.fail("RCPT", reply(421, [3]int{4, 4, 2}, "Error: timeout exceeded"), nil), KindUnavailable},
		{"bare 421", reply(421, [3]int{}, "closing"), KindUnavailable},
		{"bare 552", reply(552, [3]int{}, "too big"), KindTooLarge},
		{"connection reset", s.fail("DATA", fmt.Errorf("write: %w", io.ErrUnexpectedEOF), nil), KindUnavailable},
		{"context", context.DeadlineExceeded, KindUnavailable},
		{"one recipient", &RecipientError{Address: "a@b.c", Code: 550, EnhancedCode: [3]int{5, 1, 1}}, KindRecipientUnknown},
		{"recipients", fmt.Errorf("send: %w", &RecipientsError{Refused: []RecipientError{{Address: "a@b.c", Code: 550}}}), KindRecipients},
	} {
		if got := Classify(c.err); got != c.want {
			t.Errorf("%s: Classify(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestRecipientKind(t *testing.T) {
	for _, c := range []struct {
		code int
		ec   [3]int
		msg  string
		want Kind
	}{
		{550, [3]int{5, 1, 1}, "<x@pematangsiantar.go.id>: Recipient address rejected: User unknown in virtual mailbox table", KindRecipientUnknown},
		{550, [3]int{5, 1, 10}, "Recipient address rejected: Domain has null MX", KindRecipientUnknown},
		{501, [3]int{5, 1, 3}, "Bad recipient address syntax", KindRecipientInvalid},
		{501, [3]int{}, "Syntax error", KindRecipientInvalid},
		{0, [3]int{}, "not a bare e-mail address", KindRecipientInvalid},
		{553, [3]int{5, 7, 1}, "Recipient address rejected: not allowed", KindRecipientNotAllowed},
		{554, [3]int{5, 7, 1}, "Relay access denied", KindRecipientNotAllowed},
		{452, [3]int{4, 5, 3}, "Too many recipients", KindTooManyRecipients},
		{452, [3]int{}, "Error: too many recipients", KindTooManyRecipients},
		{552, [3]int{5, 5, 3}, "Too many recipients", KindTooManyRecipients},
		{452, [3]int{4, 2, 2}, "Mailbox full", KindRecipientTemporary},
		{450, [3]int{4, 1, 1}, "Recipient address rejected: unverified address", KindRecipientTemporary},
		{550, [3]int{5, 2, 1}, "Mailbox disabled", KindRecipientRefused},
	} {
		r := &RecipientError{Address: "x@example.net", Code: c.code, EnhancedCode: c.ec, Message: c.msg}
		if got := r.Kind(); got != c.want {
			t.Errorf("%d %v %q: Kind = %v, want %v", c.code, c.ec, c.msg, got, c.want)
		}
	}
}

func TestKindString(t *testing.T) {
	seen := map[string]bool{}
	for k := KindNone; k <= KindRecipientRefused; k++ {
		s := k.String()
		if s == "" || seen[s] {
			t.Errorf("Kind %d: name %q empty or repeated", int(k), s)
		}
		seen[s] = true
	}
	if s := Kind(99).String(); s != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", s)
	}
}
