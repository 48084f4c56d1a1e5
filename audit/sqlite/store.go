package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"techwalk/audit"
)

// ApplicationID marks a SQLite file as a TechWalk database ("TWLK").
const ApplicationID = 0x54574C4B

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationSource holds the numbered migrations NNNN_name.sql in a
// "migrations" folder; tests point it at a larger set to exercise upgrades.
var migrationSource fs.FS = migrationFiles

// Store keeps TechWalk's data in one SQLite file: one writer connection
// for every change, and a small pool of read-only connections.
type Store struct {
	path     string
	w        *sql.DB
	r        *sql.DB
	device   string
	now      func() time.Time
	busy     time.Duration
	readOnly bool
	lock     *os.File // shared flock on the -lock file while open
	forget   func()   // drops the file from the in-process registry

	mu        sync.Mutex
	clock     *audit.Clock               // this device's hybrid logical clock, loaded on the first write
	templates map[string]*audit.Template // "id@version"
	visitTpl  map[string]*audit.Template // visit id
	stmts     map[string]*sql.Stmt       // writerStatements, compiled once when the store opens
}

// Option changes how Open sets up a store.
type Option func(*Store)

// WithClock replaces the clock that stamps created/updated times (for tests).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// BusyTimeout is how long a change waits for another TechWalk window or
// process to finish its own before giving up with ErrBusy.
const BusyTimeout = 10 * time.Second

// WithBusyTimeout replaces BusyTimeout for this store (for tests).
func WithBusyTimeout(d time.Duration) Option {
	return func(s *Store) { s.busy = d }
}

// Path is the database file the store uses.
func (s *Store) Path() string { return s.path }

// Device is the id this database copy stamps on every row it writes.
func (s *Store) Device() string { return s.device }

// ReadOnly reports whether the store was opened with OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

