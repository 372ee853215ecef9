package main

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/pematangsiantar/webmail/imapclient"
	"github.com/pematangsiantar/webmail/webmail/password"
)

// passwordSettings are the validated password settings of serve.
type passwordSettings struct {
	Changer  password.Changer
	Detector password.Detector
	Defaults *password.Defaults
	Policy   password.Policy
}

// buildPassword builds the password-change driver, the must-change
// detection and the policy from the raw settings, reporting problems
// through bad.
func buildPassword(raw map[string]string, imapCfg *imapclient.Config, roots *x509.CertPool, bad func(string, string, ...any)) passwordSettings {
	var ps passwordSettings
	if p := raw["must-change-pattern"]; p != "" {
		re, err := regexp.Compile(p)
		if err != nil {
			bad("must-change-pattern", "not a regular expression: %v", err)
		} else {
			imapCfg.MustChangePattern = re
		}
	}
	if raw["defaults"] != "" {
		d, err := password.LoadDefaults(raw["defaults"])
		if err != nil {
			bad("defaults", "%v (make it with `webmail accounts import --out FILE letter.csv`)", err)
		}
		ps.Defaults = d
	}
	ps.Policy.MinLength = parsePositive(raw, "password-min-length", 128, bad)
	if raw["password-min-score"] == "0" {
		ps.Policy.MinScore = -1 // explicitly no strength floor
	} else {
		ps.Policy.MinScore = parsePositive(raw, "password-min-score", 4, bad)
	}

	var ldap *password.LDAP
	if raw["ldap-url"] != "" {
		if raw["ldap-user-dn"] == "" {
			bad("ldap-user-dn", "missing: the DN of a user, e.g. uid={user},ou=people,dc=pematangsiantar,dc=go,dc=id")
		} else {
			l, err := password.NewLDAP(password.LDAPConfig{URL: raw["ldap-url"], UserDN: raw["ldap-user-dn"],
				TLS: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}})
			if err != nil {
				bad("ldap-url", "%v", err)
			} else {
				ldap = l
				ps.Detector = l
			}
		}
	}

	switch raw["password-driver"] {
	case "":
	case "zimbra":
		url := raw["zimbra-url"]
		if url == "" && imapCfg.Addr != "" {
			host, _, _ := net.SplitHostPort(imapCfg.Addr)
			url = "https://" + host + "/service/soap"
		}
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
		zcfg := password.ZimbraConfig{URL: url, HTTPClient: client}
		if err := zcfg.Validate(); err != nil {
			bad("zimbra-url", "%v", err)
		}
		ps.Changer = password.NewZimbra(zcfg)
	case "ldap":
		if raw["ldap-url"] == "" {
			bad("ldap-url", "missing: the ldap driver needs the directory, e.g. ldaps://ldap.pematangsiantar.go.id")
		}
		if ldap != nil {
			ps.Changer = ldap
		}
	case "dovecot-passwdfile":
		if raw["password-file"] == "" {
			bad("password-file", "missing: the dovecot-passwdfile driver needs the passwd-file, e.g. /etc/dovecot/users")
		} else {
			pf, err := password.NewPasswdFile(raw["password-file"])
			if err != nil {
				bad("password-file", "%v", err)
			}
			ps.Changer = pf
		}
	default:
		bad("password-driver", "%q: use zimbra, ldap or dovecot-passwdfile (or leave it empty)", raw["password-driver"])
	}
	return ps
}
