package audit

import (
	"context"
	"database/sql"
	"fmt"
)

// SaveDirectory inserts or updates many schools and rooms in one
// transaction: either all of them are saved or none is. Every record is
// validated first; ids, times and the device are filled as SaveSchool and
// SaveRoom do. Rooms may belong to schools saved in the same call.
func (s *Store) SaveDirectory(ctx context.Context, schools []School, rooms []Room) error {
	for i := range schools {
		if err := schools[i].Validate(); err != nil {
			return fmt.Errorf("school %d of %d: %w", i+1, len(schools), err)
		}
	}
	for i := range rooms {
		if err := rooms[i].Validate(); err != nil {
			return fmt.Errorf("room %d of %d: %w", i+1, len(rooms), err)
		}
	}
	for i := range schools {
		s.stamp(&schools[i].Record)
	}
	for i := range rooms {
		s.stamp(&rooms[i].Record)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		for i := range schools {
			if err := insertSchool(ctx, tx, &schools[i]); err != nil {
				return fmt.Errorf("school %q: %w", schools[i].Name, err)
			}
		}
		for i := range rooms {
			if err := insertRoom(ctx, tx, &rooms[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// SaveActions records many actions in one transaction: all or none.
func (s *Store) SaveActions(ctx context.Context, actions []Action) error {
	for i := range actions {
		if actions[i].Status == "" {
			actions[i].Status = StatusOpen
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
