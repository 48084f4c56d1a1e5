package audit

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// findingDims holds the small tables a finding is joined with, loaded
// once so the scan of answers needs no per-row lookups in SQL.
type findingDims struct {
	store   *Store
	visits  map[string]Visit
	schools map[string]School
	rooms   map[string]Room
	actions map[string]Action
	photos  map[[3]string]int
	tpl     map[string]*Template // visit id -> template
}

// EachFinding calls fn for every failing answer that matches the filter,
// in no particular order, without materialising the whole list: the
// streaming path for exports of district-sized databases. It yields the
// same findings as Findings. The answers are scanned in parallel slices
// on the read connections, but fn is called from one goroutine at a time.
// fn must not keep the pointer; a non-nil error from fn stops the scan and
// is returned.
func (s *Store) EachFinding(ctx context.Context, f FindingFilter, fn func(*Finding) error) error {
	d, err := s.loadFindingDims(ctx)
	if err != nil {
		return s.readError(err)
	}
	ranges, err := s.answerRanges(ctx, min(runtime.GOMAXPROCS(0), 4))
	if err != nil {
		return s.readError(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu, errMu sync.Mutex
	var first error // the error that stopped the scan; later ones are its echoes
	var wg sync.WaitGroup
	for _, r := range ranges {
		wg.Go(func() {
			err := s.scanAnswers(ctx, f, d, r, func(fd *Finding) error {
				mu.Lock()
				defer mu.Unlock()
				return fn(fd)
			})
			if err == nil {
				return
			}
			errMu.Lock()
			if first == nil {
				first = err
			}
			errMu.Unlock()
			cancel()
		})
	}
	wg.Wait()
	return s.readError(first)
}

// answerRanges splits the answers' rowids into n contiguous ranges.
func (s *Store) answerRanges(ctx context.Context, n int) ([][2]int64, error) {
	var lo, hi int64
	if err := s.r.QueryRowContext(ctx, "SELECT COALESCE(min(rowid), 0), COALESCE(max(rowid), 0) FROM answers").Scan(&lo, &hi); err != nil {
		return nil, err
	}
	step := (hi-lo)/int64(max(n, 1)) + 1
	var out [][2]int64
	for start := lo; start <= hi; start += step {
		out = append(out, [2]int64{start, min(start+step-1, hi)})
	}
	return out, nil
}

func (s *Store) scanAnswers(ctx context.Context, f FindingFilter, d *findingDims, r [2]int64, fn func(*Finding) error) error {
	q, args := s.answerScan(f, d)
	rows, err := s.r.QueryContext(ctx, q+" AND rowid BETWEEN ? AND ?", append(args, r[0], r[1])...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var fd Finding
	for rows.Next() {
		var value, created, updated string
		fd = Finding{}
		if err := rows.Scan(&fd.ID, &fd.VisitID, &fd.RoomID, &fd.ItemID, &value, &fd.Note, &created, &updated); err != nil {
			return err
		}
		if !d.join(&fd, value, f) {
			continue
		}
		fd.FirstSeen, fd.UpdatedAt = parseTime(created), parseTime(updated)
		if err := fn(&fd); err != nil {
			return err
		}
	}
	return rows.Err()
}

// answerScan is the query over answers; when no template can fail an
// "ok" or "na" answer, those (most answers) are skipped inside SQLite.
func (s *Store) answerScan(f FindingFilter, d *findingDims) (string, []any) {
	q := "SELECT id, visit_id, room_id, item_id, value, note, created_at, updated_at FROM answers WHERE deleted = 0 AND value != ''"
	if d.okNeverFails() {
		q += " AND value NOT IN ('" + CheckOK + "', '" + CheckNA + "')"
	}
	var args []any
	if f.VisitID != "" {
		q += " AND visit_id = ?"
		args = append(args, f.VisitID)
	}
	if f.SchoolID != "" {
		q += " AND visit_id IN (SELECT id FROM visits WHERE school_id = ?)"
		args = append(args, f.SchoolID)
	}
	if !f.Since.IsZero() {
		q += " AND created_at >= ?"
		args = append(args, formatTime(f.Since))
	}
	return q, args
}

func (d *findingDims) okNeverFails() bool {
	for _, t := range d.tpl {
		for _, sec := range t.Sections {
			for _, it := range sec.Items {
				if out, _ := it.Evaluate(CheckOK); out == Fail {
					return false
				}
				if out, _ := it.Evaluate(CheckNA); out == Fail {
					return false
				}
			}
		}
	}
	return true
}

// join fills the finding from the loaded tables; false when the answer is
// not a finding that matches the filter.
func (d *findingDims) join(fd *Finding, value string, f FindingFilter) bool {
	v, ok := d.visits[fd.VisitID]
	if !ok {
		return false
	}
	sc, ok := d.schools[v.SchoolID]
	if !ok {
		return false
	}
	r, ok := d.rooms[fd.RoomID]
	if !ok {
		return false
	}
	fd.VisitStarted, fd.TemplateID, fd.TemplateVersion = v.StartedAt, v.TemplateID, v.TemplateVersion
	fd.SchoolID, fd.SchoolName, fd.SchoolCode = sc.ID, sc.Name, sc.Code
	fd.RoomLabel, fd.RoomKind, fd.Teacher = r.Label(), r.Kind, r.Teacher
	fd.PhotoCount = d.photos[[3]string{fd.VisitID, fd.RoomID, fd.ItemID}]
	fd.Action = d.actions[fd.ID]
	fd.Action.FindingID = fd.ID
	if fd.Action.Status == "" {
		fd.Action.Status = StatusOpen
	}
	if f.Status != "" && fd.Action.Status != f.Status {
		return false
	}
	t := d.tpl[fd.VisitID]
	return t != nil && d.store.completeFinding(t, fd, value) && f.matchesItem(*fd)
}

func (s *Store) loadFindingDims(ctx context.Context) (*findingDims, error) {
	d := &findingDims{store: s, visits: map[string]Visit{}, schools: map[string]School{}, rooms: map[string]Room{},
		actions: map[string]Action{}, photos: map[[3]string]int{}, tpl: map[string]*Template{}}
	for _, load := range []func(context.Context, *findingDims) error{s.loadVisitDims, s.loadSchoolDims, s.loadRoomDims, s.loadActionDims, s.loadPhotoDims} {
		if err := load(ctx, d); err != nil {
			return nil, fmt.Errorf("load findings: %w", err)
		}
	}
	return d, nil
}

func (s *Store) loadVisitDims(ctx context.Context, d *findingDims) error {
	rows, err := s.r.QueryContext(ctx, "SELECT "+visitColumns+" FROM visits WHERE deleted = 0")
	if err != nil {
		return err
	}
	var visits []Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			rows.Close()
			return err
		}
		visits = append(visits, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, v := range visits {
		t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
		if err != nil {
			return err
		}
		d.visits[v.ID], d.tpl[v.ID] = v, t
	}
	return nil
}

func (s *Store) loadSchoolDims(ctx context.Context, d *findingDims) error {
	schools, err := s.Schools(ctx)
	for _, sc := range schools {
		d.schools[sc.ID] = sc
	}
	return err
}

func (s *Store) loadRoomDims(ctx context.Context, d *findingDims) error {
	rows, err := s.r.QueryContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE deleted = 0")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRoom(rows)
		if err != nil {
			return err
		}
		d.rooms[r.ID] = r
	}
	return rows.Err()
}

func (s *Store) loadActionDims(ctx context.Context, d *findingDims) error {
	rows, err := s.r.QueryContext(ctx, "SELECT finding_id, owner_team, priority, due_date, status, ticket_key, updated_at, device FROM actions")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a Action
		var priority, status, updated string
		if err := rows.Scan(&a.FindingID, &a.OwnerTeam, &priority, &a.DueDate, &status, &a.TicketKey, &updated, &a.Device); err != nil {
			return err
		}
		a.Priority, a.Status, a.UpdatedAt = Severity(priority), Status(status), parseTime(updated)
		d.actions[a.FindingID] = a
	}
	return rows.Err()
}

func (s *Store) loadPhotoDims(ctx context.Context, d *findingDims) error {
	rows, err := s.r.QueryContext(ctx, "SELECT visit_id, room_id, item_id, count(*) FROM photos WHERE deleted = 0 GROUP BY 1, 2, 3")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k [3]string
		var n int
		if err := rows.Scan(&k[0], &k[1], &k[2], &n); err != nil {
			return err
		}
		d.photos[k] = n
	}
	return rows.Err()
}
