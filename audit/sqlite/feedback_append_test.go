package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"techwalk/audit"
)

// feedbackAppendMigration is the number of migrations before the one that
// lets a room hold several feedback entries.
func feedbackAppendMigration(t *testing.T) int {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if strings.HasSuffix(e.Name(), "_feedback_append.sql") {
			return i
		}
	}
	t.Fatal("no feedback_append migration")
	return 0
}

// feedbackSchema lists the names of the triggers and named indexes on feedback.
func feedbackSchema(t *testing.T, s *Store, kind string) []string {
	t.Helper()
	names, err := queryList(context.Background(), s, func(row scanner) (string, error) {
		var n string
		return n, row.Scan(&n)
	}, "SELECT name FROM sqlite_master WHERE tbl_name = 'feedback' AND type = ? AND sql IS NOT NULL ORDER BY name", kind)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// openWith opens path with the migrations of src in place of the embedded ones.
func openWith(t *testing.T, src fs.FS, path string) *Store {
	t.Helper()
	original := migrationSource
	migrationSource = src
	defer func() { migrationSource = original }()
	s, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFeedbackRebuildKeepsEveryTrigger compares the triggers on feedback
// of a database migrated to just before the rebuild with the same file
// upgraded to the latest schema and with a new file: none is lost, and the
// clock triggers still stamp.
func TestFeedbackRebuildKeepsEveryTrigger(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old", "techwalk.db")
	old := openWith(t, withMigrations(t, migrationFiles, feedbackAppendMigration(t), "", ""), path)
	before := feedbackSchema(t, old, "trigger")
	old.Close()
	if !slices.Contains(before, "feedback_hlc_insert") || !slices.Contains(before, "feedback_hlc_update") {
		t.Fatalf("triggers on feedback before the rebuild: %v; want the clock triggers among them", before)
	}
	upgraded, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer upgraded.Close()
	fresh, _ := openFixtureStore(t)
	for name, s := range map[string]*Store{"the upgraded file": upgraded, "a new file": fresh} {
		if got := feedbackSchema(t, s, "trigger"); !slices.Equal(got, before) {
			t.Errorf("%s has triggers %v on feedback; before the rebuild: %v", name, got, before)
		}
	}
	v, rooms := fixtureVisit(t, upgraded)
	f := audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, SupportsTeaching: 4}
	if err := upgraded.SaveFeedback(ctx, &f); err != nil {
		t.Fatal(err)
	}
	cs, err := upgraded.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Feedback) != 1 || cs.Feedback[0].Clock.IsZero() || cs.Feedback[0].Clock.Device != upgraded.Device() {
		t.Fatalf("feedback saved after the rebuild carries %+v; want this device's clock", cs.Feedback)
	}
}

// TestFeedbackRebuildKeepsTriggersOfEarlierMigrations: a trigger and an
// index some earlier migration put on feedback survive the rebuild.
func TestFeedbackRebuildKeepsTriggersOfEarlierMigrations(t *testing.T) {
	n := feedbackAppendMigration(t)
	src := withMigrations(t, migrationFiles, n, fmt.Sprintf("migrations/%04d_extra.sql", n+1), `
		CREATE TABLE feedback_writes (n INTEGER NOT NULL);
		INSERT INTO feedback_writes VALUES (0);
		CREATE INDEX feedback_by_teacher ON feedback(teacher_name);
		CREATE TRIGGER feedback_counted AFTER INSERT ON feedback BEGIN UPDATE feedback_writes SET n = n + 1; END;`)
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries[n:] {
		data, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(e.Name(), "_")
		src[fmt.Sprintf("migrations/%04d_%s", n+2+i, rest)] = &fstest.MapFile{Data: data}
	}
	s := openWith(t, src, filepath.Join(t.TempDir(), "x", "techwalk.db"))
	defer s.Close()
	if got := feedbackSchema(t, s, "trigger"); !slices.Contains(got, "feedback_counted") || !slices.Contains(got, "feedback_hlc_insert") {
		t.Fatalf("triggers on feedback after the rebuild: %v; want feedback_counted and the clock triggers", got)
	}
	if got := feedbackSchema(t, s, "index"); !slices.Contains(got, "feedback_by_teacher") {
		t.Fatalf("indexes on feedback after the rebuild: %v; want feedback_by_teacher", got)
	}
	v, rooms := fixtureVisit(t, s)
	if err := s.SaveFeedback(context.Background(), &audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, HelpEasy: 3}); err != nil {
		t.Fatal(err)
	}
	var writes int
	if err := s.r.QueryRow("SELECT n FROM feedback_writes").Scan(&writes); err != nil || writes != 1 {
		t.Fatalf("the kept trigger counted %d writes (%v); want 1", writes, err)
	}
}

