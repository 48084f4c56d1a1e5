package audit

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ApplicationID marks a SQLite file as a TechWalk database ("TWLK").
const ApplicationID = 0x54574C4B

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationSource holds the numbered migrations NNNN_name.sql in a
// "migrations" folder; tests point it at a larger set to exercise upgrades.
var migrationSource fs.FS = migrationFiles

// ErrNewerSchema is returned when the file was written by a newer TechWalk.
var ErrNewerSchema = errors.New("database written by a newer TechWalk")

// ErrNotTechWalk is returned when the file is not a TechWalk database.
var ErrNotTechWalk = errors.New("not a TechWalk database")

// Store keeps TechWalk's data in one SQLite file: one writer connection
// for every change, and a small pool of read-only connections.
type Store struct {
	path   string
	w      *sql.DB
	r      *sql.DB
	device string
	now    func() time.Time
	busy   time.Duration

	mu        sync.Mutex
	templates map[string]*Template // "id@version"
	visitTpl  map[string]*Template // visit id
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

// Open opens (creating if needed) the TechWalk database at path, applies
// pending migrations after backing the file up, and refuses files that are
// not TechWalk databases or come from a newer version.
func Open(path string, opts ...Option) (*Store, error) {
	s := &Store{path: path, now: time.Now, busy: BusyTimeout, templates: map[string]*Template{}, visitTpl: map[string]*Template{}}
	for _, opt := range opts {
		opt(s)
	}
	if err := prepareFile(path); err != nil {
		return nil, err
	}
	var err error
	if s.w, err = sql.Open("sqlite", dsn(path, false, s.busy)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	if err := s.setUp(context.Background()); err != nil {
		s.w.Close()
		return nil, s.openError(err)
	}
	if s.r, err = sql.Open("sqlite", dsn(path, true, s.busy)); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	return s, nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// openError explains why Open failed: a damaged file names 'techwalk check'
// and the newest backup, a busy one says so; other errors pass unchanged.
func (s *Store) openError(err error) error {
	code := sqliteCode(err)
	switch {
	case errors.Is(err, ErrNotTechWalk) || errors.Is(err, ErrNewerSchema) || errors.Is(err, ErrDamaged):
		return err
	case isDamaged(code):
		return damagedError(s.path, err)
	case isBusy(code):
		return fmt.Errorf("%s: %w", s.path, ErrBusy)
	}
	return err
}

func dsn(path string, readOnly bool, busy time.Duration) string {
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", busy.Milliseconds()),
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(FULL)",
		"_pragma=foreign_keys(1)",
		"_txlock=immediate",
	}
	if readOnly {
		params = append(params, "_pragma=query_only(1)")
	}
	return path + "?" + strings.Join(params, "&")
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// prepareFile makes the folder (0700) and an empty file (0600) when they are
// missing, and refuses an existing file that is not SQLite before SQLite touches it.
func prepareFile(path string) error {
	if strings.ContainsAny(path, "?#") {
		return fmt.Errorf("database path %q contains '?' or '#'; choose a path without them", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create the data folder for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	if n == 0 {
		return nil // new or empty: SQLite will initialise it
	}
	if err != nil || string(head) != sqliteHeader {
		return fmt.Errorf("%s: %w (the file is not an SQLite database; nothing was changed); %s", path, ErrNotTechWalk, backupHint(path))
	}
	return nil
}

func (s *Store) setUp(ctx context.Context) error {
	version, err := s.pragmaInt(ctx, "user_version")
	if err != nil {
		if isBusy(sqliteCode(err)) {
			return err
		}
		return damagedError(s.path, err)
	}
	if err := s.checkIdentity(ctx, version); err != nil {
		return err
	}
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	latest := len(migrations)
	if version > latest {
		return fmt.Errorf("%s: %w (schema %d; this TechWalk knows up to %d): update TechWalk to open it; the file was not changed",
			s.path, ErrNewerSchema, version, latest)
	}
	if version > 0 && version < latest {
		if _, err := s.Backup(ctx, fmt.Sprintf("before-v%d", latest)); err != nil {
			return fmt.Errorf("back up %s before upgrading it: %w", s.path, err)
		}
	}
	for i := version; i < latest; i++ {
		if err := s.migrate(ctx, i+1, migrations[i]); err != nil {
			return err
		}
	}
	return s.loadDevice(ctx)
}

func (s *Store) checkIdentity(ctx context.Context, version int) error {
	appID, err := s.pragmaInt(ctx, "application_id")
	if err != nil {
		return err
	}
	if appID == ApplicationID {
		return nil
	}
	if appID != 0 {
		return fmt.Errorf("%s: %w (application id %#x); nothing was changed", s.path, ErrNotTechWalk, appID)
	}
	var tables int
	if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return err
	}
	if tables > 0 || version > 0 {
		return fmt.Errorf("%s: %w (an SQLite file of another program); nothing was changed", s.path, ErrNotTechWalk)
	}
	return nil
}

func (s *Store) pragmaInt(ctx context.Context, name string) (int, error) {
	var v int
	err := s.w.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
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

func (s *Store) migrate(ctx context.Context, version int, script string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return fmt.Errorf("%s: migration %d failed: %w; the file was left as it was", s.path, version, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", version, ApplicationID)); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) loadDevice(ctx context.Context) error {
	err := s.w.QueryRowContext(ctx, "SELECT value FROM local WHERE key = 'device'").Scan(&s.device)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	s.device = NewID()
	_, err = s.w.ExecContext(ctx, "INSERT INTO local(key, value) VALUES ('device', ?)", s.device)
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
	if err := fn(tx); err != nil {
		return saveError(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save: %w", saveError(err))
	}
	return nil
}

// stamp fills the record's id, times and device for a save.
func (s *Store) stamp(r *Record) {
	now := s.now().UTC()
	if r.ID == "" {
		r.ID = NewID()
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
