package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"techwalk/audit/sqlite"
)

func TestExportAndImportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, stderr := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	code, stdout, stderr := runCLI("export", "--format", "servicenow", "--severity", "critical", "--keep-status", "--db", db)
	if code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "short_description" {
		t.Fatalf("export to stdout: %v %q", err, stdout)
	}
	out := filepath.Join(dir, "sn.csv")
	if code, _, stderr := runCLI("export", "--format", "servicenow", "--severity", "critical", "-o", out, "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	if data, _ := os.ReadFile(out); string(data) != stdout {
		t.Error("-o wrote different bytes from standard output")
	}
	// That export recorded its findings as in backlog: exporting again creates nothing twice.
	if code, again, stderr := runCLI("export", "--format", "servicenow", "--severity", "critical", "--db", db); code != 1 || again != "" ||
		!strings.Contains(stderr, "already in a backlog") {
		t.Errorf("second export: exit %d, want 1, nothing written and a message that all is already in a backlog:\n%s%s", code, again, stderr)
	}
	if code, all, _ := runCLI("export", "--format", "servicenow", "--severity", "critical", "--all", "--db", db); code != 0 || !strings.Contains(all, rows[1][7]) {
		t.Errorf("--all: exit %d, lacks %s", code, rows[1][7])
	}
	// Close the loop: every exported row comes back as a ServiceNow ticket.
	var tickets strings.Builder
	tickets.WriteString("number,state,correlation_id\n")
	for i, row := range rows[1:] {
		fmt.Fprintf(&tickets, "INC%07d,2,%s\n", i+1, row[7])
	}
	ticketFile := filepath.Join(dir, "tickets.csv")
	if err := os.WriteFile(ticketFile, []byte(tickets.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI("import", "tickets", ticketFile, "--db", db)
	if code != 0 || !strings.Contains(stdout, "0 unknown, 0 rejected") {
		t.Fatalf("import tickets: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI("export", "--format", "csv", "--status", "in backlog", "--severity", "critical", "--db", db)
	if got := strings.Count(stdout, "\n") - 1; code != 0 || got != len(rows)-1 {
		t.Errorf("%d findings in backlog after the import, want %d", got, len(rows)-1)
	}
}

func TestCommandErrorsNameFlagFileAndLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	bad := filepath.Join(dir, "schools.csv")
	os.WriteFile(bad, []byte("name,code\nLincoln,LES\n,EMPTY\n"), 0o600)
	store, err := sqlite.Open(db) // export reads an existing database; it never makes one
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", "pdf", "--db", db}, `--format: export format "pdf" is unknown`},
		{[]string{"export", "--since", "last week", "--db", db}, "--since"},
		{[]string{"import", "schools", bad, "--db", db}, "schools.csv: line 3: column \"name\": the school name is empty"},
		{[]string{"import", "tickets", filepath.Join(dir, "missing.csv"), "--db", db}, "missing.csv"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(c.args...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want it to mention %q", c.args, code, stderr, c.want)
		}
	}
	if code, stdout, _ := runCLI("import", "schools", bad, "--partial", "--db", db); code != 0 || !strings.Contains(stdout, "1 added") {
		t.Errorf("--partial after the file: exit %d\n%s", code, stdout)
	}
}
