package reporttest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// TestTemplate is a small checklist of check items with tricky labels.
func TestTemplate() *audit.Template {
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

// Fixture is a school with three rooms (one with a Vietnamese teacher, one
// with a Chinese one) and failing answers, with a multi-line note and a
// note that looks like a formula.
type Fixture struct {
	Store  *sqlite.Store
	School audit.School
	Rooms  []audit.Room
	Visit  audit.Visit
}

// NewFixture stores the fixture in a new store.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	s := OpenStore(t, filepath.Join(t.TempDir(), "techwalk.db"))
	ctx := context.Background()
	NoErr(t, s.SaveTemplate(ctx, TestTemplate()))
	fx := &Fixture{Store: s, School: audit.School{Name: "Lincoln Elementary", Code: "LES"}}
	NoErr(t, s.SaveSchool(ctx, &fx.School))
	for _, r := range []audit.Room{{Number: "210", Teacher: "王芳"}, {Number: "101", Teacher: "Nguyễn Thị Hoa"}, {Number: "104", Teacher: "José Muñoz"}} {
		r.SchoolID, r.Kind = fx.School.ID, audit.KindClassroom
		NoErr(t, s.SaveRoom(ctx, &r))
		fx.Rooms = append(fx.Rooms, r)
	}
	fx.Visit = audit.Visit{SchoolID: fx.School.ID, TemplateID: "export-test", TemplateVersion: "1", Auditor: "Jordan Lee",
		StartedAt: time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC)}
	NoErr(t, s.StartVisit(ctx, &fx.Visit))
	for _, r := range fx.Rooms {
		fx.Answer(t, r, "hdmi", audit.CheckMissing, "")
	}
	fx.Answer(t, fx.Rooms[1], "display", audit.CheckBroken, "Flickers, then goes dark.\nTeacher uses the whiteboard instead — 王芳 confirmed.")
	fx.Answer(t, fx.Rooms[0], "formula", audit.CheckMissing, "=HYPERLINK(\"http://evil.example\",\"click\")")
	fx.Answer(t, fx.Rooms[0], "pens", audit.CheckOK, "")
	return fx
}

// Answer saves an answer of the fixture's visit.
func (fx *Fixture) Answer(t testing.TB, r audit.Room, item, value, note string) {
	t.Helper()
	NoErr(t, fx.Store.SaveAnswer(context.Background(), &audit.Answer{VisitID: fx.Visit.ID, RoomID: r.ID, ItemID: item, Value: value, Note: note}))
}

// PrivacyFixture adds a second school whose teachers are named, in every
// spelling that used to slip through, in notes at the first school.
func PrivacyFixture(t *testing.T) (*Fixture, audit.School) {
	fx := NewFixture(t)
	ctx := context.Background()
	other := audit.School{Name: "Washington Middle", Code: "WMS"}
	NoErr(t, fx.Store.SaveSchool(ctx, &other))
	for _, teacher := range []string{"Priya Patel", "Seán O'Connor"} {
		r := audit.Room{SchoolID: other.ID, Number: "3" + teacher[:2], Kind: audit.KindClassroom, Teacher: teacher}
		NoErr(t, fx.Store.SaveRoom(ctx, &r))
	}
	fx.Answer(t, fx.Rooms[2], "display", audit.CheckBroken,
		"PRIYA covered the class; priya's cart and O’Connor's adapter. "+norm.NFD.String("josé")+" asked too.")
	return fx, other
}

// Leaks lists the teacher names still in out.
func Leaks(out string) []string {
	var found []string
	text := strings.ToLower(norm.NFC.String(out))
	for _, n := range []string{"priya", "connor", "josé", "muñoz", "nguyễn", "王芳"} {
		if strings.Contains(text, n) {
			found = append(found, n)
		}
	}
	return found
}
