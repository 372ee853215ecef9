package webmail

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/pematangsiantar/webmail/testenv"
)

// moveBatch is how many selected messages one move carries, and
// moveMessages the size of the folder they are selected from.
const (
	moveBatch    = 500
	moveMessages = 600
)

// BenchmarkDovecotMove500 measures, on a warm session against real
// Dovecot, POST /mail/action moving 500 selected messages (the toolbar's
// repeated uid fields) out of a 600-message folder of the bench user
// ("Pindah A") into another ("Pindah B") and back, against the same
// moves issued directly on one go-imap connection (SELECT of the source,
// UID MOVE of the same 500). Each iteration moves the batch four times:
// app A→B, app B→A, raw A→B, raw B→A, so both sides are measured in both
// directions on the same machine state. Medians of one move and the ratio
// app/raw are reported; -benchtime 20x takes a few seconds.
func BenchmarkDovecotMove500(b *testing.B) {
	d := testenv.Dovecot(b)
	icfg := dovecotIMAP(b, d)
	user := d.Bench
	if user.Address == "" {
		b.Fatal("WEBMAIL_TEST_BENCH_USER is not set")
	}
	const folderA, folderB = "Pindah A", "Pindah B"
	raw := rawClient(b, icfg, user)
	// aux finds the batch's UIDs between the timed moves, so raw's
	// selected folder is only changed by what is measured.
	aux := rawClient(b, icfg, user)
	raw.Create(folderA, nil).Wait() // an error when it exists: fine
	raw.Create(folderB, nil).Wait()
	uidsOf := func(folder string) []uint32 {
		if _, err := aux.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			b.Fatalf("EXAMINE %s: %v", folder, err)
		}
		data, err := aux.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		if err != nil {
			b.Fatalf("UID SEARCH %s: %v", folder, err)
		}
		var out []uint32
		for _, u := range data.AllUIDs() {
			out = append(out, uint32(u))
		}
		slices.Sort(out)
		return out
	}
	// A run that was interrupted may have left messages in B: put them
	// back, then fill A up to moveMessages.
	if left := uidsOf(folderB); len(left) > 0 {
		if _, err := raw.Select(folderB, nil).Wait(); err != nil {
			b.Fatal(err)
		}
		if _, err := raw.Move(uidSet(left), folderA).Wait(); err != nil {
			b.Fatal(err)
		}
	}
	if n := len(uidsOf(folderA)); n < moveMessages {
		d.Seed(b, user.Address, moveMessages-n, folderA)
	}
	// The batch: the last 500 of A (a move back appends them at its end
	// again, so every move carries the same 500 messages).
	batch := func(folder string) []uint32 {
		all := uidsOf(folder)
		if len(all) < moveBatch {
			b.Fatalf("%s holds %d messages, want at least %d", folder, len(all), moveBatch)
		}
		return all[len(all)-moveBatch:]
	}

	e := newEnvAt(b, icfg)
	br := e.browser()
	if p := br.signIn(user.Address, user.Password); p.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %d\n%.500s", p.StatusCode, p.Body)
	}
	retA := "/mail?folder=" + url.QueryEscape(folderA)
	token := br.get(retA).csrf(b)
	appMove := func(from, to string, uids []uint32) time.Duration {
		form := url.Values{"csrf_token": {token}, "action": {"move"}, "folder": {from}, "to": {to},
			"return": {"/mail?folder=" + url.QueryEscape(from)}}
		for _, u := range uids {
			form.Add("uid", strconv.FormatUint(uint64(u), 10))
		}
		start := time.Now()
		p := br.post("/mail/action", form)
		took := time.Since(start)
		if p.StatusCode != http.StatusSeeOther {
			b.Fatalf("move %d from %s to %s: %d\n%.500s", len(uids), from, to, p.StatusCode, p.Body)
		}
		return took
	}
	rawMove := func(from, to string, uids []uint32) time.Duration {
		start := time.Now()
		if _, err := raw.Select(from, nil).Wait(); err != nil {
			b.Fatal(err)
		}
		_, err := raw.Move(uidSet(uids), to).Wait()
		took := time.Since(start)
		if err != nil {
			b.Fatalf("UID MOVE %d from %s to %s: %v", len(uids), from, to, err)
		}
		return took
	}
	// checkMoved fails unless the batch is entirely in B (and A kept the
	// rest): nothing lost, nothing extra.
	checkMoved := func(restA int) {
		if n := len(uidsOf(folderB)); n != moveBatch {
			b.Fatalf("%s holds %d messages after a move of %d", folderB, n, moveBatch)
		}
		if n := len(uidsOf(folderA)); n != restA {
			b.Fatalf("%s holds %d messages after moving %d out, want %d", folderA, n, moveBatch, restA)
		}
	}
	total := len(uidsOf(folderA))
	round := func() (app, direct []time.Duration) {
		app = append(app, appMove(folderA, folderB, batch(folderA)))
		checkMoved(total - moveBatch)
		app = append(app, appMove(folderB, folderA, uidsOf(folderB)))
		direct = append(direct, rawMove(folderA, folderB, batch(folderA)))
		checkMoved(total - moveBatch)
		direct = append(direct, rawMove(folderB, folderA, uidsOf(folderB)))
		return app, direct
	}
	round() // warm: the session's connection and folder list, raw's SELECTs

	var appTimes, rawTimes []time.Duration
	for b.Loop() {
		a, r := round()
		appTimes = append(appTimes, a...)
		rawTimes = append(rawTimes, r...)
	}
	if n := len(uidsOf(folderB)); n != 0 {
		b.Errorf("%s holds %d messages at the end, want 0", folderB, n)
	}
	am, rm := median(appTimes), median(rawTimes)
	b.ReportMetric(float64(am.Microseconds())/1000, "page-ms")
	b.ReportMetric(float64(rm.Microseconds())/1000, "raw-ms")
	b.ReportMetric(float64(am)/float64(rm), "page/raw")
}

func uidSet(uids []uint32) imap.UIDSet {
	set := make([]imap.UID, len(uids))
	for i, u := range uids {
		set[i] = imap.UID(u)
	}
	return imap.UIDSetNum(set...)
}
