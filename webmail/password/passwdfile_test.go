package password

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Hashes made by other implementations: `doveadm pw` (Dovecot 2.3.19 on
// Debian 12, libxcrypt), `openssl passwd -5/-6`, Python's crypt module
// (libxcrypt) for rounds=, and the examples of Drepper's specification.
var passwdFileCryptVectors = []struct{ hash, password string }{
	{"$6$EXkvBUqi/MP5Z9lX$4PxCxJQJUmMdc9iUCCqwemf2uz3GiaeN0w9WLf8ewIrVOrQZ.2ZrHO8u/Eji0.JI2Dg2iqM.malrL2unJzzYM.", "kata-Sandi-1"},
	{"$5$u9XZcQtBtxu7q9fm$/fPcAMwUtC/t7SiXEa392OhgIdxVPZR5EeUSzauUVO7", "kata-Sandi-1"},
	{"$6$T.ws0zMSUIEDg5VU$kfRg6nHAAHdS73rwKHftpXgbUwdz.kgi.wxAWs72.gwlm6e8zBxN3Rff.RaNeMkCRHKoA5sowiHEpuyd4TEIQ0", "pâsswörd ünïcode"},
	{"$5$laKS4Z9NA8cAr2O1$i6MjXyNBB3MYjlhJ7dvCjwW..lmNSjbyL4HZvbLdsp.", "pâsswörd ünïcode"},
	{"$6$DDQW9Oz3jodMhObP$Udje/oqOomO0.sVt8QlE/Gu9ufVg7HID8DIb1/JDvAB5H178fPMYpKdGpiCfnPqX28NFynXvt8MaEQ.dquUXG.", "x"},
	{"$5$YcWnSWiKHphVaP4G$I6Frq.m33K6LyXxjwUo5EAf/yy6ZPe3TYHeG4J2H118", "x"},
	{"$6$saltstringsaltst$e.3mR68CqZEpesEX1HlFZT6sEanSOjM/b5UoDyDo00a8syek2cJldMjrbtKP86.FJvzluVR7nc3DNzelAwTxj.", "Hello world!"},
	{"$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", "Hello world!"},
	{"$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.", "Hello world!"},
	{"$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA", "Hello world!"},
	{"$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1",
		"a very much longer text to encrypt.  This one even stretches over morethan one line."},
	{"$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0",
		"we have a short salt string but not a short password"},
	{"$6$saltysalt$e7f5LxmSbibLTZ1PNblbNayUP1Qz4qrwU33KDTYA5pM0v9yhD7ErUBhZbAuDsP9tCHZDdnFxALRDqOn2xwz8f0", ""},
	// From the specification: salt cut to 16 characters, rounds clamped.
	{"$6$rounds=10$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.", "the minimum number is still observed"},
}

func TestPasswdFileShaCrypt(t *testing.T) {
	for _, v := range passwdFileCryptVectors {
		ok, err := passwdFileShaCryptVerify(v.hash, v.password)
		if err != nil || !ok {
			t.Errorf("verify(%q, %q) = %v, %v; want true", v.hash, v.password, ok, err)
		}
		ok, err = passwdFileShaCryptVerify(v.hash, v.password+"x")
		if err != nil || ok {
			t.Errorf("verify(%q, wrong) = %v, %v; want false", v.hash, ok, err)
		}
	}
	for _, bad := range []string{"$1$abc$def", "$6$", "$6$rounds=x$salt$h", "$6$salt", "$6$a$b$c"} {
		if _, err := passwdFileShaCryptVerify(bad, "pw"); err == nil {
			t.Errorf("verify(%q): no error", bad)
		}
	}
}

func TestPasswdFileVerify(t *testing.T) {
	for _, tc := range []struct {
		stored, password string
		ok               bool
		err              bool
	}{
		{"{SHA512-CRYPT}" + passwdFileCryptVectors[0].hash, "kata-Sandi-1", true, false},
		{"{sha512-crypt}" + passwdFileCryptVectors[0].hash, "kata-Sandi-1", true, false},
		{passwdFileCryptVectors[0].hash, "kata-Sandi-1", true, false}, // no scheme: CRYPT
		{"{CRYPT}" + passwdFileCryptVectors[1].hash, "kata-Sandi-1", true, false},
		{"{SHA256-CRYPT}" + passwdFileCryptVectors[1].hash, "salah", false, false},
		// doveadm pw -s BLF-CRYPT (libxcrypt writes $2y$).
		{"{BLF-CRYPT}$2y$05$1maWWiQM9kunQSULX15RB.SNIECUEnw0G8fl.kXygsNPcErBd.XtG", "kata-Sandi-1", true, false},
		{"{BLF-CRYPT}$2y$05$1maWWiQM9kunQSULX15RB.SNIECUEnw0G8fl.kXygsNPcErBd.XtG", "kata-Sandi-2", false, false},
		{"{PLAIN}kata:Sandi", "kata:Sandi", true, false},
		{"{CLEARTEXT}abc", "abd", false, false},
		{"{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "x", false, true},
		{"{CRYPT}ab01FAX.bQRSU", "x", false, true}, // DES crypt
		{"", "x", false, true},
	} {
		ok, err := passwdFileVerify(tc.stored, tc.password)
		if ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("verify(%q, %q) = %v, %v; want %v, error %v", tc.stored, tc.password, ok, err, tc.ok, tc.err)
		}
	}
}

const passwdFileTestContent = "# users of the test host\n" +
	"alice@pematangsiantar.go.id:{SHA512-CRYPT}$6$EXkvBUqi/MP5Z9lX$4PxCxJQJUmMdc9iUCCqwemf2uz3GiaeN0w9WLf8ewIrVOrQZ.2ZrHO8u/Eji0.JI2Dg2iqM.malrL2unJzzYM.:5000:5000::/srv/mail/alice::userdb_quota_rule=*:storage=1G\n" +
	"\n" +
	"bob@pematangsiantar.go.id:{PLAIN}bob-Pass-2:5000:5000::/srv/mail/bob::\r\n" +
	"carol:{BLF-CRYPT}$2y$05$1maWWiQM9kunQSULX15RB.SNIECUEnw0G8fl.kXygsNPcErBd.XtG\n" +
	"weird@pematangsiantar.go.id:{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=:5000:5000::/srv/mail/weird::\n" +
	"dave@pematangsiantar.go.id:{PLAIN}dave-Pass-4"

func passwdFileTestFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(path, []byte(passwdFileTestContent), 0o640); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(path, 12345, 54321); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// passwdFileFast is the driver with bcrypt's lowest cost: under the race
// detector cost 10 takes seconds a hash.
func passwdFileFast(path string) *PasswdFile {
	p := newPasswdFile(path)
	p.cost = bcrypt.MinCost
	p.settle = false
	return p
}

// passwdFileLines returns the file's lines (with their endings).
func passwdFileLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(string(data), "\n")
}

