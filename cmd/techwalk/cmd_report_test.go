package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportWritesPDFAndPrintsItsPath(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	out := filepath.Join(dir, "lincoln.pdf")
	code, stdout, errOut := runCLI("report", "--db", db, "--visit", "latest", "--school", "LES", "-o", out, "--paper", "letter")
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	if strings.TrimSpace(stdout) != out {
		t.Errorf("report printed %q; want the path %q", stdout, out)
	}
	data, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data, []byte("%%EOF")) {
		t.Fatalf("%s is not a complete PDF (%d bytes, %v)", out, len(data), err)
	}
}

func TestReportFailureLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	runCLI("demo", "--db", db)
	out := filepath.Join(dir, "bad.pdf")
	code, _, errOut := runCLI("report", "--db", db, "-o", out, "--paper", "a3")
	if code == 0 || !strings.Contains(errOut, `paper "a3"`) {
		t.Fatalf("report with paper a3: exit %d, %s", code, errOut)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".pdf") {
			t.Errorf("a failed report left %s behind", e.Name())
		}
	}
	if code, _, errOut := runCLI("report", "--db", db, "--school", "Nowhere High"); code == 0 || !strings.Contains(errOut, "Nowhere High") {
		t.Errorf("unknown school: exit %d, %s", code, errOut)
	}
}
