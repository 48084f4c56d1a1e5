package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"techwalk/audit"
	"techwalk/audit/postgres/pgtest"
)

// cutter is a TCP relay to the server that can close every connection it
// relays at once, as a school's Wi-Fi or a server stopped at once does.
type cutter struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newCutter(t *testing.T, to string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln}
	t.Cleanup(func() { ln.Close(); c.cut() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", to)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go io.Copy(out, in)
			go io.Copy(in, out)
		}
	}()
	return c
}

func (c *cutter) port() int { return c.ln.Addr().(*net.TCPAddr).Port }

func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

// TestConnectionCutMidStatementIsOffline: the connection to the hub is
// closed under a pull or push (the server stopped at once, the Wi-Fi
// dropped); the next statement ends in an unexpected EOF, and that is the
// hub being out of reach, not a raw driver error.
func TestConnectionCutMidStatementIsOffline(t *testing.T) {
	srv, dbURL := pgtest.Database(t)
	relay := newCutter(t, "127.0.0.1:"+strconv.Itoa(srv.Port()))
	ctx := context.Background()
	h, err := Open(ctx, strings.Replace(dbURL, ":"+strconv.Itoa(srv.Port()), ":"+strconv.Itoa(relay.port()), 1))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	relay.cut()
	_, err = conn.Exec(ctx, "SELECT $1::int", 1)
	if err == nil {
		t.Fatal("a statement on a closed connection succeeded")
	}
	if err := h.wrap(err); !errors.Is(err, audit.ErrHubUnreachable) {
		t.Errorf("%v, want ErrHubUnreachable", err)
	}
}
