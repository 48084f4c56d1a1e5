package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"techwalk/audit"
)

// summaryWorld is two devices' databases of two schools, written to at
// random through every write path the store has.
type summaryWorld struct {
	t    *testing.T
	r    *rand.Rand
	a, b *Store // a takes b's bundles
}

func newSummaryWorld(t *testing.T, seed uint64) *summaryWorld {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w := &summaryWorld{t: t, r: rand.New(rand.NewPCG(seed, 18)), a: openDevice(t, "a", start), b: openDevice(t, "b", start.Add(time.Hour))}
	if err := w.a.SaveTemplate(ctx, fixtureTemplate()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Lincoln", "Adams"} {
		sc := audit.School{Name: name}
		if err := w.a.SaveSchool(ctx, &sc); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"101", "102", "103"} {
			if err := w.a.SaveRoom(ctx, &audit.Room{SchoolID: sc.ID, Number: n, Kind: audit.KindClassroom}); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.sync(w.a, w.b)
	return w
}

// sync applies everything src holds to dst, as a bundle does.
func (w *summaryWorld) sync(src, dst *Store) {
	ctx := context.Background()
	cs, err := src.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := dst.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: audit.NewID(), Device: src.Device()}, false); err != nil {
		w.t.Fatal(err)
	}
}

func pick[T any](r *rand.Rand, s []T) (T, bool) {
	var zero T
	if len(s) == 0 {
		return zero, false
	}
	return s[r.IntN(len(s))], true
}

// values an answer may take, by item.
var summaryValues = map[string][]string{
	"display": {audit.CheckOK, audit.CheckMissing, audit.CheckBroken, audit.CheckNA, ""},
	"hdmi":    {audit.CheckOK, audit.CheckMissing, audit.CheckNA, ""},
	"pens":    {audit.CheckOK, audit.CheckMissing},
	"boot":    {"30", "200", audit.CheckNA},
}

var summaryItems = []string{"display", "hdmi", "pens", "boot"}

