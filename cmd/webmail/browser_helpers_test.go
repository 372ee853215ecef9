package main

// Helpers of the browser tests (browser_test.go): build the binary,
// run it as `webmail demo` or `webmail serve`, put a test message into a
// mailbox over IMAP, and drive headless Chromium with readable failures.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"
)

// ---------------------------------------------------------------- binary

// buildWebmail builds the binary of this package into a temporary
// directory of t and returns its path. The tests run this binary, as a
// user would, not the code in-process.
func buildWebmail(t *testing.T) string {
	t.Helper()
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "webmail")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -o %s .: %v\n%s", bin, err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// childEnv is the environment of the webmail process: ours without any
// WEBMAIL_ setting, so only the flags given by the test apply.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEBMAIL_") {
			env = append(env, kv)
		}
	}
	return env
}

// ---------------------------------------------------------------- process

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// process is a running webmail binary.
type process struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{} // closed when Wait has returned
	err    error         // Wait's result, valid after done
}

// startProcess starts bin with args; stdout goes to stdout (if not nil).
// The process is stopped with an interrupt when the test ends; its
// standard error is logged if the test failed.
func startProcess(t *testing.T, name string, stdout io.Writer, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Env = childEnv()
	p.cmd.Stdout = stdout
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(t, name)
		if t.Failed() {
			t.Logf("%s (pid %d) standard error:\n%s", name, p.cmd.Process.Pid, tail(p.stderr.String(), 6000))
		}
	})
	return p
}

// stop ends the process by its PID: an interrupt (a graceful shutdown),
// then a kill if it is still running after 20 seconds.
func (p *process) stop(t *testing.T, name string) {
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Logf("interrupt %s (pid %d): %v", name, p.cmd.Process.Pid, err)
	}
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Errorf("%s (pid %d) did not stop within 20s of an interrupt; killing it", name, p.cmd.Process.Pid)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	var exit *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exit) {
		t.Errorf("%s: %v", name, p.err)
	} else if p.err != nil {
		t.Errorf("%s exited with %v after an interrupt (want a clean shutdown)", name, p.err)
	}
}

// exited reports the exit of the process, if it has ended.
func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// ---------------------------------------------------------------- demo

// demoRun is a running `webmail demo`.
type demoRun struct {
	URL      string            // http://127.0.0.1:PORT (no trailing slash)
	IMAPAddr string            // the embedded IMAP server (plain, loopback)
	Accounts map[string]string // address → password, as printed
	// Notes are the remarks printed after an account's password, such as
	// "(kata sandi bawaan: wajib diganti …)": address → text inside the
	// parentheses.
	Notes map[string]string
}

var (
	reDemoURL     = regexp.MustCompile(`^Webmail demo: (http://127\.0\.0\.1:\d+)/$`)
	reDemoAccount = regexp.MustCompile(`^\s+(\S+@\S+)\s+(\S+)(?:\s+\((.*)\))?$`)
	reDemoIMAP    = regexp.MustCompile(`^IMAP (\S+) and SMTP (\S+) `)
)

// startDemo runs `webmail demo --listen 127.0.0.1:0` and reads the URL and
// the demo credentials from what it prints.
func startDemo(t *testing.T, bin string) *demoRun {
	t.Helper()
	pr, pw := io.Pipe()
	p := startProcess(t, "webmail demo", pw, bin, "demo", "--listen", "127.0.0.1:0")
	go func() {
		<-p.done
		pw.Close()
	}()
	d := &demoRun{Accounts: map[string]string{}, Notes: map[string]string{}}
	ready := make(chan error, 1)
	var printed lockedBuffer
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(&printed, line)
			if sent {
				continue // keep draining so the demo never blocks on stdout
			}
			if m := reDemoURL.FindStringSubmatch(line); m != nil {
				d.URL = m[1]
			} else if m := reDemoAccount.FindStringSubmatch(line); m != nil {
				d.Accounts[m[1]] = m[2]
				if m[3] != "" {
					d.Notes[m[1]] = m[3]
				}
			} else if m := reDemoIMAP.FindStringSubmatch(line); m != nil {
				d.IMAPAddr = m[1]
				sent = true
				ready <- nil
			}
		}
		if !sent {
			ready <- fmt.Errorf("standard output ended before the demo printed its IMAP address")
		}
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("webmail demo: %v\nstdout:\n%s\nstderr:\n%s", err, printed.String(), p.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("webmail demo printed no URL within 60s\nstdout:\n%s\nstderr:\n%s", printed.String(), p.stderr.String())
	}
	if d.URL == "" || len(d.Accounts) == 0 {
		t.Fatalf("webmail demo: could not read the URL and accounts from its output:\n%s", printed.String())
	}
	t.Logf("webmail demo (pid %d) at %s, %d demo accounts, IMAP %s", p.cmd.Process.Pid, d.URL, len(d.Accounts), d.IMAPAddr)
	return d
}