func newStore(path string, opts []Option) *Store {
	s := &Store{path: path, now: time.Now, busy: BusyTimeout, forget: func() {},
		templates: map[string]*audit.Template{}, visitTpl: map[string]*audit.Template{}}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Open opens (creating if needed) the TechWalk database at path, applies
// pending migrations after backing the file up, and refuses files that are
// not TechWalk databases or come from a newer version. Nothing is written
// before the file is known to be TechWalk's (or new and empty).
func Open(path string, opts ...Option) (*Store, error) {
	s := newStore(path, opts)
	if err := checkDatabasePath(path); err != nil {
		return nil, err
	}
	if err := createDatabaseFile(path); err != nil {
		return nil, err
	}
	if err := writableError(path); err != nil {
		return nil, err
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if err := s.takeUseLock(); err != nil {
		return nil, err
	}
	var err error
	if s.w, err = sql.Open("sqlite", dsn(path, false, s.busy)); err != nil {
		s.releaseUseLock()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	if err := s.setUp(context.Background()); err != nil {
		s.w.Close()
		s.releaseUseLock()
		return nil, s.openError(err)
	}
	s.prepareWriter(context.Background())
	if s.r, err = sql.Open("sqlite", dsn(path, true, s.busy)); err != nil {
		s.w.Close()
		s.releaseUseLock()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	return s, nil
}

// OpenReadOnly opens an existing TechWalk database for reading only: it
// never creates, upgrades or writes the file, and works on a read-only file
// or in a read-only folder. A missing file is refused with ErrNoDatabase.
func OpenReadOnly(path string, opts ...Option) (*Store, error) {
	s := newStore(path, opts)
	s.readOnly = true
	if err := checkDatabasePath(path); err != nil {
		return nil, err
	}
	if err := statDatabase(path); err != nil {
		return nil, err
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if err := s.takeUseLock(); err != nil {
		return nil, err
	}
	db, err := openReading(context.Background(), path, s.busy)
	if err != nil {
		s.releaseUseLock()
		return nil, s.openError(err)
	}
	s.w, s.r = db, db
	if err := s.checkReadable(context.Background()); err != nil {
		db.Close()
		s.releaseUseLock()
		return nil, s.openError(err)
	}
	return s, nil
}

// checkReadable makes sure a read-only store holds a TechWalk database of
// exactly this version and loads its device id.
func (s *Store) checkReadable(ctx context.Context) error {
	version, err := s.pragmaInt(ctx, s.w, "user_version")
	if err != nil {
		return err
	}
	if err := s.checkIdentity(ctx, s.w, version); err != nil {
		return err
	}
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	switch latest := len(migrations); {
	case version == 0:
		return fmt.Errorf("%s is empty, so there is no TechWalk database in it yet (%w); open it in the app or run 'techwalk demo' first; nothing was changed", s.path, audit.ErrNoDatabase)
	case version > latest:
		return fmt.Errorf("%s: %w (schema %d; this TechWalk knows up to %d): update TechWalk to open it; the file was not changed",
			s.path, audit.ErrNewerSchema, version, latest)
	case version < latest:
		return fmt.Errorf("%s was written by an older TechWalk (schema %d) and needs upgrading: open it once in the app "+
			"or with a command that saves (it is backed up first); the file was not changed", s.path, version)
	}
	return s.w.QueryRowContext(ctx, "SELECT value FROM local WHERE key = 'device'").Scan(&s.device)
}

func (s *Store) takeUseLock() error {
	lock, err := useLock(s.path, s.busy)
	if err != nil {
		return err
	}
	s.lock = lock
	s.forget = registerOpen(s.path)
	return nil
}

func (s *Store) releaseUseLock() {
	s.forget()
	if s.lock != nil {
		s.lock.Close()
	}
}

// Close closes the store's connections, then lets go of the -lock file.
func (s *Store) Close() error {
	err := s.closeStatements()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	err = errors.Join(err, s.w.Close())
	s.releaseUseLock()
	return err
}

// openError explains why Open failed: a damaged file names 'techwalk check'
// and the newest backup, a busy one says so; other errors pass unchanged.
func (s *Store) openError(err error) error {
	code := sqliteCode(err)
	switch {
	case errors.Is(err, audit.ErrNotTechWalk) || errors.Is(err, audit.ErrNewerSchema) || errors.Is(err, audit.ErrDamaged) ||
		errors.Is(err, audit.ErrReadOnly) || errors.Is(err, audit.ErrNoDatabase) || errors.Is(err, audit.ErrBusy):
		return err
	case isReadOnly(code):
		return fmt.Errorf("%s: %w (%v); the file is not damaged and nothing was changed", s.path, audit.ErrReadOnly, err)
	case isDamaged(code):
		return damagedError(s.path, err)
	case isBusy(code):
		return fmt.Errorf("%s: %w", s.path, audit.ErrBusy)
	}
	return err
}

// dsn is the writer's (or the read pool's) data source: WAL mode is not
// among its pragmas, because switching to WAL writes the file; setUp does
// it once the file is known to be TechWalk's.
func dsn(path string, readOnly bool, busy time.Duration) string {
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", busy.Milliseconds()),
		"_pragma=synchronous(FULL)",
		"_pragma=foreign_keys(1)",
		"_txlock=immediate",
	}
	if readOnly {
		params = append(params, "_pragma=query_only(1)")
	}
	return path + "?" + strings.Join(params, "&")
}

// readingDSN opens an existing file through a file: URI, so SQLite never
// creates it: mode is "rw" (with query_only, so the last reader can still
// tidy the WAL away on close), "ro", or "ro&immutable=1" for a WAL file in
// a read-only folder without -wal or -shm, where nobody can be writing it.
func readingDSN(path string, busy time.Duration, mode string, queryOnly bool) string {
	u := url.URL{Path: filepath.ToSlash(path)}
	dsn := fmt.Sprintf("file:%s?mode=%s&_pragma=busy_timeout(%d)", u.EscapedPath(), mode, busy.Milliseconds())
	if queryOnly {
		dsn += "&_pragma=query_only(1)"
	}
	return dsn
}

// openReading opens an existing database file for reading only.
func openReading(ctx context.Context, path string, busy time.Duration) (*sql.DB, error) {
	return openExisting(ctx, path, busy, true)
}

// openExisting opens an existing database file without ever creating it:
// read-write when the file and its folder may be written (queryOnly then
// forbids changes), else read-only, else immutable when a read-only folder
// keeps SQLite from making the -shm file a WAL database needs.
func openExisting(ctx context.Context, path string, busy time.Duration, queryOnly bool) (*sql.DB, error) {
	modes := []string{"ro", "ro&immutable=1"}
	if canWrite(path) == nil && canWrite(filepath.Dir(path)) == nil {
		modes = []string{"rw"}
	} else if canWrite(filepath.Dir(path)) == nil || walFilesPresent(path) {
		modes = modes[:1]
	}
	var err error
	for _, mode := range modes {
		var db *sql.DB
		if db, err = sql.Open("sqlite", readingDSN(path, busy, mode, queryOnly)); err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(4)
		var n int
		if err = db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err == nil {
			return db, nil
		}
		db.Close()
		if !isCantOpen(sqliteCode(err)) && !isReadOnly(sqliteCode(err)) {
			return nil, err
		}
	}
	return nil, err
}

// walFilesPresent reports whether the database at path has a -wal or -shm file.
func walFilesPresent(path string) bool {
	for _, suffix := range []string{walSuffix, shmSuffix} {
		if _, err := os.Stat(path + suffix); err == nil {
			return true
		}
	}
	return false
}

// setUp checks the file's identity, switches it to WAL and runs pending
// migrations, all before anything else writes. The schema version is read
// inside the immediate transaction that migrates, so processes opening a
// new file at once cannot both run a migration.
func (s *Store) setUp(ctx context.Context) error {
	version, err := s.pragmaInt(ctx, s.w, "user_version")
	if err != nil {
		if isBusy(sqliteCode(err)) {
			return err
		}
		return damagedError(s.path, err)
	}
	if err := s.checkIdentity(ctx, s.w, version); err != nil {
		return err
	}
	if err := s.switchToWAL(ctx); err != nil {
		return err
	}
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	if version == len(migrations) && s.loadDevice(ctx, nil) == nil {
		return nil // up to date: a version never goes back while the file is open (Restore refuses then)
	}
	for attempt := 0; ; attempt++ {
		needBackup, err := s.migrate(ctx, migrations, attempt > 0)
		if err != nil || !needBackup {
			return err
		}
		if _, err := s.Backup(ctx, fmt.Sprintf("before-v%d", len(migrations))); err != nil {
			return fmt.Errorf("back up %s before upgrading it: %w", s.path, err)
		}
	}
}

// switchToWAL puts the file in WAL mode (a no-op once it is). Two
// processes switching a new file at once can deadlock on the upgrade to an
// exclusive lock, which SQLite reports at once as busy instead of waiting,
// so it retries for up to the busy timeout.
func (s *Store) switchToWAL(ctx context.Context) error {
	deadline := time.Now().Add(s.busy)
	for {
		var mode string
		err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		if err == nil && mode != "wal" {
			return fmt.Errorf("%s: could not switch the database to WAL mode (it is in %s mode)", s.path, mode)
		}
		if err == nil || !isBusy(sqliteCode(err)) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// migrate reads the schema version and applies every pending migration
// and the device id in one immediate transaction. An older file that has
// not been backed up yet returns needBackup (VACUUM INTO cannot run inside
// a transaction); the caller backs up and calls again with backedUp.
func (s *Store) migrate(ctx context.Context, migrations []string, backedUp bool) (needBackup bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	version, err := s.pragmaInt(ctx, tx, "user_version")
	if err != nil {
		return false, err
	}
	if err := s.checkIdentity(ctx, tx, version); err != nil {
		return false, err
	}
	latest := len(migrations)
	if version > latest {
		return false, fmt.Errorf("%s: %w (schema %d; this TechWalk knows up to %d): update TechWalk to open it; the file was not changed",
			s.path, audit.ErrNewerSchema, version, latest)
	}
	if version > 0 && version < latest && !backedUp {
		return true, nil
	}
	for i := version; i < latest; i++ {
		if err := runMigration(ctx, tx, migrations[i]); err != nil {
			return false, fmt.Errorf("%s: migration %d failed: %w; the file was left as it was", s.path, i+1, err)
		}
	}
	if version < latest {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", latest, ApplicationID)); err != nil {
			return false, err
		}
	}
	if err := s.loadDevice(ctx, tx); err != nil {
		return false, err
	}
	return false, tx.Commit()
}

// rebuildsMark names, in a migration, a table the migration drops and
// creates again ("-- rebuilds: feedback"): the runner keeps its indexes and
// triggers, whichever migrations added them.
const rebuildsMark = "-- rebuilds: "

// runMigration runs one migration in tx. For each table it rebuilds, the
// indexes and triggers the table had before are created again afterwards,
// unless the migration made one of the same name itself.
func runMigration(ctx context.Context, tx *sql.Tx, migration string) error {
	var kept []schemaObject
	for _, line := range strings.Split(migration, "\n") {
		table, ok := strings.CutPrefix(strings.TrimSpace(line), rebuildsMark)
		if !ok {
			continue
		}
		defs, err := schemaOf(ctx, tx, strings.TrimSpace(table))
		if err != nil {
			return err
		}
		kept = append(kept, defs...)
	}
	if _, err := tx.ExecContext(ctx, migration); err != nil {
		return err
	}
	for _, o := range kept {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = ?", o.name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, o.def); err != nil {
			return fmt.Errorf("recreate %s after rebuilding its table: %w", o.name, err)
		}
	}
	return nil
}

// schemaObject is an index or trigger: its name and the SQL that made it.
type schemaObject struct{ name, def string }

// schemaOf lists the named indexes and the triggers of a table: indexes
// first, each kind in the order it was made.
func schemaOf(ctx context.Context, tx *sql.Tx, table string) ([]schemaObject, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')
		AND sql IS NOT NULL ORDER BY type, rowid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.name, &o.def); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// querier is what *sql.DB and *sql.Tx have in common that setting up needs.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) checkIdentity(ctx context.Context, q querier, version int) error {
	appID, err := s.pragmaInt(ctx, q, "application_id")
	if err != nil {
		return err
	}
	if appID == ApplicationID {
		return nil
	}
	if appID != 0 {
		return fmt.Errorf("%s: %w (application id %#x); nothing was changed", s.path, audit.ErrNotTechWalk, appID)
	}
	var tables int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return err
	}
	if tables > 0 || version > 0 {
		return fmt.Errorf("%s: %w (an SQLite file of another program); nothing was changed", s.path, audit.ErrNotTechWalk)
	}
	return nil
}

func (s *Store) pragmaInt(ctx context.Context, q querier, name string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

func loadMigrations() ([]string, error) {
	entries, err := fs.ReadDir(migrationSource, "migrations")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, name := range names {
		if n, _ := strconv.Atoi(strings.SplitN(name, "_", 2)[0]); n != i+1 {
			return nil, fmt.Errorf("migration %s is out of sequence (expected number %d)", name, i+1)
		}
		b, err := fs.ReadFile(migrationSource, "migrations/"+name)
		if err != nil {
			return nil, err
		}
		out[i] = string(b)
	}
	return out, nil
}

// loadDevice reads this database copy's device id, making one for a new
// file in the transaction tx; with a nil tx it only reads.
func (s *Store) loadDevice(ctx context.Context, tx *sql.Tx) error {
	var q querier = s.w
	if tx != nil {
		q = tx
	}
	err := q.QueryRowContext(ctx, "SELECT value FROM local WHERE key = 'device'").Scan(&s.device)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) || tx == nil {
		return err
	}
	s.device = audit.NewID()
	_, err = q.ExecContext(ctx, "INSERT INTO local(key, value) VALUES ('device', ?)", s.device)
	return err
}

// write runs fn in one immediate transaction on the writer connection.
// SQLite errors a person cannot act on (busy, disk full, damaged file)
// come back as ErrBusy, ErrDiskFull or ErrDamaged with a plain message.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("start saving: %w", saveError(err))
	}
	defer tx.Rollback()
	if err := s.tick(ctx, tx); err != nil {
		return saveError(err)
	}
	if err := fn(tx); err != nil {
		return saveError(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save: %w", saveError(err))
	}
	return nil
}

// stamp fills the record's id, times and device for a save.
func (s *Store) stamp(r *audit.Record) {
	now := s.now().UTC()
	if r.ID == "" {
		r.ID = audit.NewID()
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now
	}
	r.UpdatedAt = now
	r.Device = s.device
}

const timeLayout = time.RFC3339Nano

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// queryList runs a read query on the read pool and scans every row with
// scan; errors from a damaged or busy file get the store's plain messages.
func queryList[T any](ctx context.Context, s *Store, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, s.readError(err)
		}
		out = append(out, v)
	}
	return out, s.readError(rows.Err())
}
