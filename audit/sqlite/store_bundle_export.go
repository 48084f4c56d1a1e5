package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"techwalk/audit"
)

// exportQuery is one read of the export: the rows of one table that the
// scope selects.
type exportQuery struct {
	visits  string // JSON array of the visit ids in scope
	schools string // JSON array of the school ids in scope
	since   string // clock text rows must reach, "" for all
	own     string // the device whose clocks rows must carry, "" for any
	after   string // clock text an own row must pass
}

// ExportChangeSet reads the rows the scope selects, tombstones included,
// in one read transaction, so the change set is one consistent moment.
func (s *Store) ExportChangeSet(ctx context.Context, scope audit.ExportScope) (*audit.ChangeSet, error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, s.readError(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, s.readError(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	q, err := s.exportScope(ctx, conn, scope)
	if err != nil {
		return nil, err
	}
	cs := &audit.ChangeSet{}
	steps := []func(context.Context, *sql.Conn, exportQuery, *audit.ChangeSet) error{
		exportSchools, exportRooms, exportTemplates, exportVisits, exportVisitRooms,
		exportAnswers, exportFeedback, exportPhotos, exportActions, exportHistory, exportConflicts, exportSettings,
	}
	for _, step := range steps {
		if err := step(ctx, conn, q, cs); err != nil {
			return nil, s.readError(err)
		}
	}
	return cs, nil
}

// exportScope turns the scope into the visit and school ids it covers.
func (s *Store) exportScope(ctx context.Context, conn *sql.Conn, scope audit.ExportScope) (exportQuery, error) {
	var q exportQuery
	if !scope.Since.IsZero() {
		q.since = audit.HLC{Wall: scope.Since.UnixMilli()}.String()
	}
	q.own, q.after = scope.OwnDevice, scope.After.String()
	where, args := "1", []any{}
	switch {
	case scope.All:
	case len(scope.VisitIDs) > 0:
		ids, _ := json.Marshal(scope.VisitIDs)
		where, args = "id IN (SELECT value FROM json_each(?))", []any{string(ids)}
	case scope.SchoolID != "":
		where, args = "school_id = ?", []any{scope.SchoolID}
	default:
		return q, fmt.Errorf("bundle: say what to export: a visit, a school or everything")
	}
	var visits, schools string
	err := conn.QueryRowContext(ctx, `SELECT coalesce(json_group_array(id), '[]'), coalesce(json_group_array(DISTINCT school_id), '[]')
		FROM visits WHERE `+where, args...).Scan(&visits, &schools)
	if err != nil {
		return q, s.readError(err)
	}
	q.visits, q.schools = visits, schools
	if scope.SchoolID != "" && !scope.All {
		ids, _ := json.Marshal([]string{scope.SchoolID})
		q.schools = mergeJSONArrays(schools, string(ids))
	}
	if scope.All {
		q.visits, q.schools = "", ""
	}
	return q, nil
}

func mergeJSONArrays(a, b string) string {
	var x, y []string
	json.Unmarshal([]byte(a), &x)
	json.Unmarshal([]byte(b), &y)
	out, _ := json.Marshal(append(x, y...))
	return string(out)
}

// in is the condition "column is in the scope's list" (true for everything).
func in(column, list string) (string, []any) {
	if list == "" {
		return "1", nil
	}
	return column + " IN (SELECT value FROM json_each(?))", []any{list}
}

// changedSince adds the Since condition on a clock column.
func (q exportQuery) changedSince(where string, args []any, column string) (string, []any) {
	if q.since == "" {
		return where, args
	}
	return where + " AND " + column + " >= ?", append(args, q.since)
}

// hlcDevice is where the device starts in a clock's text form (1-based,
// as SQLite's substr counts): after the fixed-width wall and counter.
const hlcDevice = 28

// ownSince adds the OwnDevice and After conditions on a clock column.
func (q exportQuery) ownSince(where string, args []any, column string) (string, []any) {
	if q.own == "" {
		return where, args
	}
	return where + " AND " + ownClock(column), append(args, q.own, q.after)
}

// ownClock is the condition "column is a clock of the device (first
// argument) newer than the cursor (second)".
func ownClock(column string) string {
	return fmt.Sprintf("(substr(%s, %d) = ? AND %s > ?)", column, hlcDevice, column)
}

// withHLC scans a row's columns and then its clock text.
type withHLC struct {
	row  scanner
	text *string
}

func (w withHLC) Scan(dest ...any) error { return w.row.Scan(append(dest, w.text)...) }

func exportRows(ctx context.Context, conn *sql.Conn, query string, args []any, each func(scanner) error) error {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func clockOf(text string) (audit.HLC, error) {
	h, err := audit.ParseHLC(text)
	if err != nil {
		return h, fmt.Errorf("stored clock: %w", err)
	}
	return h, nil
}

func exportSchools(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("id", q.schools)
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT "+schoolColumns+", hlc FROM schools WHERE "+where, args, func(row scanner) error {
		var text string
		sc, err := scanSchool(withHLC{row, &text})
		if err != nil {
			return err
		}
		h, err := clockOf(text)
		cs.Schools = append(cs.Schools, audit.SchoolChange{School: sc, Clock: h})
		return err
	})
}

func exportRooms(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("school_id", q.schools)
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT "+roomColumns+", hlc FROM rooms WHERE "+where, args, func(row scanner) error {
		var text string
		r, err := scanRoom(withHLC{row, &text})
		if err != nil {
			return err
		}
		h, err := clockOf(text)
		cs.Rooms = append(cs.Rooms, audit.RoomChange{Room: r, Clock: h})
		return err
	})
}