// step makes one random write on s (or syncs b into a); errors a store
// reports for a write it refuses (a visit not empty, say) are fine.
func (w *summaryWorld) step(s *Store) string {
	ctx := context.Background()
	r := w.r
	visits, _ := s.Visits(ctx, VisitFilter{})
	schools, _ := s.Schools(ctx)
	school, _ := pick(r, schools)
	rooms, _ := s.Rooms(ctx, school.ID)
	room, hasRoom := pick(r, rooms)
	v, hasVisit := pick(r, visits)
	if hasVisit {
		rooms, _ = s.Rooms(ctx, v.SchoolID)
		room, hasRoom = pick(r, rooms)
	}
	switch op := r.IntN(18); {
	case op < 5 && hasVisit && hasRoom:
		item, _ := pick(r, summaryItems)
		value, _ := pick(r, summaryValues[item])
		_ = s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: room.ID, ItemID: item, Value: value})
		return "answer"
	case op == 5 && hasVisit && hasRoom:
		_, _ = s.MarkNotApplicable(ctx, v.ID, room.ID, summaryItems[:1+r.IntN(3)])
		return "not applicable"
	case op == 6 && hasVisit && hasRoom:
		choose, _ := pick(r, []audit.ChooseAgain{"", audit.ChooseYes, audit.ChooseNo, audit.ChooseUnsure})
		_ = s.SaveFeedback(ctx, &audit.Feedback{VisitID: v.ID, RoomID: room.ID, SupportsTeaching: r.IntN(6), HelpEasy: r.IntN(6),
			ChooseAgain: choose, Inconveniences: r.IntN(4)})
		return "feedback"
	case op == 7 || !hasVisit:
		_ = s.StartVisit(ctx, &audit.Visit{SchoolID: school.ID, TemplateID: "fixture", TemplateVersion: "1"})
		return "start visit"
	case op == 8:
		_, _ = s.FinishVisit(ctx, v.ID)
		return "finish visit"
	case op == 9:
		_, _ = s.ReopenVisit(ctx, v.ID)
		return "reopen visit"
	case op == 10 && r.IntN(3) == 0:
		_ = s.DeleteVisit(ctx, v.ID)
		_ = s.DiscardVisit(ctx, v.ID)
		return "delete visit"
	case op == 11:
		nr := audit.Room{SchoolID: school.ID, Number: strconv.Itoa(100 + r.IntN(20)), Kind: audit.KindClassroom}
		if hasRoom && r.IntN(2) == 0 {
			nr = room
			nr.Kind, _ = pick(r, []audit.RoomKind{audit.KindClassroom, audit.KindOffice})
			nr.Name, _ = pick(r, []string{"", "Lab", "Art"})
			nr.Teacher, _ = pick(r, []string{"", "Ms Hoa"})
		}
		_ = s.SaveRoom(ctx, &nr)
		return "save room"
	case op == 12 && hasRoom:
		if r.IntN(2) == 0 {
			_ = s.DeleteRoom(ctx, room.ID)
			return "delete room"
		}
		var gone string
		_ = s.r.QueryRowContext(ctx, "SELECT id FROM rooms WHERE deleted = 1 LIMIT 1").Scan(&gone)
		_ = s.RestoreRoom(ctx, gone)
		return "restore room"
	case op == 13:
		var answers []audit.Answer // IT acts on findings: failing answers of finished visits
		for _, fv := range visits {
			all, _ := s.Answers(ctx, fv.ID)
			for _, a := range all {
				if fv.Finished() && (a.Value == audit.CheckMissing || a.Value == audit.CheckBroken || a.Value == "200") {
					answers = append(answers, a)
				}
			}
		}
		if a, ok := pick(r, answers); ok {
			status, _ := pick(r, []audit.Status{audit.StatusOpen, audit.StatusInBacklog, audit.StatusResolved, audit.StatusWontFix})
			_ = s.SaveAction(ctx, &audit.Action{FindingID: a.ID, Status: status, TicketKey: "IT-" + strconv.Itoa(r.IntN(9))})
			_, _ = s.MarkInBacklog(ctx, []string{answers[0].ID})
		}
		return "action"
	case op == 14:
		percent, _ := pick(r, []string{"50", "80", "100"})
		_ = s.SetSetting(ctx, SettingMinCoverage, percent)
		return "coverage setting"
	case op == 15 && hasVisit && hasRoom:
		_ = s.SetRoomDone(ctx, v.ID, room.ID, r.IntN(2) == 0)
		return "room done"
	case op == 16:
		w.sync(w.b, w.a)
		return "bundle"
	}
	if _, err := s.ScoreHeadlines(ctx); err != nil { // stores the stale summaries
		w.t.Fatal(err)
	}
	return "read"
}

