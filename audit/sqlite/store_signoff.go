package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"techwalk/audit"
)

// SaveSignOff records who signed a visit off, replacing an earlier
// signature of the same visit, in one transaction. The store's clock stamps
// SignedAt. A finished visit keeps its sign-off: audit.ErrVisitFinished.
func (s *Store) SaveSignOff(ctx context.Context, so audit.SignOff) (audit.SignOff, error) {
	so.Name, so.Role = strings.TrimSpace(so.Name), strings.TrimSpace(so.Role)
	if err := so.Validate(); err != nil {
		return audit.SignOff{}, err
	}
	s.stamp(&so.Record)
	so.SignedAt = so.UpdatedAt
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := visitOpen(ctx, tx, so.VisitID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO signoffs(id, visit_id, name, role, signed_at, png, created_at, updated_at, device, deleted)
			VALUES (?,?,?,?,?,?,?,?,?,0)
			ON CONFLICT(visit_id) DO UPDATE SET name=excluded.name, role=excluded.role, signed_at=excluded.signed_at,
			png=excluded.png, updated_at=excluded.updated_at, device=excluded.device, deleted=0`,
			so.ID, so.VisitID, so.Name, so.Role, formatTime(so.SignedAt), so.PNG,
			formatTime(so.CreatedAt), formatTime(so.UpdatedAt), so.Device)
		return err
	})
	if err != nil {
		return audit.SignOff{}, err
	}
	return s.SignOff(ctx, so.VisitID)
}

// visitOpen checks, inside tx, that the visit exists and is not finished.
func visitOpen(ctx context.Context, tx *sql.Tx, visitID string) error {
	var finished string
	err := tx.QueryRowContext(ctx, "SELECT finished_at FROM visits WHERE id = ? AND deleted = 0", visitID).Scan(&finished)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("visit %s: %w", visitID, audit.ErrNotFound)
	case err != nil:
		return err
	case finished != "":
		return fmt.Errorf("sign-off: %w", audit.ErrVisitFinished)
	}
	return nil
}

// SignOff returns the visit's sign-off, or audit.ErrNotSigned when it has none.
func (s *Store) SignOff(ctx context.Context, visitID string) (audit.SignOff, error) {
	so := audit.SignOff{VisitID: visitID}
	var signed, created, updated string
	err := s.r.QueryRowContext(ctx, `SELECT id, name, role, signed_at, png, created_at, updated_at, device
		FROM signoffs WHERE visit_id = ? AND deleted = 0`, visitID).
		Scan(&so.ID, &so.Name, &so.Role, &signed, &so.PNG, &created, &updated, &so.Device)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.SignOff{VisitID: visitID}, fmt.Errorf("visit %s: %w", visitID, audit.ErrNotSigned)
	}
	if err != nil {
		return audit.SignOff{}, s.readError(err)
	}
	so.SignedAt, so.CreatedAt, so.UpdatedAt = parseTime(signed), parseTime(created), parseTime(updated)
	return so, nil
}

// loadSignOff fills the visit's sign-off, leaving it empty when there is none.
func (s *Store) loadSignOff(ctx context.Context, d *audit.VisitData) error {
	so, err := s.SignOff(ctx, d.Visit.ID)
	if errors.Is(err, audit.ErrNotSigned) {
		return nil
	}
	d.SignOff = so
	return err
}
