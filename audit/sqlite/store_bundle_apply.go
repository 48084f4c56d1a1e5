package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"techwalk/audit"
)

// ApplyChangeSet merges a change set into this database by the domain's
// merge rules, in one transaction: all of it or, on any error, none. A
// bundle id already imported changes nothing. With dryRun the report says
// what would change and nothing is saved.
func (s *Store) ApplyChangeSet(ctx context.Context, cs *audit.ChangeSet, from audit.Origin, dryRun bool) (audit.ApplyReport, error) {
	rep := audit.ApplyReport{BundleID: from.BundleID, DryRun: dryRun, Parts: map[string]*audit.PartCount{}}
	if err := cs.Validate(); err != nil {
		return rep, err
	}
	var observed audit.HLC
	err := s.write(ctx, func(tx *sql.Tx) error {
		a := &applier{ctx: ctx, tx: tx, rep: &rep, ids: map[string]string{}, touched: map[string]bool{}, fresh: map[string]bool{}, schoolRooms: map[string][]audit.RoomChange{}, stmts: map[string]*sql.Stmt{}}
		defer a.close()
		if from.BundleID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM imported_bundles WHERE bundle_id = ?", from.BundleID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				rep.AlreadyImported = true
				return nil
			}
		}
		if err := a.apply(cs); err != nil {
			return err
		}
		_, observed = cs.ClockRange()
		if from.BundleID != "" {
			if _, err := tx.ExecContext(ctx, "INSERT INTO imported_bundles(bundle_id, device, imported_at, summary) VALUES (?,?,?,?)",
				from.BundleID, from.Device, formatTime(s.now()), rep.Summary()); err != nil {
				return err
			}
		}
		if err := s.observe(ctx, tx, observed); err != nil {
			return err
		}
		if dryRun { // deferred foreign keys are checked at commit: check them now, then roll back
			if err := a.checkReferences(); err != nil {
				return err
			}
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if isForeignKey(err) {
		err = fmt.Errorf("%w: a row names a visit, room, template or finding that neither the change set nor this database holds; nothing was imported", audit.ErrDanglingReference)
	}
	if err != nil {
		return rep, err
	}
	if !dryRun {
		c, _ := s.hlcClock(ctx, s.w)
		c.Observe(observed)
	}
	return rep, nil
}

// observe moves the stored clock past the newest reading applied, so this
// device's next edit is newer than everything it now holds, and turns
// stamping back on.
func (s *Store) observe(ctx context.Context, tx *sql.Tx, h audit.HLC) error {
	var text string
	if err := tx.QueryRowContext(ctx, "SELECT now FROM sync_clock WHERE id = 1").Scan(&text); err != nil {
		return err
	}
	if h.String() > text {
		text = h.String()
	}
	_, err := tx.ExecContext(ctx, "UPDATE sync_clock SET now = ?, stamping = 1 WHERE id = 1", text)
	return err
}

// applier applies one change set inside one transaction.
type applier struct {
	ctx     context.Context
	tx      *sql.Tx
	rep     *audit.ApplyReport
	ids     map[string]string // "kind|other id" -> local id
	touched map[string]bool   // conflict keys whose versions changed
	fresh   map[string]bool   // visits this change set added: nothing of theirs is held here yet
	// schoolRooms caches the rooms of a school held here, by school id,
	// while the change set's rooms are matched; dropped when a room changes.
	schoolRooms map[string][]audit.RoomChange
	stmts       map[string]*sql.Stmt
}

// stmt is the transaction's prepared statement for query, prepared on
// first use: a change set runs the same few statements thousands of times.
func (a *applier) stmt(query string) (*sql.Stmt, error) {
	if st, ok := a.stmts[query]; ok {
		return st, nil
	}
	st, err := a.tx.PrepareContext(a.ctx, query)
	if err != nil {
		return nil, err
	}
	a.stmts[query] = st
	return st, nil
}

func (a *applier) exec(query string, args ...any) error {
	st, err := a.stmt(query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(a.ctx, args...)
	return err
}

// queryRow runs a one-row query through its prepared statement; an error
// preparing it comes back from Scan.
func (a *applier) queryRow(query string, args ...any) *sql.Row {
	st, err := a.stmt(query)
	if err != nil {
		return a.queryRow(query, args...)
	}
	return st.QueryRowContext(a.ctx, args...)
}

func (a *applier) query(query string, args ...any) (*sql.Rows, error) {
	st, err := a.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(a.ctx, args...)
}

// close releases the prepared statements.
func (a *applier) close() {
	for _, st := range a.stmts {
		st.Close()
	}
}

// bigChangeSet is the number of answers above which applying gives
// SQLite a larger page cache for the transaction: a district's worth of
// rows goes into indexes keyed by random ids, and a small cache re-reads
// their pages over and over.
const bigChangeSet = 20_000

// bigCacheKiB is that cache, in KiB.
const bigCacheKiB = 256 << 10

func (a *applier) apply(cs *audit.ChangeSet) error {
	if err := a.exec("PRAGMA defer_foreign_keys = ON"); err != nil {
		return err
	}
	if len(cs.Answers) > bigChangeSet {
		restore, err := a.growCache()
		if err != nil {
			return err
		}
		defer restore()
	}
	if err := a.exec("UPDATE sync_clock SET stamping = 0 WHERE id = 1"); err != nil {
		return err
	}
	if err := a.loadIDMap(); err != nil {
		return err
	}
	steps := []func(*audit.ChangeSet) error{a.templates, a.schools, a.rooms, a.visits, a.visitRooms, a.answers,
		a.feedback, a.photos, a.actions, a.history, a.conflicts, a.settings}
	for _, step := range steps {
		if err := step(cs); err != nil {
			return err
		}
	}
	return a.openConflicts()
}

// growCache raises the connection's page cache to bigCacheKiB and
// returns what puts the old size back. A cache a pull in batches enlarged
// (BeginBatches) stays as it is.
func (a *applier) growCache() (func(), error) {
	var old int
	if err := a.tx.QueryRowContext(a.ctx, "PRAGMA cache_size").Scan(&old); err != nil {
		return nil, err
	}
	if old <= -batchCacheKiB {
		return func() {}, nil
	}
	if _, err := a.tx.ExecContext(a.ctx, fmt.Sprintf("PRAGMA cache_size = %d", -bigCacheKiB)); err != nil {
		return nil, err
	}
	return func() { a.tx.ExecContext(context.WithoutCancel(a.ctx), fmt.Sprintf("PRAGMA cache_size = %d", old)) }, nil
}

// batchCacheKiB is the page cache, in KiB, a pull in batches keeps
// across its batches: about the answers' id index of a district, whose
// pages every batch's random ids touch nearly all of, well below
// bigCacheKiB so a device pulling stays small in memory.
const batchCacheKiB = 48 << 10

// batchCheckpointPages is how large, in pages, the write-ahead log grows
// during a pull in batches before SQLite copies it into the database: each
// batch rewrites most of the answers' id index, and a checkpoint after
// every batch wrote those pages into the file again each time.
const batchCheckpointPages = 64 << 10

// BeginBatches readies the writer for the ApplyChangeSet calls of the
// batches of one pull: its page cache enlarged to batchCacheKiB and kept
// from one batch to the next (a batch does not grow a cache of its own
// and drop it at its end), and the log checkpointed every
// batchCheckpointPages instead of after every batch. Each batch still
// commits on its own. It returns what puts both back, to call after the
// last batch; the next commit then checkpoints the log.
func (s *Store) BeginBatches(ctx context.Context) (end func() error, err error) {
	var cache, pages int
	if err := s.w.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		return nil, err
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&pages); err != nil {
		return nil, err
	}
	set := func(ctx context.Context, cache, pages int) error {
		_, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", cache))
		if err == nil {
			_, err = s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", pages))
		}
		return err
	}
	if err := set(ctx, -batchCacheKiB, batchCheckpointPages); err != nil {
		set(context.WithoutCancel(ctx), cache, pages)
		return nil, err
	}
	return func() error { return set(context.WithoutCancel(ctx), cache, pages) }, nil
}

func (a *applier) loadIDMap() error {
	rows, err := a.tx.QueryContext(a.ctx, "SELECT kind, other_id, local_id FROM id_map")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, other, local string
		if err := rows.Scan(&kind, &other, &local); err != nil {
			return err
		}
		a.ids[kind+"|"+other] = local
	}
	return rows.Err()
}

