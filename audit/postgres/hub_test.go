package postgres

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/postgres/pgtest"
)

// migrateChildEnv tells a re-executed test binary to migrate the hub at
// the URL it holds and exit, as another device's 'hub init' would.
const migrateChildEnv = "TECHWALK_HUB_MIGRATE_CHILD"

func TestMain(m *testing.M) {
	if url := os.Getenv(migrateChildEnv); url != "" {
		os.Exit(migrateChild(url))
	}
	os.Exit(pgtest.Main(m))
}

func migrateChild(url string) int {
	ctx := context.Background()
	h, err := Open(ctx, url)
	if err == nil {
		_, _, err = h.Migrate(ctx)
		h.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// openHub opens url, failing the test on error, and closes it at the end.
func openHub(t *testing.T, url string) *Hub {
	t.Helper()
	h, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// initHub returns a new database on the shared server with the hub schema.
func initHub(t *testing.T) (*pgtest.Server, string) {
	t.Helper()
	srv, url := pgtest.Database(t)
	if _, _, err := openHub(t, url).Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv, url
}

func TestMigrateSetsUpAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	_, url := pgtest.Database(t)
	h := openHub(t, url)
	if v, err := h.Version(ctx); err != nil || v != 0 {
		t.Fatalf("a fresh database is at version %d (%v), want 0", v, err)
	}
	if _, err := h.Status(ctx); !errors.Is(err, audit.ErrHubNotSetUp) {
		t.Fatalf("status of a fresh database: %v, want ErrHubNotSetUp", err)
	}
	from, to, err := h.Migrate(ctx)
	if err != nil || from != 0 || to != Latest() {
		t.Fatalf("Migrate = %d -> %d, %v; want 0 -> %d", from, to, err, Latest())
	}
	from, to, err = h.Migrate(ctx)
	if err != nil || from != Latest() || to != Latest() {
		t.Fatalf("second Migrate = %d -> %d, %v; want nothing to do at %d", from, to, err, Latest())
	}
	st, err := h.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != Latest() || len(st.Counts) != len(countedTables) || st.Login != pgtest.AdminUser {
		t.Fatalf("status = %+v", st)
	}
	for _, c := range st.Counts {
		if c.Rows != 0 {
			t.Errorf("fresh hub has %d %s", c.Rows, c.Table)
		}
	}
}

// TestConcurrentMigrate sets up one hub from eight connections at once, as
// eight devices running 'hub init' together would: the advisory lock makes
// them take turns, each migration is applied once, and all succeed.
func TestConcurrentMigrate(t *testing.T) {
	ctx := context.Background()
	_, refURL := initHub(t)
	want := policyCount(t, refURL)

	_, url := pgtest.Database(t)
	const devices = 8
	hubs := make([]*Hub, devices)
	for i := range hubs {
		hubs[i] = openHub(t, url)
	}
	start := make(chan struct{})
	errs := make([]error, devices)
	var wg sync.WaitGroup
	for i, h := range hubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, errs[i] = h.Migrate(ctx)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("device %d: %v", i, err)
		}
	}
	if v, err := hubs[0].Version(ctx); err != nil || v != Latest() {
		t.Fatalf("version after concurrent init = %d (%v), want %d", v, err, Latest())
	}
	if got := policyCount(t, url); got != want {
		t.Fatalf("concurrent init made %d policies, one init makes %d", got, want)
	}
}

// TestConcurrentMigrateProcesses runs 'hub init' from four processes at
// once on one new hub.
func TestConcurrentMigrateProcesses(t *testing.T) {
	_, refURL := initHub(t)
	want := policyCount(t, refURL)
	_, url := pgtest.Database(t)
	cmds := make([]*exec.Cmd, 4)
	outs := make([]*strings.Builder, len(cmds))
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^$")
		cmds[i].Env = append(os.Environ(), migrateChildEnv+"="+url)
		outs[i] = &strings.Builder{}
		cmds[i].Stderr = outs[i]
	}
	for _, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v: %s", i, err, outs[i])
		}
	}
	if v, err := openHub(t, url).Version(context.Background()); err != nil || v != Latest() {
		t.Fatalf("version after init from %d processes = %d (%v), want %d", len(cmds), v, err, Latest())
	}
	if got := policyCount(t, url); got != want {
		t.Fatalf("init from %d processes made %d policies, one init makes %d", len(cmds), got, want)
	}
}

