package hubsync

import (
	"context"
	"encoding/json"
	"fmt"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// Device settings a pull keeps per hub (the name followed by the hub's
// id), as JSON: what pulls set aside (audit.Owed), and the schools a
// reader's login was given at the last pull (postgres.Pulled.Given).
const (
	owedKey  = "hub_owed:"
	givenKey = "hub_given:"
)

// owedOf reads what earlier pulls from the hub set aside.
func owedOf(ctx context.Context, s *sqlite.Store, hubID string) (audit.Owed, error) {
	return readJSON[audit.Owed](ctx, s, owedKey+hubID)
}

// saveOwed keeps what is owed for the next pulls and returns it.
func saveOwed(ctx context.Context, s *sqlite.Store, hubID string, owed audit.Owed) (audit.Owed, error) {
	return owed, writeJSON(ctx, s, owedKey+hubID, owed, owed.Empty())
}

// givenOf reads the schools the login was given at the last pull.
func givenOf(ctx context.Context, s *sqlite.Store, hubID string) ([]string, error) {
	return readJSON[[]string](ctx, s, givenKey+hubID)
}

// saveGiven keeps the schools the login was given at this pull.
func saveGiven(ctx context.Context, s *sqlite.Store, hubID string, given []string) error {
	return writeJSON(ctx, s, givenKey+hubID, given, given == nil)
}

// readJSON reads the device setting key as JSON; the zero value when unset.
func readJSON[T any](ctx context.Context, s *sqlite.Store, key string) (T, error) {
	var v T
	raw, err := s.Setting(ctx, key, "")
	if err != nil || raw == "" {
		return v, err
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		var zero T
		return zero, fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

// writeJSON saves v as the device setting key, as JSON; unset when none.
func writeJSON(ctx context.Context, s *sqlite.Store, key string, v any, none bool) error {
	if none {
		return s.SetSetting(ctx, key, "")
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.SetSetting(ctx, key, string(raw))
}

// setAside removes from cs the rows naming a visit or a finding that
// neither cs nor this device holds, which applying would refuse, and
// returns what it removed rows of, and how many rows. They are pulled
// again once their parent is here (audit.Owed).
func setAside(ctx context.Context, s *sqlite.Store, cs *audit.ChangeSet) (audit.Owed, int, error) {
	before := rows(cs)
	lacking, err := s.Lacking(ctx, audit.Owed{Visits: cs.ParentVisits()})
	if err != nil {
		return lacking, 0, err
	}
	out := cs.SetAside(lacking)
	lacking, err = s.Lacking(ctx, audit.Owed{Findings: cs.ParentFindings()})
	if err != nil {
		return out, 0, err
	}
	out.Findings = cs.SetAside(lacking).Findings
	return out, before - rows(cs), nil
}

func rows(cs *audit.ChangeSet) int {
	n := 0
	for _, k := range cs.Rows() {
		n += k
	}
	return n
}
