package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

func TestBundleCommandsMoveASchoolToAnotherDevice(t *testing.T) {
	dir := t.TempDir()
	demo, other := filepath.Join(dir, "demo.db"), filepath.Join(dir, "other.db")
	if code, _, errOut := runCLI("demo", "--db", demo); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	file := filepath.Join(dir, "les.twbundle")
	code, out, errOut := runCLI("bundle", "export", "--db", demo, "--school", "LES", "-o", file)
	if code != 0 || !strings.Contains(out, "2 visits") {
		t.Fatalf("export exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI("bundle", "import", "--db", other, file, "--dry-run"); code != 0 || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run exit %d: %s%s", code, out, errOut)
	}
	if _, out, _ := runCLI("visits", "--db", other); strings.Contains(out, "Lincoln") {
		t.Fatalf("the dry run saved visits:\n%s", out)
	}
	code, out, errOut = runCLI("bundle", "import", "--db", other, file)
	if code != 0 || !strings.Contains(out, "conflicts 0") || strings.Contains(out, "added 0,") {
		t.Fatalf("import exit %d: %s%s", code, out, errOut)
	}
	if _, out, _ := runCLI("bundle", "import", "--db", other, file); !strings.Contains(out, "imported before; nothing changed") {
		t.Fatalf("re-import printed:\n%s", out)
	}
	_, want, _ := runCLI("export", "--db", demo, "--format", "json", "--school", "LES")
	_, got, _ := runCLI("export", "--db", other, "--format", "json", "--school", "LES")
	if want == "" || got != want {
		t.Fatalf("the school's JSON export differs after the move:\n%.400s\n---\n%.400s", want, got)
	}
}

func TestBundleCommandsRefuseTheDatabaseAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	before, _ := os.ReadFile(db)
	for _, target := range []string{db, db + "-wal"} {
		if code, _, errOut := runCLI("bundle", "export", "--db", db, "-o", target); code == 0 || !strings.Contains(errOut, "is the database") {
			t.Errorf("export onto %s: exit %d, %s", filepath.Base(target), code, errOut)
		}
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Fatal("exporting onto the database changed it")
	}
	if code, _, errOut := runCLI("bundle", "import", "--db", db, db); code == 0 || !strings.Contains(errOut, "is the database") {
		t.Errorf("importing the database itself: exit %d, %s", code, errOut)
	}
	good := filepath.Join(dir, "all.twbundle")
	if code, _, errOut := runCLI("bundle", "export", "--db", db, "--all", "-o", good); code != 0 {
		t.Fatalf("export exit %d: %s", code, errOut)
	}
	data, _ := os.ReadFile(good)
	bad := filepath.Join(dir, "bad.twbundle")
	os.WriteFile(bad, data[:len(data)-10], 0o600)
	code, _, errOut := runCLI("bundle", "import", "--db", filepath.Join(dir, "fresh.db"), bad)
	if code != 1 || !strings.Contains(errOut, "bad.twbundle") || !strings.Contains(errOut, "nothing was imported") {
		t.Errorf("a truncated bundle: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI("bundle", "export", "--db", db, "--since", "yesterday", "-o", good); code == 0 || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("a bad --since: exit %d, %s", code, errOut)
	}
}

func TestRowCountsSayOneInTheSingular(t *testing.T) {
	got := rowCounts(map[string]int{"templates": 1, "visit_rooms": 31, "feedback": 1, "answers": 0})
	if want := "1 feedback, 1 template, 31 visit rooms"; got != want {
		t.Errorf("rowCounts = %q, want %q", got, want)
	}
}

// TestConflictsAreNamedByPlace: a conflict a bundle import lists names
// the school, the visit's day and the room's number, and falls back to
// ids for what the database does not hold (as after a dry run).
func TestConflictsAreNamedByPlace(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	store, err := openExisting(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	visits, err := store.Visits(ctx, sqlite.VisitFilter{})
	if err != nil || len(visits) == 0 {
		t.Fatalf("demo visits %d, %v", len(visits), err)
	}
	v := visits[0]
	school, err := store.School(ctx, v.SchoolID)
	if err != nil {
		t.Fatal(err)
	}
	rooms, err := store.Rooms(ctx, v.SchoolID)
	if err != nil || len(rooms) == 0 {
		t.Fatalf("rooms %d, %v", len(rooms), err)
	}
	got := conflictPlace(ctx, store, audit.Conflict{VisitID: v.ID, RoomID: rooms[0].ID})
	if want := school.Name + ", the visit of " + v.StartedAt.Format("2 January 2006") + ", room " + rooms[0].Number; got != want {
		t.Errorf("conflictPlace = %q, want %q", got, want)
	}
	if got := conflictPlace(ctx, store, audit.Conflict{VisitID: "v-elsewhere", RoomID: "r-elsewhere"}); got != "visit v-elsewhere, room r-elsewhere" {
		t.Errorf("a conflict on rows the database lacks reads %q", got)
	}
}