// policyCount counts the row-level security policies on the hub's tables.
func policyCount(t *testing.T, url string) int {
	t.Helper()
	h := openHub(t, url)
	var n int
	if err := h.pool.QueryRow(context.Background(), "SELECT count(*) FROM pg_policies WHERE schemaname = 'techwalk'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the hub has no policies")
	}
	return n
}

func TestNewerHubIsRefused(t *testing.T) {
	ctx := context.Background()
	_, url := initHub(t)
	h := openHub(t, url)
	if _, err := h.pool.Exec(ctx, "UPDATE techwalk.hub_schema SET version = $1", Latest()+1); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, url)
	if !errors.Is(err, audit.ErrHubNewer) {
		t.Fatalf("Open of a newer hub: %v, want ErrHubNewer", err)
	}
	if !strings.Contains(err.Error(), "schema "+strconv.Itoa(Latest()+1)) {
		t.Errorf("the refusal does not name the hub's version: %v", err)
	}
	if _, _, err := h.Migrate(ctx); !errors.Is(err, audit.ErrHubNewer) {
		t.Fatalf("Migrate of a newer hub: %v, want ErrHubNewer", err)
	}
	if v, _ := h.Version(ctx); v != Latest()+1 {
		t.Fatalf("refusing changed the version to %d", v)
	}
}

func TestLoadMigrationsRefusesGaps(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "migrations"), 0o755)
	for _, name := range []string{"0001_a.sql", "0003_c.sql"} {
		os.WriteFile(filepath.Join(dir, "migrations", name), []byte("SELECT 1;"), 0o644)
	}
	if _, err := loadMigrations(os.DirFS(dir)); err == nil || !strings.Contains(err.Error(), "0003_c.sql") {
		t.Fatalf("a gap in the numbering: %v", err)
	}
}

// TestPasswordNeverInErrors connects with a wrong password, to a closed
// port and with a broken URL: each error is classified and none shows the
// password.
func TestPasswordNeverInErrors(t *testing.T) {
	srv, _ := pgtest.Database(t)
	secret := "S3cr3t-p@ss/wörd"
	closed := closedPort(t)
	cases := []struct {
		name string
		url  string
		kind error
	}{
		{"wrong password", srv.UserURL(pgtest.AdminUser, secret, "postgres"), audit.ErrHubBadLogin},
		{"unreachable", strings.Replace(srv.UserURL(pgtest.AdminUser, secret, "postgres"), ":"+strconv.Itoa(srv.Port()), ":"+closed, 1), audit.ErrHubUnreachable},
		{"broken URL", "postgres://" + pgtest.AdminUser + ":" + url.PathEscape(secret) + "@127.0.0.1:notaport/db", nil},
		{"key=value", "host=127.0.0.1 port=" + closed + " user=x password=" + url.PathEscape(secret) + " connect_timeout=5", audit.ErrHubUnreachable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := Open(ctx, c.url)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if c.kind != nil && !errors.Is(err, c.kind) {
				t.Errorf("error %v is not %v", err, c.kind)
			}
			for _, form := range []string{secret, url.PathEscape(secret), url.QueryEscape(secret)} {
				if strings.Contains(err.Error(), form) {
					t.Fatalf("the error shows the password: %v", err)
				}
			}
		})
	}
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	return port
}

// TestLibpqEnvironment connects with an empty URL: host, port, user and
// database from PG* variables and the password from a pgpass file.
func TestLibpqEnvironment(t *testing.T) {
	srv, dbURL := initHub(t)
	u, _ := url.Parse(dbURL)
	db := strings.TrimPrefix(u.Path, "/")
	pass := filepath.Join(t.TempDir(), "pgpass")
	line := fmt.Sprintf("127.0.0.1:%d:%s:%s:%s\n", srv.Port(), db, pgtest.AdminUser, srv.Password())
	if err := os.WriteFile(pass, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"PGHOST": "127.0.0.1", "PGPORT": strconv.Itoa(srv.Port()), "PGUSER": pgtest.AdminUser,
		"PGDATABASE": db, "PGSSLMODE": "disable", "PGPASSFILE": pass} {
		t.Setenv(k, v)
	}
	for _, raw := range []string{"", "postgres:///" + db} {
		h := openHub(t, raw)
		st, err := h.Status(context.Background())
		if err != nil || st.Version != Latest() {
			t.Fatalf("%q: status %+v, %v", raw, st, err)
		}
		if h.Target() != fmt.Sprintf("%s@127.0.0.1:%d/%s", pgtest.AdminUser, srv.Port(), db) {
			t.Errorf("target = %q", h.Target())
		}
	}
}

