package sqlite

import (
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
)

// twoVersions has devices a and b answer hdmi differently in one visit
// (b later) and a import b's copy, so a shows that two answers differ.
func twoVersions(t *testing.T) (a, b *Store, v audit.Visit) {
	t.Helper()
	a, b, v = editedApart(t)
	applyAll(t, b, a, "b1")
	return a, b, v
}

// editedApart has device b take a's visit and answer hdmi otherwise than
// a does afterwards; b's edit is the later one.
func editedApart(t *testing.T) (a, b *Store, v audit.Visit) {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a, b = openDevice(t, "a", day), openDevice(t, "b", day.Add(time.Hour))
	v, rooms := fixtureVisit(t, a)
	if err := a.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckMissing, Note: "no adapter"}); err != nil {
		t.Fatal(err)
	}
	applyAll(t, a, b, "a1")
	if err := b.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckBroken, Note: "frayed"}); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckOK}); err != nil {
		t.Fatal(err)
	}
	return a, b, v
}

// applyAll applies everything from holds to to, as bundle id.
func applyAll(t *testing.T, from, to *Store, id string) audit.ApplyReport {
	t.Helper()
	cs, err := from.ExportChangeSet(context.Background(), audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := to.ApplyChangeSet(context.Background(), cs, audit.Origin{BundleID: id, Device: from.Device()}, false)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// settlings is what a push of s after cursor carries of its settlings.
func settlings(t *testing.T, s *Store, after audit.HLC) []audit.Conflict {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{All: true, OwnDevice: s.Device(), After: after})
	if err != nil {
		t.Fatal(err)
	}
	return cs.Conflicts
}

// TestSettlingsCarryTheirDevicesClock: settling a conflict, writing over
// another device's version and importing a resolved mark without a clock
// each stamp the mark with this device's clock, after everything it
// pushed before, so a push carries it once; a mark that brings its clock
// keeps it and is not this device's to push.
func TestSettlingsCarryTheirDevicesClock(t *testing.T) {
	ctx := context.Background()
	a, b, v := twoVersions(t)
	if got := settlings(t, a, audit.HLC{}); len(got) != 0 {
		t.Fatalf("a pushes %+v before settling anything", got)
	}
	d, err := a.Conflicts(ctx, v.ID)
	if err != nil || len(d) != 1 {
		t.Fatalf("a shows %+v, %v; want one disagreement", d, err)
	}
	before := newestOwn(t, a)
	if err := a.ResolveConflict(ctx, d[0].Others[0], audit.KeepMine); err != nil {
		t.Fatal(err)
	}
	got := settlings(t, a, before)
	if len(got) != 1 || !got[0].Resolved || got[0].Settled.Device != a.Device() || !got[0].Settled.After(before) || got[0].Clock != d[0].Others[0].Clock {
		t.Fatalf("after settling, a pushes %+v; want the other version settled with a's clock after %v", got, before)
	}
	if again := settlings(t, a, got[0].Settled); len(again) != 0 {
		t.Fatalf("a pushes %+v again after its cursor passed the settling", again)
	}

	// c imports a's copy as a bundle brings it (no settling clocks): the
	// marks take c's clock, and c passes them on.
	c := openDevice(t, "c", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	cs, err := a.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(cs.Conflicts)
	cs.Conflicts = nil
	if err := json.Unmarshal(line, &cs.Conflicts); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "a-all", Device: a.Device()}, false); err != nil {
		t.Fatal(err)
	}
	fromC := settlings(t, c, audit.HLC{})
	if len(fromC) == 0 {
		t.Fatal("c does not pass on the settlings a bundle brought")
	}
	for _, s := range fromC {
		if s.Settled.Device != c.Device() {
			t.Errorf("c passes on %+v under another clock than its own", s)
		}
	}
	if d, _ := c.Conflicts(ctx, v.ID); len(d) != 0 {
		t.Errorf("c shows %+v", d)
	}

	// b takes a's settlings with their clocks (as a pull brings them):
	// they stay a's, so b does not push them.
	ownB := settlings(t, b, audit.HLC{}) // writing over a's first answer
	cs, err = a.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ApplyChangeSet(ctx, cs, audit.Origin{BundleID: "a-hub", Device: a.Device()}, false); err != nil {
		t.Fatal(err)
	}
	if mine := settlings(t, b, audit.HLC{}); len(mine) != len(ownB) {
		t.Errorf("b pushes %+v; want only its own settlings %+v", mine, ownB)
	}
	found := false
	for _, h := range exportAllOf(t, b).Conflicts {
		if h.Clock == got[0].Clock {
			found = h.Resolved && h.Settled == got[0].Settled
		}
	}
	if !found {
		t.Errorf("b does not hold a's settling of %v with a's clock %v", got[0].Clock, got[0].Settled)
	}

	// c writes over the answer it holds from b: b's version is settled
	// with c's clock.
	beforeC := newestOwn(t, c)
	ans := firstOf(t, c, v.ID)
	ans.Value, ans.Note = audit.CheckMissing, "replaced the cable"
	if err := c.SaveAnswer(ctx, &ans); err != nil {
		t.Fatal(err)
	}
	over := settlings(t, c, beforeC)
	if len(over) != 1 || over[0].Device != b.Device() || over[0].Settled.Device != c.Device() || !over[0].Settled.After(beforeC) {
		t.Fatalf("after writing over b's answer, c pushes %+v; want b's version settled with c's clock", over)
	}
}

