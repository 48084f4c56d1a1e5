package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"techwalk/audit"
)

// Findings lists the failing answers that match the filter, most severe first.
// Across visits it scans the answers in parallel with FindingChunks; for
// one visit the joined query on the visit's index is quicker.
func (s *Store) Findings(ctx context.Context, f audit.FindingFilter) ([]audit.Finding, error) {
	if f.VisitID == "" {
		chunks, err := s.FindingChunks(ctx, f)
		out := slices.Concat(chunks...)
		audit.SortFindings(out)
		return out, err
	}
	out, err := s.visitFindings(ctx, f)
	if err != nil || len(out) == 0 {
		return out, err
	}
	st, err := s.traceLoops(ctx, loopScope{SchoolID: out[0].SchoolID, AsOf: f.AsOf})
	if err != nil {
		return nil, err
	}
	st.link(out)
	out = f.AfterLink(out)
	audit.SortFindings(out)
	return out, nil
}

// visitFindings lists the failing answers of one visit that match the
// filter's item fields, before the loop is applied.
func (s *Store) visitFindings(ctx context.Context, f audit.FindingFilter) ([]audit.Finding, error) {
	q, args := findingsQuery(f)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	var out []audit.Finding
	for rows.Next() {
		fd, value, err := scanFindingRow(rows)
		if err != nil {
			return nil, s.readError(err)
		}
		t, err := s.Template(ctx, fd.TemplateID, fd.TemplateVersion)
		if err != nil {
			return nil, s.readError(err)
		}
		if s.completeFinding(t, &fd, value) && f.MatchesItem(&fd) {
			out = append(out, fd)
		}
	}
	return out, s.readError(rows.Err())
}

func findingsQuery(f audit.FindingFilter) (string, []any) {
	q := `SELECT a.id, a.visit_id, v.started_at, v.template_id, v.template_version, v.school_id, sc.name, sc.code,
		a.room_id, r.number, r.name, r.kind, r.teacher, a.item_id, a.value, a.note, a.created_at, a.updated_at,
		COALESCE(p.n, 0), COALESCE(ac.owner_team, ''), COALESCE(ac.priority, ''), COALESCE(ac.due_date, ''),
		COALESCE(ac.status, 'open'), COALESCE(ac.ticket_key, ''), COALESCE(ac.updated_at, ''), COALESCE(ac.device, '')
	FROM answers a
	JOIN visits v ON v.id = a.visit_id AND v.deleted = 0
	JOIN schools sc ON sc.id = v.school_id AND sc.deleted = 0
	JOIN rooms r ON r.id = a.room_id AND r.deleted = 0
	LEFT JOIN actions ac ON ac.finding_id = a.id
	LEFT JOIN (SELECT visit_id, room_id, item_id, count(*) AS n FROM photos WHERE deleted = 0 GROUP BY 1, 2, 3) p
		ON p.visit_id = a.visit_id AND p.room_id = a.room_id AND p.item_id = a.item_id
	WHERE a.deleted = 0 AND a.value != ''`
	var args []any
	if f.VisitID != "" {
		q += " AND a.visit_id = ?"
		args = append(args, f.VisitID)
	}
	if f.SchoolID != "" {
		q += " AND v.school_id = ?"
		args = append(args, f.SchoolID)
	}
	if !f.Since.IsZero() { // first seen on or before its own visit, so never later than since
		q += " AND v.started_at >= ?"
		args = append(args, formatTime(f.Since))
	}
	return q, args
}

func scanFindingRow(rows *sql.Rows) (audit.Finding, string, error) {
	var fd audit.Finding
	var started, kind, number, name, value, created, updated, priority, status, actionUpdated string
	err := rows.Scan(&fd.ID, &fd.VisitID, &started, &fd.TemplateID, &fd.TemplateVersion, &fd.SchoolID, &fd.SchoolName, &fd.SchoolCode,
		&fd.RoomID, &number, &name, &kind, &fd.Teacher, &fd.ItemID, &value, &fd.Note, &created, &updated,
		&fd.PhotoCount, &fd.Action.OwnerTeam, &priority, &fd.Action.DueDate, &status, &fd.Action.TicketKey, &actionUpdated, &fd.Action.Device)
	fd.VisitStarted, fd.UpdatedAt = parseTime(started), parseTime(updated)
	fd.FirstSeen = fd.VisitStarted // until the loop finds an earlier sighting
	fd.RoomLabel = audit.Room{Number: number, Name: name}.Label()
	fd.RoomKind = audit.RoomKind(kind)
	fd.Action.FindingID, fd.Action.Priority, fd.Action.Status = fd.ID, audit.Severity(priority), audit.Status(status)
	fd.Action.UpdatedAt = parseTime(actionUpdated)
	return fd, value, err
}

