package sqlite

import (
	"context"
	"errors"
	"math"
	"strings"
	"techwalk/audit"
	"testing"
)

func TestAnswerUpsertKeepsFindingID(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	a := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckMissing, Note: "walked off again"}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	firstID := a.ID
	again := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckBroken}
	if err := s.SaveAnswer(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if again.ID != firstID {
		t.Errorf("re-answering changed the id from %s to %s", firstID, again.ID)
	}
	answers, err := s.Answers(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 1 || answers[0].Value != audit.CheckBroken || answers[0].Note != "" {
		t.Fatalf("answers = %+v, want one broken hdmi answer", answers)
	}
	findings, err := s.Findings(ctx, audit.FindingFilter{VisitID: v.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || findings[0].ID != firstID || findings[0].Reason != "broken" || findings[0].Severity != audit.High {
		t.Fatalf("findings = %+v", findings)
	}
	if findings[0].RoomLabel != "101" || findings[0].SchoolName != "Lincoln Elementary" || findings[0].Action.Status != audit.StatusOpen {
		t.Errorf("finding context = %+v", findings[0])
	}
}

func TestSaveAnswerRefusesBadInput(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	cases := []struct {
		answer audit.Answer
		want   string
	}{
		{audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: "lost"}, `item "hdmi": the answer is not ok, missing, broken or na`},
		{audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "boot", Value: "slow"}, `item "boot": the answer is not a number`},
		{audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "apps", Value: `["Fortnite"]`}, `app "Fortnite" is not in the expected list`},
		{audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "nope", Value: "ok"}, `item "nope" is not in template fixture 1`},
		{audit.Answer{VisitID: v.ID, RoomID: "no-such-room", ItemID: "hdmi", Value: "ok"}, "its visit or room does not exist"},
		{audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "notes", Value: "a\x00b"}, "NUL"},
		{audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "notes", Note: strings.Repeat("é", audit.MaxNoteLen+1)}, "the limit is 20000"},
	}
	for _, c := range cases {
		err := s.SaveAnswer(ctx, &c.answer)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SaveAnswer(%s=%q): err = %v, want %q", c.answer.ItemID, c.answer.Value, err, c.want)
		}
	}
	answers, _ := s.Answers(ctx, v.ID)
	if len(answers) != 0 {
		t.Errorf("refused answers left %d rows", len(answers))
	}
}

func TestLoadVisitScoresAndFeedback(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	class, office := rooms[0], rooms[1]
	save := func(room audit.Room, item, value string) {
		t.Helper()
		if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: room.ID, ItemID: item, Value: value}); err != nil {
			t.Fatal(err)
		}
	}
	save(class, "display", audit.CheckMissing) // critical fail: 10
	save(class, "hdmi", audit.CheckOK)         // high: 5
	save(class, "pens", audit.CheckOK)         // low: 1
	save(class, "boot", "95")                  // medium pass: 2
	save(class, "notes", "busy room")          // unscored
	save(office, "display", audit.CheckOK)
	save(office, "wifi", audit.WifiReading{SignalDBM: floatPtr(-75), LatencyMS: floatPtr(20)}.Encode()) // high fail
	fb := audit.Feedback{VisitID: v.ID, RoomID: class.ID, TeacherName: "Nguyễn Thị Hoa", SupportsTeaching: 4, HelpEasy: 2,
		ChooseAgain: audit.ChooseNo, Inconveniences: 3, Frustration: "Adapters walk off.", ConsentToQuote: true}
	if err := s.SaveFeedback(ctx, &fb); err != nil {
		t.Fatal(err)
	}
	d, err := s.LoadVisit(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	classScore := 100 * (1 - 10.0/18)
	officeScore := 100 * (1 - 5.0/15)
	if got := d.Score.Rooms[0].Score; !near(got, classScore) {
		t.Errorf("classroom score %.3f, want %.3f", got, classScore)
	}
	if !near(d.Score.Score, (classScore+officeScore)/2) {
		t.Errorf("visit score %.3f, want %.3f", d.Score.Score, (classScore+officeScore)/2)
	}
	if d.Score.RoomsReady != 0 || d.Score.Failures != 2 || len(d.Findings) != 2 {
		t.Errorf("ready %d failures %d findings %d, want 0, 2, 2", d.Score.RoomsReady, d.Score.Failures, len(d.Findings))
	}
	if d.Findings[0].Severity != audit.Critical || !strings.Contains(d.Findings[1].Reason, "signal -75 dBm") {
		t.Errorf("findings not ranked by severity or reason missing: %+v", d.Findings)
	}
	if d.Score.MeanSupportsTeaching != 4 || d.Score.ChooseAgainShare != 0 || d.Score.ReportedInconveniences != 3 {
		t.Errorf("feedback KPIs = %+v", d.Score)
	}
	if len(d.Feedback) != 1 || d.Feedback[0].TeacherName != "Nguyễn Thị Hoa" {
		t.Errorf("feedback = %+v", d.Feedback)
	}
}

