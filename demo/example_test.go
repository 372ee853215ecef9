package demo_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/pematangsiantar/webmail/demo"
)

// Start a seeded backend, read the INBOX counters over IMAP and send a
// message over SMTP submission.
func Example() {
	b, err := demo.Start(demo.Options{Seed: true, Now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	acct := b.Accounts[0] // diskominfo@pematangsiantar.go.id

	c, err := imapclient.DialInsecure(b.IMAPAddr, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(acct.Address, acct.Password).Wait(); err != nil {
		log.Fatal(err)
	}
	st, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("INBOX: %d messages, %d unread\n", *st.NumMessages, *st.NumUnseen)

	s, err := smtp.Dial(b.SMTPAddr)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Hello("webmail.pematangsiantar.go.id"); err != nil {
		log.Fatal(err)
	}
	if err := s.Auth(sasl.NewPlainClient("", acct.Address, acct.Password)); err != nil {
		log.Fatal(err)
	}
	msg := "From: " + acct.Address + "\r\nTo: bappeda@pematangsiantar.go.id\r\nSubject: Halo\r\n\r\nSalam.\r\n"
	err = s.SendMail(acct.Address, []string{"bappeda@pematangsiantar.go.id"}, strings.NewReader(msg))
	fmt.Println("sent:", err == nil)
	// Output:
	// INBOX: 35 messages, 9 unread
	// sent: true
}
