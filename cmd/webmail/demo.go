package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/smtpclient"
	"github.com/pematangsiantar/webmail/webmail"
	"github.com/pematangsiantar/webmail/webmail/password"
)

// cmdDemo runs the web UI on an embedded in-memory IMAP/SMTP server filled
// with demo mail, so the product can be tried with no mail server.
func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	raw, err := loadSettings("demo", demoSettings, args, getenv)
	if err != nil {
		return err
	}
	logCfg := logConfig{Format: raw["log-format"], Level: raw["log-level"]}
	if err := logCfg.validate(); err != nil {
		return err
	}
	loc, err := time.LoadLocation(raw["timezone"])
	if err != nil {
		return fmt.Errorf("--timezone: unknown time zone %q", raw["timezone"])
	}
	logger := newLogger(logCfg, stderr)

	backend, err := demo.Start(demo.Options{Seed: true})
	if err != nil {
		return fmt.Errorf("start the demo mail server: %w", err)
	}
	defer backend.Close()

	// One account still has the default password of the official letter,
	// so the demo shows the forced change on first sign-in.
	forced := backend.Accounts[len(backend.Accounts)-1]
	defaults, err := password.NewDefaults(map[string]string{forced.Address: forced.Password})
	if err != nil {
		return err
	}

	cache := imapclient.NewCache(imapclient.Config{Addr: backend.IMAPAddr, Security: imapclient.SecurityNone},
		imapclient.CacheOptions{Logger: logger})
	defer cache.Close()
	handler, err := webmail.New(webmail.Config{
		SMTP: smtpclient.Config{Addr: backend.SMTPAddr, Security: smtpclient.SecurityNone,
			Hello: "webmail." + demo.Domain},
		Hostname:    "webmail." + demo.Domain,
		Domain:      demo.Domain,
		Helpdesk:    "Diskominfo Kota Pematangsiantar (demo)",
		Location:    loc,
		SessionKeys: []webmail.KeyPair{newKeyPair()},
		IdleTimeout: 30 * time.Minute,
		MaxLifetime: 12 * time.Hour,
		PerPage:     50,
		Logger:      logger,
		Password:    backend,
		Defaults:    defaults,
	}, cache)
	if err != nil {
		return err
	}
	return listenAndServe(ctx, raw["listen"], nil, handler, logger, func(addr net.Addr) {
		fmt.Fprintf(stdout, "\nWebmail demo: http://%s/\n\nDemo accounts (user name / password):\n", addr)
		for _, a := range backend.Accounts {
			note := ""
			if a.Address == forced.Address {
				note = "  (kata sandi bawaan: wajib diganti saat masuk / default password: must be changed at sign-in)"
			}
			fmt.Fprintf(stdout, "  %-40s %s%s\n", a.Address, a.Password, note)
		}
		fmt.Fprintf(stdout, "\nIMAP %s and SMTP %s (plain, loopback) hold the demo mail in memory; it is gone when you stop with Ctrl+C.\n\n",
			backend.IMAPAddr, backend.SMTPAddr)
	})
}
