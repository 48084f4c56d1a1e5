package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// inputCase is one outside input given to the real binary: what it runs,
// the exit code and the words its output must hold, and whether the
// database file must be byte-identical afterwards.
type inputCase struct {
	name string
	args []string
	code int
	want []string
	same bool // the database file's hash is unchanged
}

// TestOutsideInputsThroughTheRealBinary runs every refused (and every
// rescued) input of the template, school and ticket imports through the
// built binary: the message names the file, line and field, the exit code
// is right, nothing blocks, and a refusal leaves the database file as it was.
func TestOutsideInputsThroughTheRealBinary(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "district.db")
	if code, _, stderr := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	addSchoolNamedLikeAnother(t, db)
	files := inputFiles(t, dir, db)
	cases := []inputCase{
		{"template: /dev/zero", []string{"template", "validate", "/dev/zero"}, 1, []string{"/dev/zero: not a regular file (a device)"}, true},
		{"template: FIFO", []string{"template", "import", files["fifo"], "--db", db}, 1, []string{"pipe.json: not a regular file (a named pipe)"}, true},
		{"template: 3 GB sparse file", []string{"template", "import", files["sparse.json"], "--db", db}, 1, []string{"sparse.json: the file is too large: the limit is 2 MB"}, true},
		{"template: invalid UTF-8", []string{"template", "import", files["invalid-utf8.json"], "--db", db}, 1, []string{"invalid-utf8.json:13:27: byte 0xff is not UTF-8 text"}, true},
		{"template: duplicate key", []string{"template", "import", files["duplicate-keys.json"], "--db", db}, 1,
			[]string{`duplicate-keys.json:16:11: section "net", item 1 ("wifi"): "severity" is given twice (first on line 15)`}, true},
		{"template: unknown field", []string{"template", "import", files["unknown-field.json"], "--db", db}, 1,
			[]string{`unknown-field.json:16:11: section "net", item 1 ("wifi"): unknown field "colour"`}, true},
		{"template: +50 dBm and -5 ms", []string{"template", "import", files["wifi-out-of-range.json"], "--db", db}, 1,
			[]string{`wifi-out-of-range.json:17:31: section "net", item 1 ("wifi"): min_signal_dbm 50 is out of range`,
				`wifi-out-of-range.json:18:31: section "net", item 1 ("wifi"): max_latency_ms -5 is out of range`}, true},
		{"template: every problem at once", []string{"template", "validate", files["many-kinds-of-problem.json"]}, 1,
			[]string{`many-kinds-of-problem.json:5:3: unknown field "colour"`, `many-kinds-of-problem.json:13:106: section "a", item 3 ("n"): unknown field "Unit"`}, true},
		{"template: byte-order mark", []string{"template", "validate", files["bom.json"]}, 0, []string{"bom.json: template \"Seed\" (seed) version 1 is valid"}, true},
		{"schools: /dev/zero", []string{"import", "schools", "/dev/zero", "--db", db}, 1, []string{"/dev/zero: not a regular file"}, true},
		{"schools: FIFO", []string{"import", "schools", files["fifo"], "--db", db}, 1, []string{"pipe.json: not a regular file"}, true},
		{"schools: 3 GB sparse file", []string{"import", "schools", files["sparse.json"], "--db", db}, 1, []string{"sparse.json: the file is too large: the limit is 64 MB"}, true},
		{"schools: CR-only lines", []string{"import", "schools", files["schools-cr-only.csv"], "--dry-run", "--db", db}, 0,
			[]string{"schools-cr-only.csv:2: unchanged school", "schools-cr-only.csv:3: updated school", "1 updated, 1 unchanged, 0 rejected"}, true},
		{"schools: two columns for one field", []string{"import", "schools", files["schools-duplicate-columns.csv"], "--db", db}, 1,
			[]string{`schools-duplicate-columns.csv: line 1: columns 1 "Name" and 3 "name" both give the name`}, true},
		{"schools: escape sequence", []string{"import", "schools", files["schools-control-chars.csv"], "--db", db}, 1,
			[]string{`schools-control-chars.csv: line 2: column "name": contains the control character U+001B`}, true},
		{"schools: header only", []string{"import", "schools", files["schools-header-only.csv"], "--db", db}, 1,
			[]string{"schools-header-only.csv: line 1: the file has a header but no rows"}, true},
		{"rooms: school name shared by two schools", []string{"import", "schools", files["rooms-ambiguous-school.csv"], "--db", db}, 1,
			[]string{`rooms-ambiguous-school.csv: line 2: column "school": school name "Lincoln Elementary School" is ambiguous`, "(LES) and", "(LES2)"}, true},
		{"tickets: /dev/zero", []string{"import", "tickets", "/dev/zero", "--db", db}, 1, []string{"/dev/zero: not a regular file"}, true},
		{"tickets: none of this database", []string{"import", "tickets", files["other-db.csv"], "--db", db}, 1,
			[]string{"other-db.csv: none of its 2 ticket(s) carries the TechWalk id of a finding in this database"}, true},
		{"tickets: Azure DevOps round trip", []string{"import", "tickets", files["azure-roundtrip.csv"], "--db", db}, 0,
			[]string{fmt.Sprintf("%s matched, 0 unchanged, 0 unknown, 0 rejected", files["azure-rows"])}, false},
		{"tickets: note quoting another id, Won't Do", []string{"import", "tickets", files["jira-wont-do.csv"], "--db", db}, 0,
			// the ticket reaches every sighting of its fault, on every visit
			[]string{`jira-wont-do.csv:2: matched ticket "IT-1": `, `finding(s) won't fix`}, false},
	}
	for _, c := range cases {
		before := sum(t, db)
		code, stdout, stderr := runBinary(t, bin, c.args...)
		out := stderr + stdout
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s", c.name, code, c.code, out)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output does not hold %q:\n%s", c.name, w, out)
			}
		}
		if c.same && sum(t, db) != before {
			t.Errorf("%s: the database file changed", c.name)
		}
	}
	code, stdout, _ := runBinary(t, bin, "export", "--format", "csv", "--status", "won't fix", "--db", db)
	if rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll(); code != 0 || err != nil || len(rows) != 2 {
		t.Errorf("export of the won't-fix findings: exit %d, %d rows (%v), want 1\n%s", code, len(rows)-1, err, stdout)
	}
}

