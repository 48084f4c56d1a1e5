package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"techwalk/audit"
)

// Visit summaries (migration 0004): the table keeps audit's VisitSummary of
// every visit whose school had no write since it was computed; triggers
// delete a school's summaries in the transaction of every write that may
// change them, and readers compute the missing ones again from the answers
// with audit's rule (RefreshSummaries stores them; a read-only store, or a
// write landing between the refresh and the read, gets them computed in
// memory).

// staleSchools lists the schools with a live visit that has no summary.
func staleSchools(ctx context.Context, q actionRows) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT school_id FROM visits v WHERE deleted = 0
		AND NOT EXISTS (SELECT 1 FROM visit_summary s WHERE s.visit_id = v.id) ORDER BY school_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RefreshSummaries computes and stores the visit summaries of every school
// that has a stale one, a transaction per school so that saving answers
// never waits long; Home and the district picture do it as they read. A
// read-only store leaves them to its readers.
func (s *Store) RefreshSummaries(ctx context.Context) error {
	if s.readOnly {
		return nil
	}
	schools, err := staleSchools(ctx, s.r)
	if err != nil {
		return s.readError(err)
	}
	for _, id := range schools {
		if err := s.refreshSchool(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// refreshSchool replaces a school's summaries in one transaction on the
// writer connection (it changes no data, so it leaves the sync clock alone).
func (s *Store) refreshSchool(ctx context.Context, schoolID string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("start saving the visit summaries: %w", saveError(err))
	}
	defer tx.Rollback()
	sums, _, err := s.computeSummaries(ctx, tx, schoolID)
	if err != nil {
		return saveError(err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM visit_summary WHERE school_id = ?", schoolID); err != nil {
		return saveError(err)
	}
	for id, sum := range sums {
		detail := encodeSummary(sum)
		vs := sum.Score
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_summary(visit_id, school_id, score, rooms_visited, answered, applicable, partial, detail)
			VALUES (?,?,?,?,?,?,?,?)`, id, schoolID, vs.Score, vs.RoomsVisited, vs.Coverage.Answered, vs.Coverage.Applicable, vs.Partial, detail); err != nil {
			return saveError(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save the visit summaries: %w", saveError(err))
	}
	return nil
}

// computeSummaries computes a school's visit summaries from its answers
// with audit's rule, reading in tx; it also returns the school's live
// rooms, in the order they were scored in.
func (s *Store) computeSummaries(ctx context.Context, tx *sql.Tx, schoolID string) (map[string]audit.VisitSummary, []audit.Room, error) {
	rules, err := scoreRulesIn(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	school := audit.DistrictSchool{School: audit.School{Record: audit.Record{ID: schoolID}}}
	if school.Rooms, err = schoolRooms(ctx, tx, schoolID); err != nil {
		return nil, nil, err
	}
	visits, err := txList(ctx, tx, scanVisit, "SELECT "+visitColumns+" FROM visits WHERE school_id = ? AND deleted = 0", schoolID)
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]*audit.DistrictVisit{}
	school.Visits = make([]audit.DistrictVisit, len(visits))
	for i, v := range visits {
		t, err := s.Template(ctx, v.TemplateID, v.TemplateVersion)
		if err != nil {
			return nil, nil, err
		}
		school.Visits[i] = audit.DistrictVisit{Visit: v, Template: t}
		byID[v.ID] = &school.Visits[i]
	}
	if err := loadSchoolAnswers(ctx, tx, schoolID, byID); err != nil {
		return nil, nil, err
	}
	actions := map[string]audit.Action{}
	err = readActions(ctx, tx, actions, actionsQuery+` WHERE finding_id IN
		(SELECT a.id FROM answers a JOIN visits v ON v.id = a.visit_id WHERE v.school_id = ?)`, schoolID)
	if err != nil {
		return nil, nil, err
	}
	return rules.SummariseSchool(school, actions), school.Rooms, nil
}

// schoolRooms lists a school's live rooms in natural order, as Rooms does.
func schoolRooms(ctx context.Context, tx *sql.Tx, schoolID string) ([]audit.Room, error) {
	rooms, err := txList(ctx, tx, scanRoom, "SELECT "+roomColumns+" FROM rooms WHERE school_id = ? AND deleted = 0", schoolID)
	audit.SortRooms(rooms)
	return rooms, err
}

// loadSchoolAnswers puts the live answers and feedback of a school's live
// visits under their visits.
func loadSchoolAnswers(ctx context.Context, tx *sql.Tx, schoolID string, visits map[string]*audit.DistrictVisit) error {
	const ofSchool = " WHERE deleted = 0 AND visit_id IN (SELECT id FROM visits WHERE school_id = ? AND deleted = 0)"
	answers, err := txList(ctx, tx, scanAnswer, "SELECT "+answerColumns+" FROM answers"+ofSchool, schoolID)
	if err != nil {
		return err
	}
	for _, a := range answers {
		if v := visits[a.VisitID]; v != nil {
			v.Answers = append(v.Answers, a)
		}
	}
	feedback, err := txList(ctx, tx, scanFeedback, "SELECT "+feedbackColumns+" FROM feedback"+ofSchool, schoolID)
	for _, f := range feedback {
		if v := visits[f.VisitID]; v != nil {
			v.Feedback = append(v.Feedback, f)
		}
	}
	return err
}

// refreshForReading brings the stored summaries up to date before a read.
// Storing them only saves the next reader's work, so a store that cannot
// write now (busy in another window, read-only, disk full) is no failure:
// the reader computes what is missing in memory.
func (s *Store) refreshForReading(ctx context.Context) error {
	err := s.RefreshSummaries(ctx)
	if errors.Is(err, audit.ErrBusy) || errors.Is(err, audit.ErrReadOnly) || errors.Is(err, audit.ErrDiskFull) {
		return nil
	}
	return err
}

// ScoreHeadlines returns the headline of every live visit's score (score,
// rooms checked, coverage, partial walk) by visit id, read from the visit
// summaries after computing the stale ones again.
func (s *Store) ScoreHeadlines(ctx context.Context) (map[string]audit.ScoreHeadline, error) {
	if err := s.refreshForReading(ctx); err != nil {
		return nil, err
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, s.readError(err)
	}
	defer tx.Rollback()
	out, err := storedHeadlines(ctx, tx)
	if err != nil {
		return nil, s.readError(err)
	}
	stale, err := staleSchools(ctx, tx)
	if err != nil {
		return nil, s.readError(err)
	}
	for _, id := range stale {
		sums, _, err := s.computeSummaries(ctx, tx, id)
		if err != nil {
			return nil, s.readError(err)
		}
		for visit, sum := range sums {
			out[visit] = sum.Score.Headline()
		}
	}
	return out, s.readError(tx.Commit())
}

func storedHeadlines(ctx context.Context, tx *sql.Tx) (map[string]audit.ScoreHeadline, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.visit_id, s.score, s.rooms_visited, s.answered, s.applicable, s.partial
		FROM visit_summary s JOIN visits v ON v.id = s.visit_id WHERE v.deleted = 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]audit.ScoreHeadline{}
	for rows.Next() {
		var id string
		var h audit.ScoreHeadline
		if err := rows.Scan(&id, &h.Score, &h.RoomsVisited, &h.Coverage.Answered, &h.Coverage.Applicable, &h.Partial); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}
