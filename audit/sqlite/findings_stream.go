package sqlite

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"techwalk/audit"
)

// findingDims holds the small tables a finding is joined with, loaded
// once so the scan of answers needs no per-row lookups in SQL.
type findingDims struct {
	visitID string // when set, only this visit's rows are loaded
	visits  map[string]*audit.Visit
	schools map[string]*audit.School
	rooms   map[string]*roomDim
	actions map[string]audit.Action
	photos  map[[3]string]int
	tpl     map[string]*audit.Template // visit id -> template
	items   map[*audit.Template]map[string]templateItem
}

// roomDim is a room with its label worked out once.
type roomDim struct {
	audit.Room
	label string
}

// templateItem is where an item id first occurs in a template.
type templateItem struct {
	sec *audit.Section
	it  *audit.Item
}

// indexItems maps each item id of t to its first occurrence.
func indexItems(t *audit.Template) map[string]templateItem {
	out := map[string]templateItem{}
	for i := range t.Sections {
		sec := &t.Sections[i]
		for j := range sec.Items {
			if _, dup := out[sec.Items[j].ID]; !dup {
				out[sec.Items[j].ID] = templateItem{sec, &sec.Items[j]}
			}
		}
	}
	return out
}

// EachFinding calls fn for every finding Findings lists, in no
// particular order, one call at a time. fn must not keep the pointer; a
// non-nil error from fn stops the calls and is returned.
func (s *Store) EachFinding(ctx context.Context, f audit.FindingFilter, fn func(*audit.Finding) error) error {
	chunks, err := s.FindingChunks(ctx, f)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		for i := range c {
			if err := fn(&c[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// FindingChunks returns the findings Findings returns, in no particular
// order, in chunks of at most 4,096 that are never copied to grow: each
// scanning goroutine reads its slices of the answers straight into its
// own chunks, with no lock and no copy per finding. The loop is then
// applied to them: their first sightings, carried-over tickets and fixes.
func (s *Store) FindingChunks(ctx context.Context, f audit.FindingFilter) ([][]audit.Finding, error) {
	sinks, err := s.scanParallel(ctx, f, func() findingSink { return &chunkSink{} })
	if err != nil {
		return nil, err
	}
	var chunks [][]audit.Finding
	for _, sink := range sinks {
		for _, c := range sink.(*chunkSink).chunks {
			if len(c) > 0 {
				chunks = append(chunks, c)
			}
		}
	}
	if len(chunks) == 0 {
		return nil, nil
	}
	scope := loopScope{SchoolID: f.SchoolID, AsOf: f.AsOf, keys: findingKeys(chunks)}
	if scope.SchoolID == "" && f.VisitID != "" { // one visit's faults: its school's visits only
		scope.SchoolID = chunks[0][0].SchoolID
	}
	st, err := s.traceLoops(ctx, scope)
	if err != nil {
		return nil, err
	}
	out := chunks[:0]
	for _, c := range chunks {
		st.link(c)
		if c = f.AfterLink(c); len(c) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// findingSink receives what one scan finds: slot is a zeroed Finding for
// the next row, keep takes it when the row is a matching finding.
type findingSink interface {
	slot() *audit.Finding
	keep(*audit.Finding) error
}

// findingChunk is how many findings a chunk holds.
const findingChunk = 4096

// chunkSink fills fixed-size chunks in place.
type chunkSink struct {
	chunks [][]audit.Finding
	dirty  bool // the slot after the last chunk's end holds a row not kept
}

func (s *chunkSink) slot() *audit.Finding {
	n := len(s.chunks)
	if n == 0 || len(s.chunks[n-1]) == cap(s.chunks[n-1]) {
		s.chunks = append(s.chunks, make([]audit.Finding, 0, findingChunk))
		n, s.dirty = n+1, false
	}
	last := s.chunks[n-1]
	fd := &last[:len(last)+1][len(last)]
	if s.dirty {
		*fd = audit.Finding{}
	}
	s.dirty = true
	return fd
}

func (s *chunkSink) keep(*audit.Finding) error {
	n := len(s.chunks) - 1
	s.chunks[n] = s.chunks[n][:len(s.chunks[n])+1]
	s.dirty = false
	return nil
}

// scanParallel scans the answers in slices on one goroutine per read
// connection, each into the sink newSink makes for it, and returns the
// sinks. There are four slices a goroutine, taken in turn, so one that
// gets less CPU time (a busy machine) does not hold the others up.
func (s *Store) scanParallel(ctx context.Context, f audit.FindingFilter, newSink func() findingSink) ([]findingSink, error) {
	d, err := s.loadFindingDims(ctx, "")
	if err != nil {
		return nil, s.readError(err)
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	ranges, err := s.answerRanges(ctx, 4*workers)
	if err != nil {
		return nil, s.readError(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var errMu sync.Mutex
	var first error // the error that stopped the scan; later ones are its echoes
	var next atomic.Int64
	var wg sync.WaitGroup
	sinks := make([]findingSink, workers)
	for i := range sinks {
		sinks[i] = newSink()
		wg.Go(func() {
			err := s.scanRanges(ctx, f, d, ranges, &next, sinks[i])
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
	return sinks, s.readError(first)
}

// scanRanges scans the next range not yet taken until none is left.
func (s *Store) scanRanges(ctx context.Context, f audit.FindingFilter, d *findingDims, ranges [][2]int64, next *atomic.Int64, sink findingSink) error {
	for i := int(next.Add(1)) - 1; i < len(ranges); i = int(next.Add(1)) - 1 {
		if err := s.scanAnswers(ctx, f, d, ranges[i], sink); err != nil {
			return err
		}
	}
	return nil
}

// answerRanges splits the answers' rowids into n contiguous ranges. The
// bounds are two subqueries: SQLite looks up a lone min or max in the
// index, but scans the table for both in one select.
func (s *Store) answerRanges(ctx context.Context, n int) ([][2]int64, error) {
	var lo, hi int64
	if err := s.r.QueryRowContext(ctx, "SELECT COALESCE((SELECT min(rowid) FROM answers), 0), COALESCE((SELECT max(rowid) FROM answers), 0)").Scan(&lo, &hi); err != nil {
		return nil, err
	}
	step := (hi-lo)/int64(max(n, 1)) + 1
	var out [][2]int64
	for start := lo; start <= hi; start += step {
		out = append(out, [2]int64{start, min(start+step-1, hi)})
	}
	return out, nil
}

func (s *Store) scanAnswers(ctx context.Context, f audit.FindingFilter, d *findingDims, r [2]int64, sink findingSink) error {
	q, args := s.answerScan(f, d)
	rows, err := s.r.QueryContext(ctx, q+" AND rowid BETWEEN ? AND ?", append(args, r[0], r[1])...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var value, created, updated string
		fd := sink.slot()
		if err := rows.Scan(&fd.ID, &fd.VisitID, &fd.RoomID, &fd.ItemID, &value, &fd.Note, &created, &updated); err != nil {
			return err
		}
		if !d.join(fd, value, f) {
			continue
		}
		fd.FirstSeen = fd.VisitStarted                             // until the loop finds an earlier sighting
		if fd.UpdatedAt = parseTime(created); updated != created { // most answers were never edited
			fd.UpdatedAt = parseTime(updated)
		}
		if err := sink.keep(fd); err != nil {
			return err
		}
	}
	return rows.Err()
}

// answerScan is the query over answers; when no template can fail an
// "ok" or "na" answer, those (most answers) are skipped inside SQLite.
// The value is tested first: SQLite then decodes no later column of the
// rows it skips.
func (s *Store) answerScan(f audit.FindingFilter, d *findingDims) (string, []any) {
	q := "SELECT id, visit_id, room_id, item_id, value, note, created_at, updated_at FROM answers WHERE "
	if d.okNeverFails() {
		q += "value NOT IN ('" + audit.CheckOK + "', '" + audit.CheckNA + "') AND "
	}
	q += "value != '' AND deleted = 0"
	var args []any
	if f.VisitID != "" {
		q += " AND visit_id = ?"
		args = append(args, f.VisitID)
	}
	if f.SchoolID != "" {
		q += " AND visit_id IN (SELECT id FROM visits WHERE school_id = ?)"
		args = append(args, f.SchoolID)
	}
	if !f.Since.IsZero() { // first seen on or before its own visit, so never later than since
		q += " AND visit_id IN (SELECT id FROM visits WHERE started_at >= ?)"
		args = append(args, formatTime(f.Since))
	}
	return q, args
}

func (d *findingDims) okNeverFails() bool {
	for _, t := range d.tpl {
		for _, sec := range t.Sections {
			for _, it := range sec.Items {
				if out, _ := it.Evaluate(audit.CheckOK); out == audit.Fail {
					return false
				}
				if out, _ := it.Evaluate(audit.CheckNA); out == audit.Fail {
					return false
				}
			}
		}
	}
	return true
}

// join fills the finding from the loaded tables; false when the answer is
// not a finding that matches the filter.
func (d *findingDims) join(fd *audit.Finding, value string, f audit.FindingFilter) bool {
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
	// The ids become the loaded tables' strings, so the scanned copies are
	// garbage at once instead of living on in every finding.
	fd.VisitID, fd.RoomID = v.ID, r.ID
	fd.VisitStarted, fd.TemplateID, fd.TemplateVersion = v.StartedAt, v.TemplateID, v.TemplateVersion
	fd.SchoolID, fd.SchoolName, fd.SchoolCode = sc.ID, sc.Name, sc.Code
	fd.RoomLabel, fd.RoomKind, fd.Teacher = r.label, r.Kind, r.Teacher
	fd.PhotoCount = d.photos[[3]string{fd.VisitID, fd.RoomID, fd.ItemID}]
	fd.Action = d.actions[fd.ID]
	fd.Action.FindingID = fd.ID
	if fd.Action.Status == "" {
		fd.Action.Status = audit.StatusOpen
	}
	ti, ok := d.items[d.tpl[fd.VisitID]][fd.ItemID]
	return ok && failWith(fd, ti.sec, ti.it, value) && f.MatchesItem(fd)
}

// failWith fills the finding from its checklist item; false when the
// answer does not fail.
func failWith(fd *audit.Finding, sec *audit.Section, it *audit.Item, value string) bool {
	out, reason := it.Evaluate(value)
	if out != audit.Fail {
		return false
	}
	fd.Value, fd.Reason = value, reason
	fd.ItemID, fd.ItemLabel, fd.Section, fd.Category, fd.Severity = it.ID, it.Label, sec.Title, it.Category, it.Severity
	if fd.Action.Priority == "" {
		fd.Action.Priority = it.Severity
	}
	return true
}

// loadFindingDims loads the tables findings are joined with: all of them,
// or for one visit (visitID not empty) only that visit's rows.
func (s *Store) loadFindingDims(ctx context.Context, visitID string) (*findingDims, error) {
	d := &findingDims{visitID: visitID, visits: map[string]*audit.Visit{}, schools: map[string]*audit.School{}, rooms: map[string]*roomDim{},
		actions: map[string]audit.Action{}, photos: map[[3]string]int{}, tpl: map[string]*audit.Template{}, items: map[*audit.Template]map[string]templateItem{}}
	for _, load := range []func(context.Context, *findingDims) error{s.loadVisitDims, s.loadSchoolDims, s.loadRoomDims, s.loadActionDims, s.loadPhotoDims} {
		if err := load(ctx, d); err != nil {
			return nil, fmt.Errorf("load findings: %w", err)
		}
	}
	return d, nil
}

// scoped narrows a dimension query to the visit of d, if it has one: cond
// holds one ? for the visit id.
func (d *findingDims) scoped(q, where, cond string) (string, []any) {
	if d.visitID == "" {
		return q + where, nil
	}
	if where == "" {
		return q + " WHERE " + cond, []any{d.visitID}
	}
	return q + where + " AND " + cond, []any{d.visitID}
}

func (s *Store) loadVisitDims(ctx context.Context, d *findingDims) error {
	q, args := d.scoped("SELECT "+visitColumns+" FROM visits", " WHERE deleted = 0", "id = ?")
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	var visits []audit.Visit
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
	for i, v := range visits {
		t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
		if err != nil {
			return err
		}
		d.visits[v.ID], d.tpl[v.ID] = &visits[i], t
		if d.items[t] == nil {
			d.items[t] = indexItems(t)
		}
	}
	return nil
}

func (s *Store) loadSchoolDims(ctx context.Context, d *findingDims) error {
	schools, err := s.Schools(ctx)
	for i, sc := range schools {
		d.schools[sc.ID] = &schools[i]
	}
	return err
}

func (s *Store) loadRoomDims(ctx context.Context, d *findingDims) error {
	q, args := d.scoped("SELECT "+roomColumns+" FROM rooms", " WHERE deleted = 0", "school_id = (SELECT school_id FROM visits WHERE id = ?)")
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRoom(rows)
		if err != nil {
			return err
		}
		d.rooms[r.ID] = &roomDim{r, r.Label()}
	}
	return rows.Err()
}

func (s *Store) loadActionDims(ctx context.Context, d *findingDims) error {
	q, args := d.scoped(actionsQuery, "", "finding_id IN (SELECT id FROM answers WHERE visit_id = ?)")
	return readActions(ctx, s.r, d.actions, q, args...)
}

func (s *Store) loadPhotoDims(ctx context.Context, d *findingDims) error {
	q, args := d.scoped("SELECT visit_id, room_id, item_id, count(*) FROM photos", " WHERE deleted = 0", "visit_id = ?")
	rows, err := s.r.QueryContext(ctx, q+" GROUP BY 1, 2, 3", args...)
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
