package webmail

import (
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pematangsiantar/webmail/imapclient"
)

// metrics are the app's Prometheus metrics. They are always counted;
// Config.Metrics decides whether anyone can read them.
type metrics struct {
	requests  *prometheus.CounterVec   // route, method, code
	durations *prometheus.HistogramVec // route
	logins    *prometheus.CounterVec   // outcome
	sends     *prometheus.CounterVec   // outcome
	passwords *prometheus.CounterVec   // outcome
}

// newMetrics registers the app's metrics, and the IMAP connection cache's
// counters, with reg (a private registry when nil).
func newMetrics(reg prometheus.Registerer, cache *imapclient.Cache) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "webmail_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "webmail_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request (IMAP and SMTP work included), by route pattern.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "webmail_logins_total",
			Help: "Sign-in attempts by outcome: ok, must_change, wrong_password, unavailable, rate_limited, invalid, error.",
		}, []string{"outcome"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "webmail_sends_total",
			Help: "Messages submitted by outcome: ok, refused (a recipient), maybe_sent (connection lost at the end), failed (kept as a draft).",
		}, []string{"outcome"}),
		passwords: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "webmail_password_changes_total",
			Help: "Password changes by outcome: ok, refused (wrong old password or policy), failed.",
		}, []string{"outcome"}),
	}
	cs := []prometheus.Collector{m.requests, m.durations, m.logins, m.sends, m.passwords,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "webmail_imap_connections",
			Help: "Logged-in IMAP connections cached for sessions on this instance.",
		}, func() float64 { return float64(cache.Stats().Conns) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "webmail_imap_dials_total",
			Help: "IMAP connections opened and logged in.",
		}, func() float64 { return float64(cache.Stats().Dials) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "webmail_imap_redials_total",
			Help: "IMAP connections dialled again because the server dropped the previous one.",
		}, func() float64 { return float64(cache.Stats().Redials) }),
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	return m, nil
}

// request counts one answered request. route is echo's pattern
// ("/mail/message"), never the URL, so the label set stays small.
func (m *metrics) request(route, method string, code int, took time.Duration) {
	if route == "" {
		route = "unknown"
	}
	switch method {
	case "GET", "HEAD", "POST":
	default:
		method = "other" // whatever a client sends, the label set stays small
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.durations.WithLabelValues(route).Observe(took.Seconds())
}
