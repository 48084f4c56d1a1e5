package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"techwalk/audit"
)

// Disagreement is one answer that copies merged with different values: the version kept and the open conflicts with it.
type Disagreement struct {
	Kept   audit.Conflict
	Others []audit.Conflict
}

// Conflicts lists the open conflicts of a visit, by room and item.
func (s *Store) Conflicts(ctx context.Context, visitID string) ([]Disagreement, error) {
	keys, err := queryList(ctx, s, func(row scanner) (string, error) {
		var kind, room, item string
		err := row.Scan(&kind, &room, &item)
		return kind + "|" + visitID + "|" + room + "|" + item, err
	}, "SELECT DISTINCT kind, room_id, item_id FROM conflicts WHERE visit_id = ? AND resolved = 0 ORDER BY room_id, item_id, kind", visitID)
	if err != nil {
		return nil, err
	}
	var out []Disagreement
	for _, key := range keys {
		kept, open, err := s.conflictsOf(ctx, key)
		if err != nil {
			return nil, s.readError(err)
		}
		if len(open) > 0 {
			out = append(out, Disagreement{Kept: kept, Others: open})
		}
	}
	return out, nil
}

func (s *Store) conflictsOf(ctx context.Context, key string) (audit.Conflict, []audit.Conflict, error) {
	open, err := conflictsOf(ctx, s.r, key)
	if err != nil || len(open) == 0 {
		return audit.Conflict{}, nil, err
	}
	kept, err := keptVersion(ctx, s.r, open[0])
	return kept, open, err
}

// keptVersion is the version held now of the answer c is about.
func keptVersion(ctx context.Context, q rowQuerier, c audit.Conflict) (audit.Conflict, error) {
	var text string
	a, err := scanAnswer(withHLC{q.QueryRowContext(ctx, "SELECT "+answerColumns+", hlc FROM answers WHERE visit_id = ? AND room_id = ? AND item_id = ?", c.VisitID, c.RoomID, c.ItemID), &text})
	if err != nil {
		return audit.Conflict{}, err
	}
	h, err := clockOf(text)
	return audit.AnswerVersion(audit.AnswerChange{Answer: a, Clock: h}), err
}

// ErrNotAnswerConflict refuses to settle a conflict that is not an answer's.
var ErrNotAnswerConflict = errors.New("only answer conflicts are settled this way")

// ResolveConflict settles the open conflicts of one answer, in one
// transaction: keep mine (the answer kept), keep theirs (the other
// version) or mine with both notes. The answer saved is a new edit of this
// device, and the conflicts of the answer are marked resolved with this
// device's clock, so every device that imports them, or pulls them from
// the district hub after this device pushed, stops showing them.
func (s *Store) ResolveConflict(ctx context.Context, theirs audit.Conflict, r audit.Resolution) error {
	if theirs.Kind != audit.ConflictAnswer {
		return ErrNotAnswerConflict
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		mine, err := keptVersion(ctx, tx, theirs)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("answer to %s: %w", theirs.ItemID, audit.ErrNotFound)
		}
		if err != nil {
			return err
		}
		value, note := audit.Resolve(mine, theirs, r)
		if value != mine.Value || note != mine.Note || mine.Deleted {
			if _, err := tx.ExecContext(ctx, `UPDATE answers SET value = ?, note = ?, deleted = 0, updated_at = ?, device = ?
				WHERE visit_id = ? AND room_id = ? AND item_id = ?`, value, note, formatTime(s.now()), s.device, theirs.VisitID, theirs.RoomID, theirs.ItemID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE conflicts SET resolved = 1, resolved_hlc = (SELECT now FROM sync_clock)
			WHERE kind = ? AND visit_id = ? AND room_id = ? AND item_id = ? AND (resolved = 0 OR resolved_hlc = '')`,
			theirs.Kind, theirs.VisitID, theirs.RoomID, theirs.ItemID)
		return err
	})
}