func TestRedactAndSaveableURL(t *testing.T) {
	cases := []struct{ in, redacted, saved string }{
		{"postgres://alice:pw@hub.district.org:5432/techwalk?sslmode=verify-full",
			"postgres://alice:xxxxx@hub.district.org:5432/techwalk?sslmode=verify-full",
			"postgres://alice@hub.district.org:5432/techwalk?sslmode=verify-full"},
		{"postgresql://alice@hub/techwalk?password=pw&sslmode=verify-full",
			"postgresql://alice@hub/techwalk?password=xxxxx&sslmode=verify-full",
			"postgresql://alice@hub/techwalk?sslmode=verify-full"},
		{"host=hub user=alice password=pw dbname=techwalk", "host=hub user=alice password=xxxxx dbname=techwalk", ""},
		{"host=hub password = 'a b\\' c' user=alice", "host=hub password=xxxxx user=alice", ""},
		{"postgres://alice:p@ss@hub:notaport/db?password=pw", "postgres://alice:xxxxx@hub:notaport/db", ""},
	}
	for _, c := range cases {
		if got := Redact(c.in); got != c.redacted {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.redacted)
		}
		saved, err := SaveableURL(c.in)
		if c.saved == "" {
			if err == nil || strings.Contains(err.Error(), "pw ") {
				t.Errorf("SaveableURL(%q) = %q, %v; want a refusal without the password", c.in, saved, err)
			}
			continue
		}
		if err != nil || saved != c.saved {
			t.Errorf("SaveableURL(%q) = %q, %v; want %q", c.in, saved, err, c.saved)
		}
	}
}

// TestVerifyFull connects with sslmode=verify-full as the README says: with
// the district's authority and the name on the certificate it works; to
// another name for the same server, or without the authority, it is
// refused as untrusted.
func TestVerifyFull(t *testing.T) {
	srv, dbURL := initHub(t)
	db := strings.TrimPrefix(mustParseURL(t, dbURL).Path, "/")
	t.Setenv("PGSSLROOTCERT", "")
	t.Setenv("HOME", t.TempDir()) // no ~/.postgresql/root.crt
	secure := func(host, rootcert string) string {
		u := url.URL{Scheme: "postgres", User: url.UserPassword(pgtest.AdminUser, srv.Password()),
			Host: net.JoinHostPort(host, strconv.Itoa(srv.Port())), Path: "/" + db}
		q := url.Values{"sslmode": {"verify-full"}}
		if rootcert != "" {
			q.Set("sslrootcert", rootcert)
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	h := openHub(t, secure(pgtest.ServerName, srv.RootCert()))
	var ssl bool
	if err := h.pool.QueryRow(context.Background(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl); err != nil || !ssl {
		t.Fatalf("verify-full connection uses TLS: %v (%v)", ssl, err)
	}
	otherCA := filepath.Join(t.TempDir(), "other.crt")
	if err := os.WriteFile(otherCA, selfSigned(t), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string]string{
		"another name":      secure("127.0.0.1", srv.RootCert()),
		"another authority": secure(pgtest.ServerName, otherCA),
	} {
		_, err := Open(context.Background(), raw)
		if !errors.Is(err, audit.ErrHubUntrusted) || strings.Contains(err.Error(), srv.Password()) {
			t.Errorf("%s: %v, want ErrHubUntrusted without the password", name, err)
		}
	}
	if _, err := Open(context.Background(), secure(pgtest.ServerName, "")); err == nil {
		t.Error("verify-full without any root certificate connected")
	}
}

func mustParseURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// selfSigned is a PEM certificate of an authority that signed nothing.
func selfSigned(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "Another CA"}, IsCA: true,
		BasicConstraintsValid: true, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
