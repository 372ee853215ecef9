// Command loadgen puts one webmail instance under the load of many signed-
// in users at once and reports what they saw: requests per second and
// latency percentiles per kind of page, errors, and the server's memory and
// IMAP connections from its Prometheus metrics. .ci/load runs it against a
// `webmail serve` in front of the test stack's Dovecot.
//
//	go run ./internal/loadgen -url http://127.0.0.1:8080 \
//	    -account bench@pematangsiantar.go.id:PASSWORD -sessions 50 -duration 30s \
//	    -metrics http://127.0.0.1:9100/metrics
//
// Each session signs in once, then loops: a page of the folder (one of the
// first -pages), one of its messages with the message's body frame, and
// every fifth round a search of the folder. Sessions share the account(s)
// given; each has its own cookie, so its own IMAP connection on the server.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("url", "http://127.0.0.1:8080", "the webmail's base URL")
	accounts := flag.String("account", "", "address:password to sign in with; several separated by commas")
	sessions := flag.Int("sessions", 50, "concurrent signed-in users")
	duration := flag.Duration("duration", 30*time.Second, "how long the load lasts after every session has signed in")
	folder := flag.String("folder", "INBOX", "folder the sessions read")
	pages := flag.Int("pages", 20, "the sessions read pages 1 to this of the folder")
	metrics := flag.String("metrics", "", "the server's Prometheus /metrics URL, for its memory and connections")
	insecure := flag.Bool("insecure", false, "accept any TLS certificate (a test server's)")
	flag.Parse()
	var creds [][2]string
	for _, a := range strings.Split(*accounts, ",") {
		user, pass, ok := strings.Cut(strings.TrimSpace(a), ":")
		if ok && user != "" {
			creds = append(creds, [2]string{user, pass})
		}
	}
	if len(creds) == 0 || *sessions < 1 {
		return errors.New("give -account address:password and -sessions N")
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = *sessions
	if *insecure {
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}

	st := newStats()
	users := make([]*user, *sessions)
	var wg sync.WaitGroup
	start := time.Now()
	signInErrs := make(chan error, *sessions)
	// Sign-ins of one account under way at once are bounded by the
	// server (its login limiter): a few at a time, as people do.
	gate := make(chan struct{}, 4)
	for i := range users {
		jar, _ := cookiejar.New(nil)
		u := &user{base: *base, folder: *folder, pages: *pages, st: st,
			client: &http.Client{Jar: jar, Transport: transport, Timeout: time.Minute,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		users[i] = u
		c := creds[i%len(creds)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			gate <- struct{}{}
			defer func() { <-gate }()
			if err := u.signIn(c[0], c[1]); err != nil {
				signInErrs <- err
			}
		}()
	}
	wg.Wait()
	close(signInErrs)
	for err := range signInErrs {
		return fmt.Errorf("sign-in: %w", err)
	}
	fmt.Printf("%d sessions signed in in %v\n", *sessions, time.Since(start).Round(time.Millisecond))

	peak := &peakMetrics{}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	if *metrics != "" {
		go peak.poll(ctx, *metrics)
	}
	start = time.Now()
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u.browse(ctx)
		}()
	}
	wg.Wait()
	st.report(time.Since(start))
	if *metrics != "" {
		last, err := scrape(*metrics)
		if err != nil {
			return err
		}
		peak.add(last)
		fmt.Printf("server: peak resident memory %.1f MB, peak Go heap in use %.1f MB, IMAP connections %.0f (peak %.0f), redials %.0f\n",
			peak.rss/1e6, peak.heap/1e6, last["webmail_imap_connections"], peak.conns, last["webmail_imap_redials_total"])
	}
	if st.errors() > 0 {
		return fmt.Errorf("%d requests failed", st.errors())
	}
	return nil
}

// user is one signed-in browser session.
type user struct {
	base, folder string
	pages        int
	client       *http.Client
	st           *stats
	uids         []string // of the last list page
}

var (
	reCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	reUID  = regexp.MustCompile(`name="uid" value="(\d+)"`)
)

func (u *user) signIn(account, password string) error {
	body, err := u.get("login", "/login", http.StatusOK)
	if err != nil {
		return err
	}
	m := reCSRF.FindStringSubmatch(body)
	if m == nil {
		return errors.New("no CSRF token on the sign-in page")
	}
	form := url.Values{"username": {account}, "password": {password}, "csrf_token": {html.UnescapeString(m[1])}}
	t := time.Now()
	resp, err := u.client.PostForm(u.base+"/login", form)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	u.st.add("sign-in", time.Since(t), resp.StatusCode != http.StatusSeeOther)
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("%s: status %d", account, resp.StatusCode)
	}
	return nil
}