func TestPasswdFileChange(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		account, old string
		line         int    // index of the line that changes
		rest         string // what follows the password field
	}{
		{"alice@pematangsiantar.go.id", "kata-Sandi-1", 1, ":5000:5000::/srv/mail/alice::userdb_quota_rule=*:storage=1G\n"},
		{"Alice@Pematangsiantar.go.id", "kata-Sandi-1", 1, ":5000:5000::/srv/mail/alice::userdb_quota_rule=*:storage=1G\n"},
		{"bob@pematangsiantar.go.id", "bob-Pass-2", 3, ":5000:5000::/srv/mail/bob::\r\n"},
		{"carol@pematangsiantar.go.id", "kata-Sandi-1", 4, "\n"}, // the file holds the local part
		{"carol", "kata-Sandi-1", 4, "\n"},
		{"dave@pematangsiantar.go.id", "dave-Pass-4", 6, ""}, // last line, no newline
	} {
		t.Run(tc.account, func(t *testing.T) {
			path := passwdFileTestFile(t)
			before := passwdFileLines(t, path)
			fiBefore, _ := os.Stat(path)
			newPW := "Sandi-Baru-" + tc.account
			if len(newPW) > 72 {
				newPW = newPW[:72]
			}
			if err := passwdFileFast(path).Change(ctx, tc.account, tc.old, newPW); err != nil {
				t.Fatalf("Change: %v", err)
			}
			after := passwdFileLines(t, path)
			if len(after) != len(before) {
				t.Fatalf("%d lines, want %d", len(after), len(before))
			}
			for i := range before {
				if i != tc.line && after[i] != before[i] {
					t.Errorf("line %d changed:\n%q\n%q", i, before[i], after[i])
				}
			}
			user, _, _ := strings.Cut(before[tc.line], ":")
			prefix := user + ":{BLF-CRYPT}$2a$04$"
			if !strings.HasPrefix(after[tc.line], prefix) || !strings.HasSuffix(after[tc.line], tc.rest) {
				t.Fatalf("line %d = %q, want %s...%q", tc.line, after[tc.line], prefix, tc.rest)
			}
			_, stored, _, _ := passwdFileSplit([]byte(after[tc.line]))
			hash := strings.TrimPrefix(stored, "{BLF-CRYPT}")
			if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(newPW)); err != nil {
				t.Errorf("new hash does not verify: %v", err)
			}
			if ok, err := passwdFileVerify(stored, newPW); !ok || err != nil {
				t.Errorf("passwdFileVerify(new) = %v, %v", ok, err)
			}
			fiAfter, _ := os.Stat(path)
			if fiAfter.Mode() != fiBefore.Mode() {
				t.Errorf("mode %v, was %v", fiAfter.Mode(), fiBefore.Mode())
			}
			stB, stA := fiBefore.Sys().(*syscall.Stat_t), fiAfter.Sys().(*syscall.Stat_t)
			if stA.Uid != stB.Uid || stA.Gid != stB.Gid {
				t.Errorf("owner %d:%d, was %d:%d", stA.Uid, stA.Gid, stB.Uid, stB.Gid)
			}
			if stA.Ino == stB.Ino {
				t.Errorf("file rewritten in place, not replaced by rename")
			}
			passwdFileNoTemp(t, path)
			// The old password is gone.
			if err := passwdFileFast(path).Change(ctx, tc.account, tc.old, "Lain-Lagi-3"); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("old password after the change: %v", err)
			}
		})
	}
}

