package app

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/audit/importer"
	"techwalk/audit/sqlite"
)

// ncesSchools is a district list in the NCES directory's columns, with the
// principal in a column the import does not recognise by name.
const ncesSchools = "SCH_NAME,NCESSCH,LSTREET1,LCITY,LSTATE,LZIP,Leader\n" +
	"Lincoln Elementary,060000100001,12 Oak St,Springfield,IL,62701,Nguyễn Thị Hoa\n" +
	"Washington Middle,060000100002,400 Elm Ave,Springfield,IL,62702,José Muñoz\n" +
	"Roosevelt High,060000100003,9 Hill Rd,Springfield,IL,62703,Ana Lima\n"

// roomsWithBadKind has one row whose room kind does not exist (line 3).
const roomsWithBadKind = "School Code;Room;Type;Teacher\n" +
	"060000100001;101;classroom;Ms. Park\n" +
	"060000100001;102;swimming pool;\n" +
	"060000100002;B12;lab;Mr. Chen\n"

// importFile loads data into the import screen opened from Home.
func importFile(t *testing.T, u *ui, name, data string) *importScreen {
	t.Helper()
	test.Tap(loadedHome(u).importBtn)
	is := u.imports
	if is == nil {
		t.Fatal("Import… did not open the import screen")
	}
	is.load(name, []byte(data))
	return is
}

func schoolCount(t *testing.T, s *sqlite.Store) int {
	t.Helper()
	schools, err := s.Schools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(schools)
}

func TestImportSchoolsWithColumnMapping(t *testing.T) {
	u, s, _ := newTestUI(t)
	is := importFile(t, u, "district.csv", ncesSchools)
	if is.kind.Selected != importSchools {
		t.Fatalf("kind %q, want schools", is.kind.Selected)
	}
	if got := is.columns[importer.FieldName].Selected; got != "Column 1: SCH_NAME" {
		t.Errorf("school name mapped to %q", got)
	}
	if got := is.columns[importer.FieldPrincipal].SelectedIndex(); got != 0 {
		t.Errorf("principal mapped to option %d before the user chose", got)
	}
	is.columns[importer.FieldPrincipal].SetSelected("Column 7: Leader")
	if !strings.Contains(is.sample.Text, "Principal: Nguyễn Thị Hoa") {
		t.Errorf("sample does not show the mapped principal: %q", is.sample.Text)
	}

	test.Tap(is.checkBtn)
	is.work.wait()
	if n := schoolCount(t, s); n != 0 {
		t.Fatalf("Check saved %d schools", n)
	}
	if !strings.Contains(is.summary.Text, "3 added") || len(is.shown) != 3 {
		t.Errorf("check summary %q, %d rows", is.summary.Text, len(is.shown))
	}

	test.Tap(is.importBtn)
	is.work.wait()
	schools, _ := s.Schools(ctx)
	if len(schools) != 3 || schools[0].Principal == "" || !strings.Contains(schools[0].Address, "Springfield") {
		t.Fatalf("after import: %+v; status %q", schools, is.status.Text)
	}

	is = importFile(t, u, "district.csv", ncesSchools)
	test.Tap(is.importBtn)
	is.work.wait()
	if n := schoolCount(t, s); n != 3 || !strings.Contains(is.summary.Text, "0 added") {
		t.Errorf("re-import: %d schools, %q", n, is.summary.Text)
	}
}

func TestImportRoomsRejectsBadRowsUnlessPartial(t *testing.T) {
	u, s, _ := newTestUI(t)
	importSchoolsFile(t, u)
	is := importFile(t, u, "rooms.csv", roomsWithBadKind)
	if is.kind.Selected != importRooms {
		t.Fatalf("kind %q, want rooms", is.kind.Selected)
	}
	test.Tap(is.importBtn)
	is.work.wait()
	if n := roomCount(t, s); n != 0 {
		t.Fatalf("a file with a rejected row saved %d rooms", n)
	}
	first := is.rowText(0)
	if !strings.HasPrefix(first, "line 3 · rejected") || !strings.Contains(first, "swimming pool") {
		t.Errorf("first report row %q, want line 3 rejected with the bad kind", first)
	}
	if !strings.Contains(is.status.Text, "1 row rejected") || !strings.Contains(is.status.Text, "nothing was saved") {
		t.Errorf("status %q", is.status.Text)
	}

	test.Tap(is.partial)
	test.Tap(is.importBtn)
	is.work.wait()
	if n := roomCount(t, s); n != 2 {
		t.Errorf("partial import saved %d rooms, want 2; %q", n, is.summary.Text)
	}
}

func importSchoolsFile(t *testing.T, u *ui) {
	t.Helper()
	is := importFile(t, u, "district.csv", ncesSchools)
	test.Tap(is.importBtn)
	is.work.wait()
	if is.report == nil || !is.report.Applied {
		t.Fatalf("schools not imported: %q", is.status.Text)
	}
}