func exportTemplates(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := "1", []any(nil)
	if q.visits != "" {
		where, args = "(id, version) IN (SELECT template_id, template_version FROM visits WHERE id IN (SELECT value FROM json_each(?)))", []any{q.visits}
	}
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT id, version, name, body, hlc FROM templates WHERE "+where, args, func(row scanner) error {
		var t audit.TemplateChange
		var text string
		if err := row.Scan(&t.ID, &t.Version, &t.Name, &t.Body, &text); err != nil {
			return err
		}
		h, err := clockOf(text)
		t.Clock = h
		cs.Templates = append(cs.Templates, t)
		return err
	})
}

func exportVisits(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("id", q.visits)
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT "+visitColumns+", hlc FROM visits WHERE "+where, args, func(row scanner) error {
		var text string
		v, err := scanVisit(withHLC{row, &text})
		if err != nil {
			return err
		}
		h, err := clockOf(text)
		cs.Visits = append(cs.Visits, audit.VisitChange{Visit: v, Clock: h})
		return err
	})
}

func exportVisitRooms(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("visit_id", q.visits)
	where, args = q.changedSince(where, args, "hlc")
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT visit_id, room_id, done, updated_at, device, hlc FROM visit_rooms WHERE "+where, args, func(row scanner) error {
		var vr audit.VisitRoomChange
		var text string
		if err := row.Scan(&vr.VisitID, &vr.RoomID, &vr.Done, &vr.UpdatedAt, &vr.Device, &text); err != nil {
			return err
		}
		h, err := clockOf(text)
		vr.Clock = h
		cs.VisitRooms = append(cs.VisitRooms, vr)
		return err
	})
}

func exportAnswers(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("visit_id", q.visits)
	where, args = q.changedSince(where, args, "hlc")
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT "+answerColumns+", hlc FROM answers WHERE "+where, args, func(row scanner) error {
		var text string
		a, err := scanAnswer(withHLC{row, &text})
		if err != nil {
			return err
		}
		h, err := clockOf(text)
		cs.Answers = append(cs.Answers, audit.AnswerChange{Answer: a, Clock: h})
		return err
	})
}

func exportFeedback(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("visit_id", q.visits)
	where, args = q.changedSince(where, args, "hlc")
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT "+feedbackColumns+", hlc FROM feedback WHERE "+where, args, func(row scanner) error {
		var text string
		f, err := scanFeedback(withHLC{row, &text})
		if err != nil {
			return err
		}
		h, err := clockOf(text)
		cs.Feedback = append(cs.Feedback, audit.FeedbackChange{Feedback: f, Clock: h})
		return err
	})
}

// exportSettings reads the district-wide settings: whatever the scope,
// they travel with every bundle (a report's cover needs the district's name).
func exportSettings(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	keys, _ := json.Marshal(audit.DistrictSettings)
	where, args := q.changedSince("key IN (SELECT value FROM json_each(?))", []any{string(keys)}, "hlc")
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT key, value, hlc FROM settings WHERE "+where+" ORDER BY key", args, func(row scanner) error {
		var sc audit.SettingChange
		var text string
		if err := row.Scan(&sc.Key, &sc.Value, &text); err != nil {
			return err
		}
		var err error
		sc.Clock, err = clockOf(text)
		cs.Settings = append(cs.Settings, sc)
		return err
	})
}

