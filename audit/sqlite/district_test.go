package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"techwalk/audit"
)

// TestDistrictInputAgreesWithTheStore builds the district picture of the
// demo district from DistrictInput and checks every school's row against
// what the store's own per-visit queries say: the latest finished and
// newest visits, the score and KPIs, the open findings, and that the
// common problems add up to the latest visits' findings.
func TestDistrictInputAgreesWithTheStore(t *testing.T) {
	ctx := context.Background()
	store, err := Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.CreateDemo(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	checkDistrictAgainstStore(t, store)
}

// TestDistrictInputAgreesWithTheStoreAfterITActions: IT resolving or
// declining findings of the latest visits (every third one) closes them in
// the district picture as in the store's findings.
func TestDistrictInputAgreesWithTheStoreAfterITActions(t *testing.T) {
	ctx := context.Background()
	store, err := Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.CreateDemo(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	findings, err := store.Findings(ctx, audit.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	closed := 0
	for i, f := range findings {
		if i%3 != 0 {
			continue
		}
		status := audit.StatusResolved
		if i%2 == 0 {
			status = audit.StatusWontFix
		}
		if err := store.SaveAction(ctx, &audit.Action{FindingID: f.ID, Status: status}); err != nil {
			t.Fatal(err)
		}
		closed++
	}
	if closed == 0 {
		t.Fatal("the demo has no findings to close")
	}
	checkDistrictAgainstStore(t, store)
}

// checkDistrictAgainstStore builds the district picture of store from
// DistrictInput and checks it against the store's own per-visit queries.
func checkDistrictAgainstStore(t *testing.T, store *Store) {
	t.Helper()
	ctx := context.Background()
	in, err := store.DistrictInput(ctx, store.Now())
	if err != nil {
		t.Fatal(err)
	}
	d := audit.DistrictPicture(in)
	schools, err := store.Schools(ctx)
	if err != nil || len(d.Schools) != len(schools) || len(schools) == 0 {
		t.Fatalf("%d rows for %d schools (%v)", len(d.Schools), len(schools), err)
	}
	failing := 0
	for _, p := range d.Schools {
		newest, err := store.LatestVisit(ctx, p.School.ID, false)
		if err != nil || !p.LastVisit.Equal(newest.StartedAt) {
			t.Errorf("%s: last visit %v, the store's newest %v (%v)", p.School.Name, p.LastVisit, newest.StartedAt, err)
		}
		latest, err := store.LatestVisit(ctx, p.School.ID, true)
		if errors.Is(err, audit.ErrNotFound) {
			if p.Scored {
				t.Errorf("%s has no finished visit but a score", p.School.Name)
			}
			continue
		}
		if err != nil || p.Latest.ID != latest.ID {
			t.Fatalf("%s: latest %s, the store's %s (%v)", p.School.Name, p.Latest.ID, latest.ID, err)
		}
		score, err := store.ScoreOf(ctx, latest.ID)
		if err != nil || score.Score != p.Score.Score || score.RoomsReady != p.Score.RoomsReady || score.Failures != p.Score.Failures ||
			score.ChooseAgainShare != p.Score.ChooseAgainShare {
			t.Errorf("%s: picture %+v, store %+v (%v)", p.School.Name, p.Score, score, err)
		}
		findings, err := store.Findings(ctx, audit.FindingFilter{VisitID: latest.ID})
		if err != nil {
			t.Fatal(err)
		}
		open := 0
		for _, f := range findings {
			if f.Action.Status != audit.StatusResolved && f.Action.Status != audit.StatusWontFix {
				open++
			}
		}
		if p.FindingsOpen != open {
			t.Errorf("%s: %d findings open, the store lists %d", p.School.Name, p.FindingsOpen, open)
		}
		failing += len(findings)
	}
	inProblems := 0
	for _, pr := range d.Problems {
		inProblems += pr.Rooms
	}
	if inProblems != failing || failing == 0 {
		t.Errorf("the common problems cover %d failing answers, the latest visits have %d findings", inProblems, failing)
	}
}
