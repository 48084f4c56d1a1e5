package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDistrictReportWritesPDF writes the district report of the demo
// district and reads it back with pdftotext.
func TestDistrictReportWritesPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (poppler-utils)")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	out := filepath.Join(dir, "district.pdf")
	code, stdout, errOut := runCLI("district", "report", "--db", db, "-o", out, "--paper", "letter")
	if code != 0 || strings.TrimSpace(stdout) != out {
		t.Fatalf("district report exit %d, printed %q: %s", code, stdout, errOut)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"District technology report", "Lincoln Elementary", "Roosevelt High School", "Washington Middle", "Trend by term", "Most common problems", "Coverage", "Fixes closed"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the district report lacks %q", want)
		}
	}
	info, err := exec.Command("pdfinfo", out).Output()
	if err == nil && !strings.Contains(string(info), "612 x 792") {
		t.Errorf("--paper letter gave %s", info)
	}
}

// TestDistrictReportRefusesBadOutputs: the database itself, a bad paper
// size and a folder that does not exist are refused, and nothing is left behind.
func TestDistrictReportRefusesBadOutputs(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	runCLI("demo", "--db", db)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", db}, "is the database"},
		{[]string{"-o", db + "-wal"}, "is the database"},
		{[]string{"-o", filepath.Join(dir, "d.pdf"), "--paper", "a3"}, `paper "a3"`},
		{[]string{"-o", filepath.Join(dir, "missing", "d.pdf")}, "missing"},
	} {
		code, _, errOut := runCLI(append([]string{"district", "report", "--db", db}, tc.args...)...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want a refusal saying %q", tc.args, code, errOut, tc.want)
		}
	}
	after, _ := os.ReadFile(db)
	if string(after) != string(before) {
		t.Error("the database changed")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".pdf") {
			t.Errorf("a refused report left %s behind", e.Name())
		}
	}
	if code, _, errOut := runCLI("district", "summary", "--db", db); code == 0 || !strings.Contains(errOut, "techwalk district report") {
		t.Errorf("an unknown district subcommand: exit %d, %q", code, errOut)
	}
}