// mapped is this device's id for another device's id of a school, room or answer.
func (a *applier) mapped(kind, id string) string {
	if local, ok := a.ids[kind+"|"+id]; ok {
		return local
	}
	return id
}

// mapTo records that another device calls local other.
func (a *applier) mapTo(kind, other, local string) error {
	if other == local {
		return nil
	}
	a.ids[kind+"|"+other] = local
	return a.exec("INSERT INTO id_map(kind, other_id, local_id) VALUES (?,?,?) ON CONFLICT DO UPDATE SET local_id = excluded.local_id", kind, other, local)
}

// references lists the columns that hold each kind's id.
var references = map[string][][2]string{
	"school": {{"schools", "id"}, {"rooms", "school_id"}, {"visits", "school_id"}},
	"room": {{"rooms", "id"}, {"answers", "room_id"}, {"photos", "room_id"}, {"feedback", "room_id"},
		{"visit_rooms", "room_id"}, {"conflicts", "room_id"}},
	"answer": {{"answers", "id"}, {"actions", "finding_id"}, {"status_history", "finding_id"}},
}

// rename moves a row held here under old to the canonical id new, with
// every reference to it, and maps old to new for later change sets.
func (a *applier) rename(kind, old, new string) error {
	clear(a.schoolRooms)
	for _, ref := range references[kind] {
		if err := a.exec(fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ?", ref[0], ref[1], ref[1]), new, old); err != nil {
			return err
		}
	}
	for key, local := range a.ids {
		if local == old && strings.HasPrefix(key, kind+"|") {
			a.ids[key] = new
		}
	}
	if err := a.exec("UPDATE id_map SET local_id = ? WHERE kind = ? AND local_id = ?", new, kind, old); err != nil {
		return err
	}
	return a.mapTo(kind, old, new)
}

