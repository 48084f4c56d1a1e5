package audit

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Finding is a failing answer with where it is, what failed and what IT
// added to it. Its ID is the answer's ID, stable across edits and devices.
type Finding struct {
	ID              string
	VisitID         string
	VisitStarted    time.Time
	TemplateID      string
	TemplateVersion string
	SchoolID        string
	SchoolName      string
	SchoolCode      string
	RoomID          string
	RoomLabel       string
	RoomKind        RoomKind
	Teacher         string
	ItemID          string
	ItemLabel       string
	Section         string
	Category        string
	Severity        Severity
	Value           string
	Reason          string
	Note            string
	PhotoCount      int
	FirstSeen       time.Time // the date of the visit that first saw the fault failing (see Loop)
	UpdatedAt       time.Time
	Action          Action // with what the loop carries over from earlier findings of the fault
	Loop            Loop
}

// ShortID is the first eight hex digits of the finding id, for people.
func (f Finding) ShortID() string {
	if len(f.ID) >= 8 && isHex(f.ID[:8]) {
		b := make([]byte, 0, 11)
		b = append(b, "TW-"...)
		for i := range 8 {
			b = append(b, asciiUpper(f.ID[i]))
		}
		return string(b)
	}
	return "TW-" + strings.ToUpper(strings.ReplaceAll(f.ID, "-", "")[:8])
}

// isHex reports whether s is hex digits; ShortID upper-cases them
// without the copies of strings.ReplaceAll and strings.ToUpper.
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func asciiUpper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// Priority is the priority IT set on the finding, else its item's severity.
func (f *Finding) Priority() Severity {
	if f.Action.Priority != "" {
		return f.Action.Priority
	}
	return f.Severity
}

// FindingFilter narrows Findings; zero fields do not filter.
type FindingFilter struct {
	VisitID  string
	SchoolID string
	Severity Severity
	Category string
	Status   Status    // the status after the loop: a fault fixed on a later visit reads resolved
	Since    time.Time // faults first seen on visits started at or after
	// AsOf ignores visits started after it when following a fault from
	// visit to visit (zero: every visit), so a visit's report reads the
	// same after later visits.
	AsOf time.Time
}

// Findings lists the failing answers that match the filter, most severe first.
// Across visits it scans the answers in parallel with FindingChunks; for
// one visit the joined query on the visit's index is quicker.
func (s *Store) Findings(ctx context.Context, f FindingFilter) ([]Finding, error) {
	if f.VisitID == "" {
		chunks, err := s.FindingChunks(ctx, f)
		out := slices.Concat(chunks...)
		SortFindings(out)
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
	out = f.afterLink(out)
	SortFindings(out)
	return out, nil
}

// visitFindings lists the failing answers of one visit that match the
// filter's item fields, before the loop is applied.
func (s *Store) visitFindings(ctx context.Context, f FindingFilter) ([]Finding, error) {
	q, args := findingsQuery(f)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.readError(err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		fd, value, err := scanFindingRow(rows)
		if err != nil {
			return nil, s.readError(err)
		}
		t, err := s.Template(ctx, fd.TemplateID, fd.TemplateVersion)
		if err != nil {
			return nil, s.readError(err)
		}
		if s.completeFinding(t, &fd, value) && f.matchesItem(&fd) {
			out = append(out, fd)
		}
	}
	return out, s.readError(rows.Err())
}

func findingsQuery(f FindingFilter) (string, []any) {
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

func scanFindingRow(rows *sql.Rows) (Finding, string, error) {
	var fd Finding
	var started, kind, number, name, value, created, updated, priority, status, actionUpdated string
	err := rows.Scan(&fd.ID, &fd.VisitID, &started, &fd.TemplateID, &fd.TemplateVersion, &fd.SchoolID, &fd.SchoolName, &fd.SchoolCode,
		&fd.RoomID, &number, &name, &kind, &fd.Teacher, &fd.ItemID, &value, &fd.Note, &created, &updated,
		&fd.PhotoCount, &fd.Action.OwnerTeam, &priority, &fd.Action.DueDate, &status, &fd.Action.TicketKey, &actionUpdated, &fd.Action.Device)
	fd.VisitStarted, fd.UpdatedAt = parseTime(started), parseTime(updated)
	fd.FirstSeen = fd.VisitStarted // until the loop finds an earlier sighting
	fd.RoomLabel = Room{Number: number, Name: name}.Label()
	fd.RoomKind = RoomKind(kind)
	fd.Action.FindingID, fd.Action.Priority, fd.Action.Status = fd.ID, Severity(priority), Status(status)
	fd.Action.UpdatedAt = parseTime(actionUpdated)
	return fd, value, err
}

// completeFinding fills the item's fields; false when the answer does not fail.
func (s *Store) completeFinding(t *Template, fd *Finding, value string) bool {
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
func failWith(fd *Finding, sec *Section, it *Item, value string) bool {
	out, reason := it.Evaluate(value)
	if out != Fail {
		return false
	}
	fd.Value, fd.Reason = value, reason
	fd.ItemID, fd.ItemLabel, fd.Section, fd.Category, fd.Severity = it.ID, it.Label, sec.Title, it.Category, it.Severity
	if fd.Action.Priority == "" {
		fd.Action.Priority = it.Severity
	}
	return true
}

func (f FindingFilter) matchesItem(fd *Finding) bool {
	if f.Severity != "" && fd.Severity != f.Severity {
		return false
	}
	return f.Category == "" || strings.EqualFold(fd.Category, f.Category)
}

// SortFindings orders findings by severity, school, room, item, then the
// newest visit first; the id breaks any remaining tie, so the order never
// depends on how the answers were scanned.
func SortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if a.SchoolName != b.SchoolName {
			return a.SchoolName < b.SchoolName
		}
		if a.RoomLabel != b.RoomLabel {
			return naturalLess(a.RoomLabel, b.RoomLabel)
		}
		if a.ItemID != b.ItemID {
			return a.ItemID < b.ItemID
		}
		if !a.VisitStarted.Equal(b.VisitStarted) {
			return a.VisitStarted.After(b.VisitStarted)
		}
		return a.ID < b.ID
	})
}

