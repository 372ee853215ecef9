package smtpclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TestSend runs one table of cases against every real server: the demo
// backend and, when configured, Postfix on its STARTTLS and implicit-TLS
// ports. Each case checks the error kind and, through IMAP, what was (or
// was not) delivered.
func TestSend(t *testing.T) {
	cases := []struct {
		name string
		test func(t *testing.T, tg target)
	}{
		{"delivers the exact bytes, Bcc only in the envelope", testDelivers},
		{"refused recipients: all reported, nobody gets it", testRefusedRecipients},
		{"wrong password", testWrongPassword},
		{"expired account", testExpired},
		{"sender not owned by the user", testSenderNotOwned},
		{"known size over SIZE: refused before DATA", testTooLargeKnown},
		{"stream over SIZE: cut, not delivered", testTooLargeStreamed},
		{"reader fails mid-message: not delivered", testReaderError},
		{"context cancelled mid-message: not delivered", testCancelled},
		{"MaxSize", testMaxSize},
	}
	for _, tg := range targets(t) {
		t.Run(tg.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { c.test(t, tg) })
			}
		})
	}
}

func testDelivers(t *testing.T, tg target) {
	tok := token()
	// The header names a discarded external address; bob is Bcc.
	msg := smallMessage(tg.alice.addr, "rekan@example.net", tok)
	env := Envelope{From: tg.alice.addr, To: []string{"rekan@example.net", tg.bob.addr, strings.ToUpper(tg.bob.addr)}}
	if err := Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, env, int64(len(msg)), bytes.NewReader(msg)); err != nil {
		t.Fatalf("Send: %v (kind %v)", err, Classify(err))
	}
	got := tg.findMessage(t, tg.bob, tok, 20*time.Second)
	if got == nil {
		t.Fatalf("message not delivered to %s", tg.bob.addr)
	}
	// The server only prepends trace headers: our bytes follow unchanged
	// (including the dot-stuffed line).
	if !bytes.HasSuffix(got, msg) {
		t.Errorf("delivered message does not end with the sent bytes:\n--- delivered\n%s\n--- sent\n%s", got, msg)
	}
	head, _, _ := bytes.Cut(got, []byte("\r\n\r\n"))
	if regexp.MustCompile(`(?im)^bcc:`).Match(head) {
		t.Errorf("delivered header has a Bcc field:\n%s", head)
	}
}

func testRefusedRecipients(t *testing.T, tg target) {
	tok := token()
	msg := smallMessage(tg.alice.addr, tg.bob.addr, tok)
	unknown1, unknown2 := "tidak.ada@"+tg.domain, "juga.tidak.ada@"+tg.domain
	env := Envelope{From: tg.alice.addr, To: []string{tg.bob.addr, unknown1, "rekan@example.net", unknown2}}
	err := Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, env, int64(len(msg)), bytes.NewReader(msg))
	var rs *RecipientsError
	if !errors.As(err, &rs) {
		t.Fatalf("Send: %v, want *RecipientsError", err)
	}
	if k := Classify(err); k != KindRecipients {
		t.Errorf("Classify = %v, want %v", k, KindRecipients)
	}
	if len(rs.Refused) != 2 || rs.Refused[0].Address != unknown1 || rs.Refused[1].Address != unknown2 {
		t.Fatalf("refused = %+v, want %s and %s", rs.Refused, unknown1, unknown2)
	}
	for _, r := range rs.Refused {
		if r.Code != 550 || r.EnhancedCode != [3]int{5, 1, 1} || r.Kind() != KindRecipientUnknown {
			t.Errorf("%s: %d %v %q kind %v, want 550 5.1.1 %v", r.Address, r.Code, r.EnhancedCode, r.Message, r.Kind(), KindRecipientUnknown)
		}
	}
	var first *RecipientError
	if !errors.As(err, &first) || first.Address != unknown1 {
		t.Errorf("errors.As *RecipientError = %v, want %s", first, unknown1)
	}
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 550 {
		t.Errorf("the server's reply is not in the chain: %v", se)
	}
	t.Logf("%v", err)
	tg.assertNotDelivered(t, tok)
}

func testWrongPassword(t *testing.T, tg target) {
	msg := smallMessage(tg.alice.addr, tg.bob.addr, token())
	err := Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass+"x", Envelope{From: tg.alice.addr, To: []string{tg.bob.addr}}, 0, bytes.NewReader(msg))
	if !errors.Is(err, ErrAuthFailed) || Classify(err) != KindAuthFailed {
		t.Fatalf("Send: %v (kind %v), want ErrAuthFailed", err, Classify(err))
	}
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 535 {
		t.Errorf("want the server's 535 in the chain, got %v", se)
	}
}

