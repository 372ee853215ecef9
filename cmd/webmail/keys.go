package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/pematangsiantar/webmail/webmail"
)

// Session key files hold one key pair a line, newest first:
//
//	<base64 64-byte HMAC key> <base64 32-byte AES-256 key>
//
// Lines starting with # are comments. New cookies are made with the first
// pair; every pair still opens cookies, so keys can be rotated without
// signing everyone out.

const (
	hashKeyLen  = 64
	blockKeyLen = 32
	// keptOldKeys is how many older pairs keygen keeps when rotating.
	keptOldKeys = 2
)

// newKeyPair returns a fresh random key pair.
func newKeyPair() webmail.KeyPair {
	kp := webmail.KeyPair{Hash: make([]byte, hashKeyLen), Block: make([]byte, blockKeyLen)}
	rand.Read(kp.Hash)
	rand.Read(kp.Block)
	return kp
}

// readKeyFile reads a session key file.
func readKeyFile(path string) ([]webmail.KeyPair, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read key file: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s is readable by other users (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	var keys []webmail.KeyPair
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("key file %s line %d: want two base64 keys", path, n)
		}
		h, err1 := base64.StdEncoding.DecodeString(fields[0])
		b, err2 := base64.StdEncoding.DecodeString(fields[1])
		if err1 != nil || err2 != nil || len(h) != hashKeyLen || len(b) != blockKeyLen {
			return nil, fmt.Errorf("key file %s line %d: want a %d-byte and a %d-byte base64 key", path, n, hashKeyLen, blockKeyLen)
		}
		keys = append(keys, webmail.KeyPair{Hash: h, Block: b})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("key file %s holds no keys: run `webmail keygen %s`", path, path)
	}
	return keys, nil
}

// keygen writes a new key pair at the top of the file, keeping the newest
// older pairs so that cookies made with them still open during rotation.
func keygen(path string, now time.Time) (rotated int, err error) {
	var old []webmail.KeyPair
	if _, err := os.Stat(path); err == nil {
		if old, err = readKeyFile(path); err != nil {
			return 0, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("key file: %w", err)
	}
	if len(old) > keptOldKeys {
		old = old[:keptOldKeys]
	}
	keys := append([]webmail.KeyPair{newKeyPair()}, old...)

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# webmail session keys, newest first; written %s.\n", now.UTC().Format(time.RFC3339))
	fmt.Fprintf(&buf, "# Keep secret (mode 600) and identical on every instance.\n")
	for _, k := range keys {
		fmt.Fprintf(&buf, "%s %s\n", base64.StdEncoding.EncodeToString(k.Hash), base64.StdEncoding.EncodeToString(k.Block))
	}
	if err := writeFileAtomic(path, 0o600, buf.WriteTo); err != nil {
		return 0, fmt.Errorf("key file: %w", err)
	}
	return len(old), nil
}
