package password

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// PasswdFile changes passwords in a Dovecot passwd-file
// (https://doc.dovecot.org/configuration_manual/authentication/passwd_file/):
// lines "user:{SCHEME}hash:uid:gid:gecos:home:shell:extra_fields", '#'
// comments. It is meant for small hosts where the web server runs on the
// mail server itself, with write access to the file's directory.
//
// The account's line is found by the whole address, or else by its local
// part (files of a passdb with username_format=%n), ignoring case as
// Dovecot's default auth_username_format=%Lu does. The old password is
// checked against the stored hash ({BLF-CRYPT}, {SHA512-CRYPT},
// {SHA256-CRYPT}, {CRYPT} with a $2y$/$2a$/$2b$/$6$/$5$ hash, {PLAIN},
// {CLEARTEXT}; a hash without {SCHEME} counts as CRYPT, Dovecot's default).
// The new one is stored as {BLF-CRYPT} bcrypt (cost PasswdFileCost), which
// Dovecot verifies with crypt(3). Every other line stays byte for byte.
//
// The file is rewritten atomically: under an exclusive flock(2) on the file
// itself (re-taken if the file was replaced meanwhile), the new content
// goes to a temporary file in the same directory with the old one's mode,
// owner and group, is fsync'ed, renamed over the file, and the directory
// is fsync'ed.
//
// Dovecot 2.3 notices a changed passwd-file only by its mtime in whole
// seconds and its size, and looks at most once a second
// (src/auth/db-passwd-file.c, passwd_file_sync: "if (pw->last_sync_time ==
// ioloop_time) return"; "if (st.st_mtime != pw->stamp || st.st_size !=
// pw->size)"). Two bcrypt hashes have the same length, so two changes in
// one second could leave the second unseen. Change therefore gives the new
// file an mtime at least one second later than the old one's, and returns
// only once the second of the rename is over: with auth_cache_size = 0 the
// very next login uses the new password. That costs up to a second.
type PasswdFile struct {
	path string
	cost int // bcrypt cost of new hashes
	// settle: wait for Dovecot's next look at the file before returning
	// (off in unit tests without Dovecot).
	settle bool
}

// PasswdFileCost is the bcrypt cost of new hashes. Each IMAP or SMTP login
// verifies the hash once (unless Dovecot caches it), so this is a cost per
// login on the mail server too: cost 10 takes about 50 ms.
const PasswdFileCost = 10

// passwdFileBcryptMax is the longest password bcrypt takes, in bytes.
const passwdFileBcryptMax = 72

// NewPasswdFile returns the driver for the passwd-file at path. It checks
// what a change will need, so that a bad setting stops the start-up: path
// is a regular file this process can read, in a directory it can write
// (the temporary file goes there).
func NewPasswdFile(path string) (*PasswdFile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("passwd-file %s: %w", path, err)
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, fmt.Errorf("passwd-file: %w", err)
	}
	fi, err := f.Stat()
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("passwd-file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("passwd-file %s: not a regular file", abs)
	}
	if err := syscall.Access(filepath.Dir(abs), 0o2 /* W_OK */); err != nil {
		return nil, fmt.Errorf("passwd-file %s: its directory is not writable by this process (the file is replaced by a new one): %w", abs, err)
	}
	return newPasswdFile(abs), nil
}

func newPasswdFile(path string) *PasswdFile {
	return &PasswdFile{path: path, cost: PasswdFileCost, settle: true}
}

// Change checks oldPassword against account's line and replaces its hash
// with one of newPassword. A wrong old password and an account without a
// line are both ErrWrongPassword (the user learns nothing more); a file
// that cannot be read, locked or written, or a hash scheme it cannot
// check, is ErrUnavailable; a new password longer than bcrypt's 72 bytes
// is a *PolicyError (RuleMaxLength). ctx bounds the wait for the lock
// (and cuts short the wait for Dovecot, the change being made by then).
func (p *PasswdFile) Change(ctx context.Context, account, oldPassword, newPassword string) error {
	if err := p.change(ctx, account, oldPassword, newPassword); err != nil {
		return err
	}
	if p.settle {
		// Until the second after the rename (see PasswdFile).
		next := time.Unix(time.Now().Unix()+1, 10*int64(time.Millisecond))
		t := time.NewTimer(time.Until(next))
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return nil
}

func (p *PasswdFile) change(ctx context.Context, account, oldPassword, newPassword string) error {
	if account == "" || oldPassword == "" || strings.ContainsAny(account, ":\r\n") {
		return fmt.Errorf("%w: passwd-file: empty or impossible account or password", ErrWrongPassword)
	}
	if newPassword == "" {
		return &PolicyError{Rule: RuleMinLength, Detail: "passwd-file: empty new password"}
	}
	if len(newPassword) > passwdFileBcryptMax {
		return &PolicyError{Rule: RuleMaxLength, Min: passwdFileBcryptMax,
			Detail: "passwd-file: bcrypt takes at most 72 bytes"}
	}

	f, err := p.lock(ctx)
	if err != nil {
		return fmt.Errorf("%w: passwd-file %s: %w", ErrUnavailable, p.path, err)
	}
	defer f.Close() // releases the lock
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: passwd-file %s: %w", ErrUnavailable, p.path, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("%w: passwd-file %s: %w", ErrUnavailable, p.path, err)
	}

	lines := bytes.SplitAfter(data, []byte("\n"))
	i := passwdFileFind(lines, account)
	if i < 0 {
		return fmt.Errorf("%w: passwd-file: no entry for the account", ErrWrongPassword)
	}
	user, stored, rest, eol := passwdFileSplit(lines[i])
	ok, err := passwdFileVerify(stored, oldPassword)
	if err != nil {
		return fmt.Errorf("%w: passwd-file %s: entry %q: %w", ErrUnavailable, p.path, user, err)
	}
	if !ok {
		return fmt.Errorf("%w: passwd-file: the old password does not match", ErrWrongPassword)
	}

	hashed, err := bcrypt.GenerateFromPassword([]byte(newPassword), p.cost)
	if err != nil {
		return fmt.Errorf("%w: passwd-file: bcrypt: %w", ErrUnavailable, err)
	}
	lines[i] = []byte(user + ":{BLF-CRYPT}" + string(hashed) + rest + eol)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: passwd-file: %w", ErrUnavailable, err)
	}
	if err := passwdFileReplace(p.path, fi, bytes.Join(lines, nil)); err != nil {
		return fmt.Errorf("%w: passwd-file %s: %w", ErrUnavailable, p.path, err)
	}
	return nil
}

