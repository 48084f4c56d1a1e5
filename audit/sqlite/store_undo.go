package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"techwalk/audit"
)

// RestoreRoom brings back a deleted room (Undo); the restore is newer than
// the delete, so it wins when copies merge.
func (s *Store) RestoreRoom(ctx context.Context, id string) error {
	return s.untombstone(ctx, "rooms", id)
}

// RestorePhoto brings back a deleted photo (Undo).
func (s *Store) RestorePhoto(ctx context.Context, id string) error {
	return s.untombstone(ctx, "photos", id)
}

func (s *Store) untombstone(ctx context.Context, table, id string) error {
	now := formatTime(s.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET deleted = 0, updated_at = ?, device = ? WHERE id = ?", now, s.device, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%s %s: %w", table[:len(table)-1], id, audit.ErrNotFound)
		}
		return nil
	})
}

// VisitEmpty tells whether a visit holds nothing yet: no answer or note, no
// photo, no feedback and no room marked done.
func (s *Store) VisitEmpty(ctx context.Context, visitID string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, visitContentQuery, visitID, visitID, visitID, visitID).Scan(&n)
	return n == 0, s.readError(err)
}

// visitContentQuery counts what a visit holds (0 for an empty visit).
const visitContentQuery = `SELECT
	(SELECT count(*) FROM answers WHERE visit_id = ? AND deleted = 0 AND (value != '' OR note != '')) +
	(SELECT count(*) FROM photos WHERE visit_id = ? AND deleted = 0) +
	(SELECT count(*) FROM feedback WHERE visit_id = ? AND deleted = 0) +
	(SELECT count(*) FROM visit_rooms WHERE visit_id = ? AND done = 1)`

// DiscardVisit deletes a visit that holds nothing yet (a visit started by
// mistake); a visit with any answer, photo, feedback or room done is kept
// and ErrVisitNotEmpty returned.
func (s *Store) DiscardVisit(ctx context.Context, visitID string) error {
	now := formatTime(s.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, visitContentQuery, visitID, visitID, visitID, visitID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return audit.ErrVisitNotEmpty
		}
		res, err := tx.ExecContext(ctx, "UPDATE visits SET deleted = 1, updated_at = ?, device = ? WHERE id = ? AND deleted = 0",
			now, s.device, visitID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return fmt.Errorf("visit %s: %w", visitID, audit.ErrNotFound)
		}
		return nil
	})
}
