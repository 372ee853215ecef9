package webmail

import (
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pematangsiantar/webmail/imapclient"
)

// TestMetrics drives sign-ins, pages and sends through the app and reads
// the counters back from the registry the deployer's scraper would read.
func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(c *Config, _ *imapclient.Config) { c.Metrics = reg })
	b := e.browser()
	if p := b.signIn(acctTU.Address, "salah"); p.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", p.StatusCode)
	}
	b.mustSignIn(acctTU)
	for range 3 {
		if p := b.get("/mail?folder=INBOX"); p.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", p.StatusCode)
		}
	}
	b.get("/tidak/ada")
	_, f := b.composeFields("/compose")
	f.Set("to", "diskominfo@pematangsiantar.go.id")
	f.Set("subject", "Terukur")
	f.Set("action", "send")
	if p := b.post("/compose", f); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", p.StatusCode)
	}
	f.Set("to", "nobody@pematangsiantar.go.id")
	if p := b.post("/compose", f); p.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused send: %d", p.StatusCode)
	}

	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"webmail_logins_total", map[string]string{"outcome": "wrong_password"}, 1},
		{"webmail_logins_total", map[string]string{"outcome": "ok"}, 1},
		{"webmail_http_requests_total", map[string]string{"route": "/mail", "method": "GET", "code": "200"}, 3},
		{"webmail_http_requests_total", map[string]string{"route": "unknown", "method": "GET", "code": "404"}, 1},
		{"webmail_sends_total", map[string]string{"outcome": "ok"}, 1},
		{"webmail_sends_total", map[string]string{"outcome": "refused"}, 1},
		{"webmail_imap_connections", nil, 1},
		{"webmail_imap_redials_total", nil, 0},
	} {
		if got := metricValue(t, reg, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The sign-in logged in; the pages and sends reused its connection.
	if dials := metricValue(t, reg, "webmail_imap_dials_total", nil); dials != 1 {
		t.Errorf("IMAP dials %v, want 1", dials)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "webmail_http_request_duration_seconds" {
			for _, m := range mf.GetMetric() {
				if m.GetLabel()[0].GetValue() == "/mail" && m.GetHistogram().GetSampleCount() != 3 {
					t.Errorf("/mail latency samples: %d, want 3", m.GetHistogram().GetSampleCount())
				}
			}
		}
	}
}

// metricValue reads one series (a counter or gauge with exactly these
// labels) from what the registry exposes; -1 when there is none.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue series
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}
