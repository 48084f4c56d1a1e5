package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"techwalk/audit"
)

// Count is how many rows of one kind the account sees on the hub.
type Count struct {
	Table string `json:"table"`
	Rows  int64  `json:"rows"`
}

// Status is what 'techwalk hub status' reports.
type Status struct {
	Target  string   `json:"target"`  // user@host:port/database
	Version int      `json:"version"` // the hub's schema version
	Latest  int      `json:"latest"`  // the version this TechWalk sets up
	Login   string   `json:"login"`   // the login role connected
	Roles   []string `json:"roles"`   // owner, or the TechWalk roles the login has: auditor, reader
	Counts  []Count  `json:"counts"`  // rows the login may read, by table
}

// countedTables are the tables Status counts, in the order it lists them.
var countedTables = []string{"schools", "rooms", "templates", "visits", "answers", "feedback", "photos", "finding_actions", "settings", "devices"}

// mayReadSQL says whether the login may read the hub table $1; false when
// the hub's schema has no such table yet. The catalog is read as a table,
// as readVersion does.
const mayReadSQL = `SELECT coalesce((SELECT has_table_privilege(c.oid, 'SELECT') FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'techwalk' AND c.relname = $1), false)`

// Status reads the hub's version and what the login sees, in one
// read-only snapshot. A hub without the schema returns audit.ErrHubNotSetUp.
func (h *Hub) Status(ctx context.Context) (Status, error) {
	st := Status{Target: h.target, Latest: Latest()}
	tx, err := h.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return st, h.wrap(err)
	}
	defer tx.Rollback(ctx)
	if st.Version, err = readVersion(ctx, tx); err != nil {
		return st, h.wrap(err)
	}
	if st.Version == 0 {
		return st, fmt.Errorf("hub %s: %w (the database has no TechWalk schema)", h.target, audit.ErrHubNotSetUp)
	}
	if err := h.refuseNewer(st.Version); err != nil {
		return st, err
	}
	if st.Login, st.Roles, err = roles(ctx, tx); err != nil {
		return st, h.wrap(err)
	}
	for _, table := range countedTables {
		var may bool
		if err := tx.QueryRow(ctx, mayReadSQL, table).Scan(&may); err != nil {
			return st, h.wrap(err)
		}
		if !may {
			continue // a reader does not see the device list; an older schema has no settings
		}
		c := Count{Table: table}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM techwalk."+table).Scan(&c.Rows); err != nil {
			return st, h.wrap(err)
		}
		st.Counts = append(st.Counts, c)
	}
	return st, nil
}

// roles names the login and which TechWalk roles it has.
func roles(ctx context.Context, tx pgx.Tx) (string, []string, error) {
	var login string
	var owner, auditor, reader bool
	err := tx.QueryRow(ctx, `SELECT current_user,
		pg_has_role(current_user, (SELECT tableowner FROM pg_tables WHERE schemaname = 'techwalk' AND tablename = 'hub_schema'), 'USAGE'),
		pg_has_role(current_user, 'techwalk_auditor', 'USAGE'),
		pg_has_role(current_user, 'techwalk_reader', 'USAGE')`).Scan(&login, &owner, &auditor, &reader)
	if owner {
		return login, []string{"owner"}, err // the owner (or a superuser) has every right
	}
	var names []string
	for _, r := range []struct {
		has  bool
		name string
	}{{owner, "owner"}, {auditor, "auditor"}, {reader, "reader"}} {
		if r.has {
			names = append(names, r.name)
		}
	}
	return login, names, err
}

// RegisterDevice records that this login writes as device id, so row-level
// security lets it write that device's rows. A device id another login
// registered first is refused with audit.ErrHubDeviceTaken, saying how
// the district's database administrator moves it to this login.
func (h *Hub) RegisterDevice(ctx context.Context, id string) error {
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return h.wrap(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "INSERT INTO techwalk.devices(id) VALUES ($1) ON CONFLICT (id) DO NOTHING", id); err != nil {
		return h.wrap(err)
	}
	var mine bool
	var login string
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT FROM techwalk.devices WHERE id = $1 AND login = current_user), current_user", id).Scan(&mine, &login); err != nil {
		return h.wrap(err)
	}
	if !mine {
		return fmt.Errorf("hub %s: %w (device %s). Sign in on this device with the login it first sent with; "+
			"or, if the device changed hands, the district's database administrator moves it to %s: "+
			"UPDATE techwalk.devices SET login = %s WHERE id = %s", h.target, audit.ErrHubDeviceTaken, id, login, sqlLiteral(login), sqlLiteral(id))
	}
	return h.wrap(tx.Commit(ctx))
}
