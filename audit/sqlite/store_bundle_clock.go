package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"techwalk/audit"
)

// tickSQL hands a clock reading to the triggers.
const tickSQL = "UPDATE sync_clock SET now = ?, stamping = 1 WHERE id = 1"

// tick takes a clock reading for the write transaction tx and hands it to
// the schema's triggers (sync_clock), which stamp it on every row the
// transaction writes: no save can forget it.
func (s *Store) tick(ctx context.Context, tx *sql.Tx) error {
	c, err := s.hlcClock(ctx, tx)
	if err != nil {
		return err
	}
	stmt, err := s.cached(ctx, tx, tickSQL)
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx, c.Now().String())
	return err
}

// hlcClock returns the device's clock, loading its last reading from the
// file the first time.
func (s *Store) hlcClock(ctx context.Context, q querier) (*audit.Clock, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clock != nil {
		return s.clock, nil
	}
	var text string
	if err := q.QueryRowContext(ctx, "SELECT now FROM sync_clock WHERE id = 1").Scan(&text); err != nil {
		return nil, fmt.Errorf("read the device clock: %w", err)
	}
	last, err := audit.ParseHLC(text)
	if err != nil {
		return nil, fmt.Errorf("read the device clock: %w", err)
	}
	s.clock = audit.NewClock(s.device, s.now, last)
	return s.clock, nil
}

// SchemaVersion is the database schema this TechWalk writes; bundles
// carry it, and one from a newer schema is refused.
func SchemaVersion() (int, error) {
	m, err := loadMigrations()
	return len(m), err
}