func testExpired(t *testing.T, tg target) {
	if tg.expired.addr == "" {
		t.Log("no expired account configured (WEBMAIL_TEST_EXPIRED_USER)")
		return
	}
	msg := smallMessage(tg.expired.addr, tg.bob.addr, token())
	err := Send(t.Context(), tg.cfg, tg.expired.addr, tg.expired.pass, Envelope{From: tg.expired.addr, To: []string{tg.bob.addr}}, 0, bytes.NewReader(msg))
	if !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("Send: %v, want ErrAuthFailed", err)
	}
}

func testSenderNotOwned(t *testing.T, tg target) {
	tok := token()
	msg := smallMessage(tg.bob.addr, tg.bob.addr, tok)
	err := Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, Envelope{From: tg.bob.addr, To: []string{tg.bob.addr}}, int64(len(msg)), bytes.NewReader(msg))
	if !errors.Is(err, ErrSenderRefused) || Classify(err) != KindSenderRefused {
		t.Fatalf("Send: %v (kind %v), want ErrSenderRefused", err, Classify(err))
	}
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 553 || se.EnhancedCode != (smtp.EnhancedCode{5, 7, 1}) {
		t.Errorf("want 553 5.7.1 in the chain, got %v", se)
	}
	t.Logf("%v", err)
}

func testTooLargeKnown(t *testing.T, tg target) {
	limit, err := MaxSize(t.Context(), tg.cfg)
	if err != nil || limit <= 0 {
		t.Fatalf("MaxSize = %d, %v", limit, err)
	}
	r := newFillReader(token(), limit+1)
	start := time.Now()
	err = Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, Envelope{From: tg.alice.addr, To: []string{tg.bob.addr}}, limit+1, r)
	if !errors.Is(err, ErrTooLarge) || Classify(err) != KindTooLarge {
		t.Fatalf("Send: %v, want ErrTooLarge", err)
	}
	if r.read != 0 {
		t.Errorf("%d bytes of the message were read; want none", r.read)
	}
	t.Logf("%v (after %v)", err, time.Since(start).Round(time.Millisecond))
}

func testTooLargeStreamed(t *testing.T, tg target) {
	limit, err := MaxSize(t.Context(), tg.cfg)
	if err != nil || limit <= 0 {
		t.Fatalf("MaxSize = %d, %v", limit, err)
	}
	tok := token()
	r := newFillReader(tok, limit+1)
	start := time.Now()
	err = Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, Envelope{From: tg.alice.addr, To: []string{tg.bob.addr}}, 0, r)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Send: %v, want ErrTooLarge", err)
	}
	if r.read > limit+64<<10 {
		t.Errorf("read %d bytes for a limit of %d", r.read, limit)
	}
	t.Logf("%v (streamed %d MB in %v)", err, r.read>>20, time.Since(start).Round(time.Millisecond))
	tg.assertNotDelivered(t, tok)
}

// failingReader yields n bytes of a message, then fails.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

var errDiskGone = errors.New("temporary file vanished")

func testReaderError(t *testing.T, tg target) {
	tok := token()
	msg := smallMessage(tg.alice.addr, tg.bob.addr, tok)
	msg = append(msg, bytes.Repeat([]byte("isi lampiran yang terpotong\r\n"), 4000)...)
	r := &failingReader{r: bytes.NewReader(msg), err: errDiskGone}
	err := Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, Envelope{From: tg.alice.addr, To: []string{tg.bob.addr}}, 0, r)
	if !errors.Is(err, errDiskGone) || Classify(err) != KindOther {
		t.Fatalf("Send: %v (kind %v), want the reader's error, KindOther", err, Classify(err))
	}
	tg.assertNotDelivered(t, tok)
}

// blockingReader yields its message, then blocks until unblock is closed.
type blockingReader struct {
	r       io.Reader
	started chan struct{}
	unblock <-chan struct{}
	once    atomic.Bool
}

func (b *blockingReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		if b.once.CompareAndSwap(false, true) {
			close(b.started)
		}
		<-b.unblock
		return 0, errors.New("reader unblocked")
	}
	return n, err
}