// ---------------------------------------------------------------- serve

// freeLoopbackAddr returns 127.0.0.1:PORT with a port that was free a
// moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServe runs `webmail serve` with args plus a fresh session key file
// and a free loopback port, and waits until /healthz answers 200.
func startServe(t *testing.T, bin string, args ...string) string {
	t.Helper()
	keys := filepath.Join(t.TempDir(), "session.keys")
	if out, err := exec.Command(bin, "keygen", keys).CombinedOutput(); err != nil {
		t.Fatalf("webmail keygen: %v\n%s", err, out)
	}
	listen := freeLoopbackAddr(t)
	args = append([]string{"serve", "--session-keys", keys, "--listen", listen}, args...)
	p := startProcess(t, "webmail serve", io.Discard, bin, args...)
	base := "http://" + listen
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if ok, err := p.exited(); ok {
			t.Fatalf("webmail serve exited before answering /healthz: %v\nargs: %q\nstderr:\n%s", err, args, p.stderr.String())
		}
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("webmail serve: /healthz did not answer 200 within 30s (last error %v)\nstderr:\n%s", err, p.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("webmail serve (pid %d) at %s", p.cmd.Process.Pid, base)
	return base
}

// ---------------------------------------------------------------- mail

// mailbox says how to reach an account over IMAP for setting up fixtures.
type mailbox struct {
	Addr     string      // host:port
	TLS      *tls.Config // STARTTLS with this config; nil means plain (the demo)
	User     string
	Password string
}

func (m mailbox) dial(t *testing.T) *imapclient.Client {
	t.Helper()
	var (
		c   *imapclient.Client
		err error
	)
	if m.TLS != nil {
		c, err = imapclient.DialStartTLS(m.Addr, &imapclient.Options{TLSConfig: m.TLS})
	} else {
		c, err = imapclient.DialInsecure(m.Addr, nil)
	}
	if err != nil {
		t.Fatalf("IMAP dial %s: %v", m.Addr, err)
	}
	if err := c.Login(m.User, m.Password).Wait(); err != nil {
		c.Close()
		t.Fatalf("IMAP login %s as %s: %v", m.Addr, m.User, err)
	}
	return c
}

// testMessage is the message the browser tests read: HTML (so the body is
// shown in the sandboxed frame) with an attachment whose name is not ASCII.
type testMessage struct {
	Subject        string
	FromName       string
	FromAddr       string
	Date           time.Time
	BodyText       string // a sentence of the HTML body
	AttachmentName string
	Attachment     []byte
}

// newTestMessage makes a message with a unique subject and random
// attachment bytes.
func newTestMessage(tag string) *testMessage {
	var b [4]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	att := make([]byte, 24*1024)
	rand.Read(att)
	att = append([]byte("%PDF-1.4\n% Notulen rapat (uji peramban)\n"), att...)
	return &testMessage{
		Subject:        fmt.Sprintf("Notulen Rapat Koordinasi SPBE – %s %s", tag, hex.EncodeToString(b[:])),
		FromName:       "Sekretariat Daerah",
		FromAddr:       "sekretariat@pematangsiantar.go.id",
		Date:           time.Now().Truncate(time.Second),
		BodyText:       "Terlampir notulen rapat koordinasi SPBE.",
		AttachmentName: "Notulen Rapat – Final.pdf",
		Attachment:     att,
	}
}

// raw builds the MIME message: multipart/mixed of multipart/alternative
// (plain and HTML) and the PDF attachment.
func (m *testMessage) raw(to string) ([]byte, error) {
	var buf bytes.Buffer
	var h mail.Header
	h.SetDate(m.Date)
	h.SetAddressList("From", []*mail.Address{{Name: m.FromName, Address: m.FromAddr}})
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetSubject(m.Subject)
	h.Set("Message-Id", fmt.Sprintf("<browser-test-%d@pematangsiantar.go.id>", time.Now().UnixNano()))
	mw, err := mail.CreateWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	iw, err := mw.CreateInline()
	if err != nil {
		return nil, err
	}
	for _, alt := range []struct{ ctype, body string }{
		{"text/plain", "Yth. Bapak/Ibu,\r\n\r\n" + m.BodyText + "\r\n"},
		{"text/html", "<html><body><p>Yth. Bapak/Ibu,</p><p><b>" + m.BodyText + "</b></p></body></html>\r\n"},
	} {
		var ih mail.InlineHeader
		ih.SetContentType(alt.ctype, map[string]string{"charset": "utf-8"})
		ih.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := iw.CreatePart(ih)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, alt.body); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	}
	if err := iw.Close(); err != nil {
		return nil, err
	}
	var ah mail.AttachmentHeader
	ah.SetContentType("application/pdf", nil)
	ah.SetFilename(m.AttachmentName)
	ah.Set("Content-Transfer-Encoding", "base64")
	w, err := mw.CreateAttachment(ah)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(m.Attachment); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// appendToInbox puts msg into the INBOX of mb, unread, and removes it
// again when the test ends (when the server reports its UID).
func appendToInbox(t *testing.T, mb mailbox, msg *testMessage) {
	t.Helper()
	raw, err := msg.raw(mb.User)
	if err != nil {
		t.Fatalf("build the test message: %v", err)
	}
	c := mb.dial(t)
	defer c.Close()
	cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: msg.Date})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	data, err := cmd.Wait()
	if err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	_ = c.Logout().Wait()
	if data == nil || data.UID == 0 {
		return
	}
	uid := data.UID
	t.Cleanup(func() {
		c := mb.dial(t)
		defer c.Close()
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Logf("clean-up: SELECT INBOX: %v", err)
			return
		}
		set := imap.UIDSetNum(uid)
		if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			t.Logf("clean-up: STORE: %v", err)
			return
		}
		if err := c.UIDExpunge(set).Close(); err != nil {
			t.Logf("clean-up: UID EXPUNGE: %v", err)
		}
		_ = c.Logout().Wait()
	})
}

