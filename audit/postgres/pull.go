package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"techwalk/audit"
)

// Pulled is what a pull brought: the other devices' rows changed after
// the cursor, as a change set, and the change number to pull after next.
type Pulled struct {
	ChangeSet *audit.ChangeSet
	From, To  int64 // change numbers after From up to To; To == From when nothing changed
	// Given lists, for a principal's read-only login, the schools it may
	// read at the pull's snapshot (techwalk.reader_schools); nil for others.
	Given []string
}

// Origin names the pull for audit.Store's ApplyChangeSet: a stable id of
// the range of change numbers, so applying the same pull twice is
// recognised, and the hub as the sending device.
func (p Pulled) Origin(hubID string) audit.Origin {
	return audit.Origin{BundleID: fmt.Sprintf("hub:%s:%d-%d", hubID, p.From, p.To), Device: "hub:" + hubID}
}

// Pull reads every row of the devices other than device whose change
// number is after the cursor, from one snapshot, into one change set: the
// district's schools and rooms, templates, findings' actions and status
// history, and the visits with their answers, feedback, photos, rooms done and settled
// conflicts. It holds all of it in memory at once; a device pulls with
// PullBatches.
func (h *Hub) Pull(ctx context.Context, device string, after int64, progress Progress) (Pulled, error) {
	out := Pulled{ChangeSet: &audit.ChangeSet{}, From: after, To: after}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	tx, err := h.snapshot(ctx)
	if err != nil {
		return out, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for _, p := range syncParts {
		n, top, err := h.pullPart(ctx, tx, p, device, after, out.ChangeSet, "")
		if err != nil {
			return out, err
		}
		out.To = max(out.To, top)
		progress(p.name, n, n)
	}
	return out, nil
}

// VisitsPerBatch is how many visits a batch of PullBatches carries when
// the caller does not say, whatever the district's size: some 26,000 rows
// for visits of 40 rooms of 40 items. Fewer batches are quicker to merge
// and take more memory (BenchmarkHubPullDistrict in audit/hubsync).
const VisitsPerBatch = 16

// Batch is one change set of a pull in batches. Its rows' parents are in
// it, in an earlier batch of the same pull, or on the device already.
type Batch struct {
	ChangeSet *audit.ChangeSet
	From, To  int64 // the whole pull's change numbers, the same in every batch
	Visits    int   // visits per batch of the pull
	N         int   // the batch's number in the pull, from 1
	// Whole is what of the owed visits and findings this batch read whole.
	Whole audit.Owed
}

// Origin names the batch for ApplyChangeSet: the pull's range, how it was
// cut and the batch's number, so a batch applied before is recognised and
// no other batch is taken for it.
func (b Batch) Origin(hubID string) audit.Origin {
	return audit.Origin{BundleID: fmt.Sprintf("hub:%s:%d-%d:%dv:%d", hubID, b.From, b.To, b.Visits, b.N), Device: "hub:" + hubID}
}

// visitColumn names, for the parts that belong to a visit, the column
// holding the visit's id; findingColumn, for the parts that belong to a
// finding, the column holding its answer's id. Every other part (schools,
// rooms, templates, settings...) is district-wide.
var (
	visitColumn   = map[string]string{"visits": "id", "visit_rooms": "visit_id", "answers": "visit_id", "feedback": "visit_id", "photos": "visit_id", "conflicts": "visit_id"}
	findingColumn = map[string]string{"finding_actions": "finding_id", "status_history": "finding_id"}
	// schoolColumn names, for the district-wide parts that belong to a
	// school, the column holding the school's id.
	schoolColumn = map[string]string{"schools": "id", "rooms": "school_id"}
)

// PullOptions shape a pull in batches.
type PullOptions struct {
	Visits int        // visits a batch (0: VisitsPerBatch)
	Owed   audit.Owed // visits and findings earlier pulls set aside: read whole
	// Given is what Pulled.Given said at the device's last pull: a school
	// a reader's login is given since is read whole, as its rows changed
	// before the pull's cursor (or while the login could not read them).
	Given []string
}

// PullBatches reads what Pull reads, from one snapshot, but hands it to
// apply in batches, in this order: first the district-wide parts, then
// the visits, visits at a time (0: VisitsPerBatch), each batch with every
// row of its visits (rooms done, answers, feedback, photos) and the
// actions and status history of its visits' findings, and last the
// actions and history of findings no batch's visit holds. A visit is in a
// batch when any row of it changed, so a child arrives with its parent
// whichever changed last. The visits and findings of owed, which an
// earlier pull set aside rows of, are read whole whatever their change
// numbers, so the rows set aside come again (audit.Owed); each batch says
// which it read whole. So are the schools a reader's login was given since
// opt.Given, with their rooms and visits. It returns the pull's range; when apply fails
// it stops there and returns the error. Progress counts the rows read
// across the batches against the rows the pull brings.
func (h *Hub) PullBatches(ctx context.Context, device string, after int64, opt PullOptions, progress Progress, apply func(Batch) error) (Pulled, error) {
	out := Pulled{From: after, To: after}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	visits := opt.Visits
	if visits <= 0 {
		visits = VisitsPerBatch
	}
	tx, err := h.snapshot(ctx)
	if err != nil {
		return out, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if out.Given, err = h.given(ctx, tx); err != nil {
		return out, err
	}
	var newly []string // schools given since the last pull
	for _, id := range out.Given {
		if !slices.Contains(opt.Given, id) {
			newly = append(newly, id)
		}
	}
	total, err := h.waitingIn(ctx, tx, device, after, &out.To)
	if err != nil || total == 0 && opt.Owed.Empty() && len(newly) == 0 {
		return out, err
	}
	ids, err := h.changedVisits(ctx, tx, device, after)
	if err != nil {
		return out, err
	}
	whole := opt.Owed
	if len(newly) > 0 {
		ofNewly, err := h.visitsOf(ctx, tx, newly)
		if err != nil {
			return out, err
		}
		whole.Visits = slices.Concat(whole.Visits, ofNewly)
	}
	ids = slices.Compact(slices.Sorted(slices.Values(append(ids, whole.Visits...))))
	r := batchReader{ctx: ctx, h: h, tx: tx, device: device, after: after, total: total, progress: progress, visits: ids, owed: whole, schools: newly}
	b := Batch{From: out.From, To: out.To, Visits: visits}
	send := func(read func(p part, cs *audit.ChangeSet) error) error {
		b.N++
		b.ChangeSet = &audit.ChangeSet{}
		b.Whole = r.whole(b.N)
		for _, p := range syncParts {
			if err := read(p, b.ChangeSet); err != nil {
				return err
			}
		}
		if empty(b.ChangeSet) && b.Whole.Empty() {
			return nil
		}
		return apply(b)
	}
	if err := send(r.districtWide); err != nil {
		return out, err
	}
	for len(ids) > 0 {
		chunk := ids[:min(visits, len(ids))]
		ids = ids[len(chunk):]
		r.chunk = chunk
		if err := send(func(p part, cs *audit.ChangeSet) error { return r.ofVisits(p, cs, chunk) }); err != nil {
			return out, err
		}
	}
	r.chunk = nil
	return out, send(r.rest)
}

// snapshot begins the read-only transaction a pull reads in: one snapshot
// of the hub for all of it.
func (h *Hub) snapshot(ctx context.Context) (pgx.Tx, error) {
	tx, err := h.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	return tx, h.wrap(err)
}

// waitingIn counts the rows the pull brings and moves top to the newest
// change number after the cursor, this device's own rows included: the
// pull never brings those, and a cursor past them keeps the next pull from
// reading again everything this device ever sent. Pushes number their
// rows in commit order (the push lock), so no row the snapshot cannot see
// yet gets a number below top.
//
// It reads the newest number first, from the end of each table's seq
// index whatever the planner's statistics, and counts only when anything
// is newer than the cursor, between the cursor and that number: a range
// the planner reads through the index even on tables it has no
// statistics of, where "after the cursor" alone reads the whole table.
func (h *Hub) waitingIn(ctx context.Context, tx pgx.Tx, device string, after int64, top *int64) (int, error) {
	var newest, parts []string
	for _, p := range syncParts {
		newest = append(newest, fmt.Sprintf("(SELECT max(seq) FROM techwalk.%s WHERE seq > $1)", p.table))
		parts = append(parts, fmt.Sprintf("SELECT count(*) AS n FROM techwalk.%s WHERE seq > $2 AND seq <= $3 AND device <> $1", p.table))
	}
	if err := tx.QueryRow(ctx, "SELECT greatest($1::bigint, "+strings.Join(newest, ", ")+")", after).Scan(top); err != nil {
		return 0, h.wrap(err)
	}
	if *top == after {
		return 0, nil
	}
	var n int64
	err := tx.QueryRow(ctx, "SELECT sum(n) FROM ("+strings.Join(parts, " UNION ALL ")+") AS changed", device, after, *top).Scan(&n)
	return int(n), h.wrap(err)
}

// changedVisits lists, in id order, the visits any of whose rows the pull
// brings.
func (h *Hub) changedVisits(ctx context.Context, tx pgx.Tx, device string, after int64) ([]string, error) {
	var parts []string
	for _, p := range syncParts {
		if col, ok := visitColumn[p.table]; ok {
			parts = append(parts, fmt.Sprintf("SELECT %s FROM techwalk.%s WHERE device <> $1 AND seq > $2", col, p.table))
		}
	}
	rows, err := tx.Query(ctx, strings.Join(parts, " UNION ")+" ORDER BY 1", device, after)
	if err != nil {
		return nil, h.wrap(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, h.wrap(err)
}

// empty reports whether a change set holds no row.
func empty(cs *audit.ChangeSet) bool {
	for _, n := range cs.Rows() {
		if n > 0 {
			return false
		}
	}
	return true
}

// batchReader reads the parts of one batch after another from the pull's
// snapshot, counting rows for progress.
type batchReader struct {
	ctx         context.Context
	h           *Hub
	tx          pgx.Tx
	device      string
	after       int64
	done, total int
	progress    Progress
	visits      []string   // every visit the batches carry
	owed        audit.Owed // read whole
	chunk       []string   // the visits of the batch being read
	schools     []string   // read whole, with their rooms
}

// whole says what of the owed visits and findings batch n reads whole:
// the owed visits of its chunk, or, for the last batch (no chunk, not the
// first), the owed findings.
func (r *batchReader) whole(n int) audit.Owed {
	var w audit.Owed
	for _, id := range r.chunk {
		if slices.Contains(r.owed.Visits, id) {
			w.Visits = append(w.Visits, id)
		}
	}
	if r.chunk == nil && n > 1 {
		w.Findings = r.owed.Findings
	}
	return w
}

// districtWide reads a part that belongs to no visit or finding.
func (r *batchReader) districtWide(p part, cs *audit.ChangeSet) error {
	if visitColumn[p.table] != "" || findingColumn[p.table] != "" {
		return nil
	}
	col := schoolColumn[p.table]
	if col == "" || len(r.schools) == 0 {
		return r.read(p, cs, r.after, "")
	}
	if err := r.read(p, cs, r.after, "AND NOT t."+col+" = ANY($3)", r.schools); err != nil {
		return err
	}
	return r.read(p, cs, 0, "AND t."+col+" = ANY($3)", r.schools)
}

// given lists the schools a principal's read-only login may read; nil
// for a login that may not read techwalk.reader_schools (an auditor).
func (h *Hub) given(ctx context.Context, tx pgx.Tx) ([]string, error) {
	var reader bool
	if err := tx.QueryRow(ctx, "SELECT has_table_privilege('techwalk.reader_schools', 'SELECT') AND NOT has_table_privilege('techwalk.visits', 'INSERT')").Scan(&reader); err != nil || !reader {
		return nil, h.wrap(err)
	}
	rows, err := tx.Query(ctx, "SELECT school_id FROM techwalk.reader_schools WHERE login = current_user ORDER BY 1")
	if err != nil {
		return nil, h.wrap(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, h.wrap(err)
}

// visitsOf lists the visits of the schools that the login may read.
func (h *Hub) visitsOf(ctx context.Context, tx pgx.Tx, schools []string) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT DISTINCT id FROM techwalk.visits WHERE school_id = ANY($1)", schools)
	if err != nil {
		return nil, h.wrap(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, h.wrap(err)
}

// ofVisits reads the rows of a part that belong to the visits, or to
// their findings: the rows changed since the cursor, and every row of the
// owed visits.
func (r *batchReader) ofVisits(p part, cs *audit.ChangeSet, visits []string) error {
	var changed, whole []string
	for _, id := range visits {
		if slices.Contains(r.owed.Visits, id) {
			whole = append(whole, id)
		} else {
			changed = append(changed, id)
		}
	}
	for _, set := range []struct {
		after int64
		ids   []string
	}{{r.after, changed}, {0, whole}} {
		if len(set.ids) == 0 {
			continue
		}
		if err := r.ofVisitsAfter(p, cs, set.after, set.ids); err != nil {
			return err
		}
	}
	return nil
}

func (r *batchReader) ofVisitsAfter(p part, cs *audit.ChangeSet, after int64, visits []string) error {
	if col := visitColumn[p.table]; col != "" {
		return r.read(p, cs, after, "AND t."+col+" = ANY($3)", visits)
	}
	if col := findingColumn[p.table]; col != "" {
		return r.read(p, cs, after, "AND t."+col+" IN (SELECT a.id FROM techwalk.answers a WHERE a.visit_id = ANY($3))", visits)
	}
	return nil
}

// rest reads the rows of findings no batch's visit holds (an action on a
// finding pulled before, or one the hub does not hold). A part of a visit
// leaves nothing: every visit any of its rows names is in a batch.
func (r *batchReader) rest(p part, cs *audit.ChangeSet) error {
	col := findingColumn[p.table]
	if col == "" {
		return nil
	}
	if err := r.read(p, cs, r.after, "AND NOT t."+col+" = ANY($4) AND NOT EXISTS (SELECT FROM techwalk.answers a WHERE a.id = t."+col+" AND a.visit_id = ANY($3))",
		r.visits, nonNil(r.owed.Findings)); err != nil {
		return err
	}
	if len(r.owed.Findings) == 0 {
		return nil
	}
	// The owed findings, whole, even those whose visit a batch carried
	// (that batch read only their rows changed since the cursor).
	return r.read(p, cs, 0, "AND t."+col+" = ANY($3)", r.owed.Findings)
}

// nonNil gives an empty list for none, which pgx sends as an empty array.
func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

func (r *batchReader) read(p part, cs *audit.ChangeSet, after int64, where string, args ...any) error {
	n, _, err := r.h.pullPart(r.ctx, r.tx, p, r.device, after, cs, where, args...)
	if err != nil {
		return err
	}
	r.done += n
	r.progress(p.name, r.done, r.total)
	return nil
}

// pullPart reads the part's rows of the devices other than device changed
// after the cursor, narrowed by where (on table t, arguments from $3), into cs.
func (h *Hub) pullPart(ctx context.Context, tx pgx.Tx, p part, device string, after int64, cs *audit.ChangeSet, where string, args ...any) (int, int64, error) {
	rows, err := tx.Query(ctx, fmt.Sprintf("SELECT %s, seq FROM techwalk.%s t WHERE t.device <> $1 AND t.seq > $2 %s ORDER BY t.seq",
		strings.Join(p.columns, ", "), p.table, where), append([]any{device, after}, args...)...)
	if err != nil {
		return 0, 0, h.wrap(err)
	}
	defer rows.Close()
	var top int64
	n := 0
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return n, top, h.wrap(err)
		}
		if err := p.scan(cs, vals); err != nil {
			return n, top, fmt.Errorf("hub %s: %s row: %w", h.target, p.name, err)
		}
		top = max(top, vals[len(vals)-1].(int64))
		n++
	}
	return n, top, h.wrap(rows.Err())
}

// Waiting counts the rows of other devices changed after the cursor: what
// the next pull brings.
func (h *Hub) Waiting(ctx context.Context, device string, after int64) (int, error) {
	var parts []string
	for _, p := range syncParts {
		parts = append(parts, fmt.Sprintf("(SELECT count(*) FROM techwalk.%s WHERE device <> $1 AND seq > $2)", p.table))
	}
	var n int64
	err := h.pool.QueryRow(ctx, "SELECT "+strings.Join(parts, " + "), device, after).Scan(&n)
	return int(n), h.wrap(err)
}
