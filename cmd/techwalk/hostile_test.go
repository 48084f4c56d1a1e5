package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// hostileName is a school name that retitles and clears a terminal and
// turns the rest of the line around, as a hostile CSV could store it.
const hostileName = "\x1b]0;PWNED\x07\x1b[2JEvil\u202egnp.exe\u009b31m"

// hostileDB is a demo district whose Roosevelt High School carries
// hostileName, with one more visit whose id shares the first eight
// characters of another's (so a prefix of them is ambiguous), and a note
// at Lincoln naming, in spellings that used to slip through, teachers of
// the other schools. The rows are written with SQL, as an older version
// or another device could have.
func hostileDB(t *testing.T) (db string, visits []audit.Visit, twin string) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "hostile.db")
	if code, _, errOut := runCLI("demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	visits, err = store.Visits(ctx, sqlite.VisitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	les, err := store.FindSchool(ctx, "LES")
	if err != nil {
		t.Fatal(err)
	}
	findings, err := store.Findings(ctx, audit.FindingFilter{SchoolID: les.ID, Severity: audit.Critical})
	if err != nil || len(findings) == 0 {
		t.Fatalf("no critical finding at Lincoln: %v", err)
	}
	store.Close()
	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	twin = visits[0].ID[:8] + "-0000-4000-8000-000000000000"
	note := "PRIYA RAMAN saw it; priya's cart; Mary O’Connor too; " + norm.NFD.String("Tomás") + " agreed"
	for _, stmt := range []struct {
		q    string
		args []any
	}{
		{"UPDATE schools SET name = ? WHERE code = 'RHS'", []any{hostileName}},
		{"CREATE TEMP TABLE twin AS SELECT * FROM visits WHERE id = ?", []any{visits[0].ID}},
		{"UPDATE twin SET id = ?", []any{twin}},
		{"INSERT INTO visits SELECT * FROM twin", nil},
	} {
		if _, err := sqldb.Exec(stmt.q, stmt.args...); err != nil {
			t.Fatalf("%s: %v", stmt.q, err)
		}
	}
	// Every sighting of a Lincoln critical fault gets the note: an export
	// carries each fault once, as its newest sighting.
	for _, f := range findings {
		if _, err := sqldb.Exec("UPDATE answers SET note = ? WHERE id = ?", note, f.ID); err != nil {
			t.Fatal(err)
		}
	}
	return db, visits, twin
}

// cliCase is one run of the binary and what it must do.
type cliCase struct {
	name    string
	args    []string
	env     []string
	code    int
	out     []string // each printed on standard output
	err     []string // each printed on standard error
	notOut  []string
	quiet   bool     // nothing on standard error
	files   []string // must exist afterwards
	noFiles []string // must not exist afterwards
}