// ---------------------------------------------------------------- browser

// browserOptions are the Chromium switches of the tests (see
// ../shared/MAILSTACK.md): headless, no sandbox (root in CI), nothing that
// reaches the internet, a fresh profile.
func browserOptions(execPath, profile string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
}

// tab is one browser (its own process and profile) with one tab, bound to
// one test.
type tab struct {
	t    *testing.T
	base string
	// ctx carries the test's deadline; every step runs with it.
	ctx context.Context
	// diag has no deadline of its own, so a page can still be described
	// after ctx has expired.
	diag context.Context
}

// newTab starts Chromium for t. Everything the test does in it must end
// within timeout.
func newTab(t *testing.T, chromium, base string, timeout time.Duration) *tab {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserOptions(chromium, t.TempDir())...)
	logf := &testLogf{t: t}
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx,
		chromedp.WithLogf(logf.logf), chromedp.WithErrorf(logf.logf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		logf.stop()
	})
	// Start the browser with a context that has no deadline (a deadline on
	// the first Run would bound the browser's life, not the steps'), and
	// give up on it after 30 seconds.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start Chromium %s: %v", chromium, err)
		}
	case <-time.After(30 * time.Second):
		cancelBrowser()
		t.Fatalf("start Chromium %s: no answer within 30s", chromium)
	}
	ctx, cancel := context.WithTimeout(browserCtx, timeout)
	t.Cleanup(cancel)
	return &tab{t: t, base: base, ctx: ctx, diag: browserCtx}
}

