package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"techwalk/audit"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the pg_advisory_xact_lock key every migration of the
// hub schema holds, so devices migrating at once take turns.
const migrationLock int64 = 0x7465636877616c6b // "techwalk"

// migrations are the hub schema's steps, in order; step i sets version i+1.
var migrations = mustLoadMigrations(migrationFiles)

// Latest is the hub schema version this TechWalk sets up.
func Latest() int { return len(migrations) }

func mustLoadMigrations(src fs.FS) []string {
	m, err := loadMigrations(src)
	if err != nil {
		panic(err)
	}
	return m
}

// loadMigrations reads migrations/NNNN_topic.sql, which must be numbered
// 1, 2, 3... without gaps.
func loadMigrations(src fs.FS) ([]string, error) {
	names, err := fs.Glob(src, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		if n, _ := strconv.Atoi(strings.SplitN(base, "_", 2)[0]); n != i+1 {
			return nil, fmt.Errorf("hub migration %s is out of sequence (expected number %d)", base, i+1)
		}
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, err
		}
		out[i] = string(b)
	}
	return out, nil
}

// Migrate creates or updates the hub schema, roles and policies. Each step
// runs in its own transaction holding the migration advisory lock and
// re-reads the version under it, so hubs initialised from several devices
// at once end up migrated once. It returns the versions before and after.
func (h *Hub) Migrate(ctx context.Context) (from, to int, err error) {
	for step := 1; step <= len(migrations); step++ {
		version, err := h.migrateStep(ctx, step)
		if step == 1 {
			from = version
		}
		if err != nil {
			return from, version, err
		}
	}
	to, err = h.Version(ctx)
	return from, to, err
}

// migrateStep applies migration step when the hub is at step-1 and
// returns the version it found.
func (h *Hub) migrateStep(ctx context.Context, step int) (int, error) {
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return 0, h.wrap(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return 0, h.wrap(err)
	}
	version, err := readVersion(ctx, tx)
	if err != nil {
		return 0, h.wrap(err)
	}
	if err := h.refuseNewer(version); err != nil {
		return version, err
	}
	if version >= step {
		return version, nil
	}
	if _, err := tx.Exec(ctx, migrations[step-1]); err != nil {
		return version, fmt.Errorf("hub migration %d failed, the hub was left at version %d: %w", step, version, h.wrap(err))
	}
	if _, err := tx.Exec(ctx, "UPDATE techwalk.hub_schema SET version = $1", step); err != nil {
		return version, h.wrap(err)
	}
	return version, h.wrap(tx.Commit(ctx))
}

// readVersion is the hub schema's version, 0 when it has none yet.
func readVersion(ctx context.Context, q pgx.Tx) (int, error) {
	if exists, err := hasSchema(ctx, q); err != nil || !exists {
		return 0, err
	}
	var v int
	err := q.QueryRow(ctx, "SELECT version FROM techwalk.hub_schema").Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// hasSchema reports whether the hub schema exists; any login may ask,
// whatever its roles.
func hasSchema(ctx context.Context, q pgx.Tx) (bool, error) {
	var exists bool
	// The catalog is read as a table, with this statement's snapshot: a
	// name lookup such as to_regclass may use a cache that has not yet seen
	// the schema another device's migration just committed.
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'techwalk' AND c.relname = 'hub_schema')`).Scan(&exists)
	return exists, err
}

// Version is the hub's schema version: 0 when it is not set up.
func (h *Hub) Version(ctx context.Context) (int, error) {
	tx, err := h.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, h.wrap(err)
	}
	defer tx.Rollback(ctx)
	v, err := readVersion(ctx, tx)
	return v, h.wrap(err)
}

// checkVersion reads the version and refuses a newer hub.
func (h *Hub) checkVersion(ctx context.Context) (int, error) {
	v, err := h.Version(ctx)
	if err != nil {
		return 0, err
	}
	return v, h.refuseNewer(v)
}

func (h *Hub) refuseNewer(version int) error {
	if version <= len(migrations) {
		return nil
	}
	return fmt.Errorf("hub %s: %w (hub schema %d; this TechWalk knows up to %d): update TechWalk to use it; nothing was changed",
		h.target, audit.ErrHubNewer, version, len(migrations))
}
