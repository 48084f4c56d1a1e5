package sqlite

import (
	"context"
	"techwalk/audit"
	"techwalk/audit/importer"
	"testing"
	"time"
)

// loopVisit starts a finished visit of the fixture school on a date and
// answers the HDMI adapter of its first room.
func walkHDMI(t *testing.T, s *Store, like audit.Visit, room audit.Room, start time.Time, value string) (audit.Visit, audit.Answer) {
	t.Helper()
	ctx := context.Background()
	v := audit.Visit{SchoolID: like.SchoolID, TemplateID: like.TemplateID, TemplateVersion: like.TemplateVersion, StartedAt: start}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	a := audit.Answer{VisitID: v.ID, RoomID: room.ID, ItemID: "hdmi", Value: value}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	v.FinishedAt = start.Add(time.Hour)
	if err := s.SaveVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	return v, a
}

func findingOf(t *testing.T, s *Store, f audit.FindingFilter, id string) audit.Finding {
	t.Helper()
	fs, err := s.Findings(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fs {
		if fd.ID == id {
			return fd
		}
	}
	t.Fatalf("finding %s not listed by %+v (%d findings)", id, f, len(fs))
	return audit.Finding{}
}

func TestRecurringFaultLinksToItsFirstFindingAndTicket(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v0, rooms := fixtureVisit(t, s)
	if err := s.DeleteVisit(ctx, v0.ID); err != nil {
		t.Fatal(err)
	}
	april, october := time.Date(2026, 4, 6, 8, 30, 0, 0, time.UTC), time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC)
	_, first := walkHDMI(t, s, v0, rooms[0], april, audit.CheckMissing)
	if err := s.SaveAction(ctx, &audit.Action{FindingID: first.ID, OwnerTeam: "Field services", Status: audit.StatusInBacklog, TicketKey: "ITS-100"}); err != nil {
		t.Fatal(err)
	}
	v2, again := walkHDMI(t, s, v0, rooms[0], october, audit.CheckBroken)

	for _, f := range []audit.FindingFilter{{}, {VisitID: v2.ID}, {SchoolID: v2.SchoolID}} {
		fd := findingOf(t, s, f, again.ID)
		if fd.BacklogID() != first.ID || fd.Loop.PreviousID != first.ID || fd.Loop.Sightings != 2 {
			t.Errorf("%+v: loop %+v, want the April finding %s as first and previous, 2 sightings", f, fd.Loop, first.ID)
		}
		if !fd.FirstSeen.Equal(april) {
			t.Errorf("%+v: first seen %v, want the April visit's date (not when the row was written)", f, fd.FirstSeen)
		}
		if fd.Action.TicketKey != "ITS-100" || fd.Action.OwnerTeam != "Field services" || fd.Action.Status != audit.StatusInBacklog {
			t.Errorf("%+v: action %+v, want the April ticket carried over", f, fd.Action)
		}
		if h := fd.History(); h != "seen on 2 walkthroughs, first 6 Apr 2026, ticket ITS-100" {
			t.Errorf("%+v: history %q", f, h)
		}
		if fd.NeedsBacklog() {
			t.Errorf("%+v: a fault whose ticket is in the backlog needs another", f)
		}
	}
	// "Since" filters on the date the fault was first seen.
	fs, err := s.Findings(ctx, audit.FindingFilter{Since: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("faults first seen since June: %d, want none (the October one was first seen in April)", len(fs))
	}
}

func TestPassingAgainIsFixedAndVerified(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v0, rooms := fixtureVisit(t, s)
	if err := s.DeleteVisit(ctx, v0.ID); err != nil {
		t.Fatal(err)
	}
	april, june, october := time.Date(2026, 4, 6, 8, 30, 0, 0, time.UTC), time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC)
	v1, first := walkHDMI(t, s, v0, rooms[0], april, audit.CheckMissing)
	// June: the HDMI adapter was not checked (n/a): neither fixed nor seen.
	walkHDMI(t, s, v0, rooms[0], june, audit.CheckNA)
	v3, _ := walkHDMI(t, s, v0, rooms[0], october, audit.CheckOK)

	fd := findingOf(t, s, audit.FindingFilter{}, first.ID)
	if !fd.Loop.Fixed() || !fd.Loop.FixedOn.Equal(october) || fd.Action.Status != audit.StatusResolved {
		t.Fatalf("April finding after an October pass: loop %+v, status %s; want fixed on 6 Oct, resolved", fd.Loop, fd.Action.Status)
	}
	if h := fd.History(); h != "fixed — verified on 6 Oct 2026" {
		t.Errorf("history %q", h)
	}
	if fd.NeedsBacklog() {
		t.Error("a verified fix still needs a backlog item")
	}
	// The October visit lists the fix; the April visit's own report is as of April.
	d3, err := s.LoadVisit(ctx, v3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d3.Fixed) != 1 || d3.Fixed[0].LastID != first.ID || !d3.Fixed[0].FirstSeen.Equal(april) || !d3.Fixed[0].FixedOn.Equal(october) {
		t.Errorf("October fixes = %+v, want the April HDMI adapter", d3.Fixed)
	}
	d1, err := s.LoadVisit(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d1.Findings) != 1 || d1.Findings[0].Loop.Fixed() || d1.Findings[0].Action.Status != audit.StatusOpen {
		t.Errorf("the April report changed after October: %+v", d1.Findings)
	}
	open, err := s.Findings(ctx, audit.FindingFilter{Status: audit.StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 0 {
		t.Errorf("open findings after the fix: %d, want 0", len(open))
	}
}

func TestTicketImportReachesEveryVisitOfAFault(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v0, rooms := fixtureVisit(t, s)
	if err := s.DeleteVisit(ctx, v0.ID); err != nil {
		t.Fatal(err)
	}
	_, first := walkHDMI(t, s, v0, rooms[0], time.Date(2026, 4, 6, 8, 30, 0, 0, time.UTC), audit.CheckMissing)
	_, again := walkHDMI(t, s, v0, rooms[0], time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC), audit.CheckMissing)
	// The tracker knows the fault by its backlog id: the first finding's.
	csv := "Issue key,Summary,Status,Custom field (External ID)\nITS-100,HDMI,In Progress," + first.ID + "\n"
	if _, err := s.ImportTickets(ctx, "jira.csv", []byte(csv), importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{first.ID, again.ID} {
		if fd := findingOf(t, s, audit.FindingFilter{}, id); fd.Action.TicketKey != "ITS-100" || fd.Action.Status != audit.StatusInBacklog {
			t.Errorf("finding %s: action %+v, want ITS-100 in backlog", id, fd.Action)
		}
	}
}