// completeFinding fills the item's fields; false when the answer does not fail.
func (s *Store) completeFinding(t *audit.Template, fd *audit.Finding, value string) bool {
	for i := range t.Sections {
		sec := &t.Sections[i]
		for j := range sec.Items {
			if sec.Items[j].ID == fd.ItemID {
				return failWith(fd, sec, &sec.Items[j], value)
			}
		}
	}
	return false
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

// SaveAction records what IT decided about a finding.
func (s *Store) SaveAction(ctx context.Context, a *audit.Action) error {
	if a.Status == "" {
		a.Status = audit.StatusOpen
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.UpdatedAt, a.Device = s.now().UTC(), s.device
	return s.write(ctx, func(tx *sql.Tx) error {
		return upsertAction(ctx, tx, a)
	})
}

func upsertAction(ctx context.Context, tx *sql.Tx, a *audit.Action) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO actions(finding_id, owner_team, priority, due_date, status, ticket_key, updated_at, device)
		VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(finding_id) DO UPDATE SET owner_team=excluded.owner_team, priority=excluded.priority,
		due_date=excluded.due_date, status=excluded.status, ticket_key=excluded.ticket_key, updated_at=excluded.updated_at,
		device=excluded.device`,
		a.FindingID, a.OwnerTeam, string(a.Priority), a.DueDate, string(a.Status), a.TicketKey, formatTime(a.UpdatedAt), a.Device)
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return fmt.Errorf("action: finding %s does not exist", a.FindingID)
	}
	return err
}

// LoadVisit loads a visit with its school, template, rooms, answers,
// feedback, photos (without bytes), findings and the fixes it verified,
// all as of the visit, and its score under the district's rules.
func (s *Store) LoadVisit(ctx context.Context, visitID string) (*audit.VisitData, error) {
	d := &audit.VisitData{}
	var err error
	if d.Visit, err = s.Visit(ctx, visitID); err != nil {
		return nil, err
	}
	if d.School, err = s.School(ctx, d.Visit.SchoolID); err != nil {
		return nil, err
	}
	if d.Template, err = s.Template(ctx, d.Visit.TemplateID, d.Visit.TemplateVersion); err != nil {
		return nil, err
	}
	if d.Rooms, err = s.Rooms(ctx, d.School.ID); err != nil {
		return nil, err
	}
	if d.RoomsDone, err = s.RoomsDone(ctx, visitID); err != nil {
		return nil, err
	}
	if d.Answers, err = s.Answers(ctx, visitID); err != nil {
		return nil, err
	}
	if d.Feedback, err = s.Feedback(ctx, visitID); err != nil {
		return nil, err
	}
	if d.Photos, err = s.Photos(ctx, visitID); err != nil {
		return nil, err
	}
	if err := s.loadVisitFindings(ctx, d); err != nil {
		return nil, err
	}
	if d.Rules, err = s.ScoreRules(ctx); err != nil {
		return nil, err
	}
	d.Score = d.Rules.ScoreVisit(d.Template, d.Rooms, d.Answers, d.Feedback)
	return d, nil
}

// loadVisitFindings fills the visit's findings and the fixes it verified,
// following the school's faults up to this visit.
func (s *Store) loadVisitFindings(ctx context.Context, d *audit.VisitData) error {
	var err error
	if d.Findings, err = s.visitFindings(ctx, audit.FindingFilter{VisitID: d.Visit.ID}); err != nil {
		return err
	}
	st, err := s.traceLoops(ctx, loopScope{SchoolID: d.School.ID, AsOf: d.Visit.StartedAt})
	if err != nil {
		return err
	}
	st.link(d.Findings)
	audit.SortFindings(d.Findings)
	for _, fx := range st.fixes {
		if fx.VisitID == d.Visit.ID {
			fx.TicketKey = st.ticketOf(fx.LastID)
			d.Fixed = append(d.Fixed, fx)
		}
	}
	sort.Slice(d.Fixed, func(i, j int) bool {
		a, b := d.Fixed[i], d.Fixed[j]
		if a.RoomID != b.RoomID {
			return a.RoomID < b.RoomID
		}
		return a.ItemID < b.ItemID
	})
	return nil
}

// ScoreOf computes a visit's experience score from just what scoring needs
// (template, rooms, answers, feedback): the cheap path for lists of schools
// and visits, where LoadVisit would also build findings and photo lists.
func (s *Store) ScoreOf(ctx context.Context, visitID string) (audit.VisitScore, error) {
	v, err := s.Visit(ctx, visitID)
	if err != nil {
		return audit.VisitScore{}, err
	}
	t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
	if err != nil {
		return audit.VisitScore{}, err
	}
	rooms, err := s.Rooms(ctx, v.SchoolID)
	if err != nil {
		return audit.VisitScore{}, err
	}
	answers, err := s.Answers(ctx, visitID)
	if err != nil {
		return audit.VisitScore{}, err
	}
	feedback, err := s.Feedback(ctx, visitID)
	if err != nil {
		return audit.VisitScore{}, err
	}
	rules, err := s.ScoreRules(ctx)
	if err != nil {
		return audit.VisitScore{}, err
	}
	return rules.ScoreVisit(t, rooms, answers, feedback), nil
}
