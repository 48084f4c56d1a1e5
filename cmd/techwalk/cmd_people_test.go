package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"techwalk/audit/sqlite"
)

func TestPeopleCommandRecordsWhoWalkedAndTheReportPrintsIt(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI("people", "--db", db, "--school", "LES", "--walked-by", "Jordan Lee; Sam Ortiz", "--present", "Principal Reyes, two teachers")
	if code != 0 {
		t.Fatalf("people exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Walked by:    Jordan Lee; Sam Ortiz") || !strings.Contains(out, "Also present: Principal Reyes, two teachers") {
		t.Errorf("people printed:\n%s", out)
	}
	if code, out, _ := runCLI("people", "--db", db, "--school", "LES", "--present", ""); code != 0 || !strings.Contains(out, "Also present: -") ||
		!strings.Contains(out, "Walked by:    Jordan Lee; Sam Ortiz") {
		t.Errorf("clearing the people present: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI("people", "--db", db, "--visit", "no-such-visit", "--walked-by", "X"); code == 0 || !strings.Contains(errOut, "no-such-visit") {
		t.Errorf("unknown visit: exit %d, %s", code, errOut)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed")
	}
	pdf := filepath.Join(dir, "les.pdf")
	if code, _, errOut := runCLI("report", "--db", db, "--school", "LES", "-o", pdf); code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if flat := strings.Join(strings.Fields(string(text)), " "); !strings.Contains(flat, "Walked by Jordan Lee; Sam Ortiz") || !strings.Contains(flat, "Also present not recorded") {
		t.Errorf("report cover does not carry the people recorded with the CLI:\n%.600s", flat)
	}
}

func TestReportWarnsAboutCharactersNoFontHas(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sc, err := s.FindSchool(ctx, "LES")
	if err == nil {
		sc.Name = "Lincoln \U0010FFFD\U0010FFFD Elementary School"
		err = s.SaveSchool(ctx, &sc)
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("report", "--db", db, "--school", "LES", "-o", filepath.Join(dir, "les.pdf"))
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	if n := strings.Count(errOut, "had no glyph"); n != 1 || !strings.Contains(errOut, "U+10FFFD") {
		t.Errorf("report printed %d missing-glyph warnings; want one naming U+10FFFD:\n%s", n, errOut)
	}
}
