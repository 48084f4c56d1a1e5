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
	var owed audit.Owed
	raw, err := s.Setting(ctx, owedKey+hubID, "")
	if err != nil || raw == "" {
		return owed, err
	}
	if err := json.Unmarshal([]byte(raw), &owed); err != nil {
		return audit.Owed{}, fmt.Errorf("setting %s%s: %w", owedKey, hubID, err)
	}
	return owed, nil
}

// saveOwed keeps what is owed for the next pulls and returns it.
func saveOwed(ctx context.Context, s *sqlite.Store, hubID string, owed audit.Owed) (audit.Owed, error) {
	raw, err := json.Marshal(owed)
	if err != nil {
		return owed, err
	}
	if owed.Empty() {
		raw = nil
	}
	return owed, s.SetSetting(ctx, owedKey+hubID, string(raw))
}

// givenOf reads the schools the login was given at the last pull.
func givenOf(ctx context.Context, s *sqlite.Store, hubID string) ([]string, error) {
	var given []string
	raw, err := s.Setting(ctx, givenKey+hubID, "")
	if err != nil || raw == "" {
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw), &given); err != nil {
		return nil, fmt.Errorf("setting %s%s: %w", givenKey, hubID, err)
	}
	return given, nil
}

// saveGiven keeps the schools the login was given at this pull.
func saveGiven(ctx context.Context, s *sqlite.Store, hubID string, given []string) error {
	raw := ""
	if given != nil {
		b, err := json.Marshal(given)
		if err != nil {
			return err
		}
		raw = string(b)
	}
	return s.SetSetting(ctx, givenKey+hubID, raw)
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
