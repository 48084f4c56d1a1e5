package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"techwalk/audit"
)

// DistrictInput loads what audit.DistrictPicture needs in one read
// transaction: every school with its rooms, its visits with their
// templates and summaries (the stale ones computed again first), and the
// scoring rules. It reads no answers but those of a school whose summaries
// went stale since, and leaves Actions empty: every visit carries its
// summary, and only computing one reads the actions (computeSummaries reads
// the school's). now is today in the district's time zone.
func (s *Store) DistrictInput(ctx context.Context, now time.Time) (audit.DistrictInput, error) {
	in := audit.DistrictInput{Now: now, Actions: map[string]audit.Action{}}
	if err := s.refreshForReading(ctx); err != nil {
		return in, err
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return in, s.readError(err)
	}
	defer tx.Rollback()
	if in.Rules, err = scoreRulesIn(ctx, tx); err != nil {
		return in, s.readError(err)
	}
	schools, err := txList(ctx, tx, scanSchool, "SELECT "+schoolColumns+" FROM schools WHERE deleted = 0 ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return in, s.readError(err)
	}
	bySchool := make(map[string]*audit.DistrictSchool, len(schools))
	in.Schools = make([]audit.DistrictSchool, len(schools))
	for i, sc := range schools {
		in.Schools[i].School = sc
		bySchool[sc.ID] = &in.Schools[i]
	}
	decoded, err := decodeStoredSummaries(ctx, tx)
	if err != nil {
		return in, s.readError(err)
	}
	if err := s.loadDistrictRooms(ctx, tx, bySchool); err != nil {
		return in, s.readError(err)
	}
	if err := s.loadDistrictVisits(ctx, tx, bySchool); err != nil {
		return in, err
	}
	if err := s.loadDistrictSummaries(ctx, tx, in.Schools, <-decoded); err != nil {
		return in, s.readError(err)
	}
	return in, s.readError(tx.Commit())
}

// storedSummary is a stored summary as decodeSummaryRooms reads it, rooms
// by id, and the school of its visit.
type storedSummary struct {
	school string
	sum    audit.VisitSummary
}

// decodeStoredSummaries reads every stored summary, then decodes them on
// another goroutine while the caller reads the rooms and visits, and sends
// them by visit id; a stale one or one cut short is left out.
func decodeStoredSummaries(ctx context.Context, tx *sql.Tx) (<-chan map[string]storedSummary, error) {
	type row struct {
		visit, school string
		detail        []byte
	}
	var all []row
	rows, err := tx.QueryContext(ctx, "SELECT s.visit_id, v.school_id, s.detail FROM visit_summary s JOIN visits v ON v.id = s.visit_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.visit, &r.school, &r.detail); err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(chan map[string]storedSummary, 1) // never blocks: the reader may have given up
	go func() {
		decoded := make(map[string]storedSummary, len(all))
		for _, r := range all {
			if sum, err := decodeSummaryRooms(r.detail); err == nil {
				decoded[r.visit] = storedSummary{school: r.school, sum: sum}
			}
		}
		out <- decoded
	}()
	return out, nil
}

// loadDistrictSummaries gives every visit its stored summary, with the
// rooms of its school attached; a school whose summaries are missing (a
// write since the refresh) or stale gets them computed from its answers.
func (s *Store) loadDistrictSummaries(ctx context.Context, tx *sql.Tx, schools []audit.DistrictSchool, stored map[string]storedSummary) error {
	for i := range schools {
		if err := s.schoolSummaries(ctx, tx, &schools[i], stored); err != nil {
			return err
		}
	}
	return nil
}

// schoolSummaries sets the summaries of one school's visits from the
// stored ones, or computes them all when one is missing or stale.
func (s *Store) schoolSummaries(ctx context.Context, tx *sql.Tx, sc *audit.DistrictSchool, stored map[string]storedSummary) error {
	rooms := make(map[string]audit.Room, len(sc.Rooms))
	for _, r := range sc.Rooms {
		rooms[r.ID] = r
	}
	sums := make([]audit.VisitSummary, len(sc.Visits))
	complete := true
	for i, v := range sc.Visits {
		st, ok := stored[v.Visit.ID]
		if complete = ok && st.school == sc.School.ID && attachRooms(&st.sum, rooms) == nil; !complete {
			break
		}
		sums[i] = st.sum
	}
	if !complete {
		computed, _, err := s.computeSummaries(ctx, tx, sc.School.ID)
		if err != nil {
			return err
		}
		for i, v := range sc.Visits {
			sums[i] = computed[v.Visit.ID]
		}
	}
	for i := range sc.Visits {
		sc.Visits[i].Summary = &sums[i]
	}
	return nil
}

// loadDistrictRooms puts every live room under its school, in the order
// scoring uses: audit.SortRooms over the rooms by number, then id. The rooms
// are read in the table's order and sorted here; ordering them in SQL walks
// the school index and looks every row up, slower than the read itself.
func (s *Store) loadDistrictRooms(ctx context.Context, tx *sql.Tx, bySchool map[string]*audit.DistrictSchool) error {
	rows, err := tx.QueryContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE deleted = 0")
	if err != nil {
		return err
	}
	defer rows.Close()
	var r audit.Room // every row is scanned into it and copied under its school
	for rows.Next() {
		if err := scanRoomInto(rows, &r); err != nil {
			return err
		}
		if sc := bySchool[r.SchoolID]; sc != nil {
			sc.Rooms = append(sc.Rooms, r)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, sc := range bySchool {
		slices.SortFunc(sc.Rooms, func(a, b audit.Room) int {
			return cmp.Or(strings.Compare(a.Number, b.Number), strings.Compare(a.ID, b.ID))
		})
		audit.SortRooms(sc.Rooms) // stable: rooms of the same label stay by number, then id
	}
	return nil
}

// loadDistrictVisits puts every live visit, with its template, under its school.
func (s *Store) loadDistrictVisits(ctx context.Context, tx *sql.Tx, bySchool map[string]*audit.DistrictSchool) error {
	visits, err := txList(ctx, tx, scanVisit, "SELECT "+visitColumns+" FROM visits WHERE deleted = 0 ORDER BY school_id, started_at, id")
	if err != nil {
		return s.readError(err)
	}
	for _, v := range visits {
		sc := bySchool[v.SchoolID]
		if sc == nil {
			continue
		}
		t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
		if err != nil {
			return err
		}
		sc.Visits = append(sc.Visits, audit.DistrictVisit{Visit: v, Template: t})
	}
	return nil
}

// actionRows are what readActions reads from: the reader pool or a transaction.
type actionRows interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// actionsQuery selects every saved finding action, as readActions scans it.
const actionsQuery = "SELECT finding_id, owner_team, priority, due_date, status, ticket_key, updated_at, device FROM actions"

// readActions reads the finding actions that query (actionsQuery, perhaps
// narrowed) selects into by finding id.
func readActions(ctx context.Context, q actionRows, into map[string]audit.Action, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a audit.Action
		var priority, status, updated string
		if err := rows.Scan(&a.FindingID, &a.OwnerTeam, &priority, &a.DueDate, &status, &a.TicketKey, &updated, &a.Device); err != nil {
			return err
		}
		a.Priority, a.Status, a.UpdatedAt = audit.Severity(priority), audit.Status(status), parseTime(updated)
		into[a.FindingID] = a
	}
	return rows.Err()
}
