package audit

import (
	"context"
	"database/sql"
	"time"
)

// loopScope says which sightings the loop reads: one school's or every
// school's (SchoolID ""), visits up to AsOf (zero: all), and only the
// rooms and items in keys (nil: all).
type loopScope struct {
	SchoolID string
	AsOf     time.Time
	keys     map[[2]string]bool
}

// loopState is what the loop rule made of the sightings in a scope.
type loopState struct {
	loops   map[string]Loop
	fixes   []Fix
	actions map[string]Action
}

// ticketOf is the ticket key of a finding or, failing that, of the
// latest earlier finding of its run that has one.
func (st *loopState) ticketOf(id string) string {
	for ; id != ""; id = st.loops[id].PreviousID {
		if k := st.actions[id].TicketKey; k != "" {
			return k
		}
	}
	return ""
}

// link applies the loop to findings.
func (st *loopState) link(fs []Finding) { LinkFindings(fs, st.loops, st.actions) }

// loopVisit is a visit's date and its template's items, for evaluating sightings.
type loopVisit struct {
	date  time.Time
	items map[string]templateItem
}

// traceLoops loads the sightings in scope and runs the loop rule on them.
func (s *Store) traceLoops(ctx context.Context, scope loopScope) (*loopState, error) {
	visits, err := s.loopVisits(ctx, scope)
	if err != nil {
		return nil, err
	}
	q := "SELECT id, visit_id, room_id, item_id, value FROM answers WHERE value != '' AND deleted = 0"
	var args []any
	if scope.SchoolID != "" {
		q += " AND visit_id IN (SELECT id FROM visits WHERE school_id = ?)"
		args = append(args, scope.SchoolID)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	trails := map[[2]string][]Sighting{}
	for rows.Next() {
		var sg Sighting
		var k [2]string
		var value string
		if err := rows.Scan(&sg.AnswerID, &sg.VisitID, &k[0], &k[1], &value); err != nil {
			return nil, s.readError(err)
		}
		v, ok := visits[sg.VisitID]
		if !ok || (scope.keys != nil && !scope.keys[k]) {
			continue
		}
		ti, ok := v.items[k[1]]
		if !ok {
			continue
		}
		sg.VisitDate = v.date
		sg.Outcome, _ = ti.it.Evaluate(value)
		trails[k] = append(trails[k], sg)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readError(err)
	}
	st := &loopState{loops: map[string]Loop{}}
	for k, trail := range trails {
		loops, fixes := TraceLoops(k[0], k[1], trail)
		for id, l := range loops {
			st.loops[id] = l
		}
		st.fixes = append(st.fixes, fixes...)
	}
	st.actions, err = s.allActions(ctx)
	return st, err
}

// loopVisits loads the visits in scope with their dates and checklist items.
func (s *Store) loopVisits(ctx context.Context, scope loopScope) (map[string]loopVisit, error) {
	visits, err := s.Visits(ctx, VisitFilter{SchoolID: scope.SchoolID})
	if err != nil {
		return nil, err
	}
	out := map[string]loopVisit{}
	indexed := map[*Template]map[string]templateItem{}
	for _, v := range visits {
		if !scope.AsOf.IsZero() && v.StartedAt.After(scope.AsOf) {
			continue
		}
		t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
		if err != nil {
			return nil, err
		}
		if indexed[t] == nil {
			indexed[t] = indexItems(t)
		}
		out[v.ID] = loopVisit{date: v.StartedAt, items: indexed[t]}
	}
	return out, nil
}

// allActions loads every saved action, by finding id.
func (s *Store) allActions(ctx context.Context) (map[string]Action, error) {
	d := &findingDims{actions: map[string]Action{}}
	if err := s.loadActionDims(ctx, d); err != nil {
		return nil, s.readError(err)
	}
	return d.actions, nil
}

// findingKeys are the rooms and items of the findings.
func findingKeys(chunks [][]Finding) map[[2]string]bool {
	keys := map[[2]string]bool{}
	for _, c := range chunks {
		for i := range c {
			keys[[2]string{c[i].RoomID, c[i].ItemID}] = true
		}
	}
	return keys
}

// afterLink keeps the findings that match the filter's status and
// first-seen date, which the loop may have changed; in place.
func (f FindingFilter) afterLink(fs []Finding) []Finding {
	if f.Status == "" && f.Since.IsZero() {
		return fs
	}
	out := fs[:0]
	for _, fd := range fs {
		if (f.Status == "" || fd.Action.Status == f.Status) && !fd.FirstSeen.Before(f.Since) {
			out = append(out, fd)
		}
	}
	return out
}

// MarkInBacklog records that the findings went to a backlog: each open
// one becomes "in backlog", in one transaction; others keep their status.
// It returns how many changed.
func (s *Store) MarkInBacklog(ctx context.Context, ids []string) (int, error) {
	now := formatTime(s.now())
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO actions(finding_id, status, updated_at, device) VALUES (?, ?, ?, ?)
			ON CONFLICT(finding_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, device = excluded.device
			WHERE actions.status = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			res, err := stmt.ExecContext(ctx, id, string(StatusInBacklog), now, s.device, string(StatusOpen))
			if err != nil {
				return err
			}
			changed, _ := res.RowsAffected()
			n += int(changed)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