func exportAllOf(t *testing.T, s *Store) *audit.ChangeSet {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// newestOwn is the newest clock of s's own rows: where a push now would
// leave its cursor.
func newestOwn(t *testing.T, s *Store) audit.HLC {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{All: true, OwnDevice: s.Device()})
	if err != nil {
		t.Fatal(err)
	}
	return cs.NewestOf(s.Device())
}

func firstOf(t *testing.T, s *Store, visitID string) audit.Answer {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{VisitIDs: []string{visitID}})
	if err != nil || len(cs.Answers) != 1 {
		t.Fatalf("answers of the visit: %d, %v", len(cs.Answers), err)
	}
	return cs.Answers[0].Answer
}

// TestFreshVisitWithSeveralVersionsOfAnAnswer: a change set bringing a
// visit new here with two devices' versions of one answer (as a pull from
// the hub does) keeps the newer and shows the other as a conflict, in
// whichever order they come.
func TestFreshVisitWithSeveralVersionsOfAnAnswer(t *testing.T) {
	ctx := context.Background()
	a, b, v := editedApart(t)
	all, err := a.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := b.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: b.Device()})
	if err != nil || len(mine.Answers) != 1 {
		t.Fatalf("b's own answers: %+v, %v", mine.Answers, err)
	}
	for i, answers := range [][]audit.AnswerChange{append(all.Answers, mine.Answers...), append(mine.Answers, all.Answers...)} {
		cs := *all
		cs.Answers, cs.Conflicts = answers, nil
		c := openDevice(t, "c", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
		rep, err := c.ApplyChangeSet(ctx, &cs, audit.Origin{BundleID: "hub", Device: "hub"}, false)
		if err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		if got, want := firstOf(t, c, v.ID), firstOf(t, b, v.ID); got.Value != want.Value || got.Note != want.Note {
			t.Errorf("order %d: c keeps %q; want b's newer %q", i, got.Value, want.Value)
		}
		if len(rep.Conflicts) != 1 {
			t.Errorf("order %d: the import reports %+v; want the older version open", i, rep.Conflicts)
		}
	}
}

// TestConflictSettledMigrationKeepsResolvedMarks: a database of the schema
// before settlings carried clocks keeps its conflicts and their resolved
// marks; the marks it holds take one reading of this device's clock, after
// everything it wrote or saw, so its next push sends them; open ones stay open.
func TestConflictSettledMigrationKeepsResolvedMarks(t *testing.T) {
	ctx := context.Background()
	original := migrationSource
	t.Cleanup(func() { migrationSource = original })
	migrationSource = withMigrations(t, migrationFiles, settledMigration(t), "", "")
	path := filepath.Join(t.TempDir(), "old", "techwalk.db")
	old, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	v, rooms := fixtureVisit(t, old)
	if err := old.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckOK}); err != nil {
		t.Fatal(err)
	}
	oldNow := syncNow(t, old)
	for i, resolved := range []int{1, 0, 1} {
		if _, err := old.w.Exec(`INSERT INTO conflicts(kind, visit_id, room_id, item_id, value, note, device, hlc, resolved)
			VALUES ('answer', ?, ?, 'hdmi', 'broken', 'frayed', 'dev-x', ?, ?)`,
			v.ID, rooms[0].ID, audit.HLC{Wall: 1000 + int64(i), Device: "dev-x"}.String(), resolved); err != nil {
			t.Fatal(err)
		}
	}
	device := old.Device()
	old.Close()

	migrationSource = original
	s, err := Open(path, WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	if err := s.r.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != latestSchema(t) {
		t.Fatalf("schema %d, %v; want %d", version, err, latestSchema(t))
	}
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Conflicts) != 3 {
		t.Fatalf("the upgraded file holds %d conflicts; want 3", len(cs.Conflicts))
	}
	for _, c := range cs.Conflicts {
		wantResolved := c.Clock.Wall != 1001
		if c.Resolved != wantResolved || c.Value != "broken" || c.Note != "frayed" {
			t.Errorf("conflict %v came through as %+v", c.Clock, c)
		}
		if c.Resolved && (c.Settled.Device != device || !c.Settled.After(oldNow)) || !c.Resolved && !c.Settled.IsZero() {
			t.Errorf("conflict %v resolved %v settled %v; want resolved marks after %v of %s", c.Clock, c.Resolved, c.Settled, oldNow, device)
		}
	}
	if got := settlings(t, s, oldNow); len(got) != 2 {
		t.Errorf("the next push carries %d settlings; want the 2 resolved marks", len(got))
	}
	if now := syncNow(t, s); now.Compare(cs.Conflicts[0].Settled) < 0 {
		t.Errorf("the device clock %v is behind the marks it stamped", now)
	}
	if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "display", Value: audit.CheckOK}); err != nil {
		t.Fatal(err)
	}
	if after := newestOwn(t, s); !after.After(cs.Conflicts[0].Settled) {
		t.Errorf("a save after the upgrade carries %v, not after the marks' %v", after, cs.Conflicts[0].Settled)
	}
}

// settledMigration is the number of migrations before the one that gives
// resolved marks their clock.
func settledMigration(t *testing.T) int {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if strings.HasSuffix(e.Name(), "_conflict_settled.sql") {
			return i
		}
	}
	t.Fatal("no conflict_settled migration")
	return 0
}

func syncNow(t *testing.T, s *Store) audit.HLC {
	t.Helper()
	var text string
	if err := s.w.QueryRow("SELECT now FROM sync_clock").Scan(&text); err != nil {
		t.Fatal(err)
	}
	h, err := audit.ParseHLC(text)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
