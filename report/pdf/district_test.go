package pdf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/report/internal/reporttest"
)

// districtStore is the sample district with two more schools: Adams
// Elementary, walked this term but only one check answered (a partial
// walk), and Jefferson Academy, never visited.
func districtStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s := reporttest.Demo(t)
	ctx := context.Background()
	visits, err := s.Visits(ctx, sqlite.VisitFilter{FinishedOnly: true})
	reporttest.NoErr(t, err)
	tmpl, err := s.Template(ctx, visits[0].TemplateID, visits[0].TemplateVersion)
	reporttest.NoErr(t, err)
	adams := audit.School{Name: "Adams Elementary", Code: "AES"}
	reporttest.NoErr(t, s.SaveSchool(ctx, &adams))
	var rooms []audit.Room
	for _, n := range []string{"1", "2"} {
		r := audit.Room{SchoolID: adams.ID, Number: n, Kind: audit.KindClassroom, Teacher: "Priya Patel"}
		reporttest.NoErr(t, s.SaveRoom(ctx, &r))
		rooms = append(rooms, r)
	}
	v := audit.Visit{SchoolID: adams.ID, TemplateID: tmpl.ID, TemplateVersion: tmpl.Version, Auditor: "Jordan Lee",
		StartedAt: time.Date(2026, 10, 27, 8, 0, 0, 0, time.UTC)}
	reporttest.NoErr(t, s.StartVisit(ctx, &v))
	var item audit.Item
	for _, sec := range tmpl.Sections {
		for _, it := range sec.Items {
			if it.Kind == audit.ItemCheck && item.ID == "" {
				item = it
			}
		}
	}
	reporttest.NoErr(t, s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: item.ID, Value: audit.CheckOK}))
	reporttest.NoErr(t, s.SaveFeedback(ctx, &audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, TeacherName: "Priya Patel",
		SupportsTeaching: 2, HelpEasy: 2, ChooseAgain: audit.ChooseNo, ConsentToQuote: true, Frustration: "Priya Patel: Seán O'Connor took the adapter."}))
	v.FinishedAt = v.StartedAt.Add(time.Hour)
	reporttest.NoErr(t, s.SaveVisit(ctx, &v))
	jefferson := audit.School{Name: "Jefferson Academy", Code: "JA"}
	reporttest.NoErr(t, s.SaveSchool(ctx, &jefferson))
	r := audit.Room{SchoolID: jefferson.ID, Number: "100", Kind: audit.KindClassroom, Teacher: "Seán O'Connor"}
	reporttest.NoErr(t, s.SaveRoom(ctx, &r))
	return s
}

// districtOf loads the district picture of s at fixedNow.
func districtOf(t *testing.T, s *sqlite.Store) audit.District {
	t.Helper()
	in, err := s.DistrictInput(context.Background(), fixedNow)
	reporttest.NoErr(t, err)
	return audit.DistrictPicture(in)
}

// writeDistrict writes the district report to a temporary file and returns its path.
func writeDistrict(t *testing.T, s *sqlite.Store, d audit.District, paper string) string {
	t.Helper()
	ctx := context.Background()
	opt, err := OptionsFromStore(ctx, s)
	reporttest.NoErr(t, err)
	opt.Now, opt.Paper = fixedNow, paper
	var buf bytes.Buffer
	reporttest.NoErr(t, WriteDistrict(ctx, &buf, d, opt))
	path := filepath.Join(t.TempDir(), "district.pdf")
	reporttest.NoErr(t, os.WriteFile(path, buf.Bytes(), 0o600))
	return path
}

// TestDistrictReportTextGolden pins the district report of the sample
// district with a partial walk and a school never visited: its words in
// reading order, on A4 and on letter paper.
func TestDistrictReportTextGolden(t *testing.T) {
	needTools(t, "pdftotext", "qpdf")
	s := districtStore(t)
	d := districtOf(t, s)
	for _, paper := range []string{PaperA4, PaperLetter} {
		path := writeDistrict(t, s, d, paper)
		runTool(t, "qpdf", "--check", path)
		reporttest.CheckGolden(t, "district-"+paper+".txt", []byte(pdfText(t, path)))
	}
}

// TestDistrictReportFigures reads every school's row and the cover's
// figures back from the PDF and compares them with the district picture.
func TestDistrictReportFigures(t *testing.T) {
	needTools(t, "pdftotext")
	s := districtStore(t)
	d := districtOf(t, s)
	path := writeDistrict(t, s, d, PaperA4)
	layout := runTool(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-")
	if len(d.Schools) != 5 {
		t.Fatalf("%d schools, want the demo's 3 and 2 more", len(d.Schools))
	}
	_, table, _ := strings.Cut(layout, "Each school's latest finished visit.")
	table, _, _ = strings.Cut(table, "Trend by term")
	for _, p := range d.Schools {
		got := rowAfter(t, table, p.School.Name)
		if want := expectedRow(p); got != want {
			t.Errorf("%s's row reads %q, want %q", p.School.Name, got, want)
		}
	}
	k := d.KPIs
	t0 := k.Teachers
	flat := strings.Join(strings.Fields(layout), " ") // lines that wrap read as one
	for _, want := range []string{
		fmt.Sprintf("%.0f\n", d.Score),
		fmt.Sprintf("%d of %d", k.RoomsReady, k.RoomsVisited),
		fmt.Sprintf("%.1f", float64(k.Failures)/float64(k.RoomsVisited)),
		fmt.Sprintf("%.1f / 5", float64(t0.Supports)/float64(t0.SupportsN)),
		fmt.Sprintf("n = %d teachers", t0.SupportsN),
		fmt.Sprintf("%.0f%%", 100*float64(t0.ChooseAgainYes)/float64(t0.ChooseAgainAnswers)),
		fmt.Sprintf("Findings still open: %d. Fixes closed since the previous visits: %d.", k.FindingsOpen, k.FixedSinceLast),
		fmt.Sprintf("%d of %d schools visited this term", d.VisitedThisTerm, len(d.Schools)),
		audit.DistrictVerdict(d)[:30],
		"left out: 1 partial walk, 1 without a finished visit",
	} {
		if !strings.Contains(layout, want) && !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("the report does not say %q", want)
		}
	}
	for _, p := range d.NotThisTerm {
		if !strings.Contains(layout, p.Name) {
			t.Errorf("coverage does not list %s", p.Name)
		}
	}
}

