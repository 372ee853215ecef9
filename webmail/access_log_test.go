package webmail

import (
	"strings"
	"testing"
)

func TestAccessLog(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/tidak-ada?rahasia=1")
	b.mustSignIn(acctTU)
	b.get("/mail?folder=INBOX")
	logs := e.logs.String()
	for _, want := range []string{
		"msg=request method=GET path=/tidak-ada status=404",
		"msg=request method=POST path=/login status=303",
		"msg=request method=GET path=/mail status=200",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %q:\n%s", want, logs)
		}
	}
	for _, bad := range []string{"rahasia", acctTU.Password, "folder=INBOX"} {
		if strings.Contains(logs, bad) {
			t.Errorf("access log holds %q", bad)
		}
	}
}
