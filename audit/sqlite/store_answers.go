package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"techwalk/audit"
)

const answerColumns = "id, visit_id, room_id, item_id, value, note, created_at, updated_at, device, deleted"

// saveAnswerSQL upserts one answer by (visit, room, item), keeping the
// first answer's id.
const saveAnswerSQL = `INSERT INTO answers(` + answerColumns + `) VALUES (?,?,?,?,?,?,?,?,?,0)
	ON CONFLICT(visit_id, room_id, item_id) DO UPDATE SET value=excluded.value, note=excluded.note,
	updated_at=excluded.updated_at, device=excluded.device, deleted=0
	RETURNING id, created_at`

// SaveAnswer stores the answer for one item in one room of a visit, in its
// own transaction, replacing an earlier answer to the same item. The value
// is checked against the visit's template; the answer's id is kept stable
// across changes so its finding keeps its id.
func (s *Store) SaveAnswer(ctx context.Context, a *audit.Answer) error {
	if err := a.Validate(); err != nil {
		return err
	}
	t, err := s.visitTemplate(ctx, a.VisitID)
	if err != nil {
		return err
	}
	item, ok := t.Item(a.ItemID)
	if !ok {
		return fmt.Errorf("answer: item %q is not in template %s %s", a.ItemID, t.ID, t.Version)
	}
	if err := item.CheckValue(a.Value); err != nil {
		return err
	}
	s.stamp(&a.Record)
	return s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := s.cached(ctx, tx, saveAnswerSQL)
		if err != nil {
			return err
		}
		var created string
		err = stmt.QueryRowContext(ctx,
			a.ID, a.VisitID, a.RoomID, a.ItemID, a.Value, a.Note, formatTime(a.CreatedAt), formatTime(a.UpdatedAt), a.Device).
			Scan(&a.ID, &created)
		if isForeignKey(err) {
			return errors.New("answer: its visit or room does not exist")
		}
		a.CreatedAt = parseTime(created)
		return err
	})
}

