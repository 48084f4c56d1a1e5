// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb
// into a temporary folder, the server on a free loopback port with its
// sockets in that folder and TLS from a throwaway certificate authority,
// as the unprivileged postgres user when the tests run as root. The server is a child of the test process (not pg_ctl's
// daemon), so it is stopped on every way out: Stop, the end of TestMain,
// and the test process dying of a panic or a kill (the parent-death signal).
//
// Without PostgreSQL installed, Database skips the test with a clear message,
// unless TECHWALK_REQUIRE_PG=1 (make test sets it), where it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the environment variable that turns a missing or broken
// PostgreSQL into a test failure instead of a skip.
const RequireEnv = "TECHWALK_REQUIRE_PG"

// AdminUser is the cluster's superuser.
const AdminUser = "hubadmin"

// ErrNoPostgres is returned when no PostgreSQL server binaries are installed.
var ErrNoPostgres = errors.New("PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH; make test installs it)")

// Server is one running throwaway cluster.
type Server struct {
	dir      string
	bin      string
	port     int
	password string
	cmd      *exec.Cmd
	exited   chan struct{}
	waitErr  error
	hold     *os.File // the folder's lock, held while the cluster is in use
}

// dirPrefix starts the name of every cluster folder under os.TempDir.
const dirPrefix = "techwalk-pg-"

// removeAbandoned removes the cluster folders of test processes that died
// without Stop (a panic or kill leaves the folder; the server itself goes
// with the process): those whose lock nobody holds. A folder without its
// certificates yet may be one another process has just made and not yet
// locked, so it stays.
func removeAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "root.crt")); err != nil {
			continue
		}
		if f, err := holdDir(dir); err == nil {
			os.RemoveAll(dir)
			f.Close()
		}
	}
}

// Start creates a cluster in a new temporary folder and starts its server.
// The caller must Stop it; Stop also removes the folder.
func Start() (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	owner, err := serverUser()
	if err != nil {
		return nil, err
	}
	removeAbandoned()
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin, password: randomHex(16)}
	if s.hold, err = holdDir(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := writeCerts(dir, owner); err != nil {
		s.Stop()
		return nil, err
	}
	if err := s.initdb(owner); err != nil {
		s.Stop()
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		s.port = 0 // another free port on each attempt
		err = s.start(owner)
		if err == nil || attempt == 2 || !strings.Contains(s.logTail(), "could not bind") {
			break
		}
	}
	if err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// findBin returns the folder holding initdb and postgres: the newest
// /usr/lib/postgresql/N/bin, else the folder of initdb on PATH.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoPostgres
}

// version is the major version in /usr/lib/postgresql/N/bin.
func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func (s *Server) initdb(owner *account) error {
	if err := owner.chown(s.dir); err != nil {
		return err
	}
	pwfile := filepath.Join(s.dir, "pw")
	if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
		return err
	}
	if err := owner.chown(pwfile); err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(s.bin, "initdb"), "-D", s.dataDir(), "-U", AdminUser, "--pwfile", pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")
	cmd.Dir = s.dir
	owner.runAs(cmd, false)
	out, err := cmd.CombinedOutput()
	os.Remove(pwfile)
	if err != nil {
		return fmt.Errorf("initdb in %s: %v: %s", s.dir, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

func (s *Server) logFile() string { return filepath.Join(s.dir, "server.log") }

// start runs the server on a free loopback port and waits until it
// accepts connections.
func (s *Server) start(owner *account) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	if s.port != 0 { // a restart keeps the port
		port = s.port
	}
	s.port = port
	log, err := os.OpenFile(s.logFile(), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), "-D", s.dataDir(), "-p", strconv.Itoa(port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=60", "-c", "shared_buffers=32MB",
		"-c", "ssl=on", "-c", "ssl_cert_file="+filepath.Join(s.dir, "server.crt"), "-c", "ssl_key_file="+filepath.Join(s.dir, "server.key"))
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = log, log
	owner.runAs(cmd, true)
	if err := s.run(cmd); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	return s.waitReady(30 * time.Second)
}

// run starts cmd from a goroutine that then waits for it, holding its OS
// thread: Linux sends the parent-death signal when the thread that started
// the child ends, so that thread must live as long as the server.
func (s *Server) run(cmd *exec.Cmd) error {
	started := make(chan error)
	s.exited = make(chan struct{})
	go func() {
		lockThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		s.cmd = cmd
		started <- nil
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	return <-started
}

// waitReady polls until the server accepts a connection, it exits, or
// the time is up.
func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited (%v): %s", s.waitErr, s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections within %s (%v): %s", limit, err, s.logTail())
		}
	}
}

// logTail is the end of the server's log, for error messages.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logFile())
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// PID is the server's process id (0 when it is not running).
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Port is the loopback TCP port the server listens on.
func (s *Server) Port() int { return s.port }

// Dir is the cluster's temporary folder (data, log and sockets).
func (s *Server) Dir() string { return s.dir }

// BinDir is the folder of the PostgreSQL programs the cluster runs.
func (s *Server) BinDir() string { return s.bin }

// Password is the superuser's password.
func (s *Server) Password() string { return s.password }

// URL is a connection URL for the superuser to database db over TCP.
func (s *Server) URL(db string) string {
	return s.UserURL(AdminUser, s.password, db)
}

// UserURL is a connection URL for user with password to database db.
func (s *Server) UserURL(user, password, db string) string {
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)), Path: "/" + db,
		RawQuery: "sslmode=disable"}
	if password == "" {
		u.User = url.User(user)
	} else {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// Restart shuts the server down (fast: the connections are cut, as for
// pg_ctl restart) and starts it again on the same port with the same data.
func (s *Server) Restart() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return errors.New("pgtest: the server is not running")
	}
	s.signalUntilExit()
	owner, err := serverUser()
	if err != nil {
		return err
	}
	return s.start(owner)
}

// Stop shuts the server down (fast, then immediate, then killed) and
// removes the cluster's folder. It is safe to call more than once.
func (s *Server) Stop() error {
	if s.cmd != nil && s.cmd.Process != nil {
		s.signalUntilExit()
	}
	if s.dir == "" {
		return nil
	}
	err := os.RemoveAll(s.dir)
	s.dir = ""
	if s.hold != nil {
		s.hold.Close()
	}
	return err
}

// signalUntilExit asks the server to stop: SIGINT (fast shutdown), then
// SIGQUIT (immediate), then SIGKILL of its process group.
func (s *Server) signalUntilExit() {
	steps := []struct {
		sig  stopSignal
		wait time.Duration
	}{{stopFast, 10 * time.Second}, {stopImmediate, 5 * time.Second}, {stopKill, 5 * time.Second}}
	for _, step := range steps {
		select {
		case <-s.exited:
			return
		default:
		}
		signalServer(s.cmd.Process, step.sig)
		select {
		case <-s.exited:
			return
		case <-time.After(step.wait):
		}
	}
}
