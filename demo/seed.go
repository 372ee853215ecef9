package demo

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message/mail"
)

// FolderCount is what the seed puts in one folder.
type FolderCount struct {
	Messages int // total messages
	Unseen   int // without \Seen
	Flagged  int // with \Flagged
}

// SeedSummary returns, for an account address, the content of each of its
// folders right after Start with Seed: true. Every account has the same
// folders; an address the seed does not know gets zero counts. The counts do
// not depend on Options.Now or on which other accounts exist.
func SeedSummary(address string) map[string]FolderCount {
	addr := strings.ToLower(strings.TrimSpace(address))
	out := make(map[string]FolderCount)
	for _, f := range Folders() {
		out[f] = FolderCount{}
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, wib)
	for _, pl := range placements(corpus(now)) {
		if pl.acct != addr {
			continue
		}
		c := out[pl.folder]
		c.Messages++
		if !hasFlag(pl.flags, imap.FlagSeen) {
			c.Unseen++
		}
		if hasFlag(pl.flags, imap.FlagFlagged) {
			c.Flagged++
		}
		out[pl.folder] = c
	}
	return out
}

// Folders lists the folders every demo account has, INBOX first.
func Folders() []string {
	return []string{FolderInbox, FolderSent, FolderDrafts, FolderJunk, FolderTrash, FolderArchive, FolderProject, FolderProjectSPBE}
}

// wib is Western Indonesia Time (Pematangsiantar), UTC+7.
var wib = time.FixedZone("WIB", 7*60*60)

// person is a sender or recipient of seed mail.
type person struct {
	name, addr string
}

func (p person) address() *mail.Address { return &mail.Address{Name: p.name, Address: p.addr} }

// local reports whether p is in the city's mail domain.
func (p person) local() bool { return strings.HasSuffix(p.addr, "@"+Domain) }

// seedMessage is one message of the demo corpus and the rules that decide
// where its copies go: the sender's copy in Sent (Drafts for a draft), each
// local recipient's in INBOX unless folder says otherwise.
type seedMessage struct {
	key         string    // unique; the Message-ID is derived from it
	at          stamp     // when, relative to Options.Now
	date        time.Time // resolved from at
	from        person
	to, cc, bcc []person
	toHeader    string // replaces To: when set, e.g. "undisclosed-recipients:;"
	subject     string
	replyTo     *seedMessage
	extra       [][2]string // additional header fields, in order
	text        string      // plain-text body, also quoted by replies
	body        *part       // MIME body; nil = text only
	raw         []byte      // the whole message, prebuilt (legacy charsets)

	draft   bool
	folder  map[string]string // local part (or "*") -> folder for received copies
	unread  []string          // local parts whose copy is unseen whatever its age
	read    []string          // local parts whose copy is seen whatever its age
	flagged []string          // local parts whose copy is \Flagged

	built []byte
}

func (m *seedMessage) messageID() string {
	return fmt.Sprintf("<%s.%s@%s>", m.key, m.date.Format("20060102T1504"), domainOf(m.from.addr))
}

// references is the References list of a reply (RFC 5322 §3.6.4).
func (m *seedMessage) references() []string {
	if m.replyTo == nil {
		return nil
	}
	return append(m.replyTo.references(), m.replyTo.messageID())
}

// bytes builds the message once.
func (m *seedMessage) bytes() ([]byte, error) {
	if m.built != nil {
		return m.built, nil
	}
	if m.raw != nil {
		m.built = []byte(crlf(string(m.raw)))
		return m.built, nil
	}
	var h mail.Header
	h.SetDate(m.date)
	h.SetAddressList("From", []*mail.Address{m.from.address()})
	if m.toHeader != "" {
		h.Set("To", m.toHeader)
	} else if len(m.to) > 0 {
		h.SetAddressList("To", addresses(m.to))
	}
	if len(m.cc) > 0 {
		h.SetAddressList("Cc", addresses(m.cc))
	}
	h.SetSubject(m.subject)
	h.Set("Message-ID", m.messageID())
	if m.replyTo != nil {
		h.Set("In-Reply-To", m.replyTo.messageID())
		h.Set("References", strings.Join(m.references(), " "))
	}
	body := m.body
	if body == nil {
		body = textPart(m.text)
	}
	var fields [][2]string
	for _, k := range []string{"Date", "From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References"} {
		if v := h.Get(k); v != "" {
			fields = append(fields, [2]string{k, v})
		}
	}
	fields = append(fields, m.extra...)
	var buf bytes.Buffer
	if err := writeMessage(&buf, fields, body, m.key); err != nil {
		return nil, fmt.Errorf("build %s: %w", m.key, err)
	}
	m.built = buf.Bytes()
	return m.built, nil
}

