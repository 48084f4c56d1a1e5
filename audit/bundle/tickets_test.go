package bundle_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/importer"
	"techwalk/report/backlog"
)

// TestTicketsMatchFindingsExportedOnAnotherDevice: b exports its backlog
// while it holds a finding under its own answer id; a holds the same
// answer (same visit, room and item) under a's id. After b's bundle is
// merged into a, the tracker's tickets made from b's export still match
// a's finding, by the id map.
func TestTicketsMatchFindingsExportedOnAnotherDevice(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", 2*time.Minute)}
	v, rooms := sharedVisit(t, devices)
	a, b := devices[0], devices[1]
	onA := audit.Answer{Record: audit.Record{ID: "00000000-0000-4000-8000-00000000000a"}, VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckMissing}
	onB := audit.Answer{Record: audit.Record{ID: "ffffffff-ffff-4fff-8fff-fffffffffffb"}, VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckBroken}
	if err := a.store.SaveAnswer(ctx, &onA); err != nil {
		t.Fatal(err)
	}
	if err := b.store.SaveAnswer(ctx, &onB); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := backlog.Export(ctx, b.store, backlog.Options{Format: backlog.FormatServiceNow}, &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("b's backlog: %v %q; want one finding", err, rows)
	}
	id := rows[1][slices.Index(rows[0], "correlation_id")]
	if id != onB.ID {
		t.Fatalf("b's backlog carries TechWalk id %q; want b's answer id %s", id, onB.ID)
	}
	a.importFile(t, b.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1))
	tickets := fmt.Sprintf("number,state,correlation_id\nINC0010001,6,%s\n", id)
	rep, err := a.store.ImportTickets(ctx, "tickets.csv", []byte(tickets), importer.ImportOptions{})
	if err != nil {
		t.Fatalf("importing b's tickets on a: %v", err)
	}
	if rep.Count(importer.RowMatched) != 1 || rep.Count(importer.RowUnknown) != 0 {
		t.Fatalf("import report %+v; want the ticket matched", rep.Rows)
	}
	findings, err := a.store.Findings(ctx, audit.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(findings, func(f audit.Finding) bool { return f.ItemID == "cab-hdmi" })
	if i < 0 || findings[i].ID != onA.ID || findings[i].Action.TicketKey != "INC0010001" || findings[i].Action.Status != audit.StatusResolved {
		t.Fatalf("a's finding after the import: %+v; want a's id with ticket INC0010001, resolved", findings)
	}
}

// TestGroupedTicketsMatchAfterTheSchoolsMerged: both devices imported the
// same district list, so each holds the school under its own id; b's
// grouped backlog names the issue by b's school id. Once b's bundle is
// merged into a, which keeps its own id, the grouped ticket still matches.
func TestGroupedTicketsMatchAfterTheSchoolsMerged(t *testing.T) {
	ctx := context.Background()
	a, b := newDevice(t, "a", 0), newDevice(t, "b", 2*time.Minute)
	var visit audit.Visit
	for _, d := range []struct {
		dev *device
		id  string
	}{{a, "00000000-0000-4000-8000-0000000000a0"}, {b, "ffffffff-ffff-4fff-8fff-ffffffffffb0"}} {
		sc := audit.School{Record: audit.Record{ID: d.id}, Name: "Lincoln Elementary", Code: "060000100001"}
		if err := d.dev.store.SaveSchool(ctx, &sc); err != nil {
			t.Fatal(err)
		}
		if d.dev != b {
			continue
		}
		tpl, err := b.store.LatestTemplate(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		visit = audit.Visit{SchoolID: sc.ID, TemplateID: tpl.ID, TemplateVersion: tpl.Version}
		if err := b.store.StartVisit(ctx, &visit); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"101", "102"} {
			r := audit.Room{SchoolID: sc.ID, Number: n, Kind: audit.KindClassroom}
			if err := b.store.SaveRoom(ctx, &r); err != nil {
				t.Fatal(err)
			}
			if err := b.store.SaveAnswer(ctx, &audit.Answer{VisitID: visit.ID, RoomID: r.ID, ItemID: "cab-hdmi", Value: audit.CheckMissing}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out bytes.Buffer
	if err := backlog.Export(ctx, b.store, backlog.Options{Format: backlog.FormatServiceNow, Grouped: true}, &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("b's grouped backlog: %v %q; want one issue", err, rows)
	}
	group := rows[1][slices.Index(rows[0], "correlation_id")]
	a.importFile(t, b.export(t, audit.ExportScope{All: true}, 1))
	rep, err := a.store.ImportTickets(ctx, "tickets.csv", []byte("number,state,correlation_id\nINC0010002,2,"+group+"\n"), importer.ImportOptions{})
	if err != nil {
		t.Fatalf("importing b's grouped ticket on a: %v", err)
	}
	findings, err := a.store.Findings(ctx, audit.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.SchoolID != "00000000-0000-4000-8000-0000000000a0" || f.Action.TicketKey != "INC0010002" || f.Action.Status != audit.StatusInBacklog {
			t.Errorf("a's finding %s after the import: school %s, ticket %q, %s", f.ShortID(), f.SchoolID, f.Action.TicketKey, f.Action.Status)
		}
	}
	if len(findings) != 2 || rep.Count(importer.RowMatched) != 1 {
		t.Fatalf("%d findings on a, report %+v; want the grouped ticket matching both", len(findings), rep.Rows)
	}
}
