package password

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// zimbraServer answers as Zimbra's SOAP service does (zm-mailbox 8.7 to
// 10.1, see the sources cited in zimbra.go): SoapServlet/SoapEngine
// dispatch, ChangePassword.handle, Auth.handle and
// LdapProvisioning.changePassword/checkPasswordStrength/authAccount, with
// Soap12Protocol's envelopes and faults (HTTP 500).
type zimbraServer struct {
	t *testing.T
	// needsAuth: ChangePassword.needsAuth() returns true (builds that
	// require a token) rather than false (most releases).
	needsAuth bool
	// dryRun: the release knows the dryRun attribute (8.8.x and later);
	// older ones ignore it and change the password.
	dryRun bool
	// noArgs: INVALID_PASSWORD without the <a n="zimbraPassword..."> argument
	// (releases before the arguments were added).
	noArgs bool
	// canned, when set, is sent instead of any answer: status and body.
	cannedStatus int
	canned       string

	mu       sync.Mutex
	accounts map[string]*zimbraAccount
	tokens   map[string]string // auth token -> account
	requests []zimbraRecorded
}

type zimbraAccount struct {
	password   string
	mustChange bool     // zimbraPasswordMustChange
	locked     bool     // zimbraPasswordLocked
	tooSoon    bool     // zimbraPasswordMinAge not yet passed
	history    []string // nil: no zimbraPasswordEnforceHistory
	minLength  int      // zimbraPasswordMinLength
	maxLength  int      // zimbraPasswordMaxLength
	minUpper   int      // zimbraPasswordMinUpperCaseChars
	changes    int
}

// zimbraRecorded is one request as the server parsed it.
type zimbraRecorded struct {
	contentType string
	raw         string
	name        xml.Name // body element
	token       string   // context/authToken
	noSession   bool
	account     string
	by          string
	oldPassword string
	password    string
	dryRun      string
}