// expectedRow is what a school's table row must read after its name,
// made from the picture's fields.
func expectedRow(p audit.SchoolPicture) string {
	if p.Latest.ID == "" {
		return "not visited - - - - - - - - never"
	}
	if p.Score.RoomsVisited == 0 {
		return p.Latest.StartedAt.Format("2 Jan 2006") + " no room checked - - - - - - - " + fmt.Sprint(p.DaysSinceLast)
	}
	s, tt := p.Score, p.Teachers
	score := fmt.Sprintf("%.0f", s.Score)
	if s.Partial {
		score += " partial"
	}
	change := "-"
	if p.HasChange {
		change = fmt.Sprintf("%+.0f", p.Change.Now.Score-p.Change.Was.Score)
		if change == "+0" || change == "-0" {
			change = "0"
		}
	}
	rating, again := "-", "-"
	if tt.SupportsN > 0 {
		rating = fmt.Sprintf("%.1f (n=%d)", float64(tt.Supports)/float64(tt.SupportsN), tt.SupportsN)
	}
	if tt.ChooseAgainAnswers > 0 {
		again = fmt.Sprintf("%.0f%% (n=%d)", 100*float64(tt.ChooseAgainYes)/float64(tt.ChooseAgainAnswers), tt.ChooseAgainAnswers)
	}
	return strings.Join([]string{p.Latest.StartedAt.Format("2 Jan 2006"), score, change, fmt.Sprintf("%d/%d", s.RoomsReady, s.RoomsVisited),
		fmt.Sprintf("%.1f", float64(s.Failures)/float64(s.RoomsVisited)), rating, again,
		fmt.Sprint(p.FindingsOpen), fmt.Sprint(p.FixedSinceLast), fmt.Sprint(p.DaysSinceLast)}, " ")
}

// rowAfter finds the school table's line that starts with the school's
// name (or the first two words of it, when the name wraps) and returns
// the rest of the line, its fields joined by single spaces.
func rowAfter(t *testing.T, layout, name string) string {
	t.Helper()
	words := strings.Fields(name)
	for _, prefix := range []string{name, strings.Join(words[:min(2, len(words))], " "), words[0]} {
		for _, line := range strings.Split(layout, "\n") {
			rest, ok := strings.CutPrefix(strings.TrimSpace(line), prefix+" ")
			if ok && strings.Contains(rest, "  ") {
				return strings.Join(strings.Fields(rest), " ")
			}
		}
	}
	t.Fatalf("no table row for %s in:\n%s", name, layout)
	return ""
}

// TestDistrictReportPrivacy: teachers' names, in rooms and in feedback
// with a quote, never reach the district report, anonymised or not.
func TestDistrictReportPrivacy(t *testing.T) {
	needTools(t, "pdftotext")
	s := districtStore(t)
	ctx := context.Background()
	for _, anonymise := range []string{"true", "false"} {
		reporttest.NoErr(t, s.SetSetting(ctx, sqlite.SettingAnonymise, anonymise))
		text := pdfText(t, writeDistrict(t, s, districtOf(t, s), PaperA4))
		if leaks := reporttest.Leaks(text); len(leaks) > 0 {
			t.Errorf("anonymise %s: the district report names %v", anonymise, leaks)
		}
	}
}

// TestDistrictReportScrubsAnswers: an answer that holds a teacher's name
// (a choice's reason) is scrubbed when teachers are anonymised.
func TestDistrictReportScrubsAnswers(t *testing.T) {
	needTools(t, "pdftotext")
	d := audit.District{Problems: []audit.CommonProblem{{Label: "Document camera", Kind: audit.ItemChoice, Reason: "on Priya Patel's cart",
		Severity: audit.High, Rooms: 2, Schools: 1}}}
	var buf bytes.Buffer
	reporttest.NoErr(t, WriteDistrict(context.Background(), &buf, d, Options{Now: fixedNow, Anonymise: true, TeacherNames: []string{"Priya Patel"}}))
	path := filepath.Join(t.TempDir(), "d.pdf")
	reporttest.NoErr(t, os.WriteFile(path, buf.Bytes(), 0o600))
	text := pdfText(t, path)
	if leaks := reporttest.Leaks(text); len(leaks) > 0 || strings.Count(text, audit.NameMask) != 2 {
		t.Errorf("leaks %v, or not 2 %s (cover and table) in:\n%s", leaks, audit.NameMask, text)
	}
}
