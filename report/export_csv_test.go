package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// csvReference is how CSV exports were written before appendRecord: each
// cell through SafeCell, then encoding/csv.
func csvReference(t testing.TB, rec []string) string {
	t.Helper()
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	safe := make([]string, len(rec))
	for i, c := range rec {
		safe[i] = SafeCell(c)
	}
	if err := cw.Write(safe); err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	return buf.String()
}

func TestAppendRecordMatchesEncodingCSV(t *testing.T) {
	cells := []string{"", "plain", " lead", "\tTab", "\rcr", "=1+2", "+1", "-1", "@sum", "a,b", `say "hi"`, "two\nlines",
		"cr\r\nlf", `\.`, `'\.`, "=a,\"b\"\n", "\u00a0nbsp", "\u3000wide", "Nguyễn", "王芳", "trail ", "\"", ",", "\n",
		"=", "@", "\xff\xfe", "- dash, comma"}
	for _, c := range cells {
		if got, want := string(appendRecord(nil, []string{c, c})), csvReference(t, []string{c, c}); got != want {
			t.Errorf("cell %q: got %q, want %q", c, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", " ", "\t", "\r", "\n", ",", "\"", "=", "+", "-", "@", "\\", ".", "é", "\u2003", "'"}
	for range 5000 {
		rec := make([]string, 1+rng.IntN(4))
		for i := range rec {
			for range rng.IntN(6) {
				rec[i] += alphabet[rng.IntN(len(alphabet))]
			}
		}
		if got, want := string(appendRecord(nil, rec)), csvReference(t, rec); got != want {
			t.Fatalf("record %q: got %q, want %q", rec, got, want)
		}
	}
}

// TestPlainCSVOnTheDemo checks the plain CSV of the sample district, with
// anonymising on and off, against how it was written before: the bytes
// encoding/csv gives for the same cells, and the short ids, titles and
// group ids derived the old way from each finding.
func TestPlainCSVOnTheDemo(t *testing.T) {
	s, _ := demoStore(t)
	ctx := context.Background()
	findings, err := s.Findings(ctx, audit.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]audit.Finding{}
	for _, f := range findings {
		byID[f.ID] = f
	}
	findings = slices.Concat(audit.CurrentFaults([][]audit.Finding{findings}, false)...) // what a default export writes
	for _, anonymise := range []string{"true", "false"} {
		if err := s.SetSetting(ctx, sqlite.SettingAnonymise, anonymise); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := Export(ctx, s, ExportOptions{Format: FormatCSV}, &out); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
		if err != nil || len(rows) != len(findings)+1 {
			t.Fatalf("anonymise %s: %d rows for %d findings (%v)", anonymise, len(rows), len(findings), err)
		}
		var again bytes.Buffer
		if err := csv.NewWriter(&again).WriteAll(rows); err != nil || again.String() != out.String() {
			t.Errorf("anonymise %s: encoding/csv writes the cells differently (%v)", anonymise, err)
		}
		for _, row := range rows[1:] {
			checkPlainRow(t, row, byID[row[0]], anonymise == "true")
		}
	}
}

// checkPlainRow compares the derived cells of a plain CSV row with the
// finding, computed as the export computed them before.
func checkPlainRow(t *testing.T, row []string, f audit.Finding, anonymise bool) {
	t.Helper()
	short := "TW-" + strings.ToUpper(strings.ReplaceAll(f.ID, "-", "")[:8])
	title := backlogItem{ID: f.ID, Findings: []audit.Finding{f, f}}.title() // not the one-finding shortcut
	teacher := f.Teacher
	if anonymise {
		teacher = ""
	}
	want := map[int]string{1: short, 2: SafeCell(title), 13: SafeCell(teacher), 31: audit.GroupID(f.SchoolID, f.ItemID)}
	for i, w := range want {
		if row[i] != w {
			t.Errorf("finding %s: %s is %q, want %q", f.ID, plainFindingHeader[i], row[i], w)
		}
	}
}