// TestFeedbackRebuildTurnsLostFeedbackIntoEntries: feedback that lost to
// another device's for the same room, kept as a conflict while a room held
// one feedback, becomes an entry of its own when the file is upgraded.
func TestFeedbackRebuildTurnsLostFeedbackIntoEntries(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old", "techwalk.db")
	old := openWith(t, withMigrations(t, migrationFiles, feedbackAppendMigration(t), "", ""), path)
	v, rooms := fixtureVisit(t, old)
	if _, err := old.w.Exec(`INSERT INTO feedback(id, visit_id, room_id, teacher_name, supports_teaching, created_at, updated_at, device, hlc)
		VALUES ('f-b', ?, ?, 'Ms Rivera', 2, '2026-11-02T10:00:00Z', '2026-11-02T10:00:00Z', 'dev-b', '001793613600000-0000000000-dev-b')`, v.ID, rooms[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ device, hlc, value string }{
		{"dev-a", "001793613500000-0000000000-dev-a", `{"TeacherName":"Mr Okafor","SupportsTeaching":3,"HelpEasy":4,"Incon":1,"ChooseAgain":"yes","Frustration":"","Consent":false}`},
		{"dev-a", "001793613400000-0000000000-dev-a", `{"TeacherName":"Mr Okafor","SupportsTeaching":1,"HelpEasy":1,"Incon":0,"ChooseAgain":"","Frustration":"","Consent":false}`},
	} {
		if _, err := old.w.Exec(`INSERT INTO conflicts(kind, visit_id, room_id, value, device, hlc) VALUES ('feedback', ?, ?, ?, ?, ?)`,
			v.ID, rooms[0].ID, c.value, c.device, c.hlc); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	s, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Feedback(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("feedback after the upgrade: %+v; want Ms Rivera's and Mr Okafor's newest", got)
	}
	okafor := got[slices.IndexFunc(got, func(f audit.Feedback) bool { return f.TeacherName == "Mr Okafor" })]
	if okafor.SupportsTeaching != 3 || okafor.HelpEasy != 4 || okafor.Inconveniences != 1 || okafor.ChooseAgain != audit.ChooseYes || okafor.Device != "dev-a" {
		t.Fatalf("the lost feedback came back as %+v", okafor)
	}
	if open, err := s.Conflicts(ctx, v.ID); err != nil || len(open) != 0 {
		t.Fatalf("conflicts after the upgrade: %+v %v; want none", open, err)
	}
}

func TestSeveralTeachersGiveFeedbackInOneRoom(t *testing.T) {
	ctx := context.Background()
	s, _ := openFixtureStore(t)
	v, rooms := fixtureVisit(t, s)
	first := audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, TeacherName: "Ms Rivera", SupportsTeaching: 2}
	second := audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, TeacherName: "Mr Okafor", SupportsTeaching: 4}
	for _, f := range []*audit.Feedback{&first, &second} {
		if err := s.SaveFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	first.SupportsTeaching = 3
	if err := s.SaveFeedback(ctx, &first); err != nil {
		t.Fatal(err)
	}
	got, err := s.Feedback(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != first.ID || got[0].SupportsTeaching != 3 || got[1].ID != second.ID || got[1].SupportsTeaching != 4 {
		t.Fatalf("feedback of the room: %+v; want Ms Rivera's edited entry, then Mr Okafor's", got)
	}
	moved := first
	moved.RoomID = rooms[1].ID
	if err := s.SaveFeedback(ctx, &moved); !errors.Is(err, audit.ErrNotFound) {
		t.Fatalf("saving an entry under another room: %v; want ErrNotFound", err)
	}
	d, err := s.LoadVisit(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Score.FeedbackCount != 2 || d.Score.MeanSupportsTeaching != 3.5 {
		t.Fatalf("scores count %d entries with mean %v; want 2 and 3.5", d.Score.FeedbackCount, d.Score.MeanSupportsTeaching)
	}
}