func exportPhotos(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("visit_id", q.visits)
	where, args = q.changedSince(where, args, "hlc")
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, `SELECT id, visit_id, room_id, item_id, caption, mime, width, height, sha256, data,
		created_at, updated_at, device, deleted, hlc FROM photos WHERE `+where, args, func(row scanner) error {
		var p audit.PhotoChange
		var created, updated, text string
		if err := row.Scan(&p.ID, &p.VisitID, &p.RoomID, &p.ItemID, &p.Caption, &p.Mime, &p.Width, &p.Height, &p.SHA256, &p.Data,
			&created, &updated, &p.Device, &p.Deleted, &text); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
		h, err := clockOf(text)
		p.Clock = h
		cs.Photos = append(cs.Photos, p)
		return err
	})
}

const actionSyncColumns = "finding_id, owner_team, owner_team_hlc, priority, priority_hlc, due_date, due_date_hlc, status, status_hlc, ticket_key, ticket_key_hlc"

func exportActions(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := "1", []any(nil)
	if q.visits != "" {
		where, args = "finding_id IN (SELECT id FROM answers WHERE visit_id IN (SELECT value FROM json_each(?)))", []any{q.visits}
	}
	if q.since != "" {
		where += " AND max(owner_team_hlc, priority_hlc, due_date_hlc, status_hlc, ticket_key_hlc) >= ?"
		args = append(args, q.since)
	}
	if q.own != "" {
		var ors []string
		for _, col := range []string{"owner_team_hlc", "priority_hlc", "due_date_hlc", "status_hlc", "ticket_key_hlc"} {
			ors = append(ors, ownClock(col))
			args = append(args, q.own, q.after)
		}
		where += " AND (" + strings.Join(ors, " OR ") + ")"
	}
	return exportRows(ctx, conn, "SELECT "+actionSyncColumns+" FROM actions WHERE "+where, args, func(row scanner) error {
		var a audit.ActionChange
		texts := make([]string, 5)
		if err := row.Scan(&a.FindingID, &a.OwnerTeam.Value, &texts[0], &a.Priority.Value, &texts[1], &a.DueDate.Value, &texts[2],
			&a.Status.Value, &texts[3], &a.Ticket.Value, &texts[4]); err != nil {
			return err
		}
		for i, f := range a.Fields() {
			h, err := clockOf(texts[i])
			if err != nil {
				return err
			}
			f.Clock = h
		}
		cs.Actions = append(cs.Actions, a)
		return nil
	})
}

func exportHistory(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := "1", []any(nil)
	if q.visits != "" {
		where, args = "finding_id IN (SELECT id FROM answers WHERE visit_id IN (SELECT value FROM json_each(?)))", []any{q.visits}
	}
	where, args = q.changedSince(where, args, "hlc")
	where, args = q.ownSince(where, args, "hlc")
	return exportRows(ctx, conn, "SELECT finding_id, status, hlc FROM status_history WHERE "+where, args, func(row scanner) error {
		var h audit.StatusChange
		var status, text string
		if err := row.Scan(&h.FindingID, &status, &text); err != nil {
			return err
		}
		clock, err := clockOf(text)
		h.Status, h.Clock = audit.Status(status), clock
		cs.StatusHistory = append(cs.StatusHistory, h)
		return err
	})
}

const conflictColumns = "kind, visit_id, room_id, item_id, value, note, deleted, device, hlc, resolved, resolved_hlc"

func exportConflicts(ctx context.Context, conn *sql.Conn, q exportQuery, cs *audit.ChangeSet) error {
	where, args := in("visit_id", q.visits)
	if q.own != "" {
		// A push: this device's settlings since its last push; each device
		// finds the open conflicts of what it merges itself.
		where += " AND kind = 'answer' AND resolved = 1 AND " + ownClock("resolved_hlc")
		args = append(args, q.own, q.after)
	}
	// A resolution does not change the losing version's clock, so resolved
	// ones always go along: a --since bundle carries the settling too.
	where, args = q.changedSince(where, args, "(CASE WHEN resolved = 1 THEN '~' ELSE hlc END)")
	return exportRows(ctx, conn, "SELECT "+conflictColumns+" FROM conflicts WHERE "+where, args, func(row scanner) error {
		c, err := scanConflict(row)
		cs.Conflicts = append(cs.Conflicts, c)
		return err
	})
}

func scanConflict(row scanner) (audit.Conflict, error) {
	var c audit.Conflict
	var text, settled string
	if err := row.Scan(&c.Kind, &c.VisitID, &c.RoomID, &c.ItemID, &c.Value, &c.Note, &c.Deleted, &c.Device, &text, &c.Resolved, &settled); err != nil {
		return c, err
	}
	h, err := clockOf(text)
	if err != nil {
		return c, err
	}
	c.Clock = h
	if settled != "" {
		c.Settled, err = clockOf(settled)
	}
	return c, err
}