// summaryMismatch compares every stored summary of s with the summary
// computed again from the answers, and describes the first difference.
func summaryMismatch(ctx context.Context, s *Store) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT visit_id, school_id, score, rooms_visited, answered, applicable, partial, detail
		FROM visit_summary ORDER BY school_id, visit_id`)
	if err != nil {
		return err
	}
	type stored struct {
		visit, school string
		detail        []byte
		head          audit.ScoreHeadline
	}
	var all []stored
	for rows.Next() {
		var st stored
		if err := rows.Scan(&st.visit, &st.school, &st.head.Score, &st.head.RoomsVisited, &st.head.Coverage.Answered,
			&st.head.Coverage.Applicable, &st.head.Partial, &st.detail); err != nil {
			return err
		}
		all = append(all, st)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, st := range all {
		want, rooms, err := s.computeSummaries(ctx, tx, st.school)
		if err != nil {
			return err
		}
		sum, ok := want[st.visit]
		if !ok {
			return fmt.Errorf("visit %s of school %s has a summary but no live visit there", st.visit, st.school)
		}
		byID := map[string]audit.Room{}
		for _, r := range rooms {
			byID[r.ID] = r
		}
		got, err := decodeSummary(st.detail, byID)
		if err != nil {
			return fmt.Errorf("visit %s: %w", st.visit, err)
		}
		if !reflect.DeepEqual(got, sum) {
			return fmt.Errorf("visit %s: stored summary\n%+v\nrecomputed\n%+v", st.visit, got, sum)
		}
		if st.head != sum.Score.Headline() {
			return fmt.Errorf("visit %s: stored headline %+v, recomputed %+v", st.visit, st.head, sum.Score.Headline())
		}
	}
	return nil
}

// runSummaryWorld makes steps random writes on both devices, checking
// after each that every stored summary equals its recomputation; it
// returns the first mismatch, naming the write that caused it.
func runSummaryWorld(t *testing.T, seed uint64, steps int, setUp func(*Store)) error {
	ctx := context.Background()
	w := newSummaryWorld(t, seed)
	setUp(w.a)
	setUp(w.b)
	for i := range steps {
		s := w.a
		if w.r.IntN(3) == 0 {
			s = w.b
		}
		op := w.step(s)
		for _, d := range []*Store{w.a, w.b} {
			if err := summaryMismatch(ctx, d); err != nil {
				return fmt.Errorf("seed %d, step %d (%s): %w", seed, i, op, err)
			}
		}
	}
	for _, d := range []*Store{w.a, w.b} {
		if err := d.RefreshSummaries(ctx); err != nil {
			t.Fatal(err)
		}
		if stale, err := staleSchools(ctx, d.r); err != nil || len(stale) != 0 {
			t.Fatalf("seed %d: schools %v still stale after a refresh (%v)", seed, stale, err)
		}
		if err := summaryMismatch(ctx, d); err != nil {
			return fmt.Errorf("seed %d, after a refresh: %w", seed, err)
		}
	}
	return nil
}

// TestVisitSummariesEqualRecomputation: after random sequences of writes
// through every write path (answers, n/a, feedback, visits started,
// finished, reopened, deleted and discarded, rooms added, edited, deleted
// and restored, actions, the coverage setting, rooms done, bundles from
// another device), with reads storing the stale summaries in between, every
// stored summary equals the one computed again from the answers.
func TestVisitSummariesEqualRecomputation(t *testing.T) {
	for seed := range uint64(6) {
		if err := runSummaryWorld(t, seed, 120, func(*Store) {}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestVisitSummaryCheckCatchesAForgottenWrite: a store that forgets to
// mark summaries stale on one kind of write (its triggers dropped) is
// caught by the same random writes and check, for each kind.
func TestVisitSummaryCheckCatchesAForgottenWrite(t *testing.T) {
	ctx := context.Background()
	for _, table := range []string{"answers", "feedback", "visits", "rooms", "actions", "settings"} {
		t.Run(table, func(t *testing.T) {
			forget := func(s *Store) {
				for _, op := range []string{"insert", "update", "delete"} {
					if _, err := s.w.ExecContext(ctx, fmt.Sprintf("DROP TRIGGER %s_summary_%s", table, op)); err != nil {
						t.Fatal(err)
					}
				}
			}
			for seed := range uint64(20) {
				if runSummaryWorld(t, seed, 120, forget) != nil {
					return
				}
			}
			t.Fatalf("no mismatch found with the %s triggers dropped", table)
		})
	}
}

// TestVisitSummariesOfTheDemo: the demo district's stored summaries (after
// Home's read) equal recomputation, and the district picture from them is
// the picture from the answers.
func TestVisitSummariesOfTheDemo(t *testing.T) {
	ctx := context.Background()
	s := openDevice(t, "demo", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	if _, err := s.CreateDemo(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	heads, err := s.ScoreHeadlines(ctx)
	if err != nil || len(heads) == 0 {
		t.Fatalf("%d headlines (%v)", len(heads), err)
	}
	if err := summaryMismatch(ctx, s); err != nil {
		t.Fatal(err)
	}
	in, err := s.DistrictInput(ctx, s.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := audit.DistrictPicture(in)
	for i := range in.Schools {
		sc := &in.Schools[i]
		byID := map[string]*audit.DistrictVisit{}
		for j := range sc.Visits {
			sc.Visits[j].Summary = nil
			byID[sc.Visits[j].Visit.ID] = &sc.Visits[j]
		}
		tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		err = loadSchoolAnswers(ctx, tx, sc.School.ID, byID)
		if err == nil { // computing from the answers needs IT's actions, which DistrictInput leaves out
			err = readActions(ctx, tx, in.Actions, actionsQuery)
		}
		tx.Rollback()
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := audit.DistrictPicture(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("district picture from the summaries\n%+v\nfrom the answers\n%+v", got, want)
	}
}

// TestScoreHeadlinesOnAReadOnlyStore: a read-only store computes the
// summaries it cannot store.
func TestScoreHeadlinesOnAReadOnlyStore(t *testing.T) {
	ctx := context.Background()
	s := openDevice(t, "ro", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	v, rooms := fixtureVisit(t, s)
	if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckMissing}); err != nil {
		t.Fatal(err)
	}
	want, err := s.ScoreOf(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	heads, err := ro.ScoreHeadlines(ctx)
	if err != nil || heads[v.ID] != want.Headline() {
		t.Fatalf("read-only headline %+v (%v), want %+v", heads[v.ID], err, want.Headline())
	}
	var n int
	if err := ro.r.QueryRowContext(ctx, "SELECT count(*) FROM visit_summary").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d summaries stored by a read-only store (%v)", n, err)
	}
	if !errors.Is(ro.refreshSchool(ctx, v.SchoolID), audit.ErrReadOnly) {
		t.Fatal("a read-only store stored summaries")
	}
}

// FuzzDecodeSummary: a damaged summary record is refused (and so computed
// again), never a panic; a record read back is the summary written.
func FuzzDecodeSummary(f *testing.F) {
	in := audit.DistrictInput{Rules: audit.DefaultScoreRules()}
	room := audit.Room{Record: audit.Record{ID: "r1"}, Number: "101", Kind: audit.KindClassroom}
	tmpl := fixtureTemplate()
	visit := func(id string, day int, values ...string) audit.DistrictVisit {
		v := audit.DistrictVisit{Template: tmpl, Visit: audit.Visit{Record: audit.Record{ID: id}, SchoolID: "s",
			StartedAt: time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 3, day, 11, 0, 0, 0, time.UTC)}}
		for i, item := range []string{"display", "hdmi", "pens"} {
			v.Answers = append(v.Answers, audit.Answer{Record: audit.Record{ID: id + item}, RoomID: room.ID, ItemID: item, Value: values[i]})
		}
		v.Feedback = []audit.Feedback{{RoomID: room.ID, SupportsTeaching: 4, ChooseAgain: audit.ChooseYes, Inconveniences: 2}}
		return v
	}
	school := audit.DistrictSchool{Rooms: []audit.Room{room}, Visits: []audit.DistrictVisit{
		visit("v1", 2, audit.CheckOK, audit.CheckMissing, audit.CheckOK), visit("v2", 9, audit.CheckBroken, audit.CheckOK, audit.CheckOK)}}
	sums := in.Rules.SummariseSchool(school, nil)
	rooms := map[string]audit.Room{room.ID: room}
	for _, id := range []string{"v1", "v2"} {
		b := encodeSummary(sums[id])
		got, err := decodeSummary(b, rooms)
		if err != nil || !reflect.DeepEqual(got, sums[id]) {
			f.Fatalf("%s read back as %+v (%v), want %+v", id, got, err, sums[id])
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sum, err := decodeSummary(b, rooms)
		if err == nil && len(encodeSummary(sum)) > 2*len(b)+64 {
			t.Fatalf("a %d-byte record read as a summary of %d bytes", len(b), len(encodeSummary(sum)))
		}
	})
}

// TestVisitSummariesAfterRestore: going back to a backup brings back the
// summaries of the backup's own answers, not of the answers saved since.
func TestVisitSummariesAfterRestore(t *testing.T) {
	ctx := context.Background()
	s := openDevice(t, "restore", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	v, rooms := fixtureVisit(t, s)
	answer := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckOK}
	if err := s.SaveAnswer(ctx, &answer); err != nil {
		t.Fatal(err)
	}
	if err := s.RefreshSummaries(ctx); err != nil {
		t.Fatal(err)
	}
	backup, err := s.Backup(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	answer.Value = audit.CheckMissing
	if err := s.SaveAnswer(ctx, &answer); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScoreHeadlines(ctx); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	if _, err := Restore(ctx, path, backup); err != nil {
		t.Fatal(err)
	}
	back, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if err := summaryMismatch(ctx, back); err != nil {
		t.Fatal(err)
	}
	heads, err := back.ScoreHeadlines(ctx)
	if err != nil || heads[v.ID].Score != 100 {
		t.Fatalf("restored visit scores %+v (%v); want 100, its HDMI adapter present as in the backup", heads[v.ID], err)
	}
}
