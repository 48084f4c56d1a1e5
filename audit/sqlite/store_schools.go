package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"techwalk/audit"
)

const schoolColumns = "id, name, code, address, principal, created_at, updated_at, device, deleted"

// SaveSchool inserts or updates a school and fills its id and times.
func (s *Store) SaveSchool(ctx context.Context, sc *audit.School) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	s.stamp(&sc.Record)
	return s.write(ctx, func(tx *sql.Tx) error {
		return insertSchool(ctx, tx, sc)
	})
}

func insertSchool(ctx context.Context, tx *sql.Tx, sc *audit.School) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO schools(`+schoolColumns+`) VALUES (?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET name=excluded.name, code=excluded.code, address=excluded.address,
		principal=excluded.principal, updated_at=excluded.updated_at, device=excluded.device, deleted=excluded.deleted`,
		sc.ID, sc.Name, sc.Code, sc.Address, sc.Principal, formatTime(sc.CreatedAt), formatTime(sc.UpdatedAt), sc.Device, sc.Deleted)
	return err
}

// Schools lists the schools that are not deleted, by name.
func (s *Store) Schools(ctx context.Context) ([]audit.School, error) {
	return queryList(ctx, s, scanSchool, "SELECT "+schoolColumns+" FROM schools WHERE deleted = 0 ORDER BY name COLLATE NOCASE, id")
}

// School loads one school by id.
func (s *Store) School(ctx context.Context, id string) (audit.School, error) {
	row := s.r.QueryRowContext(ctx, "SELECT "+schoolColumns+" FROM schools WHERE id = ? AND deleted = 0", id)
	sc, err := scanSchool(row)
	if errors.Is(err, sql.ErrNoRows) {
		return sc, fmt.Errorf("school %s: %w", id, audit.ErrNotFound)
	}
	return sc, s.readError(err)
}

// FindSchool finds a school by exact id, code, or case-insensitive name.
func (s *Store) FindSchool(ctx context.Context, key string) (audit.School, error) {
	schools, err := s.Schools(ctx)
	if err != nil {
		return audit.School{}, err
	}
	names := make([]string, 0, len(schools))
	for _, sc := range schools {
		if sc.ID == key || (sc.Code != "" && sc.Code == key) || strings.EqualFold(sc.Name, key) {
			return sc, nil
		}
		names = append(names, sc.Name)
	}
	if close := audit.Suggest(key, names, 3); len(close) > 0 {
		return audit.School{}, lookupError{fmt.Sprintf("no school named %q; did you mean %s?", key, quoteList(close)), audit.ErrNotFound}
	}
	return audit.School{}, fmt.Errorf("no school named %q: %w", key, audit.ErrNotFound)
}

func (s *Store) tombstone(ctx context.Context, table, id string) error {
	now := formatTime(s.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET deleted = 1, updated_at = ?, device = ? WHERE id = ?", now, s.device, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%s %s: %w", strings.TrimSuffix(table, "s"), id, audit.ErrNotFound)
		}
		return nil
	})
}

type scanner interface{ Scan(dest ...any) error }

func scanSchool(row scanner) (audit.School, error) {
	var sc audit.School
	var created, updated string
	err := row.Scan(&sc.ID, &sc.Name, &sc.Code, &sc.Address, &sc.Principal, &created, &updated, &sc.Device, &sc.Deleted)
	sc.CreatedAt, sc.UpdatedAt = parseTime(created), parseTime(updated)
	return sc, err
}

const roomColumns = "id, school_id, number, name, kind, teacher, created_at, updated_at, device, deleted"

// SaveRoom inserts or updates a room and fills its id and times.
func (s *Store) SaveRoom(ctx context.Context, r *audit.Room) error {
	if err := r.Validate(); err != nil {
		return err
	}
	s.stamp(&r.Record)
	return s.write(ctx, func(tx *sql.Tx) error {
		return insertRoom(ctx, tx, r)
	})
}

func insertRoom(ctx context.Context, tx *sql.Tx, r *audit.Room) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO rooms(`+roomColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET school_id=excluded.school_id, number=excluded.number, name=excluded.name,
		kind=excluded.kind, teacher=excluded.teacher, updated_at=excluded.updated_at, device=excluded.device, deleted=excluded.deleted`,
		r.ID, r.SchoolID, r.Number, r.Name, string(r.Kind), r.Teacher, formatTime(r.CreatedAt), formatTime(r.UpdatedAt), r.Device, r.Deleted)
	if isForeignKey(err) {
		return fmt.Errorf("room %q: its school does not exist", r.Label())
	}
	return err
}

// Rooms lists a school's rooms that are not deleted, in natural room-number order.
func (s *Store) Rooms(ctx context.Context, schoolID string) ([]audit.Room, error) {
	rooms, err := queryList(ctx, s, scanRoom, "SELECT "+roomColumns+" FROM rooms WHERE school_id = ? AND deleted = 0", schoolID)
	audit.SortRooms(rooms)
	return rooms, err
}

// RoomCounts returns how many rooms, not deleted, each school has, by school id.
func (s *Store) RoomCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT school_id, count(*) FROM rooms WHERE deleted = 0 GROUP BY school_id")
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, s.readError(err)
		}
		out[id] = n
	}
	return out, s.readError(rows.Err())
}

// Room loads one room by id.
func (s *Store) Room(ctx context.Context, id string) (audit.Room, error) {
	r, err := scanRoom(s.r.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE id = ? AND deleted = 0", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("room %s: %w", id, audit.ErrNotFound)
	}
	return r, s.readError(err)
}

// DeleteRoom marks a room deleted.
func (s *Store) DeleteRoom(ctx context.Context, id string) error {
	return s.tombstone(ctx, "rooms", id)
}

func scanRoom(row scanner) (audit.Room, error) {
	var r audit.Room
	err := scanRoomInto(row, &r)
	return r, err
}

// scanRoomInto scans a room into r, so a loop over many rows can scan
// them all into one.
func scanRoomInto(row scanner, r *audit.Room) error {
	var created, updated, kind string
	err := row.Scan(&r.ID, &r.SchoolID, &r.Number, &r.Name, &kind, &r.Teacher, &created, &updated, &r.Device, &r.Deleted)
	r.Kind = audit.RoomKind(kind)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return err
}
