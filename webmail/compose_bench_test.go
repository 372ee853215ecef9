package webmail

import (
	"crypto/tls"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	goimap "github.com/emersion/go-imap/v2/imapclient"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
	"github.com/pematangsiantar/webmail/testenv"
)

// BenchmarkDovecotCompose measures, against real Dovecot and Postfix, the
// server time of the compose page, of a small send, and of a send with a
// 20 MB attachment, whose peak heap growth is reported too: the message is
// streamed (upload spooled to disk, built into a file, streamed to SMTP
// and to Sent), so the growth must stay well under the attachment size.
// Reported: median-ms (and peak-heap-MB for the large send).
func BenchmarkDovecotCompose(b *testing.B) {
	d := testenv.Dovecot(b)
	if len(d.Users) < 2 {
		b.Fatal("WEBMAIL_TEST_USERS needs two users")
	}
	pool := testenv.CAPool(b, d)
	icfg := dovecotIMAP(b, d)
	scfg, err := smtpclient.ParseURL(d.SMTP)
	if err != nil {
		b.Fatal(err)
	}
	scfg.TLS = &tls.Config{RootCAs: pool, ServerName: "localhost"}
	scfg.Hello = testHello
	e := newEnvAt(b, icfg, func(c *Config, _ *imapclient.Config) { c.SMTP = scfg })
	alice, bob := d.Users[0], d.Users[1]
	br := e.browser()
	if p := br.signIn(alice.Address, alice.Password); p.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %d", p.StatusCode)
	}
	stamp := fmt.Sprint(time.Now().UnixNano())
	// What the benchmark sent is removed again: the test accounts live
	// as long as the stack.
	b.Cleanup(func() {
		removeBySubject(b, icfg, bob, "INBOX", stamp)
		removeBySubject(b, icfg, alice, "Sent", stamp)
	})
	_, form := br.composeFields("/compose")
	form.Set("to", bob.Address)
	form.Set("body", "<div>Laporan <b>singkat</b>.</div>")
	form.Set("body_format", "html")
	form.Set("action", "send")

	b.Run("page", func(b *testing.B) {
		var times []time.Duration
		for b.Loop() {
			start := time.Now()
			if p := br.get("/compose"); p.StatusCode != http.StatusOK {
				b.Fatalf("compose page: %d", p.StatusCode)
			}
			times = append(times, time.Since(start))
		}
		reportMedian(b, times)
	})
	b.Run("send-small", func(b *testing.B) {
		var times []time.Duration
		n := 0
		for b.Loop() {
			n++
			form.Set("subject", fmt.Sprintf("Kecil %s-%d", stamp, n))
			start := time.Now()
			if p := br.postCompose(form, nil, nil); p.StatusCode != http.StatusSeeOther {
				b.Fatalf("send: %d\n%s", p.StatusCode, p.Body)
			}
			times = append(times, time.Since(start))
		}
		reportMedian(b, times)
	})
	b.Run("send-20MB", func(b *testing.B) {
		const size = 20 << 20
		var times []time.Duration
		var peak uint64
		n := 0
		for b.Loop() {
			n++
			form.Set("subject", fmt.Sprintf("Besar %s-%d", stamp, n))
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapInuse
			stop := sampleHeap(&peak, base)
			start := time.Now()
			status := streamCompose(b, e, br, form, "rekap-20MB.bin", size)
			times = append(times, time.Since(start))
			stop()
			if status != http.StatusSeeOther {
				b.Fatalf("large send: %d\n%s", status, e.logs)
			}
		}
		reportMedian(b, times)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		if peak > size/2 {
			b.Errorf("heap grew by %d MB sending a %d MB attachment: not streamed", peak>>20, size>>20)
		}
	})
}

// reportMedian reports the median of times in milliseconds.
func reportMedian(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
}

// sampleHeap records the largest heap growth over base until stop is
// called.
func sampleHeap(peak *uint64, base uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var max atomic.Uint64
	max.Store(*peak)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base && ms.HeapInuse-base > max.Load() {
				max.Store(ms.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		*peak = max.Load()
	}
}

// streamCompose posts the compose form with one attachment of size bytes
// generated on the fly, so that the client side holds none of it in
// memory, and returns the status.
func streamCompose(b *testing.B, e *env, br *browser, form url.Values, name string, size int64) int {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachment"; filename="`+name+`"`)
		h.Set("Content-Type", "application/octet-stream")
		part, err := mw.CreatePart(h)
		if err == nil {
			_, err = io.Copy(part, io.LimitReader(patternReader{}, size))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/compose", pr)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := br.http.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// patternReader is an endless stream of bytes that base64 cannot shrink.
type patternReader struct{}

func (patternReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*131 + i>>8)
	}
	return len(p), nil
}

// removeBySubject deletes the messages of a folder whose subject has s.
func removeBySubject(t testing.TB, icfg imapclient.Config, u testenv.User, folder, s string) {
	c, err := goimap.DialStartTLS(icfg.Addr, &goimap.Options{TLSConfig: icfg.TLS})
	if err != nil {
		t.Log(err)
		return
	}
	defer c.Close()
	if err := c.Login(u.Address, u.Password).Wait(); err != nil {
		t.Log(err)
		return
	}
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		return
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: s}}}, nil).Wait()
	if err != nil || len(data.AllUIDs()) == 0 {
		return
	}
	set := imap.UIDSetNum(data.AllUIDs()...)
	_ = c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	_ = c.UIDExpunge(set).Close()
}