// testLogf passes chromedp's messages to the test log until the test
// ends (a test must not log after it has completed).
type testLogf struct {
	mu      sync.Mutex
	t       *testing.T
	stopped bool
}

func (l *testLogf) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("chromedp: "+format, args...)
	}
}

func (l *testLogf) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// fatalf ends the test with msg, the page's URL and its visible text.
func (b *tab) fatalf(format string, args ...any) {
	b.t.Helper()
	b.t.Fatalf("%s\n%s", fmt.Sprintf(format, args...), b.describe())
}

// errorf is fatalf without ending the test.
func (b *tab) errorf(format string, args ...any) {
	b.t.Helper()
	b.t.Errorf("%s\n%s", fmt.Sprintf(format, args...), b.describe())
}

// describe returns the current URL and the start of the page's text.
func (b *tab) describe() string {
	ctx, cancel := context.WithTimeout(b.diag, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		loc = fmt.Sprintf("(unknown: %v)", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : "(no body)"`))
	if err != nil {
		text = fmt.Sprintf("(unknown: %v)", err)
	}
	return fmt.Sprintf("  page URL: %s\n  page text:\n%s", loc, indent(tail(text, 2500)))
}

// do runs steps, failing the test with a description of the page.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// result runs one action that returns a value, failing the test on error.
func result[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *tab, what, js string) T {
	b.t.Helper()
	return result(b, what, chromedp.Evaluate[T](js))
}

// text returns the trimmed innerText of the first element matching css,
// after waiting until it is visible.
func (b *tab) text(css string) string {
	b.t.Helper()
	b.do("wait for "+css, chromedp.WaitVisible(chromedp.CSS(css)))
	return strings.TrimSpace(result(b, "read "+css, chromedp.Text(chromedp.CSS(css))))
}

// attr returns an attribute of the first element matching css (waiting
// for it to be in the document); ok is false when it has no such attribute.
func (b *tab) attr(css, name string) (string, bool) {
	b.t.Helper()
	b.do("wait for "+css, chromedp.WaitReady(chromedp.CSS(css)))
	r := result(b, "read "+name+" of "+css, chromedp.AttributeValue(chromedp.CSS(css), name))
	return r.Value, r.Exists
}

// location is the page's URL.
func (b *tab) location() *url.URL {
	b.t.Helper()
	s := result(b, "read the location", chromedp.Location())
	u, err := url.Parse(s)
	if err != nil {
		b.fatalf("location %q: %v", s, err)
	}
	return u
}

// open loads path (relative to the server) and waits for the page.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

// clickAndLoad clicks the element and waits for the page it leads to; it
// returns the HTTP response of that page.
func (b *tab) clickAndLoad(what string, sel chromedp.CSS) *network.Response {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(sel))
	if err != nil {
		b.fatalf("%s (click %s): %v", what, sel, err)
	}
	return resp
}

// cssString quotes s for a CSS attribute selector.
func cssString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\a `).Replace(s) + `"`
}

// jsString quotes s for JavaScript (a JSON string is a JavaScript one).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n… (truncated)"
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// screenshotDir is where screenshots go: $WEBMAIL_TEST_SCREENSHOTS, or a
// temporary directory of the test (removed when the test ends); keep
// reports whether they outlive the test.
func screenshotDir(t *testing.T) (dir string, keep bool) {
	t.Helper()
	if d := os.Getenv("WEBMAIL_TEST_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d, true
	}
	return t.TempDir(), false
}

// screenshot saves a full-page PNG of the current page as name.png.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	buf := result(b, "screenshot", chromedp.FullScreenshot(100))
	dir, keep := screenshotDir(b.t)
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	if keep {
		b.t.Logf("screenshot: %s", p)
	} else {
		b.t.Logf("screenshot: %s (removed at the end of the test; set WEBMAIL_TEST_SCREENSHOTS=DIR to keep it)", p)
	}
}
