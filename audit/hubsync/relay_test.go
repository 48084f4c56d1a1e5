package hubsync

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/bundle"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
)

// handedOver is a district where b walked North offline and handed its
// bundle to a, and a, before b synced, corrected an answer of that visit
// and filed one of its findings in the backlog, then synced. The hub holds
// a's edit and action, not yet the visit they belong to.
type handedOver struct {
	h                  hub
	a, b, c            *sqlite.Store
	alice, bob, carol  *postgres.Hub
	visit              audit.Visit
	fromB              string // b's bundle of the visit
	schema             int
	correction, ticket string
}

func newHandedOver(t *testing.T) handedOver {
	t.Helper()
	ctx := context.Background()
	d := handedOver{h: newHub(t), correction: "cable frayed", ticket: "IT-31"}
	d.a, _ = device(t, "a", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	d.b, _ = device(t, "b", time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	d.c, _ = device(t, "c", time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	d.alice, d.bob, d.carol = open(t, d.h.auditorURL(t, "alice")), open(t, d.h.auditorURL(t, "bob")), open(t, d.h.auditorURL(t, "carol"))
	walk(t, d.a, "South", 1)
	d.visit = walk(t, d.b, "North", 2)
	var err error
	if d.schema, err = sqlite.SchemaVersion(); err != nil {
		t.Fatal(err)
	}
	d.fromB = filepath.Join(t.TempDir(), "b.techwalk")
	if _, err := bundle.Export(ctx, d.b, audit.ExportScope{VisitIDs: []string{d.visit.ID}}, "District", "North", d.schema, d.fromB); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bundle.Import(ctx, d.a, d.fromB, d.schema, false); err != nil {
		t.Fatal(err)
	}
	edit(t, d.a, firstAnswer(t, d.a, d.visit.ID), "broken", d.correction)
	findings, err := d.a.Findings(ctx, audit.FindingFilter{SchoolID: d.visit.SchoolID})
	if err != nil || len(findings) == 0 {
		t.Fatalf("a sees North's findings %d, %v", len(findings), err)
	}
	act := audit.Action{FindingID: findings[len(findings)-1].ID, Status: audit.StatusInBacklog, TicketKey: d.ticket}
	if err := d.a.SaveAction(ctx, &act); err != nil {
		t.Fatal(err)
	}
	syncAll(t, d.a, d.alice)
	return d
}

// same fails unless s holds what a holds, a's edit and action included.
func (d handedOver) same(t *testing.T, s *sqlite.Store) {
	t.Helper()
	mustPull(t, d.a, d.alice)
	want, got := pictureOf(t, d.a), pictureOf(t, s)
	for _, w := range []string{d.correction, d.ticket} {
		if !strings.Contains(got.canonical, w) {
			t.Errorf("%s lacks a's %q", s.Device(), w)
		}
	}
	if got.canonical != want.canonical {
		t.Errorf("%s differs from a:\n%s", s.Device(), firstDiff(got.canonical, want.canonical))
	}
	if got.district != want.district {
		t.Errorf("%s shows another district picture than a", s.Device())
	}
}

// TestEditOfABundledVisitBeforeItsOwnerSyncs: c pulls while the hub holds
// a's edit without its visit. Before, the merge refused the whole pull
// (the edit names a visit c lacks), so no device could pull until b
// synced. Now c sets the edit aside and pulls the rest; once b syncs, c
// brings the visit with a's edit and action.
func TestEditOfABundledVisitBeforeItsOwnerSyncs(t *testing.T) {
	ctx := context.Background()
	d := newHandedOver(t)
	rep, err := Pull(ctx, d.c, d.carol, nil)
	if err != nil {
		t.Fatalf("c cannot pull once a sent an edit of a visit the hub lacks: %v", err)
	}
	if rep.SetAside != 3 || !strings.Contains(rep.Summary(), "set aside 3 rows") { // a's answer, action and its status
		t.Errorf("c's pull reads %q (%d set aside), want a's answer, action and status set aside", rep.Summary(), rep.SetAside)
	}
	if len(schoolsOf(t, d.c)) != 1 {
		t.Errorf("c holds %v, want South, which the hub holds whole", schoolsOf(t, d.c))
	}
	if w, err := Count(ctx, d.c, d.carol); err != nil || !slices.Equal(w.SetAside.Visits, []string{d.visit.ID}) || len(w.SetAside.Findings) != 1 {
		t.Errorf("c's status: %+v, %v; want b's visit and a's finding set aside", w, err)
	}
	syncAll(t, d.b, d.bob)
	mustPull(t, d.c, d.carol)
	d.same(t, d.c)
	if w, err := Count(ctx, d.c, d.carol); err != nil || !w.SetAside.Empty() {
		t.Errorf("c's status once b synced: %+v, %v; want nothing set aside", w, err)
	}
	if owed, err := owedOf(ctx, d.c, hubIDOf(t, d.carol)); err != nil || !owed.Empty() {
		t.Errorf("c still owes %+v, %v", owed, err)
	}
}

// TestEditOfABundledVisitReachesAHolderOfTheBundle: c pulls while the hub
// holds a's edit without its visit, sets it aside, then gets b's bundle
// of the visit by hand. Its next pull brings a's edit and action, though
// nothing changed on the hub since.
func TestEditOfABundledVisitReachesAHolderOfTheBundle(t *testing.T) {
	ctx := context.Background()
	d := newHandedOver(t)
	mustPull(t, d.c, d.carol)
	if _, _, err := bundle.Import(ctx, d.c, d.fromB, d.schema, false); err != nil {
		t.Fatal(err)
	}
	mustPull(t, d.c, d.carol)
	d.same(t, d.c)
}

func schoolsOf(t *testing.T, s *sqlite.Store) []string {
	t.Helper()
	list, err := s.Schools(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sc := range list {
		names = append(names, sc.Name)
	}
	return names
}

func hubIDOf(t *testing.T, h *postgres.Hub) string {
	t.Helper()
	id, err := h.ID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}