func roomCount(t *testing.T, s *sqlite.Store) int {
	t.Helper()
	schools, _ := s.Schools(ctx)
	n := 0
	for _, sc := range schools {
		rooms, err := s.Rooms(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		n += len(rooms)
	}
	return n
}

func TestImportBadFileSaysWhereAndChangesNothing(t *testing.T) {
	u, s, _ := newTestUI(t)
	is := importFile(t, u, "broken.csv", "SCH_NAME,NCESSCH\n\"Lincoln,1\nWashington,2\n")
	if !strings.Contains(is.status.Text, "broken.csv") || !strings.Contains(is.status.Text, "line") {
		t.Errorf("status %q does not name the file and line", is.status.Text)
	}
	if !is.importBtn.Disabled() || !is.checkBtn.Disabled() {
		t.Error("Import and Check stay enabled on a file that cannot be read")
	}
	if n := schoolCount(t, s); n != 0 {
		t.Errorf("%d schools saved", n)
	}

	is.load("nothing.csv", []byte("Color,Size\nred,1\n"))
	test.Tap(is.importBtn)
	is.work.wait()
	if n := schoolCount(t, s); n != 0 || !strings.Contains(is.status.Text, "school name") {
		t.Errorf("an unmapped file: %d schools, status %q", n, is.status.Text)
	}
}

func TestImportTicketStatus(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	findings, err := s.Findings(ctx, audit.FindingFilter{Status: audit.StatusOpen}) // not fixed since
	if err != nil || len(findings) < 2 {
		t.Fatalf("demo findings: %v, %d", err, len(findings))
	}
	tracker := fmt.Sprintf("Issue key,Summary,Status,Custom field (External ID)\nIT-7,HDMI,In Progress,%s\nIT-8,Display,Done,%s\n",
		findings[0].ID, findings[1].ID)

	test.Tap(loadedFindings(u, "").ticketsBtn)
	is := u.imports
	is.load("jira-export.csv", []byte(tracker))
	if is.kind.Selected != importTickets {
		t.Fatalf("kind %q, want tickets", is.kind.Selected)
	}
	test.Tap(is.importBtn)
	is.work.wait()
	got, _ := s.Findings(ctx, audit.FindingFilter{})
	keys := map[string]audit.Action{}
	for _, f := range got {
		keys[f.ID] = f.Action
	}
	if a := keys[findings[0].ID]; a.TicketKey != "IT-7" || a.Status != audit.StatusInBacklog {
		t.Errorf("first finding's action %+v; %q", a, is.summary.Text)
	}
	if a := keys[findings[1].ID]; a.TicketKey != "IT-8" || a.Status != audit.StatusResolved {
		t.Errorf("second finding's action %+v", a)
	}
}

func TestExportScreenFiltersAndAzureFolder(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	test.Tap(loadedFindings(u, "").exportBtn)
	es := u.export
	es.previewJob.wait()
	test.Type(es.since, "23/11/2026")
	if !es.saveBtn.Disabled() || !strings.Contains(es.preview.Text, "Found since") {
		t.Errorf("a bad date: save enabled %v, preview %q", !es.saveBtn.Disabled(), es.preview.Text)
	}
	es.since.SetText("")
	es.previewJob.wait()
	es.school.SetSelectedIndex(1)
	es.previewJob.wait()
	es.format.SetSelected("Azure DevOps (CSV)")
	es.previewJob.wait()
	if es.saveBtn.Text != "Save to folder…" || !strings.HasPrefix(es.preview.Text, "Work Item Type") {
		t.Fatalf("Azure: button %q, preview %q", es.saveBtn.Text, es.preview.Text)
	}
	opt, err := es.options()
	if err != nil || opt.Filter.SchoolID != es.schools[0].ID {
		t.Fatalf("options %+v, %v", opt.Filter, err)
	}
	dir := t.TempDir()
	folder, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		t.Fatal(err)
	}
	found, _ := s.Findings(ctx, audit.FindingFilter{SchoolID: es.schools[0].ID})
	want := slices.Concat(audit.CurrentFaults([][]audit.Finding{found}, false)...) // each fault once, not yet in a backlog
	es.onFolder(opt, folder, nil)
	es.exportJob.wait()
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) != 1 || !strings.Contains(es.result.Text, files[0]) {
		t.Fatalf("files %v; result %q", files, es.result.Text)
	}
	if n := len(readCSVFile(t, files[0])) - 1; n != len(want) || n == 0 {
		t.Errorf("%d rows for %d faults of %s", n, len(want), es.schools[0].Name)
	}
	// Saved once, the findings are in the backlog: the next export holds nothing new.
	es.onFolder(opt, folder, nil)
	es.exportJob.wait()
	if n := len(readCSVFile(t, files[0])) - 1; n != 0 {
		t.Errorf("a second export wrote %d rows again", n)
	}
}