func TestActionsAndFilters(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	for _, item := range []string{"display", "hdmi", "pens"} {
		if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: item, Value: audit.CheckMissing}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Findings(ctx, audit.FindingFilter{VisitID: v.ID})
	if err != nil || len(all) != 3 {
		t.Fatalf("findings = %d (%v), want 3", len(all), err)
	}
	act := audit.Action{FindingID: all[1].ID, OwnerTeam: "Field services", DueDate: "2026-12-01", Status: audit.StatusInBacklog, TicketKey: "IT-42"}
	if err := s.SaveAction(ctx, &act); err != nil {
		t.Fatal(err)
	}
	backlog, _ := s.Findings(ctx, audit.FindingFilter{Status: audit.StatusInBacklog})
	if len(backlog) != 1 || backlog[0].Action.TicketKey != "IT-42" || backlog[0].Action.OwnerTeam != "Field services" {
		t.Fatalf("in-backlog findings = %+v", backlog)
	}
	display, _ := s.Findings(ctx, audit.FindingFilter{Category: "display"})
	if len(display) != 2 {
		t.Errorf("category filter found %d, want 2", len(display))
	}
	low, _ := s.Findings(ctx, audit.FindingFilter{Severity: audit.Low})
	if len(low) != 1 || low[0].ItemID != "pens" {
		t.Errorf("severity filter = %+v", low)
	}
	bad := audit.Action{FindingID: all[0].ID, DueDate: "next week"}
	if err := s.SaveAction(ctx, &bad); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad due date: err = %v", err)
	}
}

func TestTemplateVersionsAreImmutable(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	tpl := fixtureTemplate()
	if err := s.SaveTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTemplate(ctx, tpl); err != nil {
		t.Errorf("saving the same version twice: %v", err)
	}
	tpl.Sections[0].Items[0].Label = "Changed label"
	if err := s.SaveTemplate(ctx, tpl); err == nil || !strings.Contains(err.Error(), "new version") {
		t.Errorf("changing a stored version: err = %v", err)
	}
}

func TestDemoDistrict(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	res, err := s.CreateDemo(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if res.Schools < 3 || res.Rooms < 20 || res.Visits < 3 || res.Photos == 0 || res.Feedback == 0 {
		t.Fatalf("demo = %+v", res)
	}
	schools, _ := s.Schools(ctx)
	names := ""
	for _, sc := range schools {
		v, err := s.LatestVisit(ctx, sc.ID, true)
		if err != nil {
			t.Fatalf("%s has no finished visit: %v", sc.Name, err)
		}
		d, err := s.LoadVisit(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Findings) == 0 || d.Score.Score <= 0 || d.Score.Score >= 100 {
			t.Errorf("%s: %d findings, score %.1f", sc.Name, len(d.Findings), d.Score.Score)
		}
		for _, f := range d.Feedback {
			names += f.TeacherName + ";"
		}
	}
	for _, want := range []string{"Nguyễn Thị Hoa", "José Muñoz"} {
		if !strings.Contains(names, want) {
			t.Errorf("demo feedback lacks %s", want)
		}
	}
}

func TestScoreOfMatchesLoadVisit(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	if _, err := s.CreateDemo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	visits, _ := s.Visits(ctx, VisitFilter{})
	for _, v := range visits {
		d, err := s.LoadVisit(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := s.ScoreOf(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !near(vs.Score, d.Score.Score) || vs.Failures != len(d.Findings) || vs.RoomsReady != d.Score.RoomsReady {
			t.Errorf("visit %s: ScoreOf %+v differs from LoadVisit %+v (%d findings)", v.ID, vs, d.Score, len(d.Findings))
		}
	}
}

func TestReopenVisit(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, _ := fixtureVisit(t, s)
	finished, err := s.FinishVisit(ctx, v.ID)
	if err != nil || !finished.Finished() {
		t.Fatalf("finish: %v %+v", err, finished)
	}
	open, err := s.ReopenVisit(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if open.Finished() || !open.UpdatedAt.After(finished.UpdatedAt) || open.Device != s.Device() {
		t.Fatalf("reopened visit: finished %v, updated %v (was %v), device %q", open.FinishedAt, open.UpdatedAt, finished.UpdatedAt, open.Device)
	}
	if open.StartedAt != finished.StartedAt || open.Auditor != v.Auditor {
		t.Errorf("reopening changed more than finished_at: %+v", open)
	}
	if got, _ := s.Visits(ctx, VisitFilter{FinishedOnly: true}); len(got) != 0 {
		t.Errorf("finished visits after reopening: %d", len(got))
	}
	again, err := s.ReopenVisit(ctx, v.ID)
	if err != nil || again.UpdatedAt != open.UpdatedAt {
		t.Errorf("reopening an open visit wrote it again: %v, updated %v -> %v", err, open.UpdatedAt, again.UpdatedAt)
	}
	if _, err := s.ReopenVisit(ctx, "no-such-visit"); !errors.Is(err, audit.ErrNotFound) {
		t.Errorf("reopening a missing visit: %v", err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
