package demo

import (
	"net"
	"sync"
)

// trackingListener remembers the connections it hands out, so Close can drop
// them all even when the server library has not registered them yet, and
// refuses new ones once closed.
type trackingListener struct {
	net.Listener
	onAccept func() // called for each connection handed out, under mu

	mu     sync.Mutex
	closed bool
	conns  map[*trackedConn]struct{}
}

func newTrackingListener(l net.Listener, onAccept func()) *trackingListener {
	return &trackingListener{
		Listener: l,
		onAccept: onAccept,
		conns:    make(map[*trackedConn]struct{}),
	}
}

// Accept waits for the next connection.
func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	tc := &trackedConn{Conn: c, l: l}
	l.conns[tc] = struct{}{}
	if l.onAccept != nil {
		l.onAccept()
	}
	return tc, nil
}

// Close stops accepting. It is idempotent: the servers close their
// listeners again when they shut down.
func (l *trackingListener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	return l.Listener.Close()
}

// closeAll closes the listener and every connection it handed out.
func (l *trackingListener) closeAll() error {
	err := l.Close()
	l.mu.Lock()
	conns := make([]*trackedConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		c.Conn.Close() // the server's own Close of the wrapper removes it from the map
	}
	return err
}

// trackedConn removes itself from its listener's set when closed.
type trackedConn struct {
	net.Conn
	l    *trackingListener
	once sync.Once
}

// Close closes the connection.
func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