func testCancelled(t *testing.T, tg target) {
	tok := token()
	msg := smallMessage(tg.alice.addr, tg.bob.addr, tok)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	unblock := make(chan struct{})
	defer close(unblock)
	r := &blockingReader{r: bytes.NewReader(msg), started: make(chan struct{}), unblock: unblock}
	done := make(chan error, 1)
	go func() {
		done <- Send(ctx, tg.cfg, tg.alice.addr, tg.alice.pass, Envelope{From: tg.alice.addr, To: []string{tg.bob.addr}}, 0, r)
	}()
	select {
	case <-r.started:
	case err := <-done:
		t.Fatalf("Send returned before reading the whole message: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("Send never read the message")
	}
	// The reader is blocked inside DATA: the message is not complete yet.
	// Cancelling cannot unblock a Read, but Send must not complete the
	// message afterwards either: unblock the reader right after.
	cancel()
	time.Sleep(50 * time.Millisecond)
	unblock <- struct{}{}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Send succeeded after its context was cancelled")
		}
		t.Logf("%v (kind %v)", err, Classify(err))
	case <-time.After(10 * time.Second):
		t.Fatal("Send did not return after cancel")
	}
	tg.assertNotDelivered(t, tok)
}

func testMaxSize(t *testing.T, tg target) {
	n, err := MaxSize(t.Context(), tg.cfg)
	if err != nil {
		t.Fatalf("MaxSize: %v", err)
	}
	if n <= 0 || tg.size != 0 && n != tg.size {
		t.Errorf("MaxSize = %d, want %d", n, tg.size)
	}
	t.Logf("SIZE %d (%.1f MiB)", n, float64(n)/(1<<20))
}

// TestSendStartTLSRequired: smtp:// against a server that offers no
// STARTTLS (the demo's plain server) fails before any credentials go out,
// and smtps:// against a plain server fails in the handshake.
func TestSendStartTLSRequired(t *testing.T) {
	tg := demoTarget(t)
	msg := smallMessage(tg.alice.addr, tg.bob.addr, token())
	env := Envelope{From: tg.alice.addr, To: []string{tg.bob.addr}}

	cfg := tg.cfg
	cfg.Security = SecurityStartTLS
	err := Send(t.Context(), cfg, tg.alice.addr, tg.alice.pass, env, 0, bytes.NewReader(msg))
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("STARTTLS not offered: %v, want ErrConfig naming STARTTLS", err)
	}
	if _, err := MaxSize(t.Context(), cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("MaxSize: %v, want ErrConfig", err)
	}

	cfg.Security = SecurityTLS
	err = Send(t.Context(), cfg, tg.alice.addr, tg.alice.pass, env, 0, bytes.NewReader(msg))
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("implicit TLS to a plain server: %v, want ErrUnavailable", err)
	}
}

// TestSendRefusedWithoutDialing: a bad configuration is refused before
// any connection is made.
func TestSendRefusedWithoutDialing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	local := Config{Addr: ln.Addr().String(), Security: SecurityNone, Hello: testHello}
	for _, c := range []struct {
		name string
		cfg  func(Config) Config
	}{
		{"empty Hello", func(c Config) Config { c.Hello = ""; return c }},
		{"Hello localhost", func(c Config) Config { c.Hello = "localhost"; return c }},
		{"Hello not qualified", func(c Config) Config { c.Hello = "webmail"; return c }},
		{"plain text to a non-loopback address", func(c Config) Config { c.Addr = "192.0.2.1:25"; return c }},
		{"plain text to a name", func(c Config) Config { c.Addr = "mail.pematangsiantar.go.id:25"; return c }},
		{"unknown security", func(c Config) Config { c.Security = 7; return c }},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := Send(t.Context(), c.cfg(local), "u@example.net", "pw", Envelope{From: "u@example.net", To: []string{"v@example.net"}}, 0, strings.NewReader("x"))
			if !errors.Is(err, ErrConfig) || Classify(err) != KindConfig {
				t.Errorf("Send: %v, want ErrConfig", err)
			}
			if _, err := MaxSize(t.Context(), c.cfg(local)); !errors.Is(err, ErrConfig) {
				t.Errorf("MaxSize: %v, want ErrConfig", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v: it dialed", d)
			}
			t.Logf("%v", err)
		})
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections were made", n)
	}
}

// TestSendBadEnvelope: malformed addresses never reach the server.
func TestSendBadEnvelope(t *testing.T) {
	tg := demoTarget(t)
	msg := smallMessage(tg.alice.addr, tg.bob.addr, token())
	err := Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass,
		Envelope{From: tg.alice.addr, To: []string{tg.bob.addr, "bob@x>\r\nRCPT TO:<evil@example.net", "tanpa-domain"}}, 0, bytes.NewReader(msg))
	var rs *RecipientsError
	if !errors.As(err, &rs) || len(rs.Refused) != 2 || rs.Refused[0].Code != 0 || rs.Refused[0].Kind() != KindRecipientInvalid {
		t.Fatalf("Send: %v, want two invalid recipients", err)
	}
	err = Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, Envelope{From: "", To: []string{tg.bob.addr}}, 0, bytes.NewReader(msg))
	if !errors.Is(err, ErrSenderRefused) {
		t.Errorf("empty sender: %v, want ErrSenderRefused", err)
	}
	err = Send(t.Context(), tg.cfg, tg.alice.addr, tg.alice.pass, Envelope{From: tg.alice.addr}, 0, bytes.NewReader(msg))
	if err == nil {
		t.Error("no recipients: no error")
	}
}

