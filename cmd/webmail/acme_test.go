package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"

	"github.com/pematangsiantar/webmail/demo"
)

// TestServeACME runs `webmail serve --acme-domain` against Pebble, Let's
// Encrypt's ACME test server, in this process: the first HTTPS handshake
// naming the domain gets a certificate that chains to Pebble's root, the
// sign-in page is served with it, the certificate is kept in the cache
// directory, a name that is not configured gets none, and plain HTTP on
// the challenge listener redirects to HTTPS. Pebble is told to accept
// every challenge (PEBBLE_VA_ALWAYS_VALID): nothing on the Internet
// resolves the test's domain to this machine.
func TestServeACME(t *testing.T) {
	t.Setenv("PEBBLE_VA_ALWAYS_VALID", "1")
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	logger := log.New(io.Discard, "", 0)
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "default"}})
	validator := va.New(logger, 0, 0, false, "", store)
	frontEnd := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	acmeServer := httptest.NewTLSServer(withFinalizeLocation(frontEnd.Handler()))
	defer acmeServer.Close()

	dir := t.TempDir()
	acmeCA := filepath.Join(dir, "acme-ca.pem")
	if err := os.WriteFile(acmeCA, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: acmeServer.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := demo.Start(demo.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	keys := filepath.Join(dir, "session.keys")
	if _, err := keygen(keys, time.Now()); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "acme")
	addr, httpAddr := freeLoopbackAddr(t), freeLoopbackAddr(t)
	const domain = "webmail.pematangsiantar.go.id"
	logs := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cmdServe(ctx, []string{
			"--imap", "imap+insecure://" + b.IMAPAddr, "--smtp", "smtp+insecure://" + b.SMTPAddr,
			"--domain", "pematangsiantar.go.id", "--session-keys", keys, "--listen", addr,
			"--acme-domain", domain, "--acme-cache", cache, "--acme-email", "diskominfo@pematangsiantar.go.id",
			"--acme-directory", acmeServer.URL + wfe.DirectoryPath, "--acme-ca", acmeCA, "--acme-http-listen", httpAddr,
		}, func(string) string { return "" }, logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil && err != http.ErrServerClosed {
			t.Errorf("serve: %v", err)
		}
	}()

	roots := x509.NewCertPool()
	roots.AddCert(authority.GetRootCert(0).Cert)
	client := func(serverName string) *http.Client {
		return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: serverName},
		}}
	}
	var resp *http.Response
	for i := 0; ; i++ {
		if resp, err = client(domain).Get("https://" + addr + "/login"); err == nil {
			break
		}
		if i == 50 || !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("HTTPS with an ACME certificate: %v\n%s", err, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `autocomplete="current-password"`) {
		t.Fatalf("sign-in page over HTTPS: %d", resp.StatusCode)
	}
	leaf := resp.TLS.PeerCertificates[0]
	if err := leaf.VerifyHostname(domain); err != nil || leaf.Issuer.CommonName == leaf.Subject.CommonName {
		t.Errorf("certificate for %v issued by %q: %v", leaf.DNSNames, leaf.Issuer.CommonName, err)
	}
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS over HTTPS")
	}
	if files, _ := os.ReadDir(cache); len(files) < 2 {
		t.Errorf("cache holds %d files, want the account key and the certificate", len(files))
	}

	if _, err := client("other.pematangsiantar.go.id").Get("https://" + addr + "/login"); err == nil {
		t.Error("a name that is not configured got a certificate")
	}

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, "http://"+httpAddr+"/mail?folder=INBOX", nil)
	req.Host = domain
	r, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusFound || loc != "https://"+domain+"/mail?folder=INBOX" {
		t.Errorf("plain HTTP: %d to %q, want a redirect to HTTPS", r.StatusCode, loc)
	}
}

// withFinalizeLocation adds the order's URL as Location to Pebble's answer
// to a finalization, as Let's Encrypt's production server (Boulder) sends
// it. RFC 8555 leaves it optional and Pebble leaves it out on purpose
// (letsencrypt/pebble#508), but x/crypto/acme's CreateOrderCert, which
// autocert uses, polls that URL (golang/go#77704).
func withFinalizeLocation(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := strings.CutPrefix(r.URL.Path, "/finalize-order/"); ok {
			w.Header().Set("Location", "https://"+r.Host+"/my-order/"+id)
		}
		h.ServeHTTP(w, r)
	})
}