// Request as the server decodes it.
type zimbraTestRequest struct {
	XMLName xml.Name
	Header  struct {
		Context struct {
			AuthToken string    `xml:"authToken"`
			NoSession *struct{} `xml:"nosession"`
		} `xml:"urn:zimbra context"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Header"`
	Body struct {
		Inner struct {
			XMLName xml.Name
			DryRun  string `xml:"dryRun,attr"`
			Account struct {
				By   string `xml:"by,attr"`
				Name string `xml:",chardata"`
			} `xml:"urn:zimbraAccount account"`
			OldPassword string `xml:"urn:zimbraAccount oldPassword"`
			Password    string `xml:"urn:zimbraAccount password"`
		} `xml:",any"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
}

func newZimbraServer(t *testing.T) (*zimbraServer, *httptest.Server) {
	z := &zimbraServer{
		t:        t,
		dryRun:   true,
		accounts: map[string]*zimbraAccount{},
		tokens:   map[string]string{},
	}
	srv := httptest.NewServer(http.HandlerFunc(z.serve))
	t.Cleanup(srv.Close)
	return z, srv
}

func (z *zimbraServer) add(name string, a *zimbraAccount) { z.accounts[name] = a }

func (z *zimbraServer) recorded() []zimbraRecorded {
	z.mu.Lock()
	defer z.mu.Unlock()
	return append([]zimbraRecorded(nil), z.requests...)
}

// A fault as Soap12Protocol.soapFault(ServiceException) writes it, inside
// the envelope SoapServlet sends (with an empty context header).
func zimbraFaultBody(code, reason string, args ...zimbraFaultArg) string {
	var b strings.Builder
	b.WriteString(`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">`)
	b.WriteString(`<soap:Header><context xmlns="urn:zimbra"/></soap:Header><soap:Body>`)
	b.WriteString(`<soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code>`)
	b.WriteString(`<soap:Reason><soap:Text>` + zimbraEscape(reason) + `</soap:Text></soap:Reason>`)
	b.WriteString(`<soap:Detail><Error xmlns="urn:zimbra"><Code>` + code + `</Code>`)
	b.WriteString(`<Trace>qtp1427810650-134:1732600000000:9f2a3c1e4b6d7a80</Trace>`)
	for _, a := range args {
		b.WriteString(`<a n="` + a.Name + `" t="` + a.Type + `">` + zimbraEscape(a.Value) + `</a>`)
	}
	b.WriteString(`</Error></soap:Detail></soap:Fault></soap:Body></soap:Envelope>`)
	return b.String()
}

func zimbraOKBody(inner string) string {
	return `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">` +
		`<soap:Header><context xmlns="urn:zimbra"><change token="2"/></context></soap:Header>` +
		`<soap:Body>` + inner + `</soap:Body></soap:Envelope>`
}

func (z *zimbraServer) serve(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	var req zimbraTestRequest
	if err := xml.Unmarshal(data, &req); err != nil {
		z.t.Errorf("zimbra server: request is not XML: %v\n%s", err, data)
	}
	in := req.Body.Inner
	rec := zimbraRecorded{
		contentType: r.Header.Get("Content-Type"),
		raw:         string(data),
		name:        in.XMLName,
		token:       req.Header.Context.AuthToken,
		noSession:   req.Header.Context.NoSession != nil,
		account:     in.Account.Name,
		by:          in.Account.By,
		oldPassword: in.OldPassword,
		password:    in.Password,
		dryRun:      in.DryRun,
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.requests = append(z.requests, rec)

	w.Header().Set("Content-Type", "text/xml; charset=utf-8") // Soap12Protocol.getContentType
	if z.canned != "" {
		w.WriteHeader(z.cannedStatus)
		io.WriteString(w, z.canned)
		return
	}
	fault := func(code, reason string, args ...zimbraFaultArg) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, zimbraFaultBody(code, reason, args...))
	}
	if req.XMLName.Space != zimbraSOAP12NS || req.XMLName.Local != "Envelope" {
		fault("service.PARSE_ERROR", "parse error: not a SOAP envelope")
		return
	}
	if in.XMLName.Space != zimbraAccountNS {
		fault("service.UNKNOWN_DOCUMENT", "unknown document: "+in.XMLName.Local)
		return
	}
	if in.Account.By != "name" {
		fault("service.INVALID_REQUEST", "invalid request: by must be name")
		return
	}
	acct := z.accounts[in.Account.Name]
	switch in.XMLName.Local {
	case "AuthRequest": // Auth.needsAuth() is false
		if acct == nil || in.Password != acct.password {
			fault("account.AUTH_FAILED", "authentication failed for ["+in.Account.Name+"]")
			return
		}
		if acct.mustChange { // LdapProvisioning.authAccount(..., checkPasswordPolicy=true)
			fault("account.CHANGE_PASSWORD", "must change password")
			return
		}
		token := fmt.Sprintf("0_%x_%d", len(z.tokens)+1, time.Now().UnixNano())
		z.tokens[token] = in.Account.Name
		io.WriteString(w, zimbraOKBody(`<AuthResponse xmlns="urn:zimbraAccount"><authToken>`+token+
			`</authToken><lifetime>172799999</lifetime><skin>harmony</skin></AuthResponse>`))
	case "ChangePasswordRequest":
		if z.needsAuth {
			if _, ok := z.tokens[rec.token]; !ok { // SoapEngine: handler needs auth
				fault("service.AUTH_REQUIRED", "no valid authtoken present")
				return
			}
		}
		dryRun := z.dryRun && (in.DryRun == "1" || strings.EqualFold(in.DryRun, "true"))
		// LdapProvisioning.changePassword: authAccount(acct, old, false),
		// then the lock, then setPassword(acct, new, true, dryRun).
		if acct == nil || in.OldPassword != acct.password {
			fault("account.AUTH_FAILED", "authentication failed for ["+in.Account.Name+"]")
			return
		}
		if acct.locked {
			fault("account.PASSWORD_LOCKED", "password is locked and can't be changed")
			return
		}
		np := in.Password
		if acct.minLength > 0 && len([]rune(np)) < acct.minLength {
			var args []zimbraFaultArg
			if !z.noArgs {
				args = []zimbraFaultArg{{"zimbraPasswordMinLength", "NUM", fmt.Sprint(acct.minLength)}}
			}
			fault("account.INVALID_PASSWORD", "invalid password: too short", args...)
			return
		}
		if acct.maxLength > 0 && len([]rune(np)) > acct.maxLength {
			fault("account.INVALID_PASSWORD", "invalid password: too long",
				zimbraFaultArg{"zimbraPasswordMaxLength", "NUM", fmt.Sprint(acct.maxLength)})
			return
		}
		upper := 0
		for _, r := range np {
			if r >= 'A' && r <= 'Z' {
				upper++
			}
		}
		if upper < acct.minUpper {
			fault("account.INVALID_PASSWORD", "invalid password: not enough upper case characters",
				zimbraFaultArg{"zimbraPasswordMinUpperCaseChars", "NUM", fmt.Sprint(acct.minUpper)})
			return
		}
		if acct.tooSoon && !acct.mustChange {
			fault("account.PASSWORD_CHANGE_TOO_SOON", "password can't be changed yet")
			return
		}
		if acct.history != nil { // zimbraPasswordEnforceHistory > 0: checkHistory includes the current one
			for _, h := range append(acct.history, acct.password) {
				if h == np {
					fault("account.PASSWORD_RECENTLY_USED", "password was recently used")
					return
				}
			}
		}
		if dryRun {
			io.WriteString(w, zimbraOKBody(`<ChangePasswordResponse xmlns="urn:zimbraAccount"/>`))
			return
		}
		acct.history = append(acct.history, acct.password)
		acct.password = np
		acct.mustChange = false
		acct.changes++
		io.WriteString(w, zimbraOKBody(`<ChangePasswordResponse xmlns="urn:zimbraAccount"><authToken>0_new_`+
			fmt.Sprint(acct.changes)+`</authToken><lifetime>172799998</lifetime></ChangePasswordResponse>`))
	default:
		fault("service.UNKNOWN_DOCUMENT", "unknown document: "+in.XMLName.Local)
	}
}

const zimbraUser = "budi.santoso@pematangsiantar.go.id"

func zimbraTestCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestZimbraChangeWithoutToken(t *testing.T) {
	z, srv := newZimbraServer(t)
	// Passwords with every character XML must escape.
	oldPW, newPW := `lama<&"'>]]>1`, `Baru&<kata"sandi'>2`
	z.add(zimbraUser, &zimbraAccount{password: oldPW, minLength: 8})
	d := NewZimbra(ZimbraConfig{URL: srv.URL + "/service/soap"})
	if err := d.Change(zimbraTestCtx(t), zimbraUser, oldPW, newPW); err != nil {
		t.Fatalf("Change: %v", err)
	}
	if got := z.accounts[zimbraUser].password; got != newPW {
		t.Errorf("password on the server = %q, want %q", got, newPW)
	}
	reqs := z.recorded()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.name != (xml.Name{Space: "urn:zimbraAccount", Local: "ChangePasswordRequest"}) {
		t.Errorf("body element %v", r.name)
	}
	if r.by != "name" || r.account != zimbraUser || r.oldPassword != oldPW || r.password != newPW {
		t.Errorf("request fields: by=%q account=%q old=%q new=%q", r.by, r.account, r.oldPassword, r.password)
	}
	if r.token != "" || r.dryRun != "" || !r.noSession {
		t.Errorf("token=%q dryRun=%q nosession=%v, want no token, no dryRun, nosession", r.token, r.dryRun, r.noSession)
	}
	if !strings.HasPrefix(r.contentType, "application/soap+xml") {
		t.Errorf("Content-Type %q", r.contentType)
	}
	for _, raw := range []string{"<&", `"'`, "]]>"} {
		if strings.Contains(r.raw, raw) {
			t.Errorf("request carries %q unescaped:\n%s", raw, r.raw)
		}
	}
	if !strings.Contains(r.raw, `<account by="name">`+zimbraUser+`</account>`) {
		t.Errorf("request does not name the account as Zimbra expects:\n%s", r.raw)
	}
}

func TestZimbraAuthRequired(t *testing.T) {
	z, srv := newZimbraServer(t)
	z.needsAuth = true
	z.add(zimbraUser, &zimbraAccount{password: "Lama-Sandi-1"})
	d := NewZimbra(ZimbraConfig{URL: srv.URL})
	if err := d.Change(zimbraTestCtx(t), zimbraUser, "Lama-Sandi-1", "Baru-Sandi-2"); err != nil {
		t.Fatalf("Change: %v", err)
	}
	reqs := z.recorded()
	var names []string
	for _, r := range reqs {
		names = append(names, r.name.Local)
	}
	want := []string{"ChangePasswordRequest", "AuthRequest", "ChangePasswordRequest"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("requests %v, want %v", names, want)
	}
	if reqs[1].account != zimbraUser || reqs[1].password != "Lama-Sandi-1" || reqs[1].token != "" {
		t.Errorf("AuthRequest: account=%q password=%q token=%q", reqs[1].account, reqs[1].password, reqs[1].token)
	}
	if reqs[2].token == "" || z.tokens[reqs[2].token] != zimbraUser {
		t.Errorf("retry carries token %q, not the one AuthRequest gave", reqs[2].token)
	}
	if z.accounts[zimbraUser].password != "Baru-Sandi-2" {
		t.Errorf("password not changed")
	}

	// The driver remembers: the next change signs in first.
	if err := d.Change(zimbraTestCtx(t), zimbraUser, "Baru-Sandi-2", "Lagi-Sandi-3"); err != nil {
		t.Fatalf("second Change: %v", err)
	}
	if n := len(z.recorded()) - len(reqs); n != 2 {
		t.Errorf("second change took %d requests, want 2 (AuthRequest, ChangePasswordRequest)", n)
	}
}

func TestZimbraMustChangeGetsNoToken(t *testing.T) {
	// A build that requires a token, and an account that must change its
	// password: AuthRequest faults account.CHANGE_PASSWORD.
	z, srv := newZimbraServer(t)
	z.needsAuth = true
	z.add(zimbraUser, &zimbraAccount{password: "Default-123", mustChange: true})
	d := NewZimbra(ZimbraConfig{URL: srv.URL})
	err := d.Change(zimbraTestCtx(t), zimbraUser, "Default-123", "Baru-Sandi-2")
	if !errors.Is(err, ErrHelpdesk) {
		t.Fatalf("Change = %v, want ErrHelpdesk", err)
	}
	if n := len(z.recorded()); n != 2 {
		t.Errorf("%d requests, want 2 (no loop)", n)
	}
	// Wrong old password on such a build: AuthRequest says AUTH_FAILED.
	err = d.Change(zimbraTestCtx(t), zimbraUser, "Salah-123", "Baru-Sandi-2")
	if !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong old password = %v, want ErrWrongPassword", err)
	}

	// On releases without needsAuth the same account changes its password.
	z2, srv2 := newZimbraServer(t)
	z2.add(zimbraUser, &zimbraAccount{password: "Default-123", mustChange: true})
	if err := NewZimbra(ZimbraConfig{URL: srv2.URL}).Change(zimbraTestCtx(t), zimbraUser, "Default-123", "Baru-Sandi-2"); err != nil {
		t.Errorf("must-change account on a release without needsAuth: %v", err)
	}
}

func TestZimbraFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		acct    zimbraAccount
		noArgs  bool
		old     string
		new     string
		want    error
		policy  *PolicyError
		account string
	}{
		{name: "wrong old password", acct: zimbraAccount{password: "Lama-1"}, old: "Salah-1", new: "Baru-Sandi-2", want: ErrWrongPassword},
		{name: "unknown account", acct: zimbraAccount{password: "Lama-1"}, account: "nobody@pematangsiantar.go.id", old: "Lama-1", new: "Baru-Sandi-2", want: ErrWrongPassword},
		{name: "too short", acct: zimbraAccount{password: "Lama-1", minLength: 8}, old: "Lama-1", new: "pendek",
			policy: &PolicyError{Rule: RuleMinLength, Min: 8, Detail: "zimbraPasswordMinLength=8: invalid password: too short"}},
		{name: "too short, old release", acct: zimbraAccount{password: "Lama-1", minLength: 8}, noArgs: true, old: "Lama-1", new: "pendek",
			policy: &PolicyError{Rule: RuleMinLength, Detail: "invalid password: too short"}},
		{name: "too long", acct: zimbraAccount{password: "Lama-1", maxLength: 12}, old: "Lama-1", new: "panjang-sekali-sandinya",
			policy: &PolicyError{Rule: RuleMaxLength, Min: 12, Detail: "zimbraPasswordMaxLength=12: invalid password: too long"}},
		{name: "upper case", acct: zimbraAccount{password: "Lama-1", minUpper: 2}, old: "Lama-1", new: "baru-sandi-2",
			policy: &PolicyError{Rule: RuleBackend, Min: 2, Detail: "zimbraPasswordMinUpperCaseChars=2: invalid password: not enough upper case characters"}},
		{name: "recently used", acct: zimbraAccount{password: "Lama-1", history: []string{"Dulu-Sandi-0"}}, old: "Lama-1", new: "Dulu-Sandi-0", want: ErrRecentlyUsed},
		{name: "same as current", acct: zimbraAccount{password: "Lama-Sandi-1", history: []string{}}, old: "Lama-Sandi-1", new: "Lama-Sandi-1", want: ErrRecentlyUsed},
		{name: "too soon", acct: zimbraAccount{password: "Lama-1", tooSoon: true}, old: "Lama-1", new: "Baru-Sandi-2", want: ErrTooSoon},
		{name: "locked", acct: zimbraAccount{password: "Lama-1", locked: true}, old: "Lama-1", new: "Baru-Sandi-2", want: ErrLocked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z, srv := newZimbraServer(t)
			z.noArgs = tc.noArgs
			acct := tc.acct
			z.add(zimbraUser, &acct)
			account := tc.account
			if account == "" {
				account = zimbraUser
			}
			for _, dry := range []bool{false, true} {
				err := NewZimbra(ZimbraConfig{URL: srv.URL, DryRun: dry}).Change(zimbraTestCtx(t), account, tc.old, tc.new)
				if tc.policy != nil {
					var pe *PolicyError
					if !errors.As(err, &pe) || *pe != *tc.policy {
						t.Errorf("dryRun=%v: Change = %#v, want %#v", dry, err, tc.policy)
					}
				} else if !errors.Is(err, tc.want) {
					t.Errorf("dryRun=%v: Change = %v, want %v", dry, err, tc.want)
				}
				if acct.changes != 0 {
					t.Errorf("dryRun=%v: the password was changed", dry)
				}
			}
		})
	}
}

