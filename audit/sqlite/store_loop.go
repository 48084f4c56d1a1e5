package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"techwalk/audit"
	"time"
)

// loopScope says which sightings the loop reads: one school's or every
// school's (SchoolID ""), visits up to AsOf (zero: all), and only the
// rooms and items in keys (nil: all; see loopKey).
type loopScope struct {
	SchoolID string
	AsOf     time.Time
	keys     map[string]bool
}

// loopKey is the key of a room's item in loopScope.keys: room id, NUL, item id.
func loopKey(dst []byte, roomID, itemID string) []byte {
	return append(append(append(dst[:0], roomID...), 0), itemID...)
}

// loopState is what the loop rule made of the sightings in a scope.
type loopState struct {
	loops   map[string]audit.Loop
	fixes   []audit.Fix
	actions map[string]audit.Action
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
func (st *loopState) link(fs []audit.Finding) { audit.LinkFindings(fs, st.loops, st.actions) }

// loopVisit is a visit's id, date and its template's items, for evaluating sightings.
type loopVisit struct {
	id    string
	date  time.Time
	items map[string]templateItem
}

// trail is the sightings of one room's item.
type trail struct {
	roomID, itemID string
	sightings      []audit.Sighting
	failed         bool // some sighting failed: only then can there be a loop
}

// traceLoops loads the sightings in scope and runs the loop rule on them.
// The answers are scanned in rowid slices on the read connections, as
// raw bytes: only the rows in scope that passed or failed become
// sightings, so a district's scan allocates little.
func (s *Store) traceLoops(ctx context.Context, scope loopScope) (*loopState, error) {
	visits, err := s.loopVisits(ctx, scope)
	if err != nil {
		return nil, err
	}
	ranges := [][2]int64{{0, 1<<63 - 1}}
	if scope.SchoolID == "" {
		if ranges, err = s.answerRanges(ctx, 4*loopWorkers()); err != nil {
			return nil, s.readError(err)
		}
	}
	parts := make([]trails, len(ranges))
	errs := make([]error, len(ranges))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(loopWorkers(), len(ranges)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(ranges); i = int(next.Add(1)) - 1 {
				parts[i], errs[i] = s.scanSightings(ctx, scope, visits, ranges[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, s.readError(err)
	}
	st := &loopState{loops: map[string]audit.Loop{}}
	for _, t := range mergeTrails(parts) {
		if t.failed {
			st.fixes = append(st.fixes, audit.TraceLoops(t.roomID, t.itemID, t.sightings, st.loops)...)
		}
	}
	st.actions, err = s.allActions(ctx)
	return st, err
}

// loopWorkers is how many scans of the answers run at once.
func loopWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// trails are the sightings of rooms' items, by loopKey.
type trails struct {
	index map[string]int
	list  []trail
}

// add appends a sighting to the trail of a room's item.
func (ts *trails) add(key []byte, roomID, itemID string, sg audit.Sighting) {
	i, ok := ts.index[string(key)]
	if !ok {
		i = len(ts.list)
		ts.index[string(key)] = i
		ts.list = append(ts.list, trail{roomID: roomID, itemID: itemID})
	}
	ts.list[i].sightings = append(ts.list[i].sightings, sg)
	ts.list[i].failed = ts.list[i].failed || sg.Outcome == audit.Fail
}

// mergeTrails joins the trails of several scans.
func mergeTrails(parts []trails) []trail {
	if len(parts) == 1 {
		return parts[0].list
	}
	all := trails{index: map[string]int{}}
	var key []byte
	for _, p := range parts {
		for _, t := range p.list {
			key = loopKey(key, t.roomID, t.itemID)
			for _, sg := range t.sightings {
				all.add(key, t.roomID, t.itemID, sg)
			}
		}
	}
	return all.list
}

// scanSightings reads the sightings among the answers whose rowid is in r.
func (s *Store) scanSightings(ctx context.Context, scope loopScope, visits map[string]loopVisit, r [2]int64) (trails, error) {
	out := trails{index: map[string]int{}}
	q := "SELECT visit_id, room_id, item_id, value, id FROM answers WHERE value != '' AND deleted = 0 AND rowid BETWEEN ? AND ?"
	args := []any{r[0], r[1]}
	if scope.SchoolID != "" {
		q += " AND visit_id IN (SELECT id FROM visits WHERE school_id = ?)"
		args = append(args, scope.SchoolID)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	var key []byte
	var visitID, roomID, itemID, value, answerID sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&visitID, &roomID, &itemID, &value, &answerID); err != nil {
			return out, err
		}
		v, ok := visits[string(visitID)]
		if !ok {
			continue
		}
		key = append(append(append(key[:0], roomID...), 0), itemID...) // as loopKey, without copying the ids
		if scope.keys != nil && !scope.keys[string(key)] {
			continue
		}
		ti, ok := v.items[string(itemID)]
		if !ok {
			continue
		}
		outcome := rawOutcome(ti.it, value)
		if outcome != audit.Pass && outcome != audit.Fail { // n/a and unanswered neither break nor extend a run
			continue
		}
		sg := audit.Sighting{VisitID: v.id, VisitDate: v.date, Outcome: outcome}
		if outcome == audit.Fail {
			sg.AnswerID = string(answerID)
		}
		out.add(key, string(roomID), ti.it.ID, sg)
	}
	return out, rows.Err()
}

// rawOutcome evaluates an answer read as raw bytes; check items, most
// answers, are decided without copying the value.
func rawOutcome(it *audit.Item, value []byte) audit.Outcome {
	if it.Kind != audit.ItemCheck {
		out, _ := it.Evaluate(string(value))
		return out
	}
	switch string(value) {
	case audit.CheckOK:
		return audit.Pass
	case audit.CheckMissing, audit.CheckBroken:
		return audit.Fail
	case audit.CheckNA:
		return audit.NotApplicable
	}
	return audit.Unanswered
}

// loopVisits loads the visits in scope with their dates and checklist items.
func (s *Store) loopVisits(ctx context.Context, scope loopScope) (map[string]loopVisit, error) {
	visits, err := s.Visits(ctx, VisitFilter{SchoolID: scope.SchoolID})
	if err != nil {
		return nil, err
	}
	out := map[string]loopVisit{}
	indexed := map[*audit.Template]map[string]templateItem{}
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
		out[v.ID] = loopVisit{id: v.ID, date: v.StartedAt, items: indexed[t]}
	}
	return out, nil
}

// allActions loads every saved action, by finding id.
func (s *Store) allActions(ctx context.Context) (map[string]audit.Action, error) {
	d := &findingDims{actions: map[string]audit.Action{}}
	if err := s.loadActionDims(ctx, d); err != nil {
		return nil, s.readError(err)
	}
	return d.actions, nil
}

// findingKeys are the rooms and items of the findings, as loopKey makes them.
func findingKeys(chunks [][]audit.Finding) map[string]bool {
	keys := map[string]bool{}
	var key []byte
	for _, c := range chunks {
		for i := range c {
			key = loopKey(key, c[i].RoomID, c[i].ItemID)
			keys[string(key)] = true
		}
	}
	return keys
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
			res, err := stmt.ExecContext(ctx, id, string(audit.StatusInBacklog), now, s.device, string(audit.StatusOpen))
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
