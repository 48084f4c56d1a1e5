package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"techwalk/audit"
)

// SaveActions records many actions in one transaction: all or none.
func (s *Store) SaveActions(ctx context.Context, actions []audit.Action) error {
	for i := range actions {
		if actions[i].Status == "" {
			actions[i].Status = audit.StatusOpen
		}
		if err := actions[i].Validate(); err != nil {
			return fmt.Errorf("action %d of %d: %w", i+1, len(actions), err)
		}
	}
	now := s.now().UTC()
	return s.write(ctx, func(tx *sql.Tx) error {
		for i := range actions {
			actions[i].UpdatedAt, actions[i].Device = now, s.device
			if err := upsertAction(ctx, tx, &actions[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
