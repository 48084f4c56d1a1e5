package report

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"techwalk/audit"
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

func openExportStore(t testing.TB, path string) *audit.Store {
	t.Helper()
	s, err := audit.Open(path, audit.WithClock(clock()))
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
	store  *audit.Store
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

// districtSize is the shape of a generated district.
type districtSize struct {
	Schools, Visits, Rooms, Items int
}

func (d districtSize) key() string {
	return fmt.Sprintf("%dx%dx%dx%d", d.Schools, d.Visits, d.Rooms, d.Items)
}

// benchTemplate has n check items across five categories and all severities.
func benchTemplate(n int) *audit.Template {
	t := testTemplate()
	t.ID, t.Sections[0].Items = "district-bench", nil
	cats := []string{"Display", "Cables", "Audio", "Wi-Fi", "Teacher device"}
	for i := range n {
		t.Sections[0].Items = append(t.Sections[0].Items, audit.Item{ID: fmt.Sprintf("item-%02d", i), Kind: audit.ItemCheck,
			Label: fmt.Sprintf("Check %d", i), Category: cats[i%len(cats)], Severity: audit.Severities[i%4]})
	}
	return t
}

// buildDistrict fills the database at path with a generated district in
// one transaction: size.Schools schools, each with size.Rooms rooms and
// size.Visits visits answering every item in every room; about one answer
// in seven fails.
func buildDistrict(t testing.TB, path string, size districtSize) {
	t.Helper()
	s, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	noErr(t, s.SaveTemplate(context.Background(), benchTemplate(size.Items)))
	noErr(t, s.Close())
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	noErr(t, insertDistrict(tx, size))
	noErr(t, tx.Commit())
}

func insertDistrict(tx *sql.Tx, size districtSize) error {
	stmts := map[string]string{
		"school": "INSERT INTO schools(id, name, code, created_at, updated_at, device) VALUES (?,?,?,?,?,'bench')",
		"room":   "INSERT INTO rooms(id, school_id, number, kind, teacher, created_at, updated_at, device) VALUES (?,?,?,'classroom',?,?,?,'bench')",
		"visit": `INSERT INTO visits(id, school_id, template_id, template_version, started_at, created_at, updated_at, device)
			VALUES (?,?,'district-bench','1',?,?,?,'bench')`,
		"answer": "INSERT INTO answers(id, visit_id, room_id, item_id, value, created_at, updated_at, device) VALUES (?,?,?,?,?,?,?,'bench')",
	}
	prepared := map[string]*sql.Stmt{}
	for name, q := range stmts {
		st, err := tx.Prepare(q)
		if err != nil {
			return err
		}
		defer st.Close()
		prepared[name] = st
	}
	g := &generator{st: prepared, size: size, base: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)}
	for sc := range size.Schools {
		if err := g.school(sc); err != nil {
			return err
		}
	}
	return nil
}

// generator makes deterministic ids and values for buildDistrict.
type generator struct {
	st   map[string]*sql.Stmt
	size districtSize
	base time.Time
	n    int
}

func (g *generator) id() string {
	g.n++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", g.n)
}

func (g *generator) school(sc int) error {
	id, ts := g.id(), g.base.Format(time.RFC3339Nano)
	if _, err := g.st["school"].Exec(id, fmt.Sprintf("School %03d", sc), fmt.Sprintf("S%03d", sc), ts, ts); err != nil {
		return err
	}
	teachers := []string{"Nguyễn Thị Hoa", "王芳", "José Muñoz", "Mary O'Connor"}
	rooms := make([]string, g.size.Rooms)
	for r := range rooms {
		rooms[r] = g.id()
		if _, err := g.st["room"].Exec(rooms[r], id, fmt.Sprint(100+r), teachers[r%4], ts, ts); err != nil {
			return err
		}
	}
	for v := range g.size.Visits {
		if err := g.visit(id, rooms, sc, v); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) visit(schoolID string, rooms []string, sc, v int) error {
	vid, started := g.id(), g.base.AddDate(0, 2*v, sc%28)
	ts := started.Format(time.RFC3339Nano)
	if _, err := g.st["visit"].Exec(vid, schoolID, ts, ts, ts); err != nil {
		return err
	}
	for r, room := range rooms {
		for it := range g.size.Items {
			value := audit.CheckOK
			if (sc+r*3+it*5+v*7)%7 == 0 {
				value = []string{audit.CheckMissing, audit.CheckBroken}[(r+it)%2]
			}
			at := started.Add(time.Duration(r*g.size.Items+it) * time.Second).Format(time.RFC3339Nano)
			if _, err := g.st["answer"].Exec(g.id(), vid, room, fmt.Sprintf("item-%02d", it), value, at, at); err != nil {
				return err
			}
		}
	}
	return nil
}