func passwdFileNoTemp(t *testing.T, path string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only the file", names)
	}
}

func TestPasswdFileCost(t *testing.T) {
	path := passwdFileTestFile(t)
	p, err := NewPasswdFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Change(context.Background(), "dave@pematangsiantar.go.id", "dave-Pass-4", "Sandi-Baru-1"); err != nil {
		t.Fatal(err)
	}
	lines := passwdFileLines(t, path)
	want := fmt.Sprintf("dave@pematangsiantar.go.id:{BLF-CRYPT}$2a$%02d$", PasswdFileCost)
	if !strings.HasPrefix(lines[len(lines)-1], want) || PasswdFileCost < 10 {
		t.Errorf("last line %q, want %s... (cost 10 or more)", lines[len(lines)-1], want)
	}
}

func TestPasswdFileDovecotSees(t *testing.T) {
	// Dovecot compares mtime seconds and size, at most once a second: the
	// new file's mtime is a later second than the old one's, and Change
	// returns in a later second than the rename.
	path := passwdFileTestFile(t)
	p := newPasswdFile(path)
	p.cost = bcrypt.MinCost
	now := time.Now()
	future := time.Unix(now.Unix()+5, 0) // an old file "from the future"
	if err := os.Chtimes(path, future, future); err != nil {
		t.Fatal(err)
	}
	if err := p.Change(context.Background(), "dave@pematangsiantar.go.id", "dave-Pass-4", "Sandi-Baru-1"); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.ModTime().Unix() != future.Unix()+1 {
		t.Errorf("mtime %v, want %v", fi.ModTime(), future.Add(time.Second))
	}
	before := time.Now()
	if err := p.Change(context.Background(), "dave@pematangsiantar.go.id", "Sandi-Baru-1", "Sandi-Baru-2"); err != nil {
		t.Fatal(err)
	}
	fi2, _ := os.Stat(path)
	if fi2.ModTime().Unix() != future.Unix()+2 {
		t.Errorf("second change: mtime %v, want %v", fi2.ModTime(), future.Add(2*time.Second))
	}
	if time.Now().Unix() <= before.Unix() {
		t.Errorf("Change returned in the second it started (%v, now %v)", before, time.Now())
	}
}

