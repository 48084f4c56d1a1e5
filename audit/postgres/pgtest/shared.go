package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// shared is the one server of a test package, started by the first test
// that needs it and stopped by Main after the last.
var shared struct {
	once    sync.Once
	srv     *Server
	err     error
	inMain  atomic.Bool
	counter atomic.Int64
}

// Main runs a test package's tests and then stops the shared server, if a
// test started it. Use it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	shared.inMain.Store(true)
	defer stopShared()
	return m.Run()
}

func stopShared() {
	if shared.srv != nil {
		shared.srv.Stop()
	}
}

// Shared returns the package's running server, starting it on first use.
// Without PostgreSQL the test is skipped, or fails when RequireEnv is 1.
func Shared(t testing.TB) *Server {
	t.Helper()
	if !shared.inMain.Load() {
		t.Fatal("pgtest: the test package's TestMain must run the tests through pgtest.Main, which stops the server")
	}
	shared.once.Do(func() { shared.srv, shared.err = Start() })
	switch {
	case errors.Is(shared.err, ErrNoPostgres) && os.Getenv(RequireEnv) != "1":
		t.Skipf("%v; set up with 'make setup' to run the hub tests", shared.err)
	case shared.err != nil:
		t.Fatalf("pgtest: %v", shared.err)
	}
	return shared.srv
}

// Database creates a new empty database on the shared server for one test,
// dropped when the test ends, and returns the superuser's URL to it.
func Database(t testing.TB) (*Server, string) {
	t.Helper()
	srv := Shared(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), shared.counter.Add(1))
	if err := srv.Exec("postgres", "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Exec("postgres", "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return srv, srv.URL(name)
}

// Exec runs SQL as the superuser in database db.
func (s *Server) Exec(db, sql string, args ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL(db))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// NewLogin creates a login role with a fresh name starting with prefix and
// a random password, member of the given roles, and returns its name and
// password. Roles belong to the whole cluster, so names never repeat.
func (s *Server) NewLogin(t testing.TB, prefix string, memberOf ...string) (name, password string) {
	t.Helper()
	name = fmt.Sprintf("%s_%d", prefix, shared.counter.Add(1))
	password = randomHex(12)
	sql := fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", name, password)
	for i, r := range memberOf {
		if i == 0 {
			sql += " IN ROLE "
		} else {
			sql += ", "
		}
		sql += pgx.Identifier{r}.Sanitize()
	}
	if err := s.Exec("postgres", sql); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return name, password
}
