package report

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// clock ticks a millisecond per call from a fixed time, so stored times
// are the same on every run.
func clock() func() time.Time {
	t := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Millisecond)
		return t
	}
}

func openExportStore(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path, sqlite.WithClock(clock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testTemplate is a small checklist of check items with tricky labels.
func testTemplate() *audit.Template {
	return &audit.Template{ID: "export-test", Name: "Export test", Version: "1",
		Feedback: audit.FeedbackPrompt{SupportsTeaching: "Supports?", HelpEasy: "Help?", ChooseAgain: "Again?",
			Inconveniences: "How often?", Frustration: "Frustration?", Consent: "Quote?"},
		Sections: []audit.Section{{ID: "front", Title: "Front of room", Items: []audit.Item{
			{ID: "display", Kind: audit.ItemCheck, Label: "Display powers on", Category: "Display", Severity: audit.Critical},
			{ID: "hdmi", Kind: audit.ItemCheck, Label: "HDMI adapter", Category: "Cables", Severity: audit.High},
			{ID: "formula", Kind: audit.ItemCheck, Label: "=cmd|' /C calc'!A0", Category: "Teacher device", Severity: audit.Medium},
			{ID: "pens", Kind: audit.ItemCheck, Label: "Pens present", Category: "Display", Severity: audit.Low},
		}}}}
}

// fixture is a school with three rooms (one with a Vietnamese teacher, one
// with a Chinese one) and failing answers, with a multi-line note and a
// note that looks like a formula.
type exportFixture struct {
	store  *sqlite.Store
	school audit.School
	rooms  []audit.Room
	visit  audit.Visit
}

func newExportFixture(t testing.TB) *exportFixture {
	t.Helper()
	s := openExportStore(t, filepath.Join(t.TempDir(), "techwalk.db"))
	ctx := context.Background()
	noErr(t, s.SaveTemplate(ctx, testTemplate()))
	fx := &exportFixture{store: s, school: audit.School{Name: "Lincoln Elementary", Code: "LES"}}
	noErr(t, s.SaveSchool(ctx, &fx.school))
	for _, r := range []audit.Room{{Number: "210", Teacher: "王芳"}, {Number: "101", Teacher: "Nguyễn Thị Hoa"}, {Number: "104", Teacher: "José Muñoz"}} {
		r.SchoolID, r.Kind = fx.school.ID, audit.KindClassroom
		noErr(t, s.SaveRoom(ctx, &r))
		fx.rooms = append(fx.rooms, r)
	}
	fx.visit = audit.Visit{SchoolID: fx.school.ID, TemplateID: "export-test", TemplateVersion: "1", Auditor: "Jordan Lee",
		StartedAt: time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC)}
	noErr(t, s.StartVisit(ctx, &fx.visit))
	for _, r := range fx.rooms {
		fx.answer(t, r, "hdmi", audit.CheckMissing, "")
	}
	fx.answer(t, fx.rooms[1], "display", audit.CheckBroken, "Flickers, then goes dark.\nTeacher uses the whiteboard instead — 王芳 confirmed.")
	fx.answer(t, fx.rooms[0], "formula", audit.CheckMissing, "=HYPERLINK(\"http://evil.example\",\"click\")")
	fx.answer(t, fx.rooms[0], "pens", audit.CheckOK, "")
	return fx
}

func (fx *exportFixture) answer(t testing.TB, r audit.Room, item, value, note string) {
	t.Helper()
	noErr(t, fx.store.SaveAnswer(context.Background(), &audit.Answer{VisitID: fx.visit.ID, RoomID: r.ID, ItemID: item, Value: value, Note: note}))
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