// lock opens the file and takes an exclusive flock on it, polling until
// ctx ends. If the file was replaced (renamed over) while it waited, the
// lock is on a file nobody reads any more: it starts again on the new one.
func (p *PasswdFile) lock(ctx context.Context) (*os.File, error) {
	for {
		f, err := os.Open(p.path)
		if err != nil {
			return nil, err
		}
		for {
			err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if err == nil {
				break
			}
			if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
				f.Close()
				return nil, fmt.Errorf("flock: %w", err)
			}
			select {
			case <-ctx.Done():
				f.Close()
				return nil, fmt.Errorf("waiting for the lock: %w", ctx.Err())
			case <-time.After(10 * time.Millisecond):
			}
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(p.path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close()
		if err1 != nil {
			return nil, err1
		}
		if err2 != nil {
			return nil, err2
		}
	}
}

// passwdFileFind returns the index of account's line: the one whose user
// field is the whole address, or else the one whose user field is the
// local part; -1 if none.
func passwdFileFind(lines [][]byte, account string) int {
	local, _, hasAt := strings.Cut(account, "@")
	byLocal := -1
	for i, line := range lines {
		if len(line) == 0 || line[0] == '#' || line[0] == ':' {
			continue // Dovecot skips these (comments, no user name)
		}
		user, _, _, _ := passwdFileSplit(line)
		switch {
		case strings.EqualFold(user, account):
			return i
		case hasAt && byLocal < 0 && strings.EqualFold(user, local):
			byLocal = i
		}
	}
	return byLocal
}

// passwdFileSplit splits a line into its user field, its password field,
// the rest (from the ':' after the password on, "" if none) and the line
// ending ("\n", "\r\n" or "" at the end of a file without one).
func passwdFileSplit(line []byte) (user, stored, rest, eol string) {
	s := string(line)
	if strings.HasSuffix(s, "\n") {
		s, eol = s[:len(s)-1], "\n"
		if strings.HasSuffix(s, "\r") {
			s, eol = s[:len(s)-1], "\r\n"
		}
	}
	user, s, _ = strings.Cut(s, ":")
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return user, s[:i], s[i:], eol
	}
	return user, s, "", eol
}

// passwdFileVerify reports whether password matches the stored password
// field; an error means a scheme it cannot check.
func passwdFileVerify(stored, password string) (bool, error) {
	scheme := "CRYPT" // Dovecot's default for passwd-file
	if strings.HasPrefix(stored, "{") {
		if i := strings.IndexByte(stored, '}'); i > 0 {
			scheme, stored = strings.ToUpper(stored[1:i]), stored[i+1:]
		}
	}
	switch scheme {
	case "PLAIN", "CLEARTEXT":
		return subtle.ConstantTimeCompare([]byte(stored), []byte(password)) == 1, nil
	case "CRYPT", "BLF-CRYPT", "SHA512-CRYPT", "SHA256-CRYPT":
		// All go through crypt(3) in Dovecot: the hash's own prefix says
		// which algorithm.
		switch {
		case strings.HasPrefix(stored, "$2a$"), strings.HasPrefix(stored, "$2b$"), strings.HasPrefix(stored, "$2y$"):
			err := bcrypt.CompareHashAndPassword([]byte(stored), []byte(password))
			if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
				return false, nil
			}
			return err == nil, err
		case strings.HasPrefix(stored, "$5$"), strings.HasPrefix(stored, "$6$"):
			return passwdFileShaCryptVerify(stored, password)
		}
		return false, fmt.Errorf("unsupported %s hash (want $2y$, $2a$, $2b$, $5$ or $6$)", scheme)
	}
	return false, fmt.Errorf("unsupported password scheme {%s}", scheme)
}

// passwdFileReplace writes data to a temporary file beside path with the
// mode, owner and group of fi (path's), syncs it and renames it over path.
func passwdFileReplace(path string, fi os.FileInfo, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(fi.Mode().Perm()); err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		// Dovecot must still read it: keep e.g. root:dovecot 0640.
		if err = tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	// An mtime Dovecot cannot mistake for the old file's (see PasswdFile).
	mtime := time.Now()
	if old := fi.ModTime().Unix(); mtime.Unix() <= old {
		mtime = time.Unix(old+1, 0)
	}
	if err = os.Chtimes(tmp.Name(), mtime, mtime); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