func addresses(ps []person) []*mail.Address {
	out := make([]*mail.Address, len(ps))
	for i, p := range ps {
		out[i] = p.address()
	}
	return out
}

func domainOf(addr string) string { return addr[strings.LastIndexByte(addr, '@')+1:] }

func localPart(addr string) string { return addr[:strings.LastIndexByte(addr, '@')] }

// stamp is a message time relative to the reference time: office hours a
// number of days ago, or a number of minutes ago (today's mail).
type stamp struct {
	days, hour, min int
	minutesAgo      int
	anyDay          bool // automated mail: weekends too
}

// resolve turns s into a time, in WIB, to the second.
func (s stamp) resolve(now time.Time) time.Time {
	now = now.In(wib).Truncate(time.Second)
	if s.minutesAgo > 0 {
		return now.Add(-time.Duration(s.minutesAgo) * time.Minute)
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, wib)
	t := midnight.AddDate(0, 0, -s.days).Add(time.Duration(s.hour)*time.Hour + time.Duration(s.min)*time.Minute)
	for !s.anyDay && (t.Weekday() == time.Saturday || t.Weekday() == time.Sunday) {
		t = t.AddDate(0, 0, -1) // people write on working days
	}
	if !t.Before(now) { // only possible for days == 0
		t = now.Add(-time.Minute)
	}
	return t
}

// days returns a stamp hh:mm WIB, d days before the reference day, moved
// back to the Friday if that falls on a weekend.
func days(d, hh, mm int) stamp { return stamp{days: d, hour: hh, min: mm} }

// anyDay is days for automated mail, which arrives at weekends too.
func anyDay(d, hh, mm int) stamp { return stamp{days: d, hour: hh, min: mm, anyDay: true} }

// minutesAgo returns a stamp m minutes before the reference time.
func minutesAgo(m int) stamp { return stamp{minutesAgo: m} }

// placement is one copy of a seed message in one folder of one account.
type placement struct {
	acct   string // address
	folder string
	flags  []imap.Flag
	msg    *seedMessage
}

// placements decides every copy of every message, oldest first.
func placements(msgs []*seedMessage) []placement {
	// A message answered by a later reply from one of its recipients gets
	// \Answered in that recipient's copy.
	answered := make(map[*seedMessage]map[string]bool)
	for _, m := range msgs {
		if m.replyTo != nil && !m.draft {
			if answered[m.replyTo] == nil {
				answered[m.replyTo] = make(map[string]bool)
			}
			answered[m.replyTo][m.from.addr] = true
		}
	}

	var out []placement
	for _, m := range msgs {
		if m.from.local() {
			pl := placement{acct: m.from.addr, folder: FolderSent, flags: []imap.Flag{imap.FlagSeen}, msg: m}
			if m.draft {
				pl.folder = FolderDrafts
				pl.flags = append(pl.flags, imap.FlagDraft)
			}
			if answered[m][m.from.addr] {
				pl.flags = append(pl.flags, imap.FlagAnswered)
			}
			out = append(out, pl)
		}
		if m.draft {
			continue
		}
		seen := map[string]bool{m.from.addr: true}
		for _, r := range append(append(append([]person(nil), m.to...), m.cc...), m.bcc...) {
			if !r.local() || seen[r.addr] {
				continue
			}
			seen[r.addr] = true
			lp := localPart(r.addr)
			folder := FolderInbox
			if f, ok := m.folder[lp]; ok {
				folder = f
			} else if f, ok := m.folder["*"]; ok {
				folder = f
			}
			unseen := m.at.days < 7 // the last week's mail is still unread
			switch {
			case contains(m.unread, lp):
				unseen = true
			case contains(m.read, lp), folder == FolderTrash:
				unseen = false
			case folder == FolderJunk:
				unseen = true
			}
			var flags []imap.Flag
			if !unseen {
				flags = append(flags, imap.FlagSeen)
			}
			if contains(m.flagged, lp) {
				flags = append(flags, imap.FlagFlagged)
			}
			if answered[m][r.addr] {
				flags = append(flags, imap.FlagAnswered)
			}
			out = append(out, placement{acct: r.addr, folder: folder, flags: flags, msg: m})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].msg.date.Before(out[j].msg.date) })
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

// seed appends the corpus to the accounts that exist, oldest first, with
// INTERNALDATE equal to the Date header, so arrival order is date order.
func (b *Backend) seed(now time.Time) error {
	for _, pl := range placements(corpus(now)) {
		acct := b.accounts[pl.acct]
		if acct == nil {
			continue
		}
		raw, err := pl.msg.bytes()
		if err != nil {
			return err
		}
		if _, err := acct.append(pl.folder, pl.flags, pl.msg.date, raw); err != nil {
			return fmt.Errorf("append %s to %s %q: %w", pl.msg.key, pl.acct, pl.folder, err)
		}
	}
	return nil
}