// SaveAction records what IT decided about a finding.
func (s *Store) SaveAction(ctx context.Context, a *Action) error {
	if a.Status == "" {
		a.Status = StatusOpen
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.UpdatedAt, a.Device = s.now().UTC(), s.device
	return s.write(ctx, func(tx *sql.Tx) error {
		return upsertAction(ctx, tx, a)
	})
}

func upsertAction(ctx context.Context, tx *sql.Tx, a *Action) error {
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

// VisitData is everything known about one visit: what the report and the
// finish screen need, loaded in one call.
type VisitData struct {
	Visit     Visit
	School    School
	Template  *Template
	Rooms     []Room
	RoomsDone map[string]bool
	Answers   []Answer
	Feedback  []Feedback
	Photos    []Photo
	Findings  []Finding // as of the visit: later visits do not change them
	Fixed     []Fix     // faults of earlier visits this visit found fixed
	Rules     ScoreRules
	Score     VisitScore
	SignOff   SignOff // who signed the visit off; empty (not Signed) when nobody did
}

// Scored is what comparing this visit with another needs.
func (d *VisitData) Scored() ScoredVisit {
	return ScoredVisit{Template: d.Template, Rooms: d.Rooms, Answers: d.Answers}
}

// LoadVisit loads a visit with its school, template, rooms, answers,
// feedback, photos (without bytes), findings and the fixes it verified,
// all as of the visit, its sign-off and its score under the district's rules.
func (s *Store) LoadVisit(ctx context.Context, visitID string) (*VisitData, error) {
	d := &VisitData{}
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
	if err := s.loadSignOff(ctx, d); err != nil {
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
func (s *Store) loadVisitFindings(ctx context.Context, d *VisitData) error {
	var err error
	if d.Findings, err = s.visitFindings(ctx, FindingFilter{VisitID: d.Visit.ID}); err != nil {
		return err
	}
	st, err := s.traceLoops(ctx, loopScope{SchoolID: d.School.ID, AsOf: d.Visit.StartedAt})
	if err != nil {
		return err
	}
	st.link(d.Findings)
	SortFindings(d.Findings)
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
func (s *Store) ScoreOf(ctx context.Context, visitID string) (VisitScore, error) {
	v, err := s.Visit(ctx, visitID)
	if err != nil {
		return VisitScore{}, err
	}
	t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
	if err != nil {
		return VisitScore{}, err
	}
	rooms, err := s.Rooms(ctx, v.SchoolID)
	if err != nil {
		return VisitScore{}, err
	}
	answers, err := s.Answers(ctx, visitID)
	if err != nil {
		return VisitScore{}, err
	}
	feedback, err := s.Feedback(ctx, visitID)
	if err != nil {
		return VisitScore{}, err
	}
	rules, err := s.ScoreRules(ctx)
	if err != nil {
		return VisitScore{}, err
	}
	return rules.ScoreVisit(t, rooms, answers, feedback), nil
}
