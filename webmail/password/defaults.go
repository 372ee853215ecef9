package password

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// Default passwords are handed out in an official letter; the deployer
// imports the letter's table into a file of argon2id hashes (RFC 9106),
// one account a line:
//
//	boi@pematangsiantar.go.id $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// A sign-in whose password still matches is forced to change it; once it
// is changed it no longer matches, so nothing is ever written back and all
// instances can share the file read-only. The plaintext is never stored.

// argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane), so a
// burst of sign-ins at the start of the working day stays cheap in memory.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

var b64 = base64.RawStdEncoding

// Defaults holds the provisioned default passwords as hashes.
type Defaults struct {
	hashes map[string]string // lower-case address -> PHC string
}

// NewDefaults hashes plaintext defaults (address -> password); for the
// demo and tests. Deployers use ImportLetter and LoadDefaults.
func NewDefaults(plain map[string]string) (*Defaults, error) {
	d := &Defaults{hashes: map[string]string{}}
	for addr, pw := range plain {
		h, err := hashPassword(pw)
		if err != nil {
			return nil, err
		}
		d.hashes[strings.ToLower(addr)] = h
	}
	return d, nil
}

// LoadDefaults reads a defaults file written by WriteTo.
func LoadDefaults(path string) (*Defaults, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("defaults file: %w", err)
	}
	defer f.Close()
	d, err := readDefaults(f)
	if err != nil {
		return nil, fmt.Errorf("defaults file %s: %w", path, err)
	}
	return d, nil
}

func readDefaults(r io.Reader) (*Defaults, error) {
	d := &Defaults{hashes: map[string]string{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || !strings.Contains(fields[0], "@") {
			return nil, fmt.Errorf("line %d: want an address and an argon2id hash", n)
		}
		if _, _, _, err := parseHash(fields[1]); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		d.hashes[strings.ToLower(fields[0])] = fields[1]
	}
	return d, sc.Err()
}

// Len is the number of accounts with a provisioned default.
func (d *Defaults) Len() int {
	if d == nil {
		return 0
	}
	return len(d.hashes)
}

// IsDefault reports whether password is the account's provisioned default.
// It costs one argon2id computation (about 20 MiB, tens of milliseconds)
// when the account has a default: call it once per sign-in.
func (d *Defaults) IsDefault(account, password string) bool {
	if d == nil {
		return false
	}
	h, ok := d.hashes[strings.ToLower(account)]
	if !ok {
		return false
	}
	return verifyPassword(h, password)
}

// WriteTo writes the defaults file, sorted by address.
func (d *Defaults) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	buf.WriteString("# Provisioned default passwords (argon2id hashes; no plaintext).\n")
	buf.WriteString("# A sign-in with a password that still matches must change it first.\n")
	addrs := make([]string, 0, len(d.hashes))
	for a := range d.hashes {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		fmt.Fprintf(&buf, "%s %s\n", a, d.hashes[a])
	}
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// Merge adds other's entries, replacing the same accounts.
func (d *Defaults) Merge(other *Defaults) {
	for a, h := range other.hashes {
		d.hashes[a] = h
	}
}

// hashPassword returns the PHC string of an argon2id hash with a fresh salt.
func hashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// parseHash reads the parameters of a PHC argon2id string.
func parseHash(h string) (params [3]uint32, salt, key []byte, err error) {
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return params, nil, nil, errors.New("not an argon2id hash")
	}
	var m, t, p uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || p > 255 {
		return params, nil, nil, errors.New("bad argon2id parameters")
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return params, nil, nil, errors.New("bad argon2id salt")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return params, nil, nil, errors.New("bad argon2id hash")
	}
	return [3]uint32{m, t, p}, salt, key, nil
}

func verifyPassword(h, pw string) bool {
	params, salt, key, err := parseHash(h)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, params[1], params[0], uint8(params[2]), uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// ImportLetter reads the table of the official letter that hands out the
// accounts (CSV, with commas, semicolons or tabs, as spreadsheets export
// it): the column whose header names the e-mail address (email, e-mail,
// alamat, akun, username, user) and the one naming the password
// (password, kata sandi, sandi). Without such a header, the first column
// holding an @ is the address and the column after it the password. Bare
// user names get "@" + domain. It returns the hashed defaults.
func ImportLetter(r io.Reader, domain string) (*Defaults, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read letter: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 BOM
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read letter: %w", err)
	}
	addrCol, pwCol, start := findColumns(rows)
	if addrCol < 0 || pwCol < 0 {
		return nil, errors.New("letter: no column of e-mail addresses and passwords found (expected headers such as \"Email\" and \"Password\")")
	}
	plain := map[string]string{}
	for i := start; i < len(rows); i++ {
		row := rows[i]
		if addrCol >= len(row) || pwCol >= len(row) {
			continue
		}
		addr, pw := strings.TrimSpace(row[addrCol]), strings.TrimSpace(row[pwCol])
		if addr == "" && pw == "" {
			continue
		}
		if addr == "" || pw == "" {
			return nil, fmt.Errorf("letter row %d: address or password missing", i+1)
		}
		if !strings.Contains(addr, "@") {
			if domain == "" {
				return nil, fmt.Errorf("letter row %d: %q has no domain: give --domain", i+1, addr)
			}
			addr += "@" + domain
		}
		if strings.ContainsFunc(addr, unicode.IsSpace) || strings.Count(addr, "@") != 1 {
			return nil, fmt.Errorf("letter row %d: %q is not an e-mail address", i+1, addr)
		}
		plain[strings.ToLower(addr)] = pw
	}
	if len(plain) == 0 {
		return nil, errors.New("letter: no accounts found")
	}
	return NewDefaults(plain)
}

// sniffDelimiter picks the delimiter most used in the first line.
func sniffDelimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	best, count := ',', bytes.Count(first, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte(string(d))); n > count {
			best, count = d, n
		}
	}
	return best
}

// findColumns finds the address and password columns, and the first data
// row.
func findColumns(rows [][]string) (addr, pw, start int) {
	addr, pw = -1, -1
	for i, row := range rows {
		if i > 10 {
			break
		}
		a, p := -1, -1
		for j, cell := range row {
			h := strings.ToLower(strings.TrimSpace(cell))
			switch {
			case p < 0 && (strings.Contains(h, "password") || strings.Contains(h, "sandi")):
				p = j
			case a < 0 && (strings.Contains(h, "email") || strings.Contains(h, "e-mail") || strings.HasPrefix(h, "alamat") ||
				h == "akun" || h == "username" || h == "user" || h == "nama pengguna"):
				a = j
			}
		}
		if a >= 0 && p >= 0 {
			return a, p, i + 1
		}
	}
	// No header: the first cell with an @ and the cell after it.
	for _, row := range rows {
		for j, cell := range row {
			if strings.Contains(cell, "@") && j+1 < len(row) {
				return j, j + 1, 0
			}
		}
	}
	return -1, -1, 0
}
