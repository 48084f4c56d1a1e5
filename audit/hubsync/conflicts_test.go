package hubsync

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/bundle"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// firstAnswer is the visit's answer to the first item of its first room.
func firstAnswer(t *testing.T, s *sqlite.Store, visitID string) audit.Answer {
	t.Helper()
	cs, err := s.ExportChangeSet(context.Background(), audit.ExportScope{VisitIDs: []string{visitID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range cs.Answers {
		if a.ItemID == "i0" && a.RoomID == cs.Rooms[0].ID {
			return a.Answer
		}
	}
	t.Fatal("no answer to i0")
	return audit.Answer{}
}

// edit saves another value and note for the answer a to the same item.
func edit(t *testing.T, s *sqlite.Store, a audit.Answer, value, note string) {
	t.Helper()
	a.ID, a.Value, a.Note = "", value, note
	if err := s.SaveAnswer(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
}

// openConflicts lists the open conflicts of the visit on s.
func openConflicts(t *testing.T, s *sqlite.Store, visitID string) []sqlite.Disagreement {
	t.Helper()
	d, err := s.Conflicts(context.Background(), visitID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// settle settles the only disagreement of the visit on s as r.
func settle(t *testing.T, s *sqlite.Store, visitID string, r audit.Resolution) {
	t.Helper()
	d := openConflicts(t, s, visitID)
	if len(d) != 1 || len(d[0].Others) != 1 {
		t.Fatalf("%s shows %+v; want one answer that differs", s.Device(), d)
	}
	if err := s.ResolveConflict(context.Background(), d[0].Others[0], r); err != nil {
		t.Fatal(err)
	}
}

// syncAll pulls, then pushes, as 'techwalk hub sync' does.
func syncAll(t *testing.T, s *sqlite.Store, h *postgres.Hub) {
	t.Helper()
	mustPull(t, s, h)
	mustPush(t, s, h)
}

func score(t *testing.T, s *sqlite.Store, visitID string) audit.VisitScore {
	t.Helper()
	sc, err := s.ScoreOf(context.Background(), visitID)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestSettledConflictIsGoneOnEveryDevice: A and B edit the same answer
// offline and both sync, so both show that two answers differ; A keeps
// its own and both sync again. Then B, and C that pulls only at the end,
// show no conflict, every device holds the same district, and nothing
// waits either way.
func TestSettledConflictIsGoneOnEveryDevice(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	c, _ := device(t, "c", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	v := walk(t, a, "North", 2)
	alice, bob, carol := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob")), open(t, h.auditorURL(t, "carol"))
	mustPush(t, a, alice)
	mustPull(t, b, bob)

	ans := firstAnswer(t, a, v.ID)
	edit(t, b, ans, "broken", "cable frayed")
	edit(t, a, ans, "missing", "no adapter")
	mustPush(t, a, alice)
	mustPush(t, b, bob)
	mustPull(t, a, alice)
	mustPull(t, b, bob)
	for _, s := range []*sqlite.Store{a, b} {
		if d := openConflicts(t, s, v.ID); len(d) != 1 {
			t.Fatalf("%s shows %d disagreements after both synced; want 1", s.Device(), len(d))
		}
	}

	before, err := PushCursor(ctx, a, hubID(t, alice))
	if err != nil {
		t.Fatal(err)
	}
	settle(t, a, v.ID, audit.KeepMine)
	if rep := mustPush(t, a, alice); rep.Merged["conflicts"] != 1 {
		t.Fatalf("a's push after settling took %v; want the settling", rep.Merged)
	}
	after, err := PushCursor(ctx, a, hubID(t, alice))
	if err != nil || !after.After(before) {
		t.Fatalf("a's push cursor went from %v to %v (%v); want it forward", before, after, err)
	}
	// The settling sent again under another change set id: the hub keeps the one it has.
	held := syncedRows(t, h)
	cs, err := a.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: a.Device(), After: before})
	if err != nil || len(cs.Conflicts) != 1 {
		t.Fatalf("a's settlings after %v: %+v, %v", before, cs.Conflicts, err)
	}
	if rep, err := alice.Push(ctx, a.Device(), audit.HLC{Wall: 1, Device: a.Device()}, cs, nil); err != nil || rep.Sent["conflicts"] != 1 || rep.Changed() != 0 {
		t.Fatalf("the settling again: %+v, %v; want it sent and not taken", rep, err)
	}
	if now := syncedRows(t, h); now != held {
		t.Fatalf("sending the settling again changed the hub: %d rows -> %d", held, now)
	}
	syncAll(t, b, bob)
	syncAll(t, a, alice)
	mustPull(t, c, carol)

	for _, s := range []*sqlite.Store{a, b, c} {
		if d := openConflicts(t, s, v.ID); len(d) != 0 {
			t.Errorf("%s still shows %+v after a settled it", s.Device(), d)
		}
		if w, err := Count(ctx, s, open(t, h.url)); err != nil || w.ToSend != 0 || w.ToBring != 0 {
			t.Errorf("%s still waits: %+v, %v", s.Device(), w, err)
		}
	}
	if got := firstAnswer(t, b, v.ID); got.Value != "missing" || got.Note != "no adapter" {
		t.Errorf("b holds %q %q; want a's kept answer", got.Value, got.Note)
	}
	want, wantScore := pictureOf(t, a), score(t, a, v.ID)
	for _, s := range []*sqlite.Store{b, c} {
		if got := score(t, s, v.ID); got.Score != wantScore.Score || got.Failures != wantScore.Failures {
			t.Errorf("%s scores the visit %v; a %v", s.Device(), got, wantScore)
		}
		if got := pictureOf(t, s); got != want {
			t.Errorf("%s holds another district than a:\n%s", s.Device(), firstDiff(want.canonical+want.district, got.canonical+got.district))
		}
	}
	if rep := mustPush(t, a, alice); sum(rep.Sent) != 0 {
		t.Errorf("pushing again sent %v", rep.Sent)
	}
}

// TestSettlingBeforeTheLosingVersion: C pulls A's settling of B's version
// before it holds that version; when B's version comes by bundle later,
// the conflict never opens.
func TestSettlingBeforeTheLosingVersion(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	c, _ := device(t, "c", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	v := walk(t, a, "North", 2)
	alice, bob, carol := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob")), open(t, h.auditorURL(t, "carol"))
	mustPush(t, a, alice)
	mustPull(t, b, bob)

	ans := firstAnswer(t, a, v.ID)
	edit(t, b, ans, "broken", "cable frayed")
	edit(t, a, ans, "missing", "no adapter")
	schema, err := sqlite.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	fromB := filepath.Join(t.TempDir(), "b.techwalk")
	if _, err := bundle.Export(ctx, b, audit.ExportScope{VisitIDs: []string{v.ID}}, "District", "North", schema, fromB); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bundle.Import(ctx, a, fromB, schema, false); err != nil {
		t.Fatal(err)
	}
	settle(t, a, v.ID, audit.KeepMine)
	mustPush(t, a, alice)

	mustPull(t, c, carol)
	if d := openConflicts(t, c, v.ID); len(d) != 0 {
		t.Fatalf("c shows %+v before it holds b's version", d)
	}
	rep, _, err := bundle.Import(ctx, c, fromB, schema, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Conflicts) != 0 {
		t.Errorf("importing b's version reported %+v", rep.Conflicts)
	}
	if d := openConflicts(t, c, v.ID); len(d) != 0 {
		t.Errorf("c shows %+v once b's version came: a settled it", d)
	}
	if got, want := score(t, c, v.ID), score(t, a, v.ID); got.Score != want.Score || got.Failures != want.Failures {
		t.Errorf("c scores %v, a %v", got, want)
	}
}

func hubID(t *testing.T, h *postgres.Hub) string {
	t.Helper()
	id, err := h.ID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// syncedRows counts every synced row the hub holds, settlings included.
func syncedRows(t *testing.T, h hub) int {
	t.Helper()
	n, err := h.admin.Waiting(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSettlingByBundleReachesTheHub: A settles a conflict but does not
// reach the hub again; C imports A's bundle and syncs, and B, which showed
// the conflict, stops showing it after its next pull.
func TestSettlingByBundleReachesTheHub(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a, _ := device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	b, _ := device(t, "b", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	c, _ := device(t, "c", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC))
	v := walk(t, a, "North", 2)
	alice, bob, carol := open(t, h.auditorURL(t, "alice")), open(t, h.auditorURL(t, "bob")), open(t, h.auditorURL(t, "carol"))
	mustPush(t, a, alice)
	mustPull(t, b, bob)
	ans := firstAnswer(t, a, v.ID)
	edit(t, b, ans, "broken", "cable frayed")
	edit(t, a, ans, "missing", "no adapter")
	mustPush(t, a, alice)
	mustPush(t, b, bob)
	mustPull(t, a, alice)
	mustPull(t, b, bob)
	if d := openConflicts(t, b, v.ID); len(d) != 1 {
		t.Fatalf("b shows %d disagreements; want 1", len(d))
	}

	settle(t, a, v.ID, audit.KeepBothNotes)
	schema, err := sqlite.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	fromA := filepath.Join(t.TempDir(), "a.techwalk")
	if _, err := bundle.Export(ctx, a, audit.ExportScope{VisitIDs: []string{v.ID}}, "District", "North", schema, fromA); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bundle.Import(ctx, c, fromA, schema, false); err != nil {
		t.Fatal(err)
	}
	syncAll(t, c, carol)
	mustPull(t, b, bob)
	if d := openConflicts(t, b, v.ID); len(d) != 0 {
		t.Errorf("b still shows %+v after c passed on a's settling", d)
	}
	for _, s := range []*sqlite.Store{b, c} {
		if w, err := Count(ctx, s, open(t, h.url)); err != nil || w.ToSend != 0 {
			t.Errorf("%s still has %+v waiting, %v", s.Device(), w, err)
		}
	}
}