// TestHostileAndClumsyCommandLines runs the real binary over the cases of
// terminal safety, flags and privacy: each asserts the exit code, what is
// printed, and that the database file is unchanged.
func TestHostileAndClumsyCommandLines(t *testing.T) {
	bin := buildBinary(t)
	db, visits, twin := hostileDB(t)
	dir := t.TempDir()
	odd := filepath.Join(t.TempDir(), "odd\xffname")
	if err := os.Mkdir(odd, 0o700); err != nil {
		t.Fatal(err)
	}
	oddDB := filepath.Join(odd, "t.db")
	copyFile(t, db, oddDB)
	unique := uniquePrefix(visits, twin)
	newYork, tzErr := time.LoadLocation("America/New_York")

	cases := []cliCase{
		{name: "schools escapes a hostile name", args: []string{"schools"}, code: 0,
			out: []string{`\x1b]0;PWNED\x07\x1b[2JEvil\u202egnp.exe\u009b31m`}, quiet: true},
		{name: "visits escapes a hostile name", args: []string{"visits"}, code: 0,
			out: []string{`\x1b]0;PWNED\x07`}, quiet: true},
		{name: "schools --json stays JSON", args: []string{"schools", "--json"}, code: 0,
			out: []string{`\u001b]0;PWNED\u0007`, `\u202e`}, quiet: true},
		{name: "check never prints bytes that are not UTF-8", args: []string{"check", "--db", oddDB}, code: 0,
			out: []string{`odd\xffname`, "integrity ok"}, quiet: true},
		{name: "an error quoting a hostile file name", args: []string{"import", "schools", filepath.Join(dir, "\x1b[2J\x1b]0;x\x07.csv")}, code: 1,
			err: []string{`\x1b[2J\x1b]0;x\x07.csv: no such file`}},
		{name: "an export summary with a hostile file name", args: []string{"export", "--keep-status", "-o", filepath.Join(dir, "\x1b[2Jout.csv")}, code: 0,
			out: []string{`wrote ` + filepath.Join(dir, `\x1b[2Jout.csv`)}, files: []string{filepath.Join(dir, "\x1b[2Jout.csv")}, quiet: true},
		{name: "report -h", args: []string{"report", "-h"}, code: 0, out: []string{"Usage: techwalk report", "-visit"}, quiet: true},
		{name: "export -h", args: []string{"export", "-h"}, code: 0, out: []string{"Usage: techwalk export", "-category"}, quiet: true},
		{name: "import -h", args: []string{"import", "-h"}, code: 0, out: []string{"techwalk import schools|tickets"}, quiet: true},
		{name: "import schools --help", args: []string{"import", "schools", "--help"}, code: 0, out: []string{"Usage: techwalk import schools", "-partial"}, quiet: true},
		{name: "template -h", args: []string{"template", "-h"}, code: 0, out: []string{"techwalk template validate"}, quiet: true},
		{name: "restore -h", args: []string{"restore", "-h"}, code: 0, out: []string{"Usage: techwalk restore", "-yes"}, quiet: true},
		{name: "visits --help", args: []string{"visits", "--help"}, code: 0, out: []string{"Usage: techwalk visits", "-school"}, quiet: true},
		{name: "techwalk --help", args: []string{"--help"}, code: 0, out: []string{"Usage: techwalk [COMMAND]", "export"},
			notOut: []string{"Usage of techwalk gui"}, quiet: true},
		{name: "a bad flag still fails", args: []string{"export", "--colour", "red"}, code: 1, err: []string{"flag provided but not defined: -colour"}},
		{name: "visits --school lincoln suggests", args: []string{"visits", "--school", "lincoln"}, code: 1,
			err: []string{`no school named "lincoln"; did you mean "Lincoln Elementary School"?`}},
		{name: "report --school misspelt suggests", args: []string{"report", "--school", "Washingtn Middle School"}, code: 1,
			err: []string{`did you mean "Washington Middle School"?`}},
		{name: "export --category wifi", args: []string{"export", "--category", "wifi", "-o", filepath.Join(dir, "c.csv")}, code: 1,
			err:     []string{`--category: "wifi" is not a checklist category (did you mean "Wi-Fi"?); use one of:`, "Display"},
			noFiles: []string{filepath.Join(dir, "c.csv")}},
		{name: "export --visit nope", args: []string{"export", "--visit", "nope"}, code: 1,
			err: []string{`--visit: no visit has an id starting "nope"`, "the newest are"}, notOut: []string{"id,"}},
		{name: "export matching no finding", args: []string{"export", "--since", "2099-01-01", "-o", filepath.Join(dir, "none.csv")}, code: 1,
			err: []string{`no findings matched --since "2099-01-01"; nothing was written`}, noFiles: []string{filepath.Join(dir, "none.csv")}},
		{name: "-o jira.out is written there", args: []string{"export", "--keep-status", "--format", "jira", "-o", filepath.Join(dir, "jira.out")}, code: 0,
			out: []string{"wrote " + filepath.Join(dir, "jira.out")}, files: []string{filepath.Join(dir, "jira.out")},
			noFiles: []string{filepath.Join(dir, "jira.out.csv")}, quiet: true},
		{name: "an ambiguous visit prefix names both", args: []string{"report", "--visit", twin[:8], "-o", filepath.Join(dir, "r.pdf")}, code: 1,
			err: []string{"starts the ids of 2 visits", visits[0].ID, twin}, noFiles: []string{filepath.Join(dir, "r.pdf")}},
		{name: "a unique visit prefix", args: []string{"report", "--visit", unique.prefix, "-o", filepath.Join(dir, "u.pdf")}, code: 0,
			files: []string{filepath.Join(dir, "u.pdf")}, quiet: true},
		{name: "visits shows short ids", args: []string{"visits"}, code: 0, out: []string{unique.short + "  "}, notOut: []string{unique.id}, quiet: true},
		{name: "visits --json keeps full ids", args: []string{"visits", "--json"}, code: 0, out: []string{`"id": "` + unique.id + `"`}, quiet: true},
		{name: "LANG=C.UTF-8 is quiet", args: []string{"schools"}, env: []string{"LANG=C.UTF-8", "LC_ALL="}, code: 0, quiet: true},
		{name: "LC_ALL=C is quiet", args: []string{"visits"}, env: []string{"LC_ALL=C"}, code: 0, quiet: true},
		{name: "a locale with a modifier is quiet", args: []string{"schools"}, env: []string{"LANG=de_DE@euro", "LC_ALL="}, code: 0, quiet: true},
		{name: "anonymised filtered JSON export names no teacher of the district",
			args: []string{"export", "--keep-status", "--format", "json", "--school", "LES", "--severity", "critical"}, code: 0,
			out: []string{"[name] saw it; [name]'s cart; [name] too; [name] agreed"}, quiet: true},
	}
	if tzErr == nil {
		local := visits[0].StartedAt.In(newYork).Format("2006-01-02 15:04")
		cases = append(cases, cliCase{name: "visits in local time", args: []string{"visits"}, env: []string{"TZ=America/New_York"}, code: 0,
			out: []string{local}, notOut: []string{"Z "}, quiet: true})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := db
			if !containsArg(c.args, "--db") {
				c.args = append(c.args, "--db", db)
			} else {
				target = oddDB
			}
			before := sum(t, target)
			cmd := exec.Command(bin, c.args...)
			cmd.Env = append(os.Environ(), c.env...)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			o, e := out.String(), errOut.String()
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, o, e)
			}
			for _, w := range c.out {
				if !strings.Contains(o, w) {
					t.Errorf("stdout lacks %q:\n%s", w, o)
				}
			}
			for _, w := range c.err {
				if !strings.Contains(e, w) {
					t.Errorf("stderr lacks %q:\n%s", w, e)
				}
			}
			for _, w := range c.notOut {
				if strings.Contains(o, w) {
					t.Errorf("stdout holds %q:\n%s", w, o)
				}
			}
			if c.quiet && e != "" {
				t.Errorf("stderr is not empty:\n%s", e)
			}
			for _, raw := range []string{"\x1b", "\x07", "\u202e", "\u009b", "\xff"} {
				if strings.Contains(o, raw) || strings.Contains(e, raw) {
					t.Errorf("printed the raw character %q", raw)
				}
			}
			for _, f := range c.files {
				if _, err := os.Stat(f); err != nil {
					t.Errorf("%s was not written: %v", f, err)
				}
			}
			for _, f := range c.noFiles {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s was written", f)
				}
			}
			if sum(t, target) != before {
				t.Error("the database file changed")
			}
			if strings.Contains(c.name, "teacher") {
				checkNoTeacherNamed(t, db, o)
			}
		})
	}
}

