package imapclient

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Credentials identify a browser session and the account it signs in as.
type Credentials struct {
	SessionID string
	Username  string
	Password  string
}

// CacheOptions bound the connection cache.
type CacheOptions struct {
	// IdleTimeout closes a connection unused for this long (default 5m).
	IdleTimeout time.Duration
	// MaxAge closes a connection this long after login even if busy, so a
	// password changed elsewhere ends this session too (default 15m).
	MaxAge time.Duration
	// MaxConns caps the cached connections of the process (default 500).
	MaxConns int
	// Logger receives connection events (default slog.Default()).
	Logger *slog.Logger
}

// Cache keeps logged-in IMAP connections keyed by session id, so a request
// does not pay for TLS and LOGIN each time. It is an optimisation only: a
// miss dials again, so any instance can serve any session.
type Cache struct {
	cfg  Config
	opts CacheOptions

	mu      sync.Mutex
	entries map[string]*entry
	closed  bool
	stop    chan struct{}
	done    chan struct{}

	// Counters for Stats.
	dials, redials atomic.Uint64
}

// CacheStats are counters of a Cache since it was made, for monitoring.
type CacheStats struct {
	// Conns is the number of cached connections now.
	Conns int
	// Dials counts connections opened and logged in (sign-ins, a
	// session's first request on this instance, re-logins after MaxAge).
	Dials uint64
	// Redials counts connections dialled again because the server
	// dropped the previous one (before or during a request).
	Redials uint64
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	return CacheStats{Conns: c.Len(), Dials: c.dials.Load(), Redials: c.redials.Load()}
}

// entry is one session's connection. The token channel (capacity one)
// serializes the session's requests: a connection has one selected mailbox,
// so two requests must never interleave on it.
type entry struct {
	token    chan struct{}
	conn     *conn // guarded by token
	retired  bool  // guarded by token: no longer in the cache
	username string
	passHash [32]byte
	// loggedIn and lastUsed are Unix nanoseconds, read by the janitor
	// without the token.
	loggedIn atomic.Int64
	lastUsed atomic.Int64
}

func newEntry(username string, passHash [32]byte) *entry {
	e := &entry{token: make(chan struct{}, 1), username: username, passHash: passHash}
	e.lastUsed.Store(time.Now().UnixNano())
	return e
}

func (e *entry) idleFor(now time.Time) time.Duration {
	return now.Sub(time.Unix(0, e.lastUsed.Load()))
}

func (e *entry) age(now time.Time) time.Duration {
	return now.Sub(time.Unix(0, e.loggedIn.Load()))
}

// NewCache returns a cache that dials cfg's server.
func NewCache(cfg Config, opts CacheOptions) *Cache {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 5 * time.Minute
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 15 * time.Minute
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 500
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	c := &Cache{
		cfg:     cfg,
		opts:    opts,
		entries: make(map[string]*entry),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go c.janitor()
	return c
}

// Login dials and logs in afresh (so the password is really checked) and
// caches the connection for the session. Errors wrap ErrAuthFailed,
// ErrMustChangePassword or ErrUnavailable.
func (c *Cache) Login(ctx context.Context, cr Credentials) error {
	cn, err := dial(ctx, &c.cfg, cr.Username, cr.Password)
	if err != nil {
		return err
	}
	c.dials.Add(1)
	e := newEntry(cr.Username, sha256.Sum256([]byte(cr.Password)))
	e.conn = cn
	e.loggedIn.Store(time.Now().UnixNano())
	c.mu.Lock()
	old := c.entries[cr.SessionID]
	if c.closed || !c.makeRoomLocked() {
		c.mu.Unlock()
		cn.close()
		return nil
	}
	c.entries[cr.SessionID] = e
	c.mu.Unlock()
	if old != nil {
		go c.retire(old)
	}
	return nil
}

// Drop closes and forgets the session's connection (sign-out).
func (c *Cache) Drop(sessionID string) {
	c.mu.Lock()
	e := c.entries[sessionID]
	delete(c.entries, sessionID)
	c.mu.Unlock()
	if e != nil {
		go c.retire(e)
	}
}

// DropAccount closes and forgets every cached connection of the account,
// whatever the session, and returns how many there were. After a password
// change, the account's other sessions in this process then have to log in
// again with the password in their cookies, which no longer works; other
// instances find out when their connections reach MaxAge.
func (c *Cache) DropAccount(username string) int {
	var gone []*entry
	c.mu.Lock()
	for id, e := range c.entries {
		if strings.EqualFold(e.username, username) {
			delete(c.entries, id)
			gone = append(gone, e)
		}
	}
	c.mu.Unlock()
	for _, e := range gone {
		go c.retire(e)
	}
	return len(gone)
}

// Len returns the number of cached connections.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Close closes every cached connection and stops the janitor.
func (c *Cache) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	entries := c.entries
	c.entries = map[string]*entry{}
	c.mu.Unlock()
	close(c.stop)
	<-c.done
	for _, e := range entries {
		c.retire(e)
	}
}

