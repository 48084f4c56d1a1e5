package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"techwalk/audit"
	"testing"
	"time"
)

// openDevice opens a fresh database in its own folder, its clock starting
// at start and ticking a millisecond a reading.
func openDevice(t testing.TB, name string, start time.Time) *Store {
	t.Helper()
	at := start
	s, err := Open(filepath.Join(t.TempDir(), name, "techwalk.db"), WithClock(func() time.Time {
		at = at.Add(time.Millisecond)
		return at
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func canonical(t testing.TB, s *Store) string {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(cs.Canonical(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEveryWriteStampsTheClock(t *testing.T) {
	ctx := context.Background()
	s := openDevice(t, "a", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	v, rooms := fixtureVisit(t, s)
	a := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckMissing}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	first := answerClock(t, s, a.ID)
	a.Value = audit.CheckOK
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	second := answerClock(t, s, a.ID)
	if first.IsZero() || !second.After(first) || second.Device != s.Device() {
		t.Fatalf("clocks %v then %v; want two increasing readings of this device", first, second)
	}
	var empty int
	for _, table := range []string{"schools", "rooms", "templates", "visits", "answers"} {
		var n int
		if err := s.r.QueryRow("SELECT count(*) FROM " + table + " WHERE hlc = ''").Scan(&n); err != nil {
			t.Fatal(err)
		}
		empty += n
	}
	if empty != 0 {
		t.Fatalf("%d rows were written without a clock", empty)
	}
	if err := s.SaveAction(ctx, &audit.Action{FindingID: a.ID, OwnerTeam: "Network"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAction(ctx, &audit.Action{FindingID: a.ID, OwnerTeam: "Network", TicketKey: "ITS-1", Status: audit.StatusInBacklog}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{VisitIDs: []string{v.ID}})
	if err != nil {
		t.Fatal(err)
	}
	act := cs.Actions[0]
	if !act.Ticket.Clock.After(act.OwnerTeam.Clock) || len(cs.StatusHistory) != 2 {
		t.Fatalf("action %+v, history %+v: the ticket set later must carry a later clock than the owner, and both statuses be kept", act, cs.StatusHistory)
	}
}

func answerClock(t *testing.T, s *Store, id string) audit.HLC {
	t.Helper()
	var text string
	if err := s.r.QueryRow("SELECT hlc FROM answers WHERE id = ?", id).Scan(&text); err != nil {
		t.Fatal(err)
	}
	h, err := audit.ParseHLC(text)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestApplyChangeSetTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a, b := openDevice(t, "a", day), openDevice(t, "b", day.Add(time.Hour))
	v, rooms := fixtureVisit(t, a)
	for _, item := range []string{"display", "hdmi"} {
		if err := a.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: item, Value: audit.CheckBroken, Note: "Muñoz saw it"}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := a.ExportChangeSet(ctx, audit.ExportScope{VisitIDs: []string{v.ID}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := b.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "one", Device: a.Device()}, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Parts["answers"].Added != 2 || rep.AlreadyImported {
		t.Fatalf("first import: %+v", rep.Parts["answers"])
	}
	want := canonical(t, b)
	if canonical(t, a) != want {
		t.Fatalf("after one import the devices differ:\nA %s\nB %s", canonical(t, a), want)
	}
	again, err := b.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "one", Device: a.Device()}, false)
	if err != nil || !again.AlreadyImported || again.Total() != (audit.PartCount{}) {
		t.Fatalf("second import of the same bundle: %+v %v", again, err)
	}
	other, err := b.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "two", Device: a.Device()}, false)
	if err != nil || other.Total().Added+other.Total().Updated != 0 {
		t.Fatalf("the same rows under another bundle id: %+v %v", other.Total(), err)
	}
	if canonical(t, b) != want {
		t.Fatal("importing again changed the database")
	}
}

func TestSyncMigrationStampsRowsOfAnOlderFile(t *testing.T) {
	ctx := context.Background()
	original := migrationSource
	t.Cleanup(func() { migrationSource = original })
	migrationSource = withMigrations(t, migrationFiles, syncMigration(t), "", "") // the file as it was before the sync migration
	path := filepath.Join(t.TempDir(), "old", "techwalk.db")
	old, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.w.Exec(`INSERT INTO schools(id, name, created_at, updated_at, device) VALUES ('s1', 'Old School', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00.25Z', 'dev-old')`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	migrationSource = original
	s, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	want := audit.HLC{Wall: time.Date(2026, 3, 1, 10, 0, 0, 250e6, time.UTC).UnixMilli(), Device: "dev-old"}
	if len(cs.Schools) != 1 || cs.Schools[0].Clock != want {
		t.Fatalf("the upgraded school carries %+v; want the clock of its last change %v", cs.Schools, want)
	}
	sc := cs.Schools[0].School
	sc.Principal = "Dr. Okafor"
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	after, _ := s.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if !after.Schools[0].Clock.After(want) || after.Schools[0].Clock.Device != s.Device() {
		t.Fatalf("a save after the upgrade carries %v", after.Schools[0].Clock)
	}
}

// syncMigration is the number of migrations before the one that adds clocks.
func syncMigration(t *testing.T) int {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if strings.HasSuffix(e.Name(), "_sync.sql") {
			return i
		}
	}
	t.Fatal("no sync migration")
	return 0
}

func TestApplyRefusesRowsWithoutTheirParents(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a, b := openDevice(t, "a", day), openDevice(t, "b", day)
	v, rooms := fixtureVisit(t, a)
	if err := a.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckOK}); err != nil {
		t.Fatal(err)
	}
	cs, err := a.ExportChangeSet(ctx, audit.ExportScope{VisitIDs: []string{v.ID}})
	if err != nil {
		t.Fatal(err)
	}
	cs.Visits = nil // the answers' visit is left out
	before := canonical(t, b)
	for _, dry := range []bool{true, false} {
		if _, err := b.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "x"}, dry); !errors.Is(err, audit.ErrDanglingReference) {
			t.Fatalf("dry run %v: %v; want ErrDanglingReference", dry, err)
		}
	}
	if canonical(t, b) != before {
		t.Fatal("a refused change set changed the database")
	}
	if done, _ := b.BundleImported(ctx, "x"); done {
		t.Fatal("a refused bundle was recorded as imported")
	}
}
