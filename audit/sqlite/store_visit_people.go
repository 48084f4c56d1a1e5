package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"techwalk/audit"
)

// VisitPeople is who walked a visit and who else was there.
type VisitPeople struct {
	WalkedBy string // the auditor, or auditors
	Present  string // the principal, coaches, teachers: as typed
}

// Validate checks the lengths of both fields.
func (p VisitPeople) Validate() error {
	return audit.FirstError(audit.CheckText("walked by", p.WalkedBy, audit.MaxNameLen), audit.CheckText("people present", p.Present, audit.MaxNoteLen))
}

// SuggestVisitPeople proposes who walks a new visit of a school and who is
// present: the auditor from Settings, else the latest one recorded for the
// school; and the people last recorded as present at the school.
func (s *Store) SuggestVisitPeople(ctx context.Context, schoolID string) (VisitPeople, error) {
	var p VisitPeople
	auditor, err := s.Setting(ctx, SettingAuditor, "")
	if err != nil {
		return p, err
	}
	visits, err := s.Visits(ctx, VisitFilter{SchoolID: schoolID})
	if err != nil {
		return p, err
	}
	for _, v := range visits { // newest first
		if p.WalkedBy == "" {
			p.WalkedBy = strings.TrimSpace(v.Auditor)
		}
		if p.Present == "" {
			p.Present = strings.TrimSpace(v.People)
		}
	}
	if strings.TrimSpace(auditor) != "" {
		p.WalkedBy = auditor
	}
	return p, nil
}

// SetVisitPeople records who walked a visit and who was present, in one
// transaction that stamps the visit's clock and device.
func (s *Store) SetVisitPeople(ctx context.Context, visitID string, p VisitPeople) (audit.Visit, error) {
	p.WalkedBy, p.Present = strings.TrimSpace(p.WalkedBy), strings.TrimSpace(p.Present)
	if err := p.Validate(); err != nil {
		return audit.Visit{}, fmt.Errorf("visit: %w", err)
	}
	now := formatTime(s.now())
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE visits SET auditor = ?, people = ?, updated_at = ?, device = ?
			WHERE id = ? AND deleted = 0`, p.WalkedBy, p.Present, now, s.device, visitID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("visit %s: %w", visitID, audit.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return audit.Visit{}, err
	}
	return s.Visit(ctx, visitID)
}