// settle gives a row matched by its natural key its canonical id: the row
// held here is renamed when the incoming id is smaller, else the incoming
// id is mapped to it. It returns the id the row now has.
func (a *applier) settle(kind, localID, incomingID string) (string, error) {
	id := audit.CanonicalID(localID, incomingID)
	if id != localID {
		return id, a.rename(kind, localID, id)
	}
	return id, a.mapTo(kind, incomingID, localID)
}

func (a *applier) templates(cs *audit.ChangeSet) error {
	for _, t := range cs.Templates {
		var local audit.TemplateChange
		err := a.queryRow("SELECT body FROM templates WHERE id = ? AND version = ?", t.ID, t.Version).Scan(&local.Body)
		have := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out, err := audit.MergeTemplate(have, local, t)
		if err != nil {
			return err
		}
		if out == audit.MergeAdded {
			if err := a.exec("INSERT INTO templates(id, version, name, body, created_at, updated_at, device, hlc) VALUES (?,?,?,?,?,?,?,?)",
				t.ID, t.Version, t.Name, t.Body, formatTime(audit.WallTime(t.Clock)), formatTime(audit.WallTime(t.Clock)), t.Clock.Device, t.Clock.String()); err != nil {
				return err
			}
		}
		a.rep.Count("templates", out)
	}
	return nil
}

func (a *applier) rowClock(query string, args ...any) (audit.HLC, bool, error) {
	var text string
	err := a.queryRow(query, args...).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.HLC{}, false, nil
	}
	if err != nil {
		return audit.HLC{}, false, err
	}
	h, err := clockOf(text)
	return h, true, err
}

func (a *applier) schools(cs *audit.ChangeSet) error {
	for _, in := range cs.Schools {
		local, have, err := a.findSchool(in.School)
		if err != nil {
			return err
		}
		id := in.ID
		if have {
			if id, err = a.settle("school", local.ID, in.ID); err != nil {
				return err
			}
		}
		out := audit.LastWriter(have, local.Clock, in.Clock)
		if out != audit.MergeUnchanged {
			sc := in.School
			sc.ID = id
			if err := a.exec(`INSERT INTO schools(`+schoolColumns+`, hlc) VALUES (?,?,?,?,?,?,?,?,?,?)
				ON CONFLICT(id) DO UPDATE SET name=excluded.name, code=excluded.code, address=excluded.address, principal=excluded.principal,
				created_at=excluded.created_at, updated_at=excluded.updated_at, device=excluded.device, deleted=excluded.deleted, hlc=excluded.hlc`,
				sc.ID, sc.Name, sc.Code, sc.Address, sc.Principal, formatTime(sc.CreatedAt), formatTime(sc.UpdatedAt), sc.Device, sc.Deleted, in.Clock.String()); err != nil {
				return err
			}
		} else if have && id != local.ID {
			out = audit.MergeUpdated
		}
		a.rep.Count("schools", out)
	}
	return nil
}

// findSchool finds the school held here that in is: by a mapped or equal
// id, else by district code, then name.
func (a *applier) findSchool(in audit.School) (audit.SchoolChange, bool, error) {
	id := a.mapped("school", in.ID)
	list, err := a.schoolRows("id = ?", id)
	if err != nil || len(list) > 0 {
		return first(list), len(list) > 0, err
	}
	list, err = a.schoolRows("deleted = 0 AND (lower(trim(code)) = ? OR lower(trim(name)) = ?)", audit.NaturalText(in.Code), audit.NaturalText(in.Name))
	if err != nil {
		return audit.SchoolChange{}, false, err
	}
	schools := make([]audit.School, len(list))
	for i, sc := range list {
		schools[i] = sc.School
	}
	match, ok := audit.MatchSchool(in, schools)
	for _, sc := range list {
		if ok && sc.ID == match.ID {
			return sc, true, nil
		}
	}
	return audit.SchoolChange{}, false, nil
}