func TestPasswdFileRefusals(t *testing.T) {
	ctx := context.Background()
	path := passwdFileTestFile(t)
	before, _ := os.ReadFile(path)
	p := passwdFileFast(path)
	for _, tc := range []struct {
		name, account, old, new string
		want                    error
		rule                    string
	}{
		{"wrong old password", "alice@pematangsiantar.go.id", "salah", "Sandi-Baru-1", ErrWrongPassword, ""},
		{"unknown account", "nobody@pematangsiantar.go.id", "kata-Sandi-1", "Sandi-Baru-1", ErrWrongPassword, ""},
		{"comment is no account", "# users of the test host", "x", "Sandi-Baru-1", ErrWrongPassword, ""},
		{"colon in the account", "alice@pematangsiantar.go.id:x", "kata-Sandi-1", "Sandi-Baru-1", ErrWrongPassword, ""},
		{"empty old password", "alice@pematangsiantar.go.id", "", "Sandi-Baru-1", ErrWrongPassword, ""},
		{"unsupported scheme", "weird@pematangsiantar.go.id", "x", "Sandi-Baru-1", ErrUnavailable, ""},
		{"too long for bcrypt", "alice@pematangsiantar.go.id", "kata-Sandi-1", strings.Repeat("a", 73), nil, RuleMaxLength},
		{"empty new password", "alice@pematangsiantar.go.id", "kata-Sandi-1", "", nil, RuleMinLength},
	} {
		err := p.Change(ctx, tc.account, tc.old, tc.new)
		if tc.rule != "" {
			var pe *PolicyError
			if !errors.As(err, &pe) || pe.Rule != tc.rule {
				t.Errorf("%s: %v, want PolicyError %s", tc.name, err, tc.rule)
			}
		} else if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), tc.old) && tc.old != "" && tc.old != "x") {
			t.Errorf("%s: error %q holds the password", tc.name, err)
		}
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Errorf("the file changed")
	}
	passwdFileNoTemp(t, path)

	// The file went away after the start.
	gone := filepath.Join(t.TempDir(), "users")
	os.WriteFile(gone, []byte(passwdFileTestContent), 0o600)
	pg, err := NewPasswdFile(gone)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(gone)
	if err := pg.Change(ctx, "alice@pematangsiantar.go.id", "kata-Sandi-1", "Sandi-Baru-1"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing file: %v", err)
	}
}

func TestNewPasswdFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewPasswdFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := NewPasswdFile(dir); err == nil {
		t.Error("a directory: no error")
	}
	p, err := NewPasswdFile(passwdFileTestFile(t))
	if err != nil || !filepath.IsAbs(p.path) || p.cost < 10 || !p.settle {
		t.Errorf("NewPasswdFile = %+v, %v", p, err)
	}
	if os.Geteuid() != 0 {
		ro := t.TempDir()
		path := filepath.Join(ro, "users")
		os.WriteFile(path, []byte("a:{PLAIN}b\n"), 0o600)
		os.Chmod(ro, 0o500)
		defer os.Chmod(ro, 0o700)
		if _, err := NewPasswdFile(path); err == nil {
			t.Error("read-only directory: no error")
		}
	}
}

func TestPasswdFileLock(t *testing.T) {
	path := passwdFileTestFile(t)
	holder, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(holder.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = passwdFileFast(path).Change(ctx, "bob@pematangsiantar.go.id", "bob-Pass-2", "Sandi-Baru-1")
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("while another holds the lock: %v, want ErrUnavailable", err)
	}
	// Released while waiting: the change goes through.
	go func() {
		time.Sleep(50 * time.Millisecond)
		holder.Close()
	}()
	if err := passwdFileFast(path).Change(context.Background(), "bob@pematangsiantar.go.id", "bob-Pass-2", "Sandi-Baru-1"); err != nil {
		t.Errorf("after the release: %v", err)
	}
}

func TestPasswdFileConcurrent(t *testing.T) {
	// Changes of different accounts at once: none is lost (each one
	// re-reads the file it locked, and re-locks a file replaced meanwhile).
	dir := t.TempDir()
	path := filepath.Join(dir, "users")
	var content strings.Builder
	const n = 6
	for i := range n {
		fmt.Fprintf(&content, "user%d@x:{PLAIN}old-%d:5000:5000::/srv/mail/user%d::\n", i, i, i)
	}
	if err := os.WriteFile(path, []byte(content.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = passwdFileFast(path).Change(context.Background(), fmt.Sprintf("user%d@x", i), fmt.Sprintf("old-%d", i), fmt.Sprintf("new-%d", i))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("user%d: %v", i, err)
		}
	}
	lines := passwdFileLines(t, path)
	for i := range n {
		_, stored, _, _ := passwdFileSplit([]byte(lines[i]))
		if ok, err := passwdFileVerify(stored, fmt.Sprintf("new-%d", i)); !ok || err != nil {
			t.Errorf("user%d: new password not stored (%q): %v", i, lines[i], err)
		}
	}
	passwdFileNoTemp(t, path)
}