func (u *user) browse(ctx context.Context) {
	q := url.QueryEscape(u.folder)
	for round := 0; ctx.Err() == nil; round++ {
		page := 1 + rand.IntN(u.pages)
		body, err := u.get("list", fmt.Sprintf("/mail?folder=%s&page=%d", q, page), http.StatusOK)
		if err == nil {
			u.uids = u.uids[:0]
			for _, m := range reUID.FindAllStringSubmatch(body, -1) {
				u.uids = append(u.uids, m[1])
			}
		}
		if len(u.uids) > 0 && ctx.Err() == nil {
			uid := u.uids[rand.IntN(len(u.uids))]
			u.get("message", "/mail/message?folder="+q+"&uid="+uid, http.StatusOK)
			u.get("body", "/mail/body?folder="+q+"&uid="+uid, http.StatusOK)
		}
		if round%5 == 4 && ctx.Err() == nil {
			u.get("search", "/mail/search?folder="+q+"&q="+url.QueryEscape(searchWords[rand.IntN(len(searchWords))]), http.StatusOK)
		}
	}
}

// searchWords are words of the seeded mail (.ci/stack seed) and of the demo.
var searchWords = []string{"rapat", "laporan", "undangan", "anggaran", "surat"}

// get fetches path, records its latency under kind and returns the body;
// a status other than want counts as an error.
func (u *user) get(kind, path string, want int) (string, error) {
	t := time.Now()
	resp, err := u.client.Get(u.base + path)
	if err != nil {
		u.st.add(kind, time.Since(t), true)
		return "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	failed := err != nil || resp.StatusCode != want
	u.st.add(kind, time.Since(t), failed)
	if failed {
		return "", fmt.Errorf("%s %s: status %d %v", kind, path, resp.StatusCode, err)
	}
	return string(b), nil
}

// stats collects latencies per kind of request.
type stats struct {
	mu    sync.Mutex
	times map[string][]time.Duration
	errs  map[string]int
}

func newStats() *stats {
	return &stats{times: map[string][]time.Duration{}, errs: map[string]int{}}
}

func (s *stats) add(kind string, d time.Duration, failed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times[kind] = append(s.times[kind], d)
	if failed {
		s.errs[kind]++
	}
}

func (s *stats) errors() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.errs {
		n += e
	}
	return n
}

func (s *stats) report(elapsed time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	fmt.Printf("%-8s %8s %8s %9s %9s %9s %9s %7s\n", "kind", "requests", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
	for _, kind := range []string{"sign-in", "login", "list", "message", "body", "search"} {
		ts := s.times[kind]
		if len(ts) == 0 {
			continue
		}
		slices.Sort(ts)
		pct := func(p float64) float64 { return float64(ts[int(p*float64(len(ts)-1))].Microseconds()) / 1000 }
		perSec := 0.0
		if kind != "sign-in" && kind != "login" {
			total += len(ts)
			perSec = float64(len(ts)) / elapsed.Seconds()
		}
		fmt.Printf("%-8s %8d %8.1f %9.2f %9.2f %9.2f %9.2f %7d\n", kind, len(ts), perSec, pct(.5), pct(.95), pct(.99), pct(1), s.errs[kind])
	}
	fmt.Printf("total    %8d %8.1f requests per second over %v\n", total, float64(total)/elapsed.Seconds(), elapsed.Round(time.Millisecond))
}

// peakMetrics keeps the highest server figures seen while polling.
type peakMetrics struct {
	mu               sync.Mutex
	rss, heap, conns float64
}

func (p *peakMetrics) add(m map[string]float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rss = max(p.rss, m["process_resident_memory_bytes"])
	p.heap = max(p.heap, m["go_memstats_heap_inuse_bytes"])
	p.conns = max(p.conns, m["webmail_imap_connections"])
}

func (p *peakMetrics) poll(ctx context.Context, u string) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		if m, err := scrape(u); err == nil {
			p.add(m)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// scrape reads the unlabelled series of a Prometheus text exposition.
func scrape(u string) (map[string]float64, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if f, err := strconv.ParseFloat(val, 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}