// TestSendClosedPort: nothing listening means ErrUnavailable, at once.
func TestSendClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	for _, sec := range []Security{SecurityNone, SecurityStartTLS, SecurityTLS} {
		cfg := Config{Addr: addr, Security: sec, Hello: testHello}
		start := time.Now()
		err := Send(t.Context(), cfg, "u@example.net", "pw", Envelope{From: "u@example.net", To: []string{"v@example.net"}}, 0, strings.NewReader("x"))
		if !errors.Is(err, ErrUnavailable) || Classify(err) != KindUnavailable {
			t.Errorf("%v: %v, want ErrUnavailable", sec, err)
		}
		if _, err := MaxSize(t.Context(), cfg); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%v: MaxSize: %v, want ErrUnavailable", sec, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%v: took %v", sec, d)
		}
	}
}

// TestSendTimeout: a server that accepts and then says nothing is given
// up after cfg.Timeout, or when the context's deadline passes.
func TestSendTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held <- c // keep it open, say nothing
		}
	}()
	defer func() {
		for {
			select {
			case c := <-held:
				c.Close()
			default:
				return
			}
		}
	}()
	env := Envelope{From: "u@example.net", To: []string{"v@example.net"}}
	for _, sec := range []Security{SecurityNone, SecurityStartTLS, SecurityTLS} {
		cfg := Config{Addr: ln.Addr().String(), Security: sec, Hello: testHello, Timeout: 300 * time.Millisecond}
		start := time.Now()
		err := Send(t.Context(), cfg, "u@example.net", "pw", env, 0, strings.NewReader("x"))
		d := time.Since(start)
		if !errors.Is(err, ErrUnavailable) || d < 250*time.Millisecond || d > 3*time.Second {
			t.Errorf("%v, cfg.Timeout 300ms: %v after %v, want ErrUnavailable after about 300ms", sec, err, d)
		}

		cfg.Timeout = time.Minute
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		start = time.Now()
		err = Send(ctx, cfg, "u@example.net", "pw", env, 0, strings.NewReader("x"))
		d = time.Since(start)
		cancel()
		if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) || d > 3*time.Second {
			t.Errorf("%v, context deadline 300ms: %v after %v, want ErrUnavailable and DeadlineExceeded", sec, err, d)
		}
	}
}

// droppingSession is a go-smtp session that takes the whole message and
// then drops the connection instead of answering it, as a server that
// crashes or a network that fails at that moment does.
type droppingSession struct {
	conn     *smtp.Conn
	received chan []byte
}

func (s *droppingSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *droppingSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(string, string, string) error { return nil }), nil
}
func (s *droppingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *droppingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *droppingSession) Reset()                               {}
func (s *droppingSession) Logout() error                        { return nil }
func (s *droppingSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.received <- b
	s.conn.Conn().Close()
	return nil
}

// TestSendConnectionLostAfterData: a connection lost once the whole
// message is out is ErrMaybeSent (KindMaybeSent), not "unavailable": the
// server may have delivered it, and the user must not simply send again.
func TestSendConnectionLostAfterData(t *testing.T) {
	received := make(chan []byte, 1)
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &droppingSession{conn: c, received: received}, nil
	}))
	srv.Domain = "mail.example.net"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	cfg := Config{Addr: ln.Addr().String(), Security: SecurityNone, Hello: testHello, Timeout: 5 * time.Second}
	msg := smallMessage("u@example.net", "v@example.net", token())
	err = Send(t.Context(), cfg, "u@example.net", "pw", Envelope{From: "u@example.net", To: []string{"v@example.net"}}, 0, bytes.NewReader(msg))
	if !errors.Is(err, ErrMaybeSent) || errors.Is(err, ErrUnavailable) || Classify(err) != KindMaybeSent {
		t.Fatalf("connection lost after the message: %v (kind %v), want ErrMaybeSent", err, Classify(err))
	}
	if got := <-received; !bytes.Equal(got, msg) {
		t.Errorf("the server got %d bytes, want the whole message (%d)", len(got), len(msg))
	}
}
