package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"techwalk/audit"
	"techwalk/audit/importer"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "import", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// importFile reads and imports a testdata file with the detected mapping.
func importFile(t *testing.T, s *Store, name string, opt importer.ImportOptions) (*importer.ImportReport, error) {
	t.Helper()
	f, err := importer.ReadCSV(name, readTestdata(t, name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := importer.DetectMapping(f.Header)
	if err != nil {
		t.Fatal(err)
	}
	return s.ImportDirectory(context.Background(), f, m, opt)
}

// directorySnapshot describes every school and room, to compare before and after.
func directorySnapshot(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	schools, err := s.Schools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, sc := range schools {
		fmt.Fprintf(&b, "%+v\n", sc)
		rooms, err := s.Rooms(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rooms {
			fmt.Fprintf(&b, "  %+v\n", r)
		}
	}
	return b.String()
}

func TestImportSchoolsThenReimportUpdatesWithoutDuplicates(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	rep, err := importFile(t, s, "schools.csv", importer.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != "schools" || rep.Count(importer.RowAdded) != 4 || !rep.Applied {
		t.Fatalf("first import: %s", rep.Summary())
	}
	sc, err := s.FindSchool(ctx, "NDU")
	if err != nil || sc.Name != "Trường Tiểu học Nguyễn Du" || sc.Principal != "Nguyễn Thị Hoa" {
		t.Errorf("non-Latin school = %+v (%v)", sc, err)
	}
	les, _ := s.FindSchool(ctx, "LES")
	if les.Address != "1200 Maple Avenue\nSpringfield, IL 62701" {
		t.Errorf("multi-line address = %q", les.Address)
	}
	before := directorySnapshot(t, s)
	rep, err = importFile(t, s, "schools.csv", importer.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(importer.RowUnchanged) != 4 || directorySnapshot(t, s) != before {
		t.Errorf("importing the same file again changed something: %s", rep.Summary())
	}
	// The same schools by name with a new principal: updated, not duplicated.
	f, _ := importer.ReadCSV("renamed.csv", []byte("name,principal\nlincoln elementary school,Ms. New Principal\n"))
	m, _ := importer.DetectMapping(f.Header)
	if rep, err = s.ImportDirectory(ctx, f, m, importer.ImportOptions{}); err != nil || rep.Count(importer.RowUpdated) != 1 {
		t.Fatalf("update by name: %v %v", rep, err)
	}
	all, _ := s.Schools(ctx)
	les, _ = s.FindSchool(ctx, "LES")
	if len(all) != 4 || les.Principal != "Ms. New Principal" || les.Address == "" {
		t.Errorf("after update: %d schools, LES = %+v", len(all), les)
	}
}

func TestImportSemicolonBOMFile(t *testing.T) {
	s, _ := openFixtureStore(t)
	f, err := importer.ReadCSV("s.csv", readTestdata(t, "schools-semicolon-bom.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Delimiter != ';' || f.Header[0] != "name" {
		t.Fatalf("delimiter %q, header %q", f.Delimiter, f.Header)
	}
	if _, err := importFile(t, s, "schools-semicolon-bom.csv", importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sc, err := s.FindSchool(context.Background(), "RHS")
	if err != nil || sc.Address != "900 Elm Road; Springfield" {
		t.Errorf("RHS = %+v (%v)", sc, err)
	}
}

func TestImportNCESDirectory(t *testing.T) {
	s, _ := openFixtureStore(t)
	f, _ := importer.ReadCSV("nces.csv", readTestdata(t, "nces-ccd.csv"))
	m, err := importer.DetectMapping(f.Header)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != importer.DirectorySchools || f.Header[m.Column(importer.FieldName)] != "SCH_NAME" || f.Header[m.Column(importer.FieldCode)] != "NCESSCH" {
		t.Fatalf("mapping %+v", m)
	}
	if _, err := s.ImportDirectory(context.Background(), f, m, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sc, err := s.FindSchool(context.Background(), "173747001234")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Lincoln Elementary School" || sc.Address != "1200 Maple Avenue, Springfield, IL 62701" {
		t.Errorf("NCES school = %+v", sc)
	}
}

func TestImportRoomsMatchesSchoolsAndKinds(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	if _, err := importFile(t, s, "schools.csv", importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := importFile(t, s, "rooms.csv", importer.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != "rooms" || rep.Count(importer.RowAdded) != 7 {
		t.Fatalf("%s", rep.Summary())
	}
	les, _ := s.FindSchool(ctx, "LES")
	rooms, _ := s.Rooms(ctx, les.ID)
	kinds := map[string]audit.RoomKind{}
	for _, r := range rooms {
		kinds[r.Label()] = r.Kind
	}
	want := map[string]audit.RoomKind{"101": audit.KindClassroom, "110 STEM lab": audit.KindLab, "115 Library": audit.KindLibrary, "Gym": audit.KindGym}
	for label, kind := range want {
		if kinds[label] != kind {
			t.Errorf("room %s kind = %q, want %q (all: %v)", label, kinds[label], kind, kinds)
		}
	}
	wms, _ := s.FindSchool(ctx, "WMS")
	wrooms, _ := s.Rooms(ctx, wms.ID)
	if len(wrooms) != 2 || wrooms[1].Teacher != "Fatima Al-Sayed\n(mornings only)" {
		t.Errorf("WMS rooms (one matched by school name) = %+v", wrooms)
	}
	before := directorySnapshot(t, s)
	if rep, err = importFile(t, s, "rooms.csv", importer.ImportOptions{}); err != nil || rep.Count(importer.RowUnchanged) != 7 {
		t.Fatalf("re-import: %v %v", rep, err)
	}
	if directorySnapshot(t, s) != before {
		t.Error("re-importing rooms changed the store")
	}
}

func TestBadRoomsFileChangesNothingAndReportsEveryRow(t *testing.T) {
	s, _ := openFixtureStore(t)
	if _, err := importFile(t, s, "schools.csv", importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	before := directorySnapshot(t, s)
	rep, err := importFile(t, s, "rooms-bad.csv", importer.ImportOptions{})
	if !errors.Is(err, importer.ErrRejectedRows) {
		t.Fatalf("err = %v, want ErrRejectedRows", err)
	}
	if !strings.Contains(err.Error(), "rooms-bad.csv: line 3") || !strings.Contains(err.Error(), "--partial") {
		t.Errorf("message %q does not name the file and first bad line", err)
	}
	if rep.Applied || directorySnapshot(t, s) != before {
		t.Fatal("a file with rejected rows changed the store")
	}
	want := []struct {
		line    int
		outcome importer.RowOutcome
		reason  string
	}{
		{2, importer.RowAdded, ""},
		{3, importer.RowRejected, `room kind "broom closet" is unknown`},
		{4, importer.RowRejected, `school code "XYZ" not found`},
		{5, importer.RowRejected, "the school is empty"},
		{6, importer.RowRejected, "number and name are both empty"},
		{7, importer.RowRejected, "the same room as line 2"},
	}
	if len(rep.Rows) != len(want) {
		t.Fatalf("report has %d rows, want %d: %+v", len(rep.Rows), len(want), rep.Rows)
	}
	for i, w := range want {
		got := rep.Rows[i]
		if got.Line != w.line || got.Outcome != w.outcome || !strings.Contains(got.Reason, w.reason) {
			t.Errorf("row %d = %+v, want line %d %s %q", i, got, w.line, w.outcome, w.reason)
		}
	}
	var text strings.Builder
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "rooms-bad.csv:4: rejected") || !strings.Contains(text.String(), "nothing was saved") {
		t.Errorf("text report:\n%s", text.String())
	}
	// --partial imports the one good row.
	rep, err = importFile(t, s, "rooms-bad.csv", importer.ImportOptions{Partial: true})
	if err != nil || !rep.Applied || rep.Count(importer.RowAdded) != 1 {
		t.Fatalf("partial: %v %v", rep, err)
	}
}

func TestMalformedFilesNameFileAndLine(t *testing.T) {
	cases := map[string]string{
		"bad-quotes.csv":   "bad-quotes.csv: line 3",
		"latin1.csv":       "latin1.csv: line 2: the text is not UTF-8",
		"empty-header.csv": "neither a school name column",
	}
	for name, want := range cases {
		data := readTestdata(t, name)
		f, err := importer.ReadCSV(name, data)
		if err == nil {
			_, err = importer.DetectMapping(f.Header)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, want)
		}
	}
	if _, err := importer.ReadCSV("empty.csv", nil); err == nil || !strings.Contains(err.Error(), "empty.csv: the file is empty") {
		t.Errorf("empty file: %v", err)
	}
}

func TestMappingCanBeChanged(t *testing.T) {
	s, _ := openFixtureStore(t)
	f, _ := importer.ReadCSV("odd.csv", []byte("Campus,Boss\nHill School,Ana Souza\n"))
	if _, err := importer.DetectMapping(f.Header); err == nil {
		t.Fatal("an unrecognised header was mapped")
	}
	m := importer.ColumnMapping{Kind: importer.DirectorySchools, Columns: map[importer.Field]int{importer.FieldName: 0, importer.FieldPrincipal: 1}}
	if _, err := s.ImportDirectory(context.Background(), f, m, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sc, err := s.FindSchool(context.Background(), "hill school")
	if err != nil || sc.Principal != "Ana Souza" {
		t.Errorf("school = %+v (%v)", sc, err)
	}
	bad := importer.ColumnMapping{Kind: importer.DirectorySchools, Columns: map[importer.Field]int{importer.FieldName: 7}}
	if _, err := s.ImportDirectory(context.Background(), f, bad, importer.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "odd.csv") {
		t.Errorf("mapping to a missing column: %v", err)
	}
}

// roomsCSV makes a rooms file of n rooms of school LES.
func roomsCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("school code,room,kind,teacher\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "LES,%d,classroom,Teacher %d\n", i, i)
	}
	return []byte(b.String())
}

func TestTwoThousandRoomsImportInOneTransaction(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	if _, err := importFile(t, s, "schools.csv", importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	les, _ := s.FindSchool(ctx, "LES")
	f, err := importer.ReadCSV("big.csv", roomsCSV(2000))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := importer.DetectMapping(f.Header)
	// The database refuses the last room: the whole import must roll back.
	if _, err := s.w.Exec(`CREATE TRIGGER refuse_last BEFORE INSERT ON rooms WHEN NEW.number = '2000'
		BEGIN SELECT RAISE(ABORT, 'refused by test'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportDirectory(ctx, f, m, importer.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("err = %v, want the refused last row to fail the import", err)
	}
	if rooms, _ := s.Rooms(ctx, les.ID); len(rooms) != 0 {
		t.Fatalf("%d rooms saved after the last row failed, want 0", len(rooms))
	}
	if _, err := s.w.Exec("DROP TRIGGER refuse_last"); err != nil {
		t.Fatal(err)
	}
	rep, err := s.ImportDirectory(ctx, f, m, importer.ImportOptions{})
	if err != nil || rep.Count(importer.RowAdded) != 2000 {
		t.Fatalf("%v %v", rep, err)
	}
	if rooms, _ := s.Rooms(ctx, les.ID); len(rooms) != 2000 {
		t.Fatalf("%d rooms, want 2000", len(rooms))
	}
}
