package backlog

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/report/internal/reporttest"
)

// nextVisit walks the fixture school again on a later date: the display of
// room 101 still broken, the HDMI adapters of rooms 210 and 104 back.
func nextVisit(t *testing.T, fx *reporttest.Fixture, start time.Time) audit.Visit {
	t.Helper()
	ctx := context.Background()
	v := audit.Visit{SchoolID: fx.School.ID, TemplateID: "export-test", TemplateVersion: "1", StartedAt: start}
	reporttest.NoErr(t, fx.Store.StartVisit(ctx, &v))
	save := func(r audit.Room, item, value string) {
		reporttest.NoErr(t, fx.Store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: r.ID, ItemID: item, Value: value}))
	}
	save(fx.Rooms[1], "display", audit.CheckBroken)
	save(fx.Rooms[1], "hdmi", audit.CheckMissing)
	save(fx.Rooms[0], "hdmi", audit.CheckOK)
	save(fx.Rooms[2], "hdmi", audit.CheckOK)
	return v
}

func TestRecurringFaultKeepsItsTicketAndIDOnReExport(t *testing.T) {
	fx := reporttest.NewFixture(t)
	ctx := context.Background()
	first := readCSV(t, export(t, fx.Store, Options{Format: FormatJira, MarkInBacklog: true}))
	firstIDs := columnOf(t, first, "External ID")
	if len(firstIDs) != 5 {
		t.Fatalf("first export: %d items, want 5", len(firstIDs))
	}
	// Exported once: a default export now has nothing new.
	if again := readCSV(t, export(t, fx.Store, Options{Format: FormatJira})); len(again) != 1 {
		t.Errorf("re-export right after: %d items, want none (they are in a backlog)", len(again)-1)
	}
	// IT imports and reports the tickets back for the display.
	fs, err := fx.Store.Findings(ctx, audit.FindingFilter{Severity: audit.Critical})
	reporttest.NoErr(t, err)
	a := fs[0].Action
	a.TicketKey = "ITS-100"
	reporttest.NoErr(t, fx.Store.SaveAction(ctx, &a))

	october := fx.Visit.StartedAt.AddDate(0, 1, 0)
	nextVisit(t, fx, october)
	// The next visit sees the same faults in room 101: no new item by default.
	if next := readCSV(t, export(t, fx.Store, Options{Format: FormatJira})); len(next) != 1 {
		t.Errorf("after the next visit: %d new items, want none (both faults of room 101 are in the backlog): %q", len(next)-1, next[1:])
	}
	all := readCSV(t, export(t, fx.Store, Options{Format: FormatCSV, All: true}))
	col := func(name string) []string { return columnOf(t, all, name) }
	ids, backlog, tickets, fixed, sightings, since := col("id"), col("backlog_id"), col("ticket_key"), col("fixed_on"), col("sightings"), col("first_seen")
	if len(ids) != 5 {
		t.Fatalf("export of all: %d items, want the 5 faults once each", len(ids))
	}
	for i := range ids {
		if !slices.Contains(firstIDs, backlog[i]) {
			t.Errorf("item %d: backlog id %s is new; every fault was exported before", i, backlog[i])
		}
		if !strings.HasPrefix(since[i], fx.Visit.StartedAt.Format("2006-01-02")) {
			t.Errorf("item %d: first seen %s, want the first visit's date", i, since[i])
		}
	}
	for i, id := range backlog {
		switch {
		case tickets[i] == "ITS-100":
			if sightings[i] != "2" || ids[i] == id {
				t.Errorf("the display: sightings %s, id %s; want 2 and the October finding under the April id", sightings[i], ids[i])
			}
		case fixed[i] != "":
			if fixed[i] != october.Format("2006-01-02") || col("status")[i] != "resolved" {
				t.Errorf("a fixed HDMI adapter: fixed on %s, status %s", fixed[i], col("status")[i])
			}
		}
	}
	if n := strings.Count(strings.Join(fixed, ","), october.Format("2006-01-02")); n != 2 {
		t.Errorf("%d faults fixed on %s, want the two HDMI adapters", n, october.Format("2006-01-02"))
	}
	jira := readCSV(t, export(t, fx.Store, Options{Format: FormatJira, All: true}))
	for _, d := range columnOf(t, jira, "Description") {
		if strings.Contains(d, "Display powers on") && !strings.Contains(d, "History: seen on 2 walkthroughs, first 6 Oct 2026, ticket ITS-100") {
			t.Errorf("the display's description does not link it to its ticket:\n%s", d)
		}
	}
}
