package smtpclient_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pematangsiantar/webmail/demo"
	"github.com/pematangsiantar/webmail/smtpclient"
)

// Send a message through the embedded demo server and explain a refusal
// the way the web layer does: by Kind, recipient by recipient.
func ExampleSend() {
	b, err := demo.Start(demo.Options{})
	if err != nil {
		panic(err)
	}
	defer b.Close()
	from := b.Accounts[0]

	cfg, err := smtpclient.ParseURL("smtp+insecure://" + b.SMTPAddr)
	if err != nil {
		panic(err)
	}
	cfg.Hello = "webmail.pematangsiantar.go.id"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	msg := "From: " + from.Address + "\r\nTo: bappeda@pematangsiantar.go.id\r\nSubject: Rapat\r\n\r\nBesok pukul 09.00.\r\n"
	env := smtpclient.Envelope{From: from.Address, To: []string{"bappeda@pematangsiantar.go.id", "tidak.ada@pematangsiantar.go.id"}}
	err = smtpclient.Send(ctx, cfg, from.Address, from.Password, env, int64(len(msg)), strings.NewReader(msg))

	switch smtpclient.Classify(err) {
	case smtpclient.KindNone:
		fmt.Println("sent")
	case smtpclient.KindRecipients:
		var rs *smtpclient.RecipientsError
		errors.As(err, &rs)
		for _, r := range rs.Refused {
			fmt.Printf("not sent: %s: %s (%d %d.%d.%d)\n", r.Address, r.Kind(), r.Code, r.EnhancedCode[0], r.EnhancedCode[1], r.EnhancedCode[2])
		}
	default:
		fmt.Println("not sent:", smtpclient.Classify(err))
	}
	// Output:
	// not sent: tidak.ada@pematangsiantar.go.id: recipient_unknown (550 5.1.1)
}