func TestZimbraCannedFaults(t *testing.T) {
	for _, tc := range []struct {
		code string
		want error
	}{
		{"account.AUTH_FAILED", ErrWrongPassword},
		{"account.PASSWORD_RECENTLY_USED", ErrRecentlyUsed},
		{"account.PASSWORD_CHANGE_TOO_SOON", ErrTooSoon},
		{"account.PASSWORD_LOCKED", ErrLocked},
		{"account.CHANGE_PASSWORD", ErrHelpdesk},
		{"account.TWO_FACTOR_SETUP_REQUIRED", ErrHelpdesk},
		{"service.FAILURE", ErrUnavailable},
		{"service.PERM_DENIED", ErrUnavailable},
		{"service.PROXY_ERROR", ErrUnavailable},
		{"account.MAINTENANCE_MODE", ErrUnavailable},
	} {
		z, srv := newZimbraServer(t)
		z.cannedStatus = http.StatusInternalServerError
		z.canned = zimbraFaultBody(tc.code, "some reason")
		err := NewZimbra(ZimbraConfig{URL: srv.URL}).Change(zimbraTestCtx(t), zimbraUser, "a", "b")
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.code, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), tc.code) {
			t.Errorf("%s: error %q does not name the fault (for the log)", tc.code, err)
		}
	}
}

