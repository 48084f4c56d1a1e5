package backlog

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/report/internal/reporttest"
)

// TestPlainCSVOnTheDemo checks the plain CSV of the sample district, with
// anonymising on and off, against how it was written before: the bytes
// encoding/csv gives for the same cells, and the short ids, titles and
// group ids derived the old way from each finding.
func TestPlainCSVOnTheDemo(t *testing.T) {
	s := reporttest.Demo(t)
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
		if err := Export(ctx, s, Options{Format: FormatCSV, Anonymise: anonymise == "true"}, &out); err != nil {
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
