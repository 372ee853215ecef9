package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pematangsiantar/webmail/demo"
)

// TestServeHTTPS runs `webmail serve` serving HTTPS itself in front of the
// embedded mail server: HSTS is sent, the session cookie is Secure and
// HttpOnly, and a user can sign in and see the inbox. The Prometheus
// metrics are on their own listener only, and count that sign-in.
func TestServeHTTPS(t *testing.T) {
	b, err := demo.Start(demo.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	keys := filepath.Join(dir, "session.keys")
	if _, err := keygen(keys, time.Now()); err != nil {
		t.Fatal(err)
	}
	addr, metricsAddr := freeLoopbackAddr(t), freeLoopbackAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cmdServe(ctx, []string{
			"--imap", "imap+insecure://" + b.IMAPAddr, "--smtp", "smtp+insecure://" + b.SMTPAddr,
			"--domain", "pematangsiantar.go.id", "--session-keys", keys, "--listen", addr,
			"--tls-cert", certFile, "--tls-key", keyFile, "--helpdesk", "Diskominfo",
			"--metrics-listen", metricsAddr,
		}, func(string) string { return "" }, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil && err != http.ErrServerClosed {
			t.Errorf("serve: %v", err)
		}
	}()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	base := "https://" + addr
	var resp *http.Response
	for i := 0; ; i++ {
		if resp, err = client.Get(base + "/login"); err == nil {
			break
		}
		if i == 50 {
			t.Fatalf("serve did not answer: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("no HSTS over HTTPS: %q", hsts)
	}
	token := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(body)
	if token == nil {
		t.Fatalf("no CSRF token:\n%s", body)
	}
	acct := b.Accounts[0]
	resp, err = client.PostForm(base+"/login", url.Values{"username": {acct.Address}, "password": {acct.Password}, "csrf_token": {string(token[1])}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Kotak Masuk") {
		t.Fatalf("after sign-in: %d\n%s", resp.StatusCode, page)
	}
	var setCookie string
	for r := resp.Request.Response; r != nil; r = r.Request.Response {
		for _, c := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "webmail=") {
				setCookie = c
			}
		}
	}
	if !strings.Contains(setCookie, "Secure") || !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Lax") {
		t.Errorf("session cookie flags: %q", setCookie)
	}

	if resp, err := client.Get(base + "/metrics"); err != nil {
		t.Error(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
		t.Errorf("metrics on the public listener: %d", resp.StatusCode)
	}
	resp, err = http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`webmail_logins_total{outcome="ok"} 1`, "webmail_imap_connections 1",
		`webmail_http_requests_total{code="200",method="GET",route="/login"} 1`, "go_goroutines ", "process_resident_memory_bytes "} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and returns its files and
// a pool trusting it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "webmail test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
