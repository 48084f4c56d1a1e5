package bundle_test

import (
	"context"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/bundle"
	"techwalk/audit/importer"
)

func importCSV(t *testing.T, d *device, name, text string) {
	t.Helper()
	f, err := importer.ReadCSV(name, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	m, err := importer.DetectMapping(f.Header)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.ImportDirectory(context.Background(), f, m, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

const districtSchools = "NCESSCH,SCH_NAME,LSTREET1,LCITY\n060000100001,Lincoln Elementary,1 Elm St,Springfield\n060000100002,Jefferson Middle,2 Oak St,Springfield\n"
const districtRooms = "school code,room,kind,teacher\n060000100001,101,classroom,Priya Raman\n060000100001,102,classroom,\n060000100002,Library,library,\n"

func TestSameDistrictListOnTwoDevicesMergesWithoutDuplicates(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", time.Hour)}
	for _, d := range devices {
		importCSV(t, d, "schools.csv", districtSchools)
		importCSV(t, d, "rooms.csv", districtRooms)
	}
	a, b := devices[0], devices[1]
	// Each walks a visit of Lincoln on its own ids for the same school and rooms.
	var visits []string
	for _, d := range devices {
		sc, err := d.store.FindSchool(ctx, "060000100001")
		if err != nil {
			t.Fatal(err)
		}
		rooms, _ := d.store.Rooms(ctx, sc.ID)
		tpl, _ := d.store.LatestTemplate(ctx, "")
		v := audit.Visit{SchoolID: sc.ID, TemplateID: tpl.ID, TemplateVersion: tpl.Version}
		if err := d.store.StartVisit(ctx, &v); err != nil {
			t.Fatal(err)
		}
		if err := d.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckMissing}); err != nil {
			t.Fatal(err)
		}
		visits = append(visits, v.ID)
	}
	fromA, fromB := a.export(t, audit.ExportScope{All: true}, 1), b.export(t, audit.ExportScope{All: true}, 1)
	repB := b.importFile(t, fromA)
	a.importFile(t, fromB)
	if p := repB.Parts["schools"]; p.Added != 0 || repB.Parts["rooms"].Added != 0 {
		t.Fatalf("matching schools or rooms were added again: schools %+v rooms %+v", p, repB.Parts["rooms"])
	}
	sameOnAll(t, devices)
	for _, d := range devices {
		schools, _ := d.store.Schools(ctx)
		if len(schools) != 2 {
			t.Fatalf("%s holds %d schools; want 2", d.name, len(schools))
		}
		lincoln, _ := d.store.FindSchool(ctx, "060000100001")
		rooms, _ := d.store.Rooms(ctx, lincoln.ID)
		if len(rooms) != 2 {
			t.Fatalf("%s holds %d rooms at Lincoln; want 2", d.name, len(rooms))
		}
		for _, id := range visits {
			data, err := d.store.LoadVisit(ctx, id)
			if err != nil {
				t.Fatalf("%s: visit %s: %v", d.name, id, err)
			}
			if data.School.ID != lincoln.ID || len(data.Answers) != 1 || data.Answers[0].RoomID != rooms[0].ID {
				t.Fatalf("%s: visit %s is not on the one Lincoln and its room 101: %+v", d.name, id, data.Answers)
			}
		}
	}
	// Importing the list again on one device after the merge still adds nothing.
	importCSV(t, a, "schools.csv", districtSchools)
	if schools, _ := a.store.Schools(ctx); len(schools) != 2 {
		t.Fatalf("re-importing the list after the merge made %d schools", len(schools))
	}
}

func TestClockADayFastCannotOverwriteLaterWork(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "slow", 0), newDevice(t, "fast", 24*time.Hour)}
	v, rooms := sharedVisit(t, devices)
	slow, fast := devices[0], devices[1]
	if err := fast.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckBroken}); err != nil {
		t.Fatal(err)
	}
	slow.importFile(t, fast.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1))
	// The slow device's clock is a day behind, but its fix comes after it saw the fast one's answer.
	if err := slow.store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckOK, Note: "adapter replaced"}); err != nil {
		t.Fatal(err)
	}
	rep := fast.importFile(t, slow.export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 2))
	for _, d := range devices {
		answers, _ := d.store.Answers(ctx, v.ID)
		if len(answers) != 1 || answers[0].Value != audit.CheckOK {
			t.Fatalf("%s holds %+v; want the later fix (ok) to win over the fast clock", d.name, answers)
		}
	}
	if len(rep.Conflicts) != 0 {
		t.Fatalf("a fix made after seeing the answer is not a conflict: %+v", rep.Conflicts)
	}
	sameOnAll(t, devices)
}

func TestDeleteWinsOnlyWhenNewer(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", time.Minute)}
	_, rooms := sharedVisit(t, devices)
	a, b := devices[0], devices[1]
	edited := rooms[1]
	edited.Teacher = "Priya Raman"
	if err := b.store.SaveRoom(ctx, &edited); err != nil { // older edit
		t.Fatal(err)
	}
	oldEdit := b.export(t, audit.ExportScope{All: true}, 1)
	a.wait(time.Hour) // an hour later, a (which has not seen the edit) deletes the room
	if err := a.store.DeleteRoom(ctx, rooms[1].ID); err != nil {
		t.Fatal(err)
	}
	a.importFile(t, oldEdit)
	if _, err := a.store.Room(ctx, rooms[1].ID); err == nil {
		t.Fatal("an older edit brought a deleted room back")
	}
	b.importFile(t, a.export(t, audit.ExportScope{All: true}, 2))
	if _, err := b.store.Room(ctx, rooms[1].ID); err == nil {
		t.Fatal("the newer delete did not reach the device that edited the room")
	}
	a.importFile(t, oldEdit) // the old bundle again, under its id: nothing
	b.importFile(t, b.export(t, audit.ExportScope{All: true}, 3))
	sameOnAll(t, devices)
	// A newer edit after the delete wins again (an Undo on another device).
	if err := b.store.RestoreRoom(ctx, rooms[1].ID); err != nil {
		t.Fatal(err)
	}
	a.importFile(t, b.export(t, audit.ExportScope{All: true}, 4))
	if _, err := a.store.Room(ctx, rooms[1].ID); err != nil {
		t.Fatalf("a restore newer than the delete did not win: %v", err)
	}
}

func TestReimportIsRecognisedByBundleID(t *testing.T) {
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", time.Minute)}
	v, rooms := sharedVisit(t, devices)
	ctx := context.Background()
	for _, item := range items {
		if err := devices[0].store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: item, Value: audit.CheckOK}); err != nil {
			t.Fatal(err)
		}
	}
	path := devices[0].export(t, audit.ExportScope{VisitIDs: []string{v.ID}}, 1)
	first := devices[1].importFile(t, path)
	before := devices[1].canonicalJSON(t)
	rep, _, err := bundle.Import(ctx, devices[1].store, path, schemaVersion(t), false)
	if err != nil || !rep.AlreadyImported || first.AlreadyImported || rep.Total() != (audit.PartCount{}) {
		t.Fatalf("re-import: %+v %v", rep, err)
	}
	if devices[1].canonicalJSON(t) != before {
		t.Fatal("re-importing changed the database")
	}
	dry, _, err := bundle.Import(ctx, devices[0].store, devices[1].export(t, audit.ExportScope{All: true}, 2), schemaVersion(t), true)
	if err != nil || !dry.DryRun {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
}
