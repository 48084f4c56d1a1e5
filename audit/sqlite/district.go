package sqlite

import (
	"context"
	"database/sql"
	"time"

	"techwalk/audit"
)

// DistrictInput loads what audit.DistrictPicture needs in one read
// transaction: every school with its rooms, its visits with their
// templates, answers and feedback, every action, and the scoring rules.
// now is today in the district's time zone.
func (s *Store) DistrictInput(ctx context.Context, now time.Time) (audit.DistrictInput, error) {
	in := audit.DistrictInput{Now: now, Actions: map[string]audit.Action{}}
	var err error
	if in.Rules, err = s.ScoreRules(ctx); err != nil {
		return in, err
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return in, s.readError(err)
	}
	defer tx.Rollback()
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
	if err := s.loadDistrictRooms(ctx, tx, bySchool); err != nil {
		return in, s.readError(err)
	}
	visits, err := s.loadDistrictVisits(ctx, tx, bySchool)
	if err != nil {
		return in, err
	}
	if err := loadDistrictAnswers(ctx, tx, visits); err != nil {
		return in, s.readError(err)
	}
	if err := readActions(ctx, tx, in.Actions, actionsQuery); err != nil {
		return in, s.readError(err)
	}
	return in, s.readError(tx.Commit())
}

func (s *Store) loadDistrictRooms(ctx context.Context, tx *sql.Tx, bySchool map[string]*audit.DistrictSchool) error {
	rooms, err := txList(ctx, tx, scanRoom, "SELECT "+roomColumns+" FROM rooms WHERE deleted = 0 ORDER BY school_id, number, id")
	for _, r := range rooms {
		if sc := bySchool[r.SchoolID]; sc != nil {
			sc.Rooms = append(sc.Rooms, r)
		}
	}
	return err
}

// loadDistrictVisits puts every live visit, with its template, under its
// school and returns them by id (pointers into the schools' slices).
func (s *Store) loadDistrictVisits(ctx context.Context, tx *sql.Tx, bySchool map[string]*audit.DistrictSchool) (map[string]*audit.DistrictVisit, error) {
	visits, err := txList(ctx, tx, scanVisit, "SELECT "+visitColumns+" FROM visits WHERE deleted = 0 ORDER BY school_id, started_at, id")
	if err != nil {
		return nil, s.readError(err)
	}
	for _, v := range visits {
		sc := bySchool[v.SchoolID]
		if sc == nil {
			continue
		}
		t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
		if err != nil {
			return nil, err
		}
		sc.Visits = append(sc.Visits, audit.DistrictVisit{Visit: v, Template: t})
	}
	byID := map[string]*audit.DistrictVisit{}
	for _, sc := range bySchool {
		for i := range sc.Visits {
			byID[sc.Visits[i].Visit.ID] = &sc.Visits[i]
		}
	}
	return byID, nil
}

func loadDistrictAnswers(ctx context.Context, tx *sql.Tx, visits map[string]*audit.DistrictVisit) error {
	answers, err := txList(ctx, tx, scanAnswer, "SELECT "+answerColumns+" FROM answers WHERE deleted = 0")
	if err != nil {
		return err
	}
	for _, a := range answers {
		if v := visits[a.VisitID]; v != nil {
			v.Answers = append(v.Answers, a)
		}
	}
	feedback, err := txList(ctx, tx, scanFeedback, "SELECT "+feedbackColumns+" FROM feedback WHERE deleted = 0")
	for _, f := range feedback {
		if v := visits[f.VisitID]; v != nil {
			v.Feedback = append(v.Feedback, f)
		}
	}
	return err
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
