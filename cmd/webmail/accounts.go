package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pematangsiantar/webmail/webmail/password"
)

const accountsUsage = `usage: webmail accounts import [--domain DOMAIN] --out FILE LETTER.csv

Reads the table of the official letter that hands out the accounts and their
default passwords (CSV with commas, semicolons or tabs, as a spreadsheet
exports it; columns such as "Alamat Email" and "Password") and writes FILE:
salted argon2id hashes, no plaintext. Accounts already in FILE are kept;
those in the letter replace theirs. Give FILE to serve with --defaults: a
sign-in whose password still matches its default must change it first`

// cmdAccounts runs `webmail accounts import`.
func cmdAccounts(args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New(accountsUsage)
	}
	flags := flag.NewFlagSet("webmail accounts import", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	domain := flags.String("domain", getenv("WEBMAIL_DOMAIN"), "domain appended to bare user names (WEBMAIL_DOMAIN)")
	out := flags.String("out", getenv("WEBMAIL_DEFAULTS"), "the defaults file to write (WEBMAIL_DEFAULTS)")
	if err := flags.Parse(args[1:]); err != nil || flags.NArg() != 1 || *out == "" {
		return errors.New(accountsUsage)
	}
	letter, err := os.Open(flags.Arg(0))
	if err != nil {
		return fmt.Errorf("letter: %w", err)
	}
	defer letter.Close()
	imported, err := password.ImportLetter(letter, *domain)
	if err != nil {
		return err
	}
	merged := imported
	if existing, err := password.LoadDefaults(*out); err == nil {
		existing.Merge(imported)
		merged = existing
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := writeFileAtomic(*out, 0o640, merged.WriteTo); err != nil {
		return fmt.Errorf("defaults file: %w", err)
	}
	fmt.Fprintf(stdout, "Imported %d account(s) from %s; %s now holds %d. Copy it to every instance and give it to serve with --defaults.\n",
		imported.Len(), flags.Arg(0), *out, merged.Len())
	return nil
}

// writeFileAtomic writes a file through a temporary file in the same
// directory and a rename, so readers never see half a file.
func writeFileAtomic(path string, mode os.FileMode, write func(io.Writer) (int64, error)) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
