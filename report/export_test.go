package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/benchdb"
	"techwalk/audit/sqlite"
)

func export(t *testing.T, s *sqlite.Store, opt ExportOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(context.Background(), s, opt, &buf); err != nil {
		t.Fatalf("export %s: %v", opt.Format, err)
	}
	return buf.Bytes()
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // every row as wide as the header
	table, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v\n%s", err, data)
	}
	return table
}

func columnOf(t *testing.T, table [][]string, name string) []string {
	t.Helper()
	i := slices.Index(table[0], name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, table[0])
	}
	var out []string
	for _, row := range table[1:] {
		out = append(out, row[i])
	}
	return out
}

func TestCSVExportsHaveTheImportersHeaders(t *testing.T) {
	fx := newExportFixture(t)
	want := map[Format][]string{
		FormatJira:       {"Summary", "Issue Type", "Description", "Priority", "Labels", "Labels", "Labels", "Component", "Due Date", "External ID"},
		FormatAzure:      {"Work Item Type", "Title", "Description", "Priority", "Tags", "Area Path"},
		FormatServiceNow: {"short_description", "description", "impact", "urgency", "category", "assignment_group", "location", "correlation_id"},
		FormatCSV:        plainFindingHeader,
	}
	for format, header := range want {
		table := readCSV(t, export(t, fx.store, ExportOptions{Format: format}))
		if !slices.Equal(table[0], header) {
			t.Errorf("%s header = %q, want %q", format, table[0], header)
		}
		if len(table) != 6 {
			t.Errorf("%s: %d rows, want 5 findings", format, len(table)-1)
		}
	}
	grouped := readCSV(t, export(t, fx.store, ExportOptions{Format: FormatJira, Grouped: true}))
	if want := append(slices.Clone(want[FormatJira][:4]), "Labels", "Labels", "Labels", "Labels", "Component", "Due Date", "External ID"); !slices.Equal(grouped[0], want) {
		t.Errorf("grouped Jira header = %q (one Labels column per label of the widest row)", grouped[0])
	}
}

func TestJiraRowsLabelsPrioritiesAndIDs(t *testing.T) {
	fx := newExportFixture(t)
	table := readCSV(t, export(t, fx.store, ExportOptions{Format: FormatJira}))
	findings, _ := fx.store.Findings(context.Background(), audit.FindingFilter{})
	ids := columnOf(t, table, "External ID")
	for _, f := range findings {
		if !slices.Contains(ids, f.ID) {
			t.Errorf("finding %s missing from External ID column %q", f.ID, ids)
		}
	}
	if got := columnOf(t, table, "Priority"); !slices.Equal(got, []string{"Highest", "High", "High", "High", "Medium"}) {
		t.Errorf("priorities = %q", got)
	}
	for _, row := range table[1:] {
		for i, h := range table[0] {
			if h == "Labels" && strings.ContainsAny(row[i], " \t") {
				t.Errorf("label %q has a space", row[i])
			}
		}
	}
	desc := columnOf(t, table, "Description")[0]
	for _, want := range []string{"What: Display powers on", "Where: Lincoln Elementary (LES), room 101", "Since: " + fx.visit.StartedAt.Format("2006-01-02"), "History: first seen on this walkthrough",
		"Teacher impact: Stops teaching", "Photos: 0", "Note: Flickers, then goes dark.\nTeacher uses the whiteboard instead — [name] confirmed.",
		"TechWalk ID: " + ids[0]} {
		if !strings.Contains(desc, want) {
			t.Errorf("description lacks %q:\n%s", want, desc)
		}
	}
	if strings.Contains(desc, "Nguyễn") {
		t.Error("teacher named in a tracker description while anonymising is on")
	}
}

func TestTeacherNamesOnlyWhenAnonymisingIsOff(t *testing.T) {
	fx := newExportFixture(t)
	noErr(t, fx.store.SetSetting(context.Background(), sqlite.SettingAnonymise, "false"))
	out := string(export(t, fx.store, ExportOptions{Format: FormatServiceNow}))
	if !strings.Contains(out, "Teacher: Nguyễn Thị Hoa") {
		t.Errorf("teacher not named with anonymising off:\n%s", out)
	}
}