func first[T any](list []T) T {
	var zero T
	if len(list) == 0 {
		return zero
	}
	return list[0]
}

func (a *applier) schoolRows(where string, args ...any) ([]audit.SchoolChange, error) {
	rows, err := a.query("SELECT "+schoolColumns+", hlc FROM schools WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.SchoolChange
	for rows.Next() {
		var text string
		sc, err := scanSchool(withHLC{rows, &text})
		if err != nil {
			return nil, err
		}
		h, err := clockOf(text)
		if err != nil {
			return nil, err
		}
		out = append(out, audit.SchoolChange{School: sc, Clock: h})
	}
	return out, rows.Err()
}

func (a *applier) roomRows(where string, args ...any) ([]audit.RoomChange, error) {
	rows, err := a.query("SELECT "+roomColumns+", hlc FROM rooms WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.RoomChange
	for rows.Next() {
		var text string
		r, err := scanRoom(withHLC{rows, &text})
		if err != nil {
			return nil, err
		}
		h, err := clockOf(text)
		if err != nil {
			return nil, err
		}
		out = append(out, audit.RoomChange{Room: r, Clock: h})
	}
	return out, rows.Err()
}

// findRoom finds the room held here that in is: by a mapped or equal id,
// else by its school and number (or name).
func (a *applier) findRoom(in audit.Room) (audit.RoomChange, bool, error) {
	list, err := a.roomRows("id = ?", a.mapped("room", in.ID))
	if err != nil || len(list) > 0 {
		return first(list), len(list) > 0, err
	}
	list, ok := a.schoolRooms[in.SchoolID]
	if !ok {
		if list, err = a.roomRows("school_id = ? AND deleted = 0", in.SchoolID); err != nil {
			return audit.RoomChange{}, false, err
		}
		a.schoolRooms[in.SchoolID] = list
	}
	rooms := make([]audit.Room, len(list))
	for i, r := range list {
		rooms[i] = r.Room
	}
	match, ok := audit.MatchRoom(in, rooms)
	for _, r := range list {
		if ok && r.ID == match.ID {
			return r, true, nil
		}
	}
	return audit.RoomChange{}, false, nil
}

func (a *applier) rooms(cs *audit.ChangeSet) error {
	for _, in := range cs.Rooms {
		in.SchoolID = a.mapped("school", in.SchoolID)
		local, have, err := a.findRoom(in.Room)
		if err != nil {
			return err
		}
		id := in.ID
		if have {
			if id, err = a.settle("room", local.ID, in.ID); err != nil {
				return err
			}
		}
		out := audit.LastWriter(have, local.Clock, in.Clock)
		if out != audit.MergeUnchanged {
			r := in.Room
			r.ID = id
			if err := a.exec(`INSERT INTO rooms(`+roomColumns+`, hlc) VALUES (?,?,?,?,?,?,?,?,?,?,?)
				ON CONFLICT(id) DO UPDATE SET school_id=excluded.school_id, number=excluded.number, name=excluded.name, kind=excluded.kind,
				teacher=excluded.teacher, created_at=excluded.created_at, updated_at=excluded.updated_at, device=excluded.device,
				deleted=excluded.deleted, hlc=excluded.hlc`,
				r.ID, r.SchoolID, r.Number, r.Name, string(r.Kind), r.Teacher, formatTime(r.CreatedAt), formatTime(r.UpdatedAt), r.Device, r.Deleted, in.Clock.String()); err != nil {
				return err
			}
		} else if have && id != local.ID {
			out = audit.MergeUpdated
		}
		if list, ok := a.schoolRooms[in.SchoolID]; ok && out == audit.MergeAdded && !in.Deleted {
			in.ID = id
			a.schoolRooms[in.SchoolID] = append(list, in)
		} else if out != audit.MergeUnchanged {
			delete(a.schoolRooms, in.SchoolID)
		}
		a.rep.Count("rooms", out)
	}
	return nil
}

func (a *applier) visits(cs *audit.ChangeSet) error {
	for _, in := range cs.Visits {
		local, have, err := a.rowClock("SELECT hlc FROM visits WHERE id = ?", in.ID)
		if err != nil {
			return err
		}
		out := audit.LastWriter(have, local, in.Clock)
		if out != audit.MergeUnchanged {
			v := in.Visit
			v.SchoolID = a.mapped("school", v.SchoolID)
			if err := a.exec(`INSERT INTO visits(`+visitColumns+`, hlc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
				ON CONFLICT(id) DO UPDATE SET school_id=excluded.school_id, template_id=excluded.template_id,
				template_version=excluded.template_version, auditor=excluded.auditor, people=excluded.people,
				started_at=excluded.started_at, finished_at=excluded.finished_at, created_at=excluded.created_at,
				updated_at=excluded.updated_at, device=excluded.device, deleted=excluded.deleted, hlc=excluded.hlc`,
				v.ID, v.SchoolID, v.TemplateID, v.TemplateVersion, v.Auditor, v.People, formatTime(v.StartedAt), formatTime(v.FinishedAt),
				formatTime(v.CreatedAt), formatTime(v.UpdatedAt), v.Device, v.Deleted, in.Clock.String()); err != nil {
				return err
			}
		}
		if out == audit.MergeAdded {
			a.fresh[in.ID] = true
		}
		a.rep.Count("visits", out)
	}
	return nil
}

func (a *applier) visitRooms(cs *audit.ChangeSet) error {
	for _, in := range cs.VisitRooms {
		room := a.mapped("room", in.RoomID)
		var local audit.HLC
		var have bool
		if !a.fresh[in.VisitID] { // a visit new here has no rooms here yet
			var err error
			if local, have, err = a.rowClock("SELECT hlc FROM visit_rooms WHERE visit_id = ? AND room_id = ?", in.VisitID, room); err != nil {
				return err
			}
		}
		out := audit.LastWriter(have, local, in.Clock)
		if out != audit.MergeUnchanged {
			if err := a.exec(`INSERT INTO visit_rooms(visit_id, room_id, done, updated_at, device, hlc) VALUES (?,?,?,?,?,?)
				ON CONFLICT(visit_id, room_id) DO UPDATE SET done=excluded.done, updated_at=excluded.updated_at,
				device=excluded.device, hlc=excluded.hlc`, in.VisitID, room, in.Done, in.UpdatedAt, in.Device, in.Clock.String()); err != nil {
				return err
			}
		}
		a.rep.Count("visit_rooms", out)
	}
	return nil
}

func (a *applier) answers(cs *audit.ChangeSet) error {
	find, err := a.tx.PrepareContext(a.ctx, "SELECT "+answerColumns+", hlc FROM answers WHERE visit_id = ? AND room_id = ? AND item_id = ?")
	if err != nil {
		return err
	}
	defer find.Close()
	put, err := a.tx.PrepareContext(a.ctx, `INSERT INTO answers(`+answerColumns+`, hlc) VALUES (?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET value=excluded.value, note=excluded.note, created_at=excluded.created_at,
		updated_at=excluded.updated_at, device=excluded.device, deleted=excluded.deleted, hlc=excluded.hlc`)
	if err != nil {
		return err
	}
	defer put.Close()
	var batch, again []audit.AnswerChange
	inBatch := map[[3]string]bool{}
	for _, in := range cs.Answers {
		in.RoomID = a.mapped("room", in.RoomID)
		if a.fresh[in.VisitID] {
			// A visit new here has none of its answers here yet, but the
			// change set may carry several devices' versions of one (a
			// pull from the hub): the first goes in the batch, the others
			// merge with it afterwards.
			key := [3]string{in.VisitID, in.RoomID, in.ItemID}
			if !inBatch[key] {
				inBatch[key] = true
				batch = append(batch, in)
				continue
			}
			again = append(again, in)
			continue
		}
		if err := a.answer(find, put, in); err != nil {
			return err
		}
	}
	if err := a.insertAnswers(batch); err != nil {
		return err
	}
	for _, in := range again {
		if err := a.answer(find, put, in); err != nil {
			return err
		}
	}
	return nil
}

// answer merges one incoming answer with the one held here for its visit,
// room and item.
func (a *applier) answer(find, put *sql.Stmt, in audit.AnswerChange) error {
	var text string
	local, err := scanAnswer(withHLC{find.QueryRowContext(a.ctx, in.VisitID, in.RoomID, in.ItemID), &text})
	have := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	localClock, err := clockOf(text)
	if err != nil {
		return err
	}
	out, err := a.mergeAnswer(put, in, local, localClock, have)
	if err != nil {
		return err
	}
	a.rep.Count("answers", out)
	return nil
}

// answerBatch is how many rows one INSERT of new answers carries.
const answerBatch = 64

// insertAnswers adds the answers of visits new here, many rows a
// statement (one prepared statement for the full batches).
func (a *applier) insertAnswers(rows []audit.AnswerChange) error {
	var full *sql.Stmt
	for len(rows) > 0 {
		n := min(len(rows), answerBatch)
		args := make([]any, 0, n*11)
		for _, w := range rows[:n] {
			args = append(args, w.ID, w.VisitID, w.RoomID, w.ItemID, w.Value, w.Note, formatTime(w.CreatedAt),
				formatTime(w.UpdatedAt), w.Device, w.Deleted, w.Clock.String())
			a.rep.Count("answers", audit.MergeAdded)
		}
		query := "INSERT INTO answers(" + answerColumns + ", hlc) VALUES " + strings.Repeat(",(?,?,?,?,?,?,?,?,?,?,?)", n)[1:]
		var err error
		switch {
		case n < answerBatch:
			err = a.exec(query, args...)
		case full == nil:
			if full, err = a.tx.PrepareContext(a.ctx, query); err != nil {
				return err
			}
			defer full.Close()
			fallthrough
		default:
			_, err = full.ExecContext(a.ctx, args...)
		}
		if err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// mergeAnswer applies one incoming answer against the one held here for
// the same visit, room and item (when have).
func (a *applier) mergeAnswer(put *sql.Stmt, in audit.AnswerChange, local audit.Answer, localClock audit.HLC, have bool) (audit.MergeOutcome, error) {
	write := func(w audit.AnswerChange) error {
		_, err := put.ExecContext(a.ctx, w.ID, w.VisitID, w.RoomID, w.ItemID, w.Value, w.Note, formatTime(w.CreatedAt),
			formatTime(w.UpdatedAt), w.Device, w.Deleted, w.Clock.String())
		return err
	}
	if !have {
		return audit.MergeAdded, write(in)
	}
	won, id, loser := audit.Keyed(local.ID, audit.AnswerVersion(audit.AnswerChange{Answer: local, Clock: localClock}), in.ID, audit.AnswerVersion(in))
	if err := a.keepLoser(loser); err != nil {
		return 0, err
	}
	out := audit.MergeUnchanged
	if id != local.ID {
		if err := a.rename("answer", local.ID, id); err != nil {
			return 0, err
		}
		out = audit.MergeUpdated
	} else if err := a.mapTo("answer", in.ID, local.ID); err != nil {
		return 0, err
	}
	if !won {
		return out, nil
	}
	in.ID = id
	return audit.MergeUpdated, write(in)
}

// keepLoser stores a losing version among the conflicts (once; a
// resolution already recorded stays, with its clock). A resolved mark
// keeps the clock of the settling it brings; one that comes without (a
// bundle's) takes this device's clock of the import, so the next push
// passes it on to the hub. A mark for a version not held here yet is kept
// all the same: the version arriving later finds it settled.
func (a *applier) keepLoser(c *audit.Conflict) error {
	if c == nil {
		return nil
	}
	a.touched[c.Key()] = true
	settled := ""
	if !c.Settled.IsZero() {
		settled = c.Settled.String()
	}
	return a.exec(`INSERT INTO conflicts(`+conflictColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,
		CASE WHEN ? THEN coalesce(nullif(?, ''), (SELECT now FROM sync_clock)) ELSE '' END)
		ON CONFLICT DO UPDATE SET resolved = max(resolved, excluded.resolved),
		resolved_hlc = CASE WHEN resolved = 1 AND resolved_hlc != '' THEN resolved_hlc ELSE excluded.resolved_hlc END`,
		c.Kind, c.VisitID, c.RoomID, c.ItemID, c.Value, c.Note, c.Deleted, c.Device, c.Clock.String(), c.Resolved, c.Resolved, settled)
}

// feedback applies teacher feedback by its rule: entries are a union by
// id, an edit of one entry is last writer wins.
func (a *applier) feedback(cs *audit.ChangeSet) error {
	for _, in := range cs.Feedback {
		in.RoomID = a.mapped("room", in.RoomID)
		local, have, err := a.rowClock("SELECT hlc FROM feedback WHERE id = ?", in.ID)
		if err != nil {
			return err
		}
		out := audit.MergeFeedback(have, local, in.Clock)
		if out != audit.MergeUnchanged {
			f := in
			if err := a.exec(`INSERT INTO feedback(`+feedbackColumns+`, hlc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
				ON CONFLICT(id) DO UPDATE SET visit_id=excluded.visit_id, room_id=excluded.room_id, teacher_name=excluded.teacher_name,
				supports_teaching=excluded.supports_teaching, help_easy=excluded.help_easy, choose_again=excluded.choose_again,
				inconveniences=excluded.inconveniences, frustration=excluded.frustration, consent=excluded.consent,
				created_at=excluded.created_at, updated_at=excluded.updated_at, device=excluded.device, deleted=excluded.deleted, hlc=excluded.hlc`,
				f.ID, f.VisitID, f.RoomID, f.TeacherName, f.SupportsTeaching, f.HelpEasy, string(f.ChooseAgain), f.Inconveniences,
				f.Frustration, f.ConsentToQuote, formatTime(f.CreatedAt), formatTime(f.UpdatedAt), f.Device, f.Deleted, f.Clock.String()); err != nil {
				return err
			}
		}
		a.rep.Count("feedback", out)
	}
	return nil
}

func (a *applier) photos(cs *audit.ChangeSet) error {
	for _, in := range cs.Photos {
		in.RoomID = a.mapped("room", in.RoomID)
		var localID, text string
		err := a.queryRow(`SELECT id, hlc FROM photos WHERE id = ? OR (visit_id = ? AND room_id = ? AND item_id = ? AND sha256 = ?)
			ORDER BY id = ? DESC, id LIMIT 1`, in.ID, in.VisitID, in.RoomID, in.ItemID, in.SHA256, in.ID).Scan(&localID, &text)
		have := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		localClock, err := clockOf(text)
		if err != nil {
			return err
		}
		id := in.ID
		out := audit.LastWriter(have, localClock, in.Clock)
		if have && localID != in.ID {
			if id = audit.CanonicalID(localID, in.ID); id != localID {
				if err := a.exec("UPDATE photos SET id = ? WHERE id = ?", id, localID); err != nil {
					return err
				}
				if out == audit.MergeUnchanged {
					out = audit.MergeUpdated
				}
			}
		}
		switch {
		case out == audit.MergeAdded:
			p := in
			if err := a.exec(`INSERT INTO photos(id, visit_id, room_id, item_id, caption, mime, width, height, sha256, data,
				created_at, updated_at, device, deleted, hlc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				id, p.VisitID, p.RoomID, p.ItemID, p.Caption, p.Mime, p.Width, p.Height, p.SHA256, p.Data,
				formatTime(p.CreatedAt), formatTime(p.UpdatedAt), p.Device, p.Deleted, p.Clock.String()); err != nil {
				return err
			}
		case in.Clock.After(localClock):
			if err := a.exec(`UPDATE photos SET caption = ?, created_at = ?, updated_at = ?, device = ?, deleted = ?, hlc = ? WHERE id = ?`,
				in.Caption, formatTime(in.CreatedAt), formatTime(in.UpdatedAt), in.Device, in.Deleted, in.Clock.String(), id); err != nil {
				return err
			}
		}
		a.rep.Count("photos", out)
	}
	return nil
}

func (a *applier) actions(cs *audit.ChangeSet) error {
	for _, in := range cs.Actions {
		in.FindingID = a.mapped("answer", in.FindingID)
		var local audit.ActionChange
		texts := make([]string, 5)
		err := a.queryRow("SELECT "+actionSyncColumns+" FROM actions WHERE finding_id = ?", in.FindingID).Scan(
			&local.FindingID, &local.OwnerTeam.Value, &texts[0], &local.Priority.Value, &texts[1], &local.DueDate.Value, &texts[2],
			&local.Status.Value, &texts[3], &local.Ticket.Value, &texts[4])
		have := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for i, f := range local.Fields() {
			if f.Clock, err = clockOf(texts[i]); err != nil {
				return err
			}
		}
		merged, out := audit.MergeAction(have, local, in)
		if out != audit.MergeUnchanged {
			newest := merged.Clock()
			if err := a.exec(`INSERT OR REPLACE INTO actions(`+actionSyncColumns+`, updated_at, device) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				merged.FindingID, merged.OwnerTeam.Value, merged.OwnerTeam.Clock.String(), merged.Priority.Value, merged.Priority.Clock.String(),
				merged.DueDate.Value, merged.DueDate.Clock.String(), merged.Status.Value, merged.Status.Clock.String(),
				merged.Ticket.Value, merged.Ticket.Clock.String(), formatTime(audit.WallTime(newest)), newest.Device); err != nil {
				return err
			}
		}
		a.rep.Count("actions", out)
	}
	return nil
}

func (a *applier) history(cs *audit.ChangeSet) error {
	for _, h := range cs.StatusHistory {
		st, err := a.stmt("INSERT OR IGNORE INTO status_history(finding_id, status, hlc) VALUES (?,?,?)")
		if err != nil {
			return err
		}
		res, err := st.ExecContext(a.ctx, a.mapped("answer", h.FindingID), string(h.Status), h.Clock.String())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		a.rep.Count("status_history", audit.MergeOutcome(n))
	}
	return nil
}

func (a *applier) conflicts(cs *audit.ChangeSet) error {
	for _, c := range cs.Conflicts {
		if c.Kind != audit.ConflictAnswer { // an older TechWalk's feedback conflict: feedback appends now
			a.rep.Count("conflicts", audit.MergeUnchanged)
			continue
		}
		c.RoomID = a.mapped("room", c.RoomID)
		var resolved bool
		err := a.queryRow("SELECT resolved FROM conflicts WHERE kind = ? AND visit_id = ? AND room_id = ? AND item_id = ? AND hlc = ?",
			c.Kind, c.VisitID, c.RoomID, c.ItemID, c.Clock.String()).Scan(&resolved)
		have := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out := audit.MergeUnchanged
		switch {
		case !have:
			out = audit.MergeAdded
		case c.Resolved && !resolved:
			out = audit.MergeUpdated
		}
		if out != audit.MergeUnchanged {
			if err := a.keepLoser(&c); err != nil {
				return err
			}
		}
		a.rep.Count("conflicts", out)
	}
	return nil
}

// settings applies the district-wide settings, last writer wins.
func (a *applier) settings(cs *audit.ChangeSet) error {
	for _, in := range cs.Settings {
		local, have, err := a.rowClock("SELECT hlc FROM settings WHERE key = ?", in.Key)
		if err != nil {
			return err
		}
		out := audit.MergeSetting(have, local, in.Clock)
		if out != audit.MergeUnchanged {
			if err := a.exec(`INSERT INTO settings(key, value, updated_at, device, hlc) VALUES (?,?,?,?,?)
				ON CONFLICT(key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at, device=excluded.device, hlc=excluded.hlc`,
				in.Key, in.Value, formatTime(audit.WallTime(in.Clock)), in.Clock.Device, in.Clock.String()); err != nil {
				return err
			}
		}
		a.rep.Count("settings", out)
	}
	return nil
}

// checkReferences does what the commit does for the deferred foreign keys
// (for a dry run, which never commits).
func (a *applier) checkReferences() error {
	rows, err := a.tx.QueryContext(a.ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return fmt.Errorf("%w: a row names a visit, room, template or finding that neither the change set nor this database holds; nothing was imported", audit.ErrDanglingReference)
	}
	return rows.Err()
}

// openConflicts fills the report with the open conflicts of every answer
// whose versions this change set added to.
func (a *applier) openConflicts() error {
	keys := make([]string, 0, len(a.touched))
	for k := range a.touched {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		open, err := conflictsOf(a.ctx, a.tx, k)
		if err != nil {
			return err
		}
		a.rep.Conflicts = append(a.rep.Conflicts, open...)
	}
	return nil
}

// rowQuerier is what a transaction and a connection pool share for reading.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// conflictsOf lists the open conflicts of one answer by its key.
func conflictsOf(ctx context.Context, q rowQuerier, key string) ([]audit.Conflict, error) {
	parts := strings.SplitN(key, "|", 4)
	if len(parts) != 4 {
		return nil, fmt.Errorf("conflict key %q", key)
	}
	kind, visit, room, item := parts[0], parts[1], parts[2], parts[3]
	if kind != audit.ConflictAnswer {
		return nil, nil
	}
	var text string
	ans, err := scanAnswer(withHLC{q.QueryRowContext(ctx, "SELECT "+answerColumns+", hlc FROM answers WHERE visit_id = ? AND room_id = ? AND item_id = ?", visit, room, item), &text})
	winner := audit.AnswerVersion(audit.AnswerChange{Answer: ans})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if winner.Clock, err = clockOf(text); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT "+conflictColumns+" FROM conflicts WHERE kind = ? AND visit_id = ? AND room_id = ? AND item_id = ?", kind, visit, room, item)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var versions []audit.Conflict
	for rows.Next() {
		c, err := scanConflict(rows)
		if err != nil {
			return nil, err
		}
		versions = append(versions, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	open := audit.OpenConflicts(winner, versions)
	sort.Slice(open, func(i, j int) bool { return open[i].Clock.After(open[j].Clock) })
	return open, nil
}

// BundleImported reports whether the bundle id was applied to this
// database before. It asks on the writer connection, which the import
// that asks writes on next (a reader would be opened for this one query).
func (s *Store) BundleImported(ctx context.Context, bundleID string) (bool, error) {
	var n int
	err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM imported_bundles WHERE bundle_id = ?", bundleID).Scan(&n)
	return n > 0, s.readError(err)
}
