package smtpclient

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/testenv"
)

// demoChildEnv makes the test binary run the demo backend and nothing else
// (see TestMain): the benchmarks measure this process's heap, and the demo
// server buffers every message it receives, so it must live in another one.
const demoChildEnv = "WEBMAIL_SMTPCLIENT_DEMO_CHILD"

// benchAttachmentEnv sets the attachment size of BenchmarkSend20MB in MiB
// (default 20).
const benchAttachmentEnv = "WEBMAIL_BENCH_ATTACHMENT_MB"

// benchSink is the recipient of benchmark mail: another domain, accepted
// and discarded by both servers, so no mailbox fills up and no other test
// sees it. The submission work (TLS, AUTH, the server receiving and, for
// Postfix, queueing the whole message) is the same as for a local one.
const benchSink = "arsip@example.net"

func TestMain(m *testing.M) {
	if os.Getenv(demoChildEnv) != "" {
		os.Exit(runDemoChild())
	}
	os.Exit(m.Run())
}

// runDemoChild starts the demo backend, prints "addr address password" and
// serves until its standard input is closed (the parent ended or died).
func runDemoChild() int {
	b, err := demo.Start(demo.Options{Logger: quietLogger()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo child:", err)
		return 1
	}
	a := b.Accounts[0]
	fmt.Printf("%s %s %s\n", b.SMTPAddr, a.Address, a.Password)
	_, _ = io.Copy(io.Discard, os.Stdin)
	b.Close()
	return 0
}

// benchServer is where the benchmarks send: Postfix (STARTTLS) when
// .ci/stack is configured, else the demo backend in a child process.
type benchServer struct {
	name string
	cfg  Config
	user account
}

func newBenchServer(b *testing.B) benchServer {
	b.Helper()
	if realStack() {
		d := testenv.Dovecot(b)
		cfg, err := ParseURL(d.SMTP)
		if err != nil {
			b.Fatal(err)
		}
		cfg.TLS = &tls.Config{RootCAs: testenv.CAPool(b, d), ServerName: "localhost"}
		cfg.Hello, cfg.Timeout = testHello, time.Minute
		u := d.Bench
		if u.Address == "" {
			u = d.Users[0]
		}
		return benchServer{name: "postfix", cfg: cfg, user: account{u.Address, u.Password}}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), demoChildEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start demo child: %v", err)
	}
	b.Cleanup(func() {
		stdin.Close() // the child exits at EOF
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 3 {
		b.Fatalf("demo child said %q: %v", line, err)
	}
	b.Log("real Postfix not configured: benchmarking against the demo backend (in a child process)")
	return benchServer{
		name: "demo",
		cfg:  Config{Addr: f[0], Security: SecurityNone, Hello: testHello, Timeout: time.Minute},
		user: account{f[1], f[2]},
	}
}

// heapSampler records the highest HeapInuse seen until stopped.
type heapSampler struct {
	stop chan struct{}
	max  chan uint64
}

func sampleHeap(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), max: make(chan uint64, 1)}
	go func() {
		var ms runtime.MemStats
		var peak uint64
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-h.stop:
				h.max <- peak
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) done() uint64 {
	close(h.stop)
	return <-h.max
}

// BenchmarkSend20MB sends a message with a 20 MiB attachment (set
// WEBMAIL_BENCH_ATTACHMENT_MB to change it), generated and base64-encoded
// while it is sent, as the web layer streams it from a temporary file.
// Besides the wall time per send it reports heap-MB, the highest growth of
// this process's HeapInuse during a send over the heap before it (sampled
// every 5 ms), and alloc-MB/op: both must stay far below the attachment.
// CI's -benchtime 20x sends 20 of them (about 540 MB of base64).
func BenchmarkSend20MB(b *testing.B) {
	srv := newBenchServer(b)
	attMB := int64(20)
	if v := os.Getenv(benchAttachmentEnv); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("%s=%q: want a positive number of MiB", benchAttachmentEnv, v)
		}
		attMB = n
	}
	env := Envelope{From: srv.user.addr, To: []string{benchSink}}
	_, size := attachmentMessage(srv.user.addr, benchSink, "x", attMB<<20)
	b.SetBytes(size)

	var peakGrowth, allocated uint64
	var ms runtime.MemStats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r, _ := attachmentMessage(srv.user.addr, benchSink, token(), attMB<<20)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base, alloc0 := ms.HeapInuse, ms.TotalAlloc
		h := sampleHeap(5 * time.Millisecond)
		b.StartTimer()

		err := Send(b.Context(), srv.cfg, srv.user.addr, srv.user.pass, env, size, r)

		b.StopTimer()
		peak := h.done()
		runtime.ReadMemStats(&ms)
		if err != nil {
			b.Fatalf("%s: Send: %v", srv.name, err)
		}
		if peak > base {
			peakGrowth = max(peakGrowth, peak-base)
		}
		allocated += ms.TotalAlloc - alloc0
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(peakGrowth)/(1<<20), "heap-MB")
	b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "alloc-MB/op")
	b.Logf("%s: %d sends of %.1f MB (attachment %d MiB)", srv.name, b.N, float64(size)/1e6, attMB)
}

// BenchmarkSendSmall sends a 1 KB message: dial, TLS, AUTH, one
// transaction, QUIT. It reports the median wall time as median-ms.
func BenchmarkSendSmall(b *testing.B) {
	srv := newBenchServer(b)
	env := Envelope{From: srv.user.addr, To: []string{benchSink}}
	walls := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msg := smallMessage(srv.user.addr, benchSink, token())
		start := time.Now()
		if err := Send(b.Context(), srv.cfg, srv.user.addr, srv.user.pass, env, int64(len(msg)), bytes.NewReader(msg)); err != nil {
			b.Fatalf("%s: Send: %v", srv.name, err)
		}
		walls = append(walls, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(walls)
	b.ReportMetric(float64(walls[len(walls)/2])/float64(time.Millisecond), "median-ms")
}
