package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"techwalk/audit"
	"time"
)

const visitColumns = "id, school_id, template_id, template_version, auditor, people, started_at, finished_at, created_at, updated_at, device, deleted"

// StartVisit creates a visit of a school with the given template version.
func (s *Store) StartVisit(ctx context.Context, v *audit.Visit) error {
	if v.StartedAt.IsZero() {
		v.StartedAt = s.now().UTC()
	}
	return s.SaveVisit(ctx, v)
}

// SaveVisit inserts or updates a visit.
func (s *Store) SaveVisit(ctx context.Context, v *audit.Visit) error {
	if err := v.Validate(); err != nil {
		return err
	}
	if _, err := s.Template(ctx, v.TemplateID, v.TemplateVersion); err != nil {
		return fmt.Errorf("visit: %w", err)
	}
	s.stamp(&v.Record)
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO visits(`+visitColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET auditor=excluded.auditor, people=excluded.people, started_at=excluded.started_at,
			finished_at=excluded.finished_at, updated_at=excluded.updated_at, device=excluded.device, deleted=excluded.deleted`,
			v.ID, v.SchoolID, v.TemplateID, v.TemplateVersion, v.Auditor, v.People, formatTime(v.StartedAt), formatTime(v.FinishedAt),
			formatTime(v.CreatedAt), formatTime(v.UpdatedAt), v.Device, v.Deleted)
		if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
			return errors.New("visit: its school does not exist")
		}
		return err
	})
}

// FinishVisit closes a visit at the current time and then makes an
// automatic backup (reason "visit-end"). When only the backup fails, the
// visit is finished and saved and the error says so.
func (s *Store) FinishVisit(ctx context.Context, id string) (audit.Visit, error) {
	v, err := s.Visit(ctx, id)
	if err != nil {
		return v, err
	}
	v.FinishedAt = s.now().UTC()
	if err := s.SaveVisit(ctx, &v); err != nil {
		return v, err
	}
	if _, err := s.Backup(ctx, "visit-end"); err != nil {
		return v, fmt.Errorf("the visit is finished and saved, but the automatic backup failed: %w", err)
	}
	return v, nil
}

// ReopenVisit un-finishes a visit so its answers can change again, in one
// transaction that stamps updated_at and this device. A visit that is not
// finished is returned unchanged.
func (s *Store) ReopenVisit(ctx context.Context, id string) (audit.Visit, error) {
	now := formatTime(s.now())
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE visits SET finished_at = '', updated_at = ?, device = ?
			WHERE id = ? AND deleted = 0 AND finished_at != ''`, now, s.device, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var exists bool
		err = tx.QueryRowContext(ctx, "SELECT 1 FROM visits WHERE id = ? AND deleted = 0", id).Scan(&exists)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("visit %s: %w", id, audit.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return audit.Visit{}, err
	}
	return s.Visit(ctx, id)
}

// Visit loads one visit by id.
func (s *Store) Visit(ctx context.Context, id string) (audit.Visit, error) {
	v, err := scanVisit(s.r.QueryRowContext(ctx, "SELECT "+visitColumns+" FROM visits WHERE id = ? AND deleted = 0", id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("visit %s: %w", id, audit.ErrNotFound)
	}
	return v, s.readError(err)
}

// VisitFilter narrows Visits; zero fields do not filter.
type VisitFilter struct {
	SchoolID     string
	FinishedOnly bool
}

// Visits lists visits, newest first.
func (s *Store) Visits(ctx context.Context, f VisitFilter) ([]audit.Visit, error) {
	q := "SELECT " + visitColumns + " FROM visits WHERE deleted = 0"
	var args []any
	if f.SchoolID != "" {
		q += " AND school_id = ?"
		args = append(args, f.SchoolID)
	}
	if f.FinishedOnly {
		q += " AND finished_at != ''"
	}
	return queryList(ctx, s, scanVisit, q+" ORDER BY started_at DESC, id", args...)
}

// DeleteVisit marks a visit deleted.
func (s *Store) DeleteVisit(ctx context.Context, id string) error {
	return s.tombstone(ctx, "visits", id)
}

func scanVisit(row scanner) (audit.Visit, error) {
	var v audit.Visit
	var started, finished, created, updated string
	err := row.Scan(&v.ID, &v.SchoolID, &v.TemplateID, &v.TemplateVersion, &v.Auditor, &v.People, &started, &finished,
		&created, &updated, &v.Device, &v.Deleted)
	v.StartedAt, v.FinishedAt = parseTime(started), parseTime(finished)
	v.CreatedAt, v.UpdatedAt = parseTime(created), parseTime(updated)
	return v, err
}

// visitTemplate returns the template a visit uses, cached per visit.
func (s *Store) visitTemplate(ctx context.Context, visitID string) (*audit.Template, error) {
	s.mu.Lock()
	t := s.visitTpl[visitID]
	s.mu.Unlock()
	if t != nil {
		return t, nil
	}
	v, err := s.Visit(ctx, visitID)
	if err != nil {
		return nil, err
	}
	t, err = s.Template(ctx, v.TemplateID, v.TemplateVersion)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.visitTpl[visitID] = t
	s.mu.Unlock()
	return t, nil
}

// SetRoomDone marks a room of a visit as done (or not).
func (s *Store) SetRoomDone(ctx context.Context, visitID, roomID string, done bool) error {
	now := formatTime(s.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO visit_rooms(visit_id, room_id, done, updated_at, device) VALUES (?,?,?,?,?)
			ON CONFLICT(visit_id, room_id) DO UPDATE SET done=excluded.done, updated_at=excluded.updated_at, device=excluded.device`,
			visitID, roomID, done, now, s.device)
		return err
	})
}

// RoomsDone returns the ids of the rooms marked done in a visit.
func (s *Store) RoomsDone(ctx context.Context, visitID string) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT room_id FROM visit_rooms WHERE visit_id = ? AND done = 1", visitID)
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.readError(err)
		}
		out[id] = true
	}
	return out, s.readError(rows.Err())
}

// LatestVisit returns a school's most recent visit; with finishedOnly, its most recent finished one.
func (s *Store) LatestVisit(ctx context.Context, schoolID string, finishedOnly bool) (audit.Visit, error) {
	visits, err := s.Visits(ctx, VisitFilter{SchoolID: schoolID, FinishedOnly: finishedOnly})
	if err != nil {
		return audit.Visit{}, err
	}
	if len(visits) == 0 {
		return audit.Visit{}, fmt.Errorf("no visit: %w", audit.ErrNotFound)
	}
	return visits[0], nil
}

// PreviousVisit returns the school's finished visit that started before v, if any.
func (s *Store) PreviousVisit(ctx context.Context, v audit.Visit) (audit.Visit, bool, error) {
	visits, err := s.Visits(ctx, VisitFilter{SchoolID: v.SchoolID, FinishedOnly: true})
	if err != nil {
		return audit.Visit{}, false, err
	}
	for _, p := range visits {
		if p.ID != v.ID && p.StartedAt.Before(v.StartedAt) {
			return p, true, nil
		}
	}
	return audit.Visit{}, false, nil
}

// Now is the store's clock (replaceable in tests).
func (s *Store) Now() time.Time { return s.now() }
