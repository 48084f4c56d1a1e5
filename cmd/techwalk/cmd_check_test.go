package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"techwalk/audit/sqlite"
)

// runCLIInput runs the CLI in-process with stdin text.
func runCLIInput(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = newCLI(strings.NewReader(stdin), &out, &errOut).Run(args)
	return code, out.String(), errOut.String()
}

// demoWithBackup makes a demo database, finishes one visit (which makes a
// visit-end backup) and returns its path and the private text it holds:
// teacher names and notes.
func demoWithBackup(t *testing.T) (string, []string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "data", "techwalk.db")
	if code, _, errOut := runCLIInput("", "demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	visits, err := s.Visits(ctx, sqlite.VisitFilter{})
	if err != nil || len(visits) == 0 {
		t.Fatalf("demo has no visits (%v)", err)
	}
	d, err := s.LoadVisit(ctx, visits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var private []string
	for _, r := range d.Rooms {
		if r.Teacher != "" {
			private = append(private, r.Teacher)
		}
	}
	for _, f := range d.Feedback {
		if f.Frustration != "" {
			private = append(private, f.Frustration)
		}
	}
	if _, err := s.FinishVisit(ctx, visits[0].ID); err != nil {
		t.Fatal(err)
	}
	if len(private) == 0 {
		t.Fatal("the demo has no teacher names to look for")
	}
	return db, private
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// spoil damages a database file in the middle, where its rows live.
func spoil(t *testing.T, path string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := bytes.Repeat([]byte{0xA5}, 64<<10)
	for off := int64(4096); off < info.Size(); off += 256 << 10 {
		f.WriteAt(junk, off)
	}
}

func TestCheckAndRestore(t *testing.T) {
	db, _ := demoWithBackup(t)
	code, out, errOut := runCLIInput("", "check", "--db", db)
	if code != 0 || !strings.Contains(out, "integrity ok") || !strings.Contains(out, "visit-end") {
		t.Fatalf("check on a healthy file: code %d\n%s%s", code, out, errOut)
	}
	backups, _ := sqlite.Backups(db)
	backup := backups[0]
	spoil(t, db)
	damaged := sum(t, db)
	if code, out, _ := runCLIInput("", "check", "--db", db); code != 1 || !strings.Contains(out, "DAMAGED") {
		t.Fatalf("check on a damaged file: code %d\n%s", code, out)
	}
	code, _, errOut = runCLIInput("no\n", "restore", filepath.Base(backup), "--db", db)
	if code != 1 || !strings.Contains(errOut, "nothing was changed") || sum(t, db) != damaged {
		t.Fatalf("answering no: code %d, %s", code, errOut)
	}
	code, out, errOut = runCLIInput("yes\n", "restore", "--db", db, backup)
	if code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: code %d\n%s%s", code, out, errOut)
	}
	if sum(t, db) != sum(t, backup) {
		t.Error("the database is not the backup after restoring")
	}
	if code, out, _ := runCLIInput("", "check", "--db", db); code != 0 || !strings.Contains(out, "before-restore") {
		t.Errorf("check after restore: code %d, want ok and the kept copy listed:\n%s", code, out)
	}
	if code, out, errOut := runCLIInput("", "schools", "--db", db); code != 0 || !strings.Contains(out, "SCHOOL") {
		t.Errorf("schools after restore: code %d %s", code, errOut)
	}
}

func TestRestoreRefusesABadBackupWithoutAsking(t *testing.T) {
	db, _ := demoWithBackup(t)
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, []byte("nope"), 0o600)
	before := sum(t, db)
	code, out, errOut := runCLIInput("yes\n", "restore", bad, "--db", db)
	if code != 1 || !strings.Contains(errOut, "nothing was changed") || strings.Contains(out, "Type yes") {
		t.Fatalf("restore of a bad file: code %d\n%s%s", code, out, errOut)
	}
	if sum(t, db) != before {
		t.Error("a refused restore changed the database")
	}
}

func TestErrorOutputHoldsNoTeacherText(t *testing.T) {
	db, private := demoWithBackup(t)
	spoil(t, db)
	runs := [][]string{
		{"schools", "--db", db}, {"visits", "--db", db}, {"check", "--db", db},
		{"restore", "--yes", "--db", db, db}, {"demo", "--db", db},
	}
	failures := 0
	for _, args := range runs {
		code, out, errOut := runCLIInput("", args...)
		if code != 0 {
			failures++
		}
		for _, p := range private {
			if strings.Contains(errOut, p) || (code != 0 && strings.Contains(out, p)) {
				t.Errorf("techwalk %s printed private text %q", args[0], p)
			}
		}
	}
	if failures < 3 {
		t.Errorf("only %d of %d commands failed on a damaged file; the test is not exercising errors", failures, len(runs))
	}
}
