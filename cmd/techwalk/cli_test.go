package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

func TestDemoThenSchoolsJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI("schools", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("schools exit %d: %s", code, errOut)
	}
	var rows []schoolRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("schools --json is not JSON: %v\n%s", err, out)
	}
	if len(rows) != 3 {
		t.Fatalf("%d schools listed, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Rooms < 7 || r.Score == nil || r.LastVisit == "" {
			t.Errorf("school row %+v lacks rooms, score or last visit", r)
		}
	}
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if mode, err := store.Setting(context.Background(), "missing", "x"); err != nil || mode != "x" {
		t.Fatal(err)
	}
	if sqlite3, err := exec.LookPath("sqlite3"); err == nil {
		out, err := exec.Command(sqlite3, db, "pragma journal_mode").Output()
		if err != nil || strings.TrimSpace(string(out)) != "wal" {
			t.Errorf("sqlite3 says journal_mode %q (%v), want wal", out, err)
		}
	}
	if code, _, errOut := runCLI("demo", "--db", db); code == 0 || !strings.Contains(errOut, "already holds 3 schools") {
		t.Errorf("demo on a full database: exit %d, %s", code, errOut)
	}
}

func TestVisitsFilterBySchool(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	runCLI("demo", "--db", db)
	code, out, errOut := runCLI("visits", "--db", db, "--school", "lincoln elementary school", "--json")
	if code != 0 {
		t.Fatalf("visits exit %d: %s", code, errOut)
	}
	var rows []visitRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].School != "Lincoln Elementary School" || rows[0].Started < rows[1].Started {
		t.Fatalf("visits = %+v, want Lincoln's two visits newest first", rows)
	}
	if code, _, errOut := runCLI("visits", "--db", db, "--school", "Hogwarts"); code == 0 || !strings.Contains(errOut, `no school named "Hogwarts"`) {
		t.Errorf("unknown school: exit %d, %s", code, errOut)
	}
}

func TestTemplateValidateAndImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	good := filepath.Join(dir, "good.json")
	def, err := sqlite.DefaultTemplate()
	if err != nil {
		t.Fatal(err)
	}
	def.ID, def.Version = "district-custom", "2.0"
	body, _ := json.Marshal(def)
	os.WriteFile(good, body, 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(body), `"severity":"critical"`, `"severity":"urgent"`, 1)), 0o600)

	if code, out, _ := runCLI("template", "validate", good); code != 0 || !strings.Contains(out, "is valid") {
		t.Errorf("validate good: %d %s", code, out)
	}
	code, _, errOut := runCLI("template", "validate", bad)
	if code == 0 || !strings.Contains(errOut, "bad.json") || !strings.Contains(errOut, `severity "urgent" is unknown`) {
		t.Errorf("validate bad: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI("template", "import", bad, "--db", db); code == 0 {
		t.Errorf("importing a bad template succeeded: %s", errOut)
	}
	if code, _, errOut := runCLI("template", "import", good, "--db", db); code != 0 {
		t.Fatalf("import good: %s", errOut)
	}
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Template(context.Background(), "district-custom", "2.0"); err != nil {
		t.Errorf("imported template not stored: %v", err)
	}
}

func TestDatabaseFromEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "env", "techwalk.db")
	t.Setenv(sqlite.EnvDB, db)
	if code, _, errOut := runCLI("template", "import", filepath.Join("..", "..", "assets", "templates", "k12-classroom.json")); code != 0 {
		t.Fatalf("template import: %s", errOut)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("TECHWALK_DB was not used: %v", err)
	}
	if code, _, errOut := runCLI("schools"); code != 0 {
		t.Fatalf("schools: %s", errOut)
	}
}

func TestUnknownCommandAndBadFlags(t *testing.T) {
	if code, _, errOut := runCLI("fly"); code != 2 || !strings.Contains(errOut, `unknown command "fly"`) {
		t.Errorf("unknown command: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI("schools", "--colour"); code == 0 || !strings.Contains(errOut, "colour") {
		t.Errorf("bad flag: exit %d, %s", code, errOut)
	}
}

func TestVisitsCarryTheirCoverage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	runCLI("demo", "--db", db)
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sc, err := store.FindSchool(ctx, "LES")
	if err != nil {
		t.Fatal(err)
	}
	last, _ := store.LatestVisit(ctx, sc.ID, true)
	rooms, _ := store.Rooms(ctx, sc.ID)
	// A walk with one OK answer: a partial walk, not a 100.
	v := audit.Visit{SchoolID: sc.ID, TemplateID: last.TemplateID, TemplateVersion: last.TemplateVersion, StartedAt: last.StartedAt.AddDate(0, 1, 0)}
	if err := store.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "disp-power", Value: audit.CheckOK}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, out, errOut := runCLI("visits", "--db", db, "--school", "LES", "--json")
	var rows []visitRow
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil {
		t.Fatalf("visits exit %d: %v %s", code, err, errOut)
	}
	if len(rows) != 3 || rows[0].ID != v.ID || !rows[0].PartialWalk || rows[0].Coverage != 0 || rows[0].RoomsReady != 0 {
		t.Errorf("the one-answer walk = %+v, want a partial walk at 0%% with no room ready", rows[0])
	}
	for _, r := range rows[1:] {
		if r.PartialWalk || r.Coverage < 80 {
			t.Errorf("demo visit %+v is a partial walk", r)
		}
	}
	code, out, _ = runCLI("visits", "--db", db, "--school", "LES")
	if code != 0 || !strings.Contains(out, "COVERAGE") || !strings.Contains(out, "0% partial walk") {
		t.Errorf("visits table:\n%s", out)
	}
}