func TestFormulasAreNeutralised(t *testing.T) {
	fx := newExportFixture(t)
	for _, format := range []Format{FormatJira, FormatAzure, FormatServiceNow, FormatCSV} {
		table := readCSV(t, export(t, fx.store, ExportOptions{Format: format}))
		found := false
		for _, row := range table {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: cell %q starts a formula", format, cell)
				}
				found = found || strings.HasPrefix(cell, "'=")
			}
		}
		if !found {
			t.Errorf("%s: no neutralised '= cell; the fixture's formula label or note went missing", format)
		}
	}
	if SafeCell("-67 dBm") != "'-67 dBm" || SafeCell("@SUM(A1)") != "'@SUM(A1)" || SafeCell("\tx") != "'\tx" || SafeCell("ok") != "ok" {
		t.Error("SafeCell does not neutralise every formula start")
	}
}

func TestBOMOnlyWhenAsked(t *testing.T) {
	fx := newExportFixture(t)
	with := export(t, fx.store, ExportOptions{Format: FormatCSV, BOM: true})
	without := export(t, fx.store, ExportOptions{Format: FormatCSV})
	if !bytes.HasPrefix(with, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(without, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatal("BOM missing when asked for, or present when not")
	}
	if !bytes.Equal(with[3:], without) {
		t.Error("the BOM changed the rest of the file")
	}
	if table := readCSV(t, with[3:]); table[0][0] != "id" {
		t.Errorf("first header cell = %q", table[0][0])
	}
}

func TestAzureDescriptionIsEscapedHTML(t *testing.T) {
	fx := newExportFixture(t)
	fx.answer(t, fx.rooms[2], "display", audit.CheckBroken, "<script>alert(1)</script> & more")
	table := readCSV(t, export(t, fx.store, ExportOptions{Format: FormatAzure, AzureAreaPath: `Springfield\Schools`}))
	all := strings.Join(columnOf(t, table, "Description"), "\n")
	if strings.Contains(all, "<script>") || !strings.Contains(all, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") {
		t.Errorf("HTML not escaped:\n%s", all)
	}
	if !strings.Contains(all, "goes dark.<br>Teacher uses") {
		t.Errorf("line breaks not kept as <br>:\n%s", all)
	}
	for _, p := range columnOf(t, table, "Priority") {
		if p < "1" || p > "4" || len(p) != 1 {
			t.Errorf("priority %q outside 1-4", p)
		}
	}
	if tags := columnOf(t, table, "Tags")[0]; tags != "techwalk; Display; Lincoln Elementary; critical" {
		t.Errorf("tags = %q", tags)
	}
	if area := columnOf(t, table, "Area Path")[0]; area != `Springfield\Schools` {
		t.Errorf("area path = %q", area)
	}
}

func TestServiceNowImpactUrgencyAndCorrelation(t *testing.T) {
	fx := newExportFixture(t)
	table := readCSV(t, export(t, fx.store, ExportOptions{Format: FormatServiceNow, Grouped: true}))
	for _, col := range []string{"impact", "urgency"} {
		for _, v := range columnOf(t, table, col) {
			if v != "1" && v != "2" && v != "3" {
				t.Errorf("%s %q outside 1-3", col, v)
			}
		}
	}
	ids := columnOf(t, table, "correlation_id")
	if want := audit.GroupID(fx.school.ID, "hdmi"); !slices.Contains(ids, want) {
		t.Errorf("correlation ids %q lack the HDMI group %s", ids, want)
	}
	for _, s := range columnOf(t, table, "short_description") {
		if len([]rune(s)) > serviceNowShort {
			t.Errorf("short_description of %d characters", len([]rune(s)))
		}
	}
}

func TestGroupedIssueNamesEveryRoom(t *testing.T) {
	fx := newExportFixture(t)
	var issues []GitHubIssue
	noErr(t, json.Unmarshal(export(t, fx.store, ExportOptions{Format: FormatGitHub, Grouped: true}), &issues))
	if len(issues) != 3 {
		t.Fatalf("%d grouped issues, want 3 (hdmi in three rooms, display, formula)", len(issues))
	}
	var hdmi GitHubIssue
	for _, is := range issues {
		if strings.HasPrefix(is.Title, "HDMI adapter") {
			hdmi = is
		}
	}
	if hdmi.Title != "HDMI adapter: missing — Lincoln Elementary — rooms 101, 104, 210" {
		t.Errorf("title = %q", hdmi.Title)
	}
	if !strings.Contains(hdmi.Body, "<!-- techwalk-id: "+audit.GroupID(fx.school.ID, "hdmi")+" -->") {
		t.Errorf("body lacks the group id comment:\n%s", hdmi.Body)
	}
	if !slices.Contains(hdmi.Labels, "priority:high") || !slices.Contains(hdmi.Labels, "techwalk") {
		t.Errorf("labels = %q", hdmi.Labels)
	}
}

func TestGitHubAndPlainJSON(t *testing.T) {
	fx := newExportFixture(t)
	var issues []GitHubIssue
	noErr(t, json.Unmarshal(export(t, fx.store, ExportOptions{Format: FormatGitHub}), &issues))
	findings, _ := fx.store.Findings(context.Background(), audit.FindingFilter{})
	if len(issues) != len(findings) {
		t.Fatalf("%d issues for %d findings", len(issues), len(findings))
	}
	body := strings.Join([]string{issues[0].Body, issues[1].Body, issues[2].Body}, "\n")
	if !strings.Contains(body, "[name] confirmed") || !strings.Contains(body, "**Teacher impact:**") {
		t.Errorf("bodies:\n%s", body)
	}
	var plain []PlainFinding
	noErr(t, fx.store.SetSetting(context.Background(), sqlite.SettingAnonymise, "false"))
	noErr(t, json.Unmarshal(export(t, fx.store, ExportOptions{Format: FormatJSON}), &plain))
	teachers := map[string]bool{}
	for _, p := range plain {
		teachers[p.Teacher] = true
		if p.ID == "" || p.SchoolName != "Lincoln Elementary" || p.GroupID != audit.GroupID(fx.school.ID, p.ItemID) || p.Status != "open" {
			t.Errorf("plain finding %+v", p)
		}
	}
	if !teachers["Nguyễn Thị Hoa"] || !teachers["王芳"] {
		t.Errorf("non-Latin teachers lost: %v", teachers)
	}
	var groups []PlainGroup
	noErr(t, json.Unmarshal(export(t, fx.store, ExportOptions{Format: FormatJSON, Grouped: true}), &groups))
	if len(groups) != 3 || len(groups[1].Findings)+len(groups[0].Findings)+len(groups[2].Findings) != len(findings) {
		t.Errorf("groups = %+v", groups)
	}
}

func TestExportsAreStableAcrossRunsAndReopening(t *testing.T) {
	fx := newExportFixture(t)
	path := fx.store.Path()
	first := map[string][]byte{}
	for _, info := range Formats {
		for _, grouped := range []bool{false, true} {
			opt := ExportOptions{Format: info.Format, Grouped: grouped}
			a, b := export(t, fx.store, opt), export(t, fx.store, opt)
			if !bytes.Equal(a, b) {
				t.Errorf("%s grouped=%v: two exports differ", info.Format, grouped)
			}
			first[string(info.Format)+fmtBool(grouped)] = a
		}
	}
	fx.store.Close()
	again := openExportStore(t, path)
	for key, data := range first {
		format, grouped := Format(strings.TrimSuffix(strings.TrimSuffix(key, "-g"), "-1")), strings.HasSuffix(key, "-g")
		if got := export(t, again, ExportOptions{Format: format, Grouped: grouped}); !bytes.Equal(got, data) {
			t.Errorf("%s: export changed after reopening the database", key)
		}
	}
}

func fmtBool(grouped bool) string {
	if grouped {
		return "-g"
	}
	return "-1"
}

func TestUnchangedFindingsKeepTheirRowsWhenOthersAreAdded(t *testing.T) {
	fx := newExportFixture(t)
	before := readCSV(t, export(t, fx.store, ExportOptions{Format: FormatJira}))
	fx.answer(t, fx.rooms[2], "pens", audit.CheckMissing, "")
	after := readCSV(t, export(t, fx.store, ExportOptions{Format: FormatJira}))
	if len(after) != len(before)+1 {
		t.Fatalf("%d rows after adding one finding, want %d", len(after), len(before)+1)
	}
	for _, row := range before[1:] {
		if !slices.ContainsFunc(after, func(r []string) bool { return slices.Equal(r, row) }) {
			t.Errorf("row for %s changed after an unrelated finding was added", row[len(row)-1])
		}
	}
}

func TestFilters(t *testing.T) {
	fx := newExportFixture(t)
	ctx := context.Background()
	findings, _ := fx.store.Findings(ctx, audit.FindingFilter{Severity: audit.High})
	a := findings[0].Action
	a.Status, a.TicketKey = audit.StatusInBacklog, "IT-7"
	noErr(t, fx.store.SaveAction(ctx, &a))
	cases := []struct {
		name   string
		filter audit.FindingFilter
		rows   int
	}{
		{"severity", audit.FindingFilter{Severity: audit.High}, 2}, // the one in a backlog is left out by default
		{"category", audit.FindingFilter{Category: "display"}, 1},
		{"status", audit.FindingFilter{Status: audit.StatusInBacklog}, 1},
		{"school", audit.FindingFilter{SchoolID: fx.school.ID}, 4},
		{"visit", audit.FindingFilter{VisitID: "no-such-visit"}, 0},
	}
	for _, c := range cases {
		table := readCSV(t, export(t, fx.store, ExportOptions{Format: FormatCSV, Filter: c.filter}))
		if len(table)-1 != c.rows {
			t.Errorf("%s filter: %d rows, want %d", c.name, len(table)-1, c.rows)
		}
	}
}

func TestPreview(t *testing.T) {
	fx := newExportFixture(t)
	for _, info := range Formats {
		rows, err := Preview(context.Background(), fx.store, ExportOptions{Format: info.Format}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || len(rows[1]) != len(rows[0]) {
			t.Errorf("%s preview: %d rows (want header + 2)", info.Format, len(rows))
		}
	}
	if _, err := Preview(context.Background(), fx.store, ExportOptions{Format: "pdf"}, 2); err == nil {
		t.Error("an unknown format was accepted")
	}
}

func TestAzureSplitsAtOneThousandRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "district.db")
	// 9,600 answers, one in five failing
	if err := benchdb.Build(path, benchdb.Size{Schools: 3, VisitsPerSchool: 2, RoomsPerSchool: 40, Items: 40}); err != nil {
		t.Fatal(err)
	}
	s := openExportStore(t, path)
	ctx := context.Background()
	findings, err := s.Findings(ctx, audit.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(audit.CurrentFaults([][]audit.Finding{findings}, true)[0]) // one item per fault, fixed ones included
	if n <= AzureMaxRows {
		t.Fatalf("only %d findings; the test needs more than %d", n, AzureMaxRows)
	}
	err = Export(ctx, s, ExportOptions{Format: FormatAzure, All: true}, &bytes.Buffer{})
	if !errors.Is(err, ErrTooManyRows) {
		t.Fatalf("one-stream Azure export of %d rows: err = %v", n, err)
	}
	dir := t.TempDir()
	paths, err := ExportFiles(ctx, s, ExportOptions{Format: FormatAzure, BOM: true, All: true}, dir, "../../escape/backlog.csv")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i, p := range paths {
		if filepath.Dir(p) != dir || filepath.Base(p) != "backlog-"+string(rune('1'+i))+".csv" {
			t.Errorf("file %d is %s, want backlog-%d.csv in %s", i+1, p, i+1, dir)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		table := readCSV(t, bytes.TrimPrefix(data, []byte("\ufeff")))
		if len(table)-1 > AzureMaxRows || table[0][0] != "Work Item Type" {
			t.Errorf("%s: %d rows, header %q", p, len(table)-1, table[0])
		}
		total += len(table) - 1
	}
	if want := (n + AzureMaxRows - 1) / AzureMaxRows; len(paths) != want || total != n {
		t.Errorf("%d files with %d rows, want %d files with %d rows", len(paths), total, want, n)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(paths) {
		t.Errorf("%d entries in the folder (temporary files left?), want %d", len(entries), len(paths))
	}
}

func TestSafeFileName(t *testing.T) {
	cases := map[string]string{"../../etc/passwd": "passwd", `..\..\boot.ini`: "boot.ini", "": "techwalk-export",
		"..": "techwalk-export", "a:b*c?.csv": "a_b_c_.csv", "Lincoln ES — 2026": "Lincoln ES — 2026", "x\x00y": "x_y"}
	for in, want := range cases {
		if got := SafeFileName(in); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnonymisedExportsNameNoTeacher(t *testing.T) {
	fx := newExportFixture(t)
	for _, info := range Formats {
		for _, grouped := range []bool{false, true} {
			out := string(export(t, fx.store, ExportOptions{Format: info.Format, Grouped: grouped}))
			if strings.Contains(out, "Nguyễn") || strings.Contains(out, "Thị Hoa") || strings.Contains(out, "王芳") {
				t.Errorf("%s (grouped %v) names the teacher while anonymising is on", info.Format, grouped)
			}
		}
	}
}
