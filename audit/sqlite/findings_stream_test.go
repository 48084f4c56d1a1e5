package sqlite

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"techwalk/audit"
	"testing"
	"time"
)

// TestEachFindingMatchesFindings checks the streaming path yields exactly
// what Findings returns, field for field, under every filter.
func TestEachFindingMatchesFindings(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	all, err := s.Findings(ctx, audit.FindingFilter{})
	if err != nil || len(all) < 20 {
		t.Fatalf("%d findings (%v)", len(all), err)
	}
	a := all[0].Action
	a.Status, a.TicketKey, a.OwnerTeam = audit.StatusInBacklog, "IT-1", "Network"
	if err := s.SaveAction(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRoom(ctx, all[len(all)-1].RoomID); err != nil {
		t.Fatal(err)
	}
	filters := []audit.FindingFilter{{}, {VisitID: all[1].VisitID}, {SchoolID: all[2].SchoolID}, {Severity: audit.High},
		{Category: all[3].Category}, {Status: audit.StatusInBacklog}, {Status: audit.StatusOpen}, {Since: all[4].FirstSeen},
		{Since: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}}
	for _, f := range filters {
		want, err := s.Findings(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []audit.Finding
		if err := s.EachFinding(ctx, f, func(fd *audit.Finding) error { got = append(got, *fd); return nil }); err != nil {
			t.Fatal(err)
		}
		byID := func(fs []audit.Finding) { sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID }) }
		byID(want)
		byID(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("filter %+v: EachFinding gave %d findings, Findings %d (or fields differ)", f, len(got), len(want))
		}
	}
	stop := errors.New("stop")
	if err := s.EachFinding(ctx, audit.FindingFilter{}, func(*audit.Finding) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("an error from fn was not returned: %v", err)
	}
}