// Session returns a handle for one browser session's requests.
func (c *Cache) Session(cr Credentials) *Session {
	return &Session{cache: c, cr: cr}
}

// retire waits for the entry to be free, then closes its connection.
func (c *Cache) retire(e *entry) {
	e.token <- struct{}{}
	e.retired = true
	if e.conn != nil {
		e.conn.close()
		e.conn = nil
	}
	<-e.token
}

// makeRoomLocked evicts the least recently used idle entry when the cache
// is full; it reports false when every entry is busy.
func (c *Cache) makeRoomLocked() bool {
	if len(c.entries) < c.opts.MaxConns {
		return true
	}
	var oldestID string
	var oldest *entry
	for id, e := range c.entries {
		if len(e.token) == 0 && (oldest == nil || e.lastUsed.Load() < oldest.lastUsed.Load()) {
			oldestID, oldest = id, e
		}
	}
	if oldest == nil {
		return false
	}
	delete(c.entries, oldestID)
	go c.retire(oldest)
	return true
}

// janitor closes connections idle past IdleTimeout or older than MaxAge.
func (c *Cache) janitor() {
	defer close(c.done)
	tick := time.NewTicker(min(c.opts.IdleTimeout, c.opts.MaxAge) / 4)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case now := <-tick.C:
			var stale []*entry
			c.mu.Lock()
			for id, e := range c.entries {
				if len(e.token) == 0 && (e.idleFor(now) > c.opts.IdleTimeout || e.age(now) > c.opts.MaxAge) {
					delete(c.entries, id)
					stale = append(stale, e)
				}
			}
			c.mu.Unlock()
			for _, e := range stale {
				c.retire(e)
			}
		}
	}
}

// Session runs one browser session's IMAP work on its cached connection.
// Its methods are safe for concurrent use; requests of one session are
// serialized.
type Session struct {
	cache *Cache
	cr    Credentials
}

// errNotRetryable marks a failure after which the work may be run again on a
// fresh connection.
var errNotRetryable = errors.New("not retryable")

// do runs fn on the session's connection, dialling on a cache miss and
// redialling once when the connection turns out to have dropped.
func (s *Session) do(ctx context.Context, fn func(*conn) error) error {
	c := s.cache
	e, cached := c.acquire(s.cr)
	if err := e.lock(ctx); err != nil {
		return err
	}
	defer e.unlock()
	if !cached || e.retired {
		// Not in the cache (full, or closed): a connection for this
		// request only.
		defer func() {
			if e.conn != nil {
				e.conn.close()
				e.conn = nil
			}
		}()
	}
	for attempt := 0; ; attempt++ {
		headerRows := false
		if e.conn == nil || e.conn.closed() || e.age(time.Now()) > c.opts.MaxAge {
			if e.conn != nil {
				if e.conn.closed() {
					c.redials.Add(1)
				}
				headerRows = e.conn.headerRows
				e.conn.close()
			}
			cn, err := dial(ctx, &c.cfg, s.cr.Username, s.cr.Password)
			if err != nil {
				e.conn = nil
				return err
			}
			c.dials.Add(1)
			e.conn = cn
			e.loggedIn.Store(time.Now().UnixNano())
		}
		// Only the retry of the request whose list broke the connection.
		e.conn.headerRows = headerRows && attempt > 0
		err := fn(e.conn)
		e.lastUsed.Store(time.Now().UnixNano())
		// Errors of go-imap commands come through conn.wrap, which
		// waits for a broken connection to be closed.
		dropped := err != nil && e.conn.closed()
		if err == nil || !dropped || attempt > 0 || errors.Is(err, errNotRetryable) {
			if dropped {
				err = fmt.Errorf("%w: %w", ErrUnavailable, err)
			}
			return err
		}
		c.opts.Logger.Info("imap connection dropped, redialling", "account", s.cr.Username, "err", err)
	}
}

// acquire returns the session's entry, creating it when missing and
// replacing it when the credentials differ from the ones it logged in with.
func (c *Cache) acquire(cr Credentials) (*entry, bool) {
	hash := sha256.Sum256([]byte(cr.Password))
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[cr.SessionID]
	if e != nil && e.username == cr.Username && subtle.ConstantTimeCompare(e.passHash[:], hash[:]) == 1 {
		return e, true
	}
	if e != nil {
		delete(c.entries, cr.SessionID)
		go c.retire(e)
	}
	e = newEntry(cr.Username, hash)
	if c.closed || !c.makeRoomLocked() {
		return e, false
	}
	c.entries[cr.SessionID] = e
	return e, true
}

// lock takes the entry's token, giving up when ctx ends.
func (e *entry) lock(ctx context.Context) error {
	select {
	case e.token <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the session's IMAP connection: %w", ctx.Err())
	}
}

func (e *entry) unlock() { <-e.token }