// checkNoTeacherNamed fails when out names any teacher of the database.
func checkNoTeacherNamed(t *testing.T, db, out string) {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("not a JSON list of findings: %v", err)
	}
	store, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	names, err := store.TeacherNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ToLower(norm.NFC.String(strings.ReplaceAll(out, "’", "'")))
	for _, n := range names {
		if strings.Contains(text, strings.ToLower(n)) {
			t.Errorf("the export names %q", n)
		}
	}
	for _, part := range []string{"priya", "raman", "o'connor", "tomás"} {
		if strings.Contains(text, part) {
			t.Errorf("the export names %q", part)
		}
	}
}

type visitPrefix struct{ id, prefix, short string }

// uniquePrefix picks a visit whose first six characters no other visit
// shares, and the eight characters visits prints for it.
func uniquePrefix(visits []audit.Visit, twin string) visitPrefix {
	ids := []string{twin}
	for _, v := range visits {
		ids = append(ids, v.ID)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := 0
		for _, other := range ids {
			if strings.HasPrefix(other, id[:6]) {
				n++
			}
		}
		if n == 1 {
			return visitPrefix{id: id, prefix: id[:6], short: id[:8]}
		}
	}
	return visitPrefix{id: visits[1].ID, prefix: visits[1].ID, short: visits[1].ID[:8]}
}

func containsArg(args []string, flag string) bool {
	for _, a := range args {
		if a == flag {
			return true
		}
	}
	return false
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
