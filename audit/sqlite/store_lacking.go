package sqlite

import (
	"context"
	"encoding/json"

	"techwalk/audit"
)

// Lacking returns which of the visits and findings (answer ids) in named
// this device does not hold, deleted ones counting as held.
func (s *Store) Lacking(ctx context.Context, named audit.Owed) (audit.Owed, error) {
	var out audit.Owed
	var err error
	if out.Visits, err = s.lackingIn(ctx, "visits", named.Visits); err != nil {
		return out, err
	}
	out.Findings, err = s.lackingIn(ctx, "answers", named.Findings)
	return out, err
}

// lackingIn lists, sorted, the ids not in table (visits or answers).
func (s *Store) lackingIn(ctx context.Context, table string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM "+table+") ORDER BY 1", string(list))
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.readError(err)
		}
		out = append(out, id)
	}
	return out, s.readError(rows.Err())
}
