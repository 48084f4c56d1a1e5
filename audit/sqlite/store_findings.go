package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"

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
// filter's item fields, before the loop is applied: the scan of
// FindingChunks over the visit's answers alone, joined with only that
// visit's rows.
func (s *Store) visitFindings(ctx context.Context, f audit.FindingFilter) ([]audit.Finding, error) {
	d, err := s.loadFindingDims(ctx, f.VisitID)
	if err != nil {
		return nil, s.readError(err)
	}
	sink := &chunkSink{}
	if err := s.scanAnswers(ctx, f, d, [2]int64{math.MinInt64, math.MaxInt64}, sink); err != nil {
		return nil, s.readError(err)
	}
	return slices.Concat(sink.chunks...), nil
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
	if isForeignKey(err) {
		return fmt.Errorf("action: finding %s does not exist", a.FindingID)
	}
	return err
}

// LoadVisit loads a visit with its school, template, rooms, answers,
// feedback, photos (without bytes), findings and the fixes it verified,
// all as of the visit, its sign-off and its score under the district's rules.
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
