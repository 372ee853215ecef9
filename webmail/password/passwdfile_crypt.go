package password

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"hash"
	"strconv"
	"strings"
)

// SHA-crypt ($5$ SHA-256, $6$ SHA-512), as glibc and libxcrypt implement
// it for crypt(3) and Dovecot's SHA256-CRYPT/SHA512-CRYPT schemes use it:
// Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512" (2008,
// https://www.akkadia.org/drepper/SHA-crypt.txt). Only verification is
// needed here: new hashes are bcrypt ({BLF-CRYPT}).

const (
	passwdFileShaCryptDefaultRounds = 5000
	passwdFileShaCryptMinRounds     = 1000
	passwdFileShaCryptMaxRounds     = 999999999
	passwdFileShaCryptMaxSalt       = 16
	passwdFileCryptAlphabet         = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

var errPasswdFileShaCrypt = errors.New("not a SHA-crypt hash")

// passwdFileShaCryptVerify reports whether password matches stored, a
// crypt(3) string "$5$[rounds=N$]salt$digest" or "$6$...".
func passwdFileShaCryptVerify(stored, password string) (bool, error) {
	var newHash func() hash.Hash
	var perm [][3]int
	var tail []int
	switch {
	case strings.HasPrefix(stored, "$5$"):
		newHash, perm, tail = sha256.New, passwdFileSha256Perm, []int{-1, 31, 30}
	case strings.HasPrefix(stored, "$6$"):
		newHash, perm, tail = sha512.New, passwdFileSha512Perm, []int{-1, -1, 63}
	default:
		return false, errPasswdFileShaCrypt
	}
	rest := stored[3:]
	rounds := passwdFileShaCryptDefaultRounds
	if r, ok := strings.CutPrefix(rest, "rounds="); ok {
		n, after, found := strings.Cut(r, "$")
		v, err := strconv.ParseUint(n, 10, 64)
		if !found || err != nil {
			return false, errPasswdFileShaCrypt
		}
		// Out of range counts are clamped, as glibc does.
		rounds = int(min(max(v, passwdFileShaCryptMinRounds), passwdFileShaCryptMaxRounds))
		rest = after
	}
	salt, digest, found := strings.Cut(rest, "$")
	if !found || strings.Contains(digest, "$") {
		return false, errPasswdFileShaCrypt
	}
	if len(salt) > passwdFileShaCryptMaxSalt {
		salt = salt[:passwdFileShaCryptMaxSalt]
	}
	sum := passwdFileShaCryptSum(newHash, []byte(password), []byte(salt), rounds)
	got := passwdFileShaCryptEncode(sum, perm, tail)
	return subtle.ConstantTimeCompare([]byte(got), []byte(digest)) == 1, nil
}

// passwdFileShaCryptSum is steps 1 to 21 of the specification.
func passwdFileShaCryptSum(newHash func() hash.Hash, p, s []byte, rounds int) []byte {
	// Digest B: password, salt, password.
	h := newHash()
	h.Write(p)
	h.Write(s)
	h.Write(p)
	b := h.Sum(nil)
	size := len(b)

	// Digest A: password, salt, B repeated over the password's length,
	// then B or the password for each bit of that length.
	h = newHash()
	h.Write(p)
	h.Write(s)
	n := len(p)
	for ; n > size; n -= size {
		h.Write(b)
	}
	h.Write(b[:n])
	for n = len(p); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write(b)
		} else {
			h.Write(p)
		}
	}
	a := h.Sum(nil)

	// P: the digest of the password repeated len(p) times, stretched to
	// len(p) bytes.
	h = newHash()
	for range len(p) {
		h.Write(p)
	}
	pBytes := passwdFileStretch(h.Sum(nil), len(p))

	// S: the digest of the salt repeated 16+A[0] times, stretched to
	// len(s) bytes.
	h = newHash()
	for range 16 + int(a[0]) {
		h.Write(s)
	}
	sBytes := passwdFileStretch(h.Sum(nil), len(s))

	// The rounds.
	c := a
	for i := range rounds {
		h = newHash()
		if i&1 != 0 {
			h.Write(pBytes)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(sBytes)
		}
		if i%7 != 0 {
			h.Write(pBytes)
		}
		if i&1 != 0 {
			h.Write(c)
		} else {
			h.Write(pBytes)
		}
		c = h.Sum(c[:0:0])
	}
	return c
}

func passwdFileStretch(d []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out)+len(d) <= n {
		out = append(out, d...)
	}
	return append(out, d[:n-len(out)]...)
}

// The byte order of the final encoding (step 22), three bytes a group.
var (
	passwdFileSha256Perm = passwdFileShaCryptPerm(10, 32)
	passwdFileSha512Perm = passwdFileShaCryptPerm(21, 64)
)

// passwdFileShaCryptPerm builds the groups of the specification's step 22:
// group k takes bytes k, k+n, k+2n, rotated by k mod 3 (SHA-256: n=10,
// (0,10,20), (21,1,11), (12,22,2), ...; SHA-512: n=21, (0,21,42),
// (22,43,1), (44,2,23), ...).
func passwdFileShaCryptPerm(n, size int) [][3]int {
	groups := make([][3]int, 0, n)
	for k := range n {
		i := [3]int{k, k + n, k + 2*n}
		switch k % 3 {
		case 0:
			groups = append(groups, [3]int{i[0], i[1], i[2]})
		case 1:
			if size == 32 {
				groups = append(groups, [3]int{i[2], i[0], i[1]})
			} else {
				groups = append(groups, [3]int{i[1], i[2], i[0]})
			}
		case 2:
			if size == 32 {
				groups = append(groups, [3]int{i[1], i[2], i[0]})
			} else {
				groups = append(groups, [3]int{i[2], i[0], i[1]})
			}
		}
	}
	return groups
}

// passwdFileShaCryptEncode writes the digest in crypt's base64: each group
// as a 24-bit number (first byte highest) in four characters, least
// significant six bits first; then the remaining bytes of tail (-1 is a
// zero byte) in as many characters as they need.
func passwdFileShaCryptEncode(sum []byte, perm [][3]int, tail []int) string {
	var b strings.Builder
	put := func(w uint32, n int) {
		for range n {
			b.WriteByte(passwdFileCryptAlphabet[w&0x3f])
			w >>= 6
		}
	}
	for _, g := range perm {
		put(uint32(sum[g[0]])<<16|uint32(sum[g[1]])<<8|uint32(sum[g[2]]), 4)
	}
	var w uint32
	used := 0
	for _, i := range tail {
		w <<= 8
		if i >= 0 {
			w |= uint32(sum[i])
			used++
		}
	}
	// One byte needs 2 characters, two need 3.
	put(w, used+1)
	return b.String()
}
