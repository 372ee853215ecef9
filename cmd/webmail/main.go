// Command webmail is the webmail of Pemerintah Kota Pematangsiantar: a
// stateless web front end for an existing IMAP/SMTP mail server.
//
//	webmail serve   [flags]   run against the city's mail server
//	webmail demo    [flags]   run on an embedded demo mail server
//	webmail keygen  FILE      create or rotate the session key file
//	webmail accounts import   hash the letter's default passwords
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/webmail"
)

const usage = `webmail: the webmail of Pemerintah Kota Pematangsiantar

Usage:
  webmail serve  [flags]   run against an existing IMAP/SMTP server
  webmail demo   [flags]   run on an embedded demo mail server (no setup needed)
  webmail keygen FILE      create the session key file, or rotate its keys
  webmail accounts import --out FILE LETTER.csv
                           hash the default passwords of the official letter

Run "webmail serve -h" for the settings; each is also WEBMAIL_<NAME> in the
environment and <name> in a TOML file given with --config.
`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process globals, for tests.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], getenv, stderr)
	case "demo":
		err = cmdDemo(ctx, args[1:], getenv, stdout, stderr)
	case "keygen":
		err = cmdKeygen(args[1:], stdout)
	case "accounts":
		err = cmdAccounts(args[1:], getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "webmail: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "webmail %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func cmdKeygen(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: webmail keygen FILE")
	}
	rotated, err := keygen(args[0], time.Now())
	if err != nil {
		return err
	}
	if rotated == 0 {
		fmt.Fprintf(stdout, "Wrote new session keys to %s. Copy this file to every instance (mode 600).\n", args[0])
	} else {
		fmt.Fprintf(stdout, "Added a new key pair to %s (keeping %d older pair(s), so existing sessions stay valid). Copy it to every instance, then restart them.\n", args[0], rotated)
	}
	return nil
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	raw, err := loadSettings("serve", serveSettings, args, getenv)
	if err != nil {
		return err
	}
	cfg, err := buildServeConfig(raw)
	if err != nil {
		return fmt.Errorf("cannot start; fix these settings:\n%w", err)
	}
	logger := newLogger(cfg.Log, stderr)
	cache := imapclient.NewCache(cfg.IMAP, imapclient.CacheOptions{MaxConns: cfg.MaxConns, Logger: logger})
	defer cache.Close()
	cfg.Web.Logger = logger
	if cfg.MetricsListen != "" {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		cfg.Web.Metrics = reg
		ln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			return fmt.Errorf("metrics: listen on %s: %w", cfg.MetricsListen, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		go func() {
			if err := serve(ctx, ln, nil, mux, logger); err != nil {
				logger.Error("metrics listener stopped", "err", err)
			}
		}()
		logger.Info("serving metrics", "listen", ln.Addr().String(), "path", "/metrics")
	}
	handler, err := webmail.New(cfg.Web, cache)
	if err != nil {
		return err
	}
	var tlsConfig *tls.Config
	switch {
	case cfg.ACME != nil:
		m := cfg.ACME.manager()
		tlsConfig = m.TLSConfig()
		if err := cfg.ACME.startHTTP(ctx, m, logger); err != nil {
			return err
		}
	case cfg.TLSCert != "":
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("--tls-cert: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	logger.Info("starting webmail", "listen", cfg.Listen, "https", tlsConfig != nil, "acme", cfg.ACME != nil,
		"imap", cfg.IMAP.Security.String()+"://"+cfg.IMAP.Addr, "smtp", cfg.SMTP.Addr,
		"domain", cfg.Web.Domain, "trusted_proxies", len(cfg.Web.TrustedProxies))
	return listenAndServe(ctx, cfg.Listen, tlsConfig, handler, logger, nil)
}

// listenAndServe serves until ctx ends, then shuts down gracefully. ready,
// when not nil, receives the bound address once listening.
func listenAndServe(ctx context.Context, addr string, tlsConfig *tls.Config, handler http.Handler, logger *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	return serve(ctx, ln, tlsConfig, handler, logger)
}

// serve serves on ln (HTTPS with tlsConfig, plain HTTP when it is nil)
// until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, tlsConfig *tls.Config, handler http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Minute, // uploads of large attachments
		WriteTimeout:      10 * time.Minute, // downloads of large attachments
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			srv.TLSConfig = tlsConfig
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutCtx)
}

// newLogger returns the structured logger described by cfg.
func newLogger(cfg logConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
