package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/audit/bundle"
	"techwalk/audit/sqlite"
)

// otherDevice is a second database with a school, two rooms and a visit
// whose first room has an HDMI answer.
func otherDevice(t *testing.T) (*sqlite.Store, audit.Visit, []audit.Room) {
	t.Helper()
	s := openStore(t, filepath.Join(t.TempDir(), "other.db"))
	t.Cleanup(func() { s.Close() })
	sc := audit.School{Name: "Lincoln Elementary", Code: "060000100001"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	var rooms []audit.Room
	for _, n := range []string{"101", "102"} {
		r := audit.Room{SchoolID: sc.ID, Number: n, Kind: audit.KindClassroom}
		if err := s.SaveRoom(ctx, &r); err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r)
	}
	tpl, err := s.LatestTemplate(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	v := audit.Visit{SchoolID: sc.ID, TemplateID: tpl.ID, TemplateVersion: tpl.Version, Auditor: "Ana Muñoz"}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckMissing, Note: "no adapter"}); err != nil {
		t.Fatal(err)
	}
	return s, v, rooms
}

func visitBundle(t *testing.T, s *sqlite.Store, v audit.Visit) []byte {
	t.Helper()
	schema, _ := sqlite.SchemaVersion()
	data, _, err := bundle.ExportBytes(ctx, s, audit.ExportScope{VisitIDs: []string{v.ID}}, "", "visit", schema)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestImportBundleFromHomeThenSettleTheConflict(t *testing.T) {
	u, s, _ := newTestUI(t)
	other, v, rooms := otherDevice(t)
	h := loadedHome(u)
	if h.bundleBtn == nil || h.bundleBtn.Text != "Import bundle…" {
		t.Fatal("Home has no Import bundle… button")
	}
	u.bundles.importData("lincoln.twbundle", visitBundle(t, other, v))
	u.bundles.work.wait()
	if u.home != nil { // the import reloads Home on Fyne's goroutine; let it finish first
		u.home.loading.wait()
	}
	if u.bundles.lastErr != nil || !strings.Contains(u.bundles.report.Text, "Imported lincoln.twbundle") {
		t.Fatalf("report %q, error %v", u.bundles.report.Text, u.bundles.lastErr)
	}
	if got, err := s.Answers(ctx, v.ID); err != nil || len(got) != 1 {
		t.Fatalf("answers after the import: %+v %v", got, err)
	}
	// This device answers the same item differently, then the other device's later edit arrives.
	if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckOK, Note: "works for me"}); err != nil {
		t.Fatal(err)
	}
	if err := other.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "cab-hdmi", Value: audit.CheckBroken, Note: "port cracked"}); err != nil {
		t.Fatal(err)
	}
	u.bundles.importData("lincoln-2.twbundle", visitBundle(t, other, v))
	u.bundles.work.wait()
	if u.home != nil { // the import reloads Home on Fyne's goroutine; let it finish first
		u.home.loading.wait()
	}
	if !strings.Contains(u.bundles.report.Text, "1 conflict") || !strings.Contains(u.bundles.report.Text, "keep both notes") {
		t.Fatalf("the report does not announce the conflict: %q", u.bundles.report.Text)
	}
	vs := u.showVisit(v.ID)
	if vs.conflictBtn.Hidden || vs.conflictBtn.Text != "1 answer differs…" {
		t.Fatalf("conflict button %q hidden %v", vs.conflictBtn.Text, vs.conflictBtn.Hidden)
	}
	test.Tap(vs.conflictBtn)
	cd := vs.conflicts
	if cd == nil || len(cd.buttons) != 3 {
		t.Fatalf("the conflicts dialog offers %d buttons; want keep mine, keep theirs, keep both notes", len(cd.buttons))
	}
	test.Tap(cd.buttons[2]) // keep both notes
	got, _ := s.Answers(ctx, v.ID)
	if len(got) != 1 || !strings.Contains(got[0].Note, "port cracked") || !strings.Contains(got[0].Note, "works for me") {
		t.Fatalf("after keep both notes: %+v", got)
	}
	if left, _ := s.Conflicts(ctx, v.ID); len(left) != 0 {
		t.Fatalf("still open: %+v", left)
	}
	if !u.visit.conflictBtn.Hidden {
		t.Fatal("the conflict button is still shown")
	}
}

func TestShareVisitWritesABundleTheOtherDeviceReads(t *testing.T) {
	u, _, _ := newTestUI(t)
	other, v, _ := otherDevice(t)
	u.bundles.importData("lincoln.twbundle", visitBundle(t, other, v))
	u.bundles.work.wait()
	if u.home != nil { // the import reloads Home on Fyne's goroutine; let it finish first
		u.home.loading.wait()
	}
	vs := u.showVisit(v.ID)
	if vs.shareBtn == nil {
		t.Fatal("the visit has no Share visit… button")
	}
	path := filepath.Join(t.TempDir(), shareName(vs.school, vs.visit))
	u.bundles.onShareFile(vs.visit, fileWriter(t, path), nil)
	u.bundles.work.wait()
	if u.home != nil { // the import reloads Home on Fyne's goroutine; let it finish first
		u.home.loading.wait()
	}
	if u.bundles.lastErr != nil || !strings.Contains(u.bundles.report.Text, "Saved") {
		t.Fatalf("share: %q %v", u.bundles.report.Text, u.bundles.lastErr)
	}
	schema, _ := sqlite.SchemaVersion()
	rep, _, err := bundle.Import(ctx, other, path, schema, false)
	if err != nil || rep.Total().Added != 0 {
		t.Fatalf("the other device re-reading its own visit: %+v %v", rep.Total(), err)
	}
	if !strings.HasSuffix(path, "techwalk-060000100001-"+v.StartedAt.Format("2006-01-02")+bundle.Extension) {
		t.Fatalf("file name %s", filepath.Base(path))
	}
}