// runBinary runs the built binary with a deadline (nothing may block) and
// returns its exit code, standard output and standard error.
func runBinary(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v did not finish within 60 s", args)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// addSchoolNamedLikeAnother adds a second "Lincoln Elementary School"
// (code LES2), as a district with two campuses of one name has.
func addSchoolNamedLikeAnother(t *testing.T, db string) {
	t.Helper()
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveSchool(context.Background(), &audit.School{Name: "Lincoln Elementary School", Code: "LES2"}); err != nil {
		t.Fatal(err)
	}
}

// inputFiles writes the case files into dir and returns their paths by
// name (and "azure-rows", the number of rows of the Azure round trip).
func inputFiles(t *testing.T, dir, db string) map[string]string {
	t.Helper()
	files := map[string]string{}
	copyFrom := func(src string, names ...string) {
		for _, n := range names {
			data, err := os.ReadFile(filepath.Join(src, n))
			if err != nil {
				t.Fatal(err)
			}
			files[n] = writeFile(t, dir, n, data)
		}
	}
	copyFrom(filepath.Join("..", "..", "audit", "testdata", "templates"),
		"invalid-utf8.json", "duplicate-keys.json", "unknown-field.json", "wifi-out-of-range.json", "many-kinds-of-problem.json", "bom.json")
	copyFrom(filepath.Join("..", "..", "audit", "sqlite", "testdata", "import"),
		"schools-duplicate-columns.csv", "schools-control-chars.csv", "schools-header-only.csv")
	files["schools-cr-only.csv"] = writeFile(t, dir, "schools-cr-only.csv",
		[]byte("School Name,School Code,Principal\rLincoln Elementary School,LES,Dr. Angela Reyes\rWashington Middle School,WMS,Ms. New Principal\r"))
	files["rooms-ambiguous-school.csv"] = writeFile(t, dir, "rooms-ambiguous-school.csv", []byte("school,room\nLincoln Elementary School,999\n"))
	files["other-db.csv"] = writeFile(t, dir, "other-db.csv",
		[]byte("Issue key,Status,External ID\nIT-1,Done,0b8a3c1e-5f7d-4c2a-9e6b-1d2f3a4b5c6d\nIT-2,Done,\n"))
	files["fifo"] = filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(files["fifo"], 0o600); err != nil {
		t.Fatal(err)
	}
	files["sparse.json"] = writeFile(t, dir, "sparse.json", nil)
	if err := os.Truncate(files["sparse.json"], 3<<30); err != nil {
		t.Fatal(err)
	}
	azure, rows := azureRoundTrip(t, db)
	files["azure-roundtrip.csv"], files["azure-rows"] = writeFile(t, dir, "azure-roundtrip.csv", azure), fmt.Sprint(rows)
	files["jira-wont-do.csv"] = writeFile(t, dir, "jira-wont-do.csv", jiraWontDo(t, db))
	return files
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// azureRoundTrip exports the critical findings for Azure DevOps and makes
// of it what Azure's own CSV export gives back: an ID and a State column
// before the columns our export wrote (the description as it was).
func azureRoundTrip(t *testing.T, db string) ([]byte, int) {
	t.Helper()
	code, out, stderr := runCLI("export", "--format", "azure", "--severity", "critical", "--db", db)
	if code != 0 {
		t.Fatal(stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("azure export: %v %q", err, out)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for i, r := range rows {
		id, state := fmt.Sprint(4000+i), "Active"
		if i == 0 {
			id, state = "ID", "State"
		}
		w.Write(append([]string{id, state}, r...))
	}
	w.Flush()
	return b.Bytes(), len(rows) - 1
}

// jiraWontDo is a Jira export of one ticket closed as Won't Do, whose
// description first quotes another finding's id.
func jiraWontDo(t *testing.T, db string) []byte {
	t.Helper()
	code, out, stderr := runCLI("export", "--format", "jira", "--severity", "high", "--db", db)
	if code != 0 {
		t.Fatal(stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 3 {
		t.Fatalf("jira export: %v %q", err, out)
	}
	id, other := rows[1][len(rows[1])-1], rows[2][len(rows[2])-1]
	return []byte("Issue key,Status,Resolution,Description,Custom field (External ID)\n" +
		"IT-1,Done,Won't Do,\"Note: same cause as TechWalk ID: " + other + "\nTechWalk ID: " + other + "\"," + id + "\n")
}
