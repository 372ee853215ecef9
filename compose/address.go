package compose

import (
	"fmt"
	"net/mail"
	"strings"
)

// AddressError reports an entry of an address field that is not a usable
// mail address, so that the page can name it.
type AddressError struct {
	// Input is the offending entry as typed, without the separators and
	// the spaces around it.
	Input string
}

// Error says which entry is wrong (in English, for logs; the page names
// e.Input in the user's language).
func (e *AddressError) Error() string {
	return fmt.Sprintf("compose: invalid address %q", e.Input)
}

// ParseAddressList parses what a user types in To, Cc or Bcc: addresses
// separated by commas or semicolons, each with or without a display name
// ("Boi Manalu" <boi@pematangsiantar.go.id>, Boi Manalu <boi@…>, boi@…).
// Spaces around entries and empty entries (a trailing separator) are
// ignored; a quoted name may contain commas and semicolons. An empty field
// gives a nil list and no error.
//
// Addresses are checked more strictly than RFC 5322 allows: the address
// must be ASCII (no SMTPUTF8) and its domain a host name with at least one
// dot (no user@localhost, no [1.2.3.4] literal), because the city only
// mails real domains and a typo like "boi@pematangsiantar" should be caught
// here rather than bounce later. The first bad entry gives an
// *AddressError naming it.
func ParseAddressList(s string) ([]mail.Address, error) {
	out, bad := ParseAddressEntries(s)
	if len(bad) > 0 {
		return nil, &AddressError{Input: bad[0]}
	}
	return out, nil
}

// ParseAddressEntries parses a field entry by entry, as ParseAddressList
// does, but keeps going past bad entries: it returns the addresses that
// parse and the bad entries as typed (trimmed), so a form can name every
// bad one and a draft can keep the good ones.
func ParseAddressEntries(s string) (good []mail.Address, bad []string) {
	for _, entry := range splitAddressList(s) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		a, err := parseAddress(entry)
		if err != nil {
			bad = append(bad, entry)
			continue
		}
		good = append(good, a)
	}
	return good, bad
}

// parseAddress parses one entry of an address field.
func parseAddress(entry string) (mail.Address, error) {
	a, err := mail.ParseAddress(entry)
	if err != nil {
		// People type names that are not RFC 5322 phrases, e.g.
		// Boi "Ucok" Manalu <boi@…> or names with unquoted specials like
		// Kadis (Kominfo) <…>; take everything before the last "<" as the
		// name when the entry ends in an angle address.
		i := strings.LastIndexByte(entry, '<')
		if i < 0 || !strings.HasSuffix(entry, ">") {
			return mail.Address{}, err
		}
		b, err2 := mail.ParseAddress(entry[i:])
		if err2 != nil {
			return mail.Address{}, err2
		}
		name := strings.TrimSpace(entry[:i])
		if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
			name = name[1 : len(name)-1]
		}
		b.Name = name
		a = b
	}
	a.Name = cleanHeaderText(a.Name)
	if !validAddress(a.Address) {
		return mail.Address{}, fmt.Errorf("compose: address %q not accepted", a.Address)
	}
	return *a, nil
}

// splitAddressList splits s at commas and semicolons that are outside a
// quoted string, an angle address and a comment.
func splitAddressList(s string) []string {
	var (
		parts        []string
		start        int
		quoted, esc  bool
		angle, paren int
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			esc = false
		case quoted:
			switch c {
			case '\\':
				esc = true
			case '"':
				quoted = false
			}
		case c == '"':
			quoted = true
		case c == '<':
			angle++
		case c == '>' && angle > 0:
			angle--
		case c == '(':
			paren++
		case c == ')' && paren > 0:
			paren--
		case (c == ',' || c == ';') && angle == 0 && paren == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// validAddress reports whether addr is an ASCII addr-spec whose domain is
// a dotted host name. The local part has been checked by net/mail already.
func validAddress(addr string) bool {
	if addr == "" || len(addr) > 254 {
		return false
	}
	for i := 0; i < len(addr); i++ {
		if addr[i] <= ' ' || addr[i] >= 0x7f {
			return false
		}
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at > 64 {
		return false
	}
	if _, err := mail.ParseAddress(addr); err != nil {
		return false
	}
	return validDomain(addr[at+1:])
}

// validDomain reports whether d is a host name of at least two labels of
// letters, digits and hyphens (RFC 1123 section 2.1), with a top-level
// label that is not all digits.
func validDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// FormatAddressList renders addresses back for the form fields, readable
// and parseable by ParseAddressList: "Boi Manalu" <boi@…>, c@d.go.id. Names
// are always quoted and never RFC 2047-encoded (this is for people, not for
// a header).
func FormatAddressList(as []mail.Address) string {
	parts := make([]string, 0, len(as))
	for _, a := range as {
		name := cleanHeaderText(a.Name)
		if name == "" {
			parts = append(parts, a.Address)
			continue
		}
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
		parts = append(parts, `"`+r.Replace(name)+`" <`+a.Address+`>`)
	}
	return strings.Join(parts, ", ")
}

// Recipients returns the envelope recipients: the bare addresses of To,
// Cc and Bcc in that order, without duplicates (compared without regard to
// case).
func (m *Message) Recipients() []string {
	seen := make(map[string]bool)
	var out []string
	for _, list := range [][]mail.Address{m.To, m.Cc, m.Bcc} {
		for _, a := range list {
			k := strings.ToLower(a.Address)
			if a.Address == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, a.Address)
		}
	}
	return out
}