func TestZimbraDryRun(t *testing.T) {
	z, srv := newZimbraServer(t)
	z.add(zimbraUser, &zimbraAccount{password: "Lama-1", minLength: 8})
	d := NewZimbra(ZimbraConfig{URL: srv.URL, DryRun: true})
	if err := d.Change(zimbraTestCtx(t), zimbraUser, "Lama-1", "Baru-Sandi-2"); err != nil {
		t.Fatal(err)
	}
	reqs := z.recorded()
	if len(reqs) != 2 || reqs[0].dryRun != "1" || reqs[1].dryRun != "" {
		t.Fatalf("requests %+v, want a dry run then the change", reqs)
	}
	if a := z.accounts[zimbraUser]; a.password != "Baru-Sandi-2" || a.changes != 1 {
		t.Errorf("after the change: %+v", a)
	}
	// A refused password stops at the dry run.
	err := d.Change(zimbraTestCtx(t), zimbraUser, "Baru-Sandi-2", "pendek")
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Rule != RuleMinLength {
		t.Errorf("too short: %v", err)
	}
	if n := len(z.recorded()); n != 3 {
		t.Errorf("%d requests in all, want 3", n)
	}

	// A release that ignores dryRun changes the password on the first
	// request; the driver sees the auth token and stops there.
	z2, srv2 := newZimbraServer(t)
	z2.dryRun = false
	z2.add(zimbraUser, &zimbraAccount{password: "Lama-1"})
	if err := NewZimbra(ZimbraConfig{URL: srv2.URL, DryRun: true}).Change(zimbraTestCtx(t), zimbraUser, "Lama-1", "Baru-Sandi-2"); err != nil {
		t.Fatal(err)
	}
	if n, a := len(z2.recorded()), z2.accounts[zimbraUser]; n != 1 || a.changes != 1 || a.password != "Baru-Sandi-2" {
		t.Errorf("release without dryRun: %d requests, %d changes, password %q", n, a.changes, a.password)
	}
}

func TestZimbraUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"not XML", 200, "this is not XML at all <<<"},
		{"HTML error page", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>"},
		{"empty 500", 500, ""},
		{"XML but not SOAP", 200, `<ChangePasswordResponse xmlns="urn:zimbraAccount"/>`},
		{"SOAP without the response", 200, zimbraOKBody(`<SomethingElse xmlns="urn:zimbraAccount"/>`)},
		{"fault without code", 500, `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault><soap:Reason><soap:Text>x</soap:Text></soap:Reason></soap:Fault></soap:Body></soap:Envelope>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z, srv := newZimbraServer(t)
			z.cannedStatus, z.canned = tc.status, tc.body
			if tc.body == "" {
				z.canned = " "
			}
			err := NewZimbra(ZimbraConfig{URL: srv.URL}).Change(zimbraTestCtx(t), zimbraUser, "a", "b")
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("Change = %v, want ErrUnavailable", err)
			}
		})
	}

	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		err := NewZimbra(ZimbraConfig{URL: url}).Change(zimbraTestCtx(t), zimbraUser, "a", "b")
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("Change = %v, want ErrUnavailable", err)
		}
	})

	t.Run("hanging server, bounded by ctx", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := NewZimbra(ZimbraConfig{URL: srv.URL}).Change(ctx, zimbraUser, "a", "b")
		if !errors.Is(err, ErrUnavailable) || time.Since(start) > 5*time.Second {
			t.Errorf("Change = %v after %v, want ErrUnavailable soon", err, time.Since(start))
		}
	})
}

func TestZimbraConfig(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://mail.pematangsiantar.go.id/service/soap", true},
		{"http://127.0.0.1:7070/service/soap", true},
		{"http://localhost/service/soap", true},
		{"http://mail.pematangsiantar.go.id/service/soap", false},
		{"ftp://mail/service/soap", false},
		{"/service/soap", false},
		{"", false},
	} {
		err := ZimbraConfig{URL: tc.url}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", tc.url, err, tc.ok)
		}
		if !tc.ok {
			if err := NewZimbra(ZimbraConfig{URL: tc.url}).Change(context.Background(), zimbraUser, "a", "b"); !errors.Is(err, ErrUnavailable) {
				t.Errorf("Change with URL %q = %v, want ErrUnavailable", tc.url, err)
			}
		}
	}
}

func TestZimbraRefusesWhatXMLCannotCarry(t *testing.T) {
	z, srv := newZimbraServer(t)
	d := NewZimbra(ZimbraConfig{URL: srv.URL})
	if err := d.Change(zimbraTestCtx(t), zimbraUser, "a\x00b", "Baru-Sandi-2"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("NUL in the old password: %v", err)
	}
	var pe *PolicyError
	if err := d.Change(zimbraTestCtx(t), zimbraUser, "Lama-1", "Baru\x01Sandi"); !errors.As(err, &pe) {
		t.Errorf("control character in the new password: %v", err)
	}
	if err := d.Change(zimbraTestCtx(t), zimbraUser, "", "Baru-Sandi-2"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("empty old password: %v", err)
	}
	if n := len(z.recorded()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestZimbraPolicyErrorHidesPasswordCharacters(t *testing.T) {
	f := &zimbraFault{Code: "account.INVALID_PASSWORD", Reason: "invalid password: § is not an allowed character",
		Args: []zimbraFaultArg{{"zimbraPasswordAllowedChars", "STR", "[a-zA-Z0-9]"}}}
	pe := zimbraPolicyError(f)
	if pe.Rule != RuleBackend || strings.Contains(pe.Detail, "§") {
		t.Errorf("PolicyError %+v", pe)
	}
	f = &zimbraFault{Code: "account.INVALID_PASSWORD", Reason: "invalid password: password contains username",
		Args: []zimbraFaultArg{{"zimbraPasswordAllowUsername", "STR", ""}}}
	if pe := zimbraPolicyError(f); pe.Rule != RuleContainsUser {
		t.Errorf("username rule: %+v", pe)
	}
}