// MarkNotApplicable answers the given items of a room "na", in one
// transaction, and returns the answers saved. Items already answered are
// left as they are.
func (s *Store) MarkNotApplicable(ctx context.Context, visitID, roomID string, itemIDs []string) ([]audit.Answer, error) {
	t, err := s.visitTemplate(ctx, visitID)
	if err != nil {
		return nil, err
	}
	out := make([]audit.Answer, 0, len(itemIDs))
	for _, id := range itemIDs {
		if _, ok := t.Item(id); !ok {
			return nil, fmt.Errorf("answer: item %q is not in template %s %s", id, t.ID, t.Version)
		}
		a := audit.Answer{VisitID: visitID, RoomID: roomID, ItemID: id, Value: audit.CheckNA}
		s.stamp(&a.Record)
		out = append(out, a)
	}
	var saved []audit.Answer
	err = s.write(ctx, func(tx *sql.Tx) error {
		saved = saved[:0]
		for i := range out {
			a := out[i]
			var created, value string
			err := tx.QueryRowContext(ctx, `INSERT INTO answers(`+answerColumns+`) VALUES (?,?,?,?,?,?,?,?,?,0)
				ON CONFLICT(visit_id, room_id, item_id) DO UPDATE SET value=excluded.value,
				updated_at=excluded.updated_at, device=excluded.device, deleted=0 WHERE answers.value = '' OR answers.deleted = 1
				RETURNING id, created_at, value`,
				a.ID, a.VisitID, a.RoomID, a.ItemID, a.Value, "", formatTime(a.CreatedAt), formatTime(a.UpdatedAt), a.Device).
				Scan(&a.ID, &created, &value)
			if errors.Is(err, sql.ErrNoRows) { // already answered: kept
				continue
			}
			if err != nil {
				return err
			}
			a.CreatedAt = parseTime(created)
			saved = append(saved, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// Answers lists the answers of a visit.
func (s *Store) Answers(ctx context.Context, visitID string) ([]audit.Answer, error) {
	return queryList(ctx, s, scanAnswer, "SELECT "+answerColumns+" FROM answers WHERE visit_id = ? AND deleted = 0 ORDER BY room_id, item_id", visitID)
}

func scanAnswer(row scanner) (audit.Answer, error) {
	var a audit.Answer
	var created, updated string
	err := row.Scan(&a.ID, &a.VisitID, &a.RoomID, &a.ItemID, &a.Value, &a.Note, &created, &updated, &a.Device, &a.Deleted)
	a.CreatedAt, a.UpdatedAt = parseTime(created), parseTime(updated)
	return a, err
}

const feedbackColumns = "id, visit_id, room_id, teacher_name, supports_teaching, help_easy, choose_again, inconveniences, frustration, consent, created_at, updated_at, device, deleted"

// SaveFeedback stores one teacher's feedback entry for a room of a visit:
// a new entry when f has no id (a room may hold several), else an edit of
// that entry, which must belong to the same visit and room.
func (s *Store) SaveFeedback(ctx context.Context, f *audit.Feedback) error {
	if err := f.Validate(); err != nil {
		return err
	}
	s.stamp(&f.Record)
	return s.write(ctx, func(tx *sql.Tx) error {
		var created string
		err := tx.QueryRowContext(ctx, `INSERT INTO feedback(`+feedbackColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0)
			ON CONFLICT(id) DO UPDATE SET teacher_name=excluded.teacher_name,
			supports_teaching=excluded.supports_teaching, help_easy=excluded.help_easy, choose_again=excluded.choose_again,
			inconveniences=excluded.inconveniences, frustration=excluded.frustration, consent=excluded.consent,
			updated_at=excluded.updated_at, device=excluded.device, deleted=0
			WHERE feedback.visit_id = excluded.visit_id AND feedback.room_id = excluded.room_id
			RETURNING id, created_at`,
			f.ID, f.VisitID, f.RoomID, f.TeacherName, f.SupportsTeaching, f.HelpEasy, string(f.ChooseAgain), f.Inconveniences,
			f.Frustration, f.ConsentToQuote, formatTime(f.CreatedAt), formatTime(f.UpdatedAt), f.Device).Scan(&f.ID, &created)
		switch {
		case isForeignKey(err):
			return errors.New("feedback: its visit or room does not exist")
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("feedback %s belongs to another visit or room: %w", f.ID, audit.ErrNotFound)
		}
		f.CreatedAt = parseTime(created)
		return err
	})
}

// Feedback lists the teacher feedback of a visit.
func (s *Store) Feedback(ctx context.Context, visitID string) ([]audit.Feedback, error) {
	return queryList(ctx, s, scanFeedback, "SELECT "+feedbackColumns+" FROM feedback WHERE visit_id = ? AND deleted = 0 ORDER BY created_at, id", visitID)
}

func scanFeedback(row scanner) (audit.Feedback, error) {
	var f audit.Feedback
	var choose, created, updated string
	err := row.Scan(&f.ID, &f.VisitID, &f.RoomID, &f.TeacherName, &f.SupportsTeaching, &f.HelpEasy, &choose, &f.Inconveniences,
		&f.Frustration, &f.ConsentToQuote, &created, &updated, &f.Device, &f.Deleted)
	f.ChooseAgain = audit.ChooseAgain(choose)
	f.CreatedAt, f.UpdatedAt = parseTime(created), parseTime(updated)
	return f, err
}

// Setting keys the app and reports use.
const (
	SettingDistrict  = audit.SettingDistrict
	SettingLogo      = audit.SettingLogo
	SettingAuditor   = "auditor_name"
	SettingAnonymise = audit.SettingAnonymise
	SettingPaper     = audit.SettingPaper
	SettingWifiURL   = "wifi_test_url"
	// SettingMinCoverage is the percentage of a room's or visit's scored
	// checks that must be answered for it to count as fully walked ("80").
	SettingMinCoverage = audit.SettingMinCoverage
)

// ParseMinCoverage reads the coverage threshold setting: a whole
// percentage from 0 to 100, "80" or "80%".
func ParseMinCoverage(value string) (float64, error) {
	v := strings.TrimSuffix(strings.TrimSpace(value), "%")
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > 100 {
		return 0, fmt.Errorf("setting %s: %q is not a percentage; use a whole number from 0 to 100", SettingMinCoverage, value)
	}
	return float64(n) / 100, nil
}

// ScoreRules returns the district's scoring rules from the settings.
func (s *Store) ScoreRules(ctx context.Context) (audit.ScoreRules, error) {
	r, err := scoreRulesIn(ctx, s.r)
	return r, s.readError(err)
}

// oneRow is what reading one row needs: the reader pool or a transaction.
type oneRow interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scoreRulesIn reads the scoring rules from the settings through q.
func scoreRulesIn(ctx context.Context, q oneRow) (audit.ScoreRules, error) {
	r := audit.DefaultScoreRules()
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", SettingMinCoverage).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v == "") {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	r.MinCoverage, err = ParseMinCoverage(v)
	return r, err
}

// Setting returns a setting's value, or def when it is not set.
func (s *Store) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, s.readError(err)
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if err := audit.CheckText("setting "+key, value, audit.MaxSettingLen); err != nil {
		return err
	}
	now := formatTime(s.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at, device) VALUES (?,?,?,?)
			ON CONFLICT(key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at, device=excluded.device`,
			key, value, now, s.device)
		return err
	})
}

// Anonymise reports whether teacher names are hidden in reports (the default).
func (s *Store) Anonymise(ctx context.Context) bool {
	v, err := s.Setting(ctx, SettingAnonymise, "true")
	return err != nil || v != "false"
}
