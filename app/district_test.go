package app

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// districtUI is the demo district with Adams Elementary, walked with a
// single check answered (a partial walk), and Jefferson Academy, never
// visited, on the District screen once it has loaded.
func districtUI(t *testing.T) (*ui, *districtScreen) {
	t.Helper()
	u, store, _ := newTestUI(t)
	if _, err := store.CreateDemo(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	visits, err := store.Visits(ctx, sqlite.VisitFilter{FinishedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := store.Template(ctx, visits[0].TemplateID, visits[0].TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	adams := audit.School{Name: "Adams Elementary", Code: "AES"}
	jefferson := audit.School{Name: "Jefferson Academy", Code: "JA", Principal: "Dana Whitfield"}
	for _, sc := range []*audit.School{&adams, &jefferson} {
		if err := store.SaveSchool(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	var rooms []audit.Room
	for _, n := range []string{"1", "2"} {
		r := audit.Room{SchoolID: adams.ID, Number: n, Kind: audit.KindClassroom}
		if err := store.SaveRoom(ctx, &r); err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r)
	}
	v := audit.Visit{SchoolID: adams.ID, TemplateID: tmpl.ID, TemplateVersion: tmpl.Version, StartedAt: store.Now().Add(-48 * time.Hour)}
	if err := store.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	for _, sec := range tmpl.Sections {
		for _, it := range sec.Items {
			if it.Kind == audit.ItemCheck {
				if err := store.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: it.ID, Value: audit.CheckOK}); err != nil {
					t.Fatal(err)
				}
				v.FinishedAt = v.StartedAt.Add(time.Hour)
				if err := store.SaveVisit(ctx, &v); err != nil {
					t.Fatal(err)
				}
				u.win.Resize(fyne.NewSize(1600, 900)) // every column on show
				s := u.showDistrict()
				s.loading.wait()
				return u, s
			}
		}
	}
	t.Fatal("the demo checklist has no check item")
	return nil, nil
}

// rowNames lists the schools in the order the table shows them.
func rowNames(s *districtScreen) []string {
	var names []string
	for r := range len(s.shown) {
		names = append(names, s.cell(r, 0))
	}
	return names
}

// schoolRow is a school's cells as the table shows them.
func schoolRow(t *testing.T, s *districtScreen, name string) []string {
	t.Helper()
	for r := range len(s.shown) {
		if s.cell(r, 0) == name {
			cells := make([]string, len(districtColumns))
			for c := range cells {
				cells[c] = s.cell(r, c)
			}
			return cells
		}
	}
	t.Fatalf("no row for %s in %v", name, rowNames(s))
	return nil
}

func TestDistrictScreenShowsEverySchoolHonestly(t *testing.T) {
	_, s := districtUI(t)
	if got, want := rowNames(s), []string{"Adams Elementary", "Jefferson Academy", "Lincoln Elementary School", "Roosevelt High School", "Washington Middle School"}; !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if j := schoolRow(t, s, "Jefferson Academy"); j[1] != "not visited" || j[2] != "-" || j[10] != "never" {
		t.Errorf("Jefferson, never visited, reads %q", j)
	}
	if a := schoolRow(t, s, "Adams Elementary"); !strings.HasSuffix(a[2], " partial") || a[10] != "2" {
		t.Errorf("Adams' partial walk two days ago reads %q", a)
	}
	if l := schoolRow(t, s, "Lincoln Elementary School"); !strings.Contains(l[6], "(n=") || !strings.Contains(l[7], "(n=") {
		t.Errorf("Lincoln's teacher figures carry no n: %q", l)
	}
	if !strings.Contains(s.verdict.Text, "mean of 3 schools; left out: 1 partial walk, 1 without a finished visit") {
		t.Errorf("headline %q", s.verdict.Text)
	}
	if !strings.Contains(s.coverage.Text, "4 of 5 schools visited this term") || !strings.Contains(s.coverage.Text, "Jefferson Academy") {
		t.Errorf("coverage %q", s.coverage.Text)
	}
	if !strings.HasPrefix(s.problems.Text, "1. ") || !strings.Contains(s.trend.Text, "Autumn 2026") || len(s.kpis.Objects) != 6 {
		t.Errorf("problems %q, trend %q, %d KPI tiles", s.problems.Text, s.trend.Text, len(s.kpis.Objects))
	}
	if s.progress.Visible() {
		t.Error("the loading bar is still shown")
	}
}

// TestDistrictScreenSorts taps the Score header: lowest first, again for
// highest first; Adams' partial walk and Jefferson, never visited, last
// both times, as their scores rank nothing.
func TestDistrictScreenSorts(t *testing.T) {
	_, s := districtUI(t)
	if s.headers[2] == nil || s.headers[10] == nil {
		t.Fatalf("no Score or Days header button (have %v)", s.headers)
	}
	ranked := func() ([]float64, []string) {
		var scores []float64
		for r := range 3 {
			v, err := strconv.ParseFloat(s.cell(r, 2), 64)
			if err != nil {
				t.Fatalf("row %d's score %q: %v", r, s.cell(r, 2), err)
			}
			scores = append(scores, v)
		}
		return scores, rowNames(s)[3:]
	}
	test.Tap(s.headers[2])
	up, last := ranked()
	if !strings.HasSuffix(s.headers[2].Text, "▲") || !slices.IsSorted(up) || !slices.Equal(last, []string{"Adams Elementary", "Jefferson Academy"}) {
		t.Errorf("lowest first: %v then %v (%q)", up, last, s.headers[2].Text)
	}
	test.Tap(s.headers[2])
	down, last := ranked()
	slices.Reverse(down)
	if !strings.HasSuffix(s.headers[2].Text, "▼") || !slices.IsSorted(down) || !slices.Equal(last, []string{"Adams Elementary", "Jefferson Academy"}) {
		t.Errorf("highest first: %v then %v", down, last)
	}
	test.Tap(s.headers[10])
	if names := rowNames(s); names[0] != "Adams Elementary" || names[len(names)-1] != "Jefferson Academy" {
		t.Errorf("by days since the last visit: %v; want Adams (2 days) first, Jefferson (never) last", names)
	}
}

func TestDistrictScreenSearches(t *testing.T) {
	_, s := districtUI(t)
	test.Type(s.search, "whitfield")
	if got := rowNames(s); !slices.Equal(got, []string{"Jefferson Academy"}) || s.count.Text != "showing 1 of 5" {
		t.Errorf("searching the principal shows %v (%q)", got, s.count.Text)
	}
	s.search.SetText("")
	if len(s.shown) != 5 {
		t.Errorf("cleared search shows %d rows", len(s.shown))
	}
}

func TestDistrictScreenReachedFromHomeAndOpen(t *testing.T) {
	u, _, _ := newTestUI(t)
	h := u.showHome()
	h.loading.wait()
	test.Tap(h.districtBtn)
	if u.showing != "district" || u.district == nil {
		t.Fatalf("the District button shows %q", u.showing)
	}
	u.district.loading.wait()
	if !strings.Contains(u.district.verdict.Text, "too little to judge") || len(u.district.shown) != 0 {
		t.Errorf("an empty district reads %q with %d rows", u.district.verdict.Text, len(u.district.shown))
	}
	u.showHome().loading.wait() // its load applies on Fyne's goroutine: let it finish before the test drives the window again
	if err := u.open(OpenDistrict); err != nil || u.showing != "district" {
		t.Errorf("--open district: %v, showing %q", err, u.showing)
	}
	u.district.loading.wait()
}

// TestDistrictScreenWritesTheReport saves the district report from the
// screen: a real PDF, private to the user, that names the schools.
func TestDistrictScreenWritesTheReport(t *testing.T) {
	_, s := districtUI(t)
	path := filepath.Join(t.TempDir(), "district.pdf")
	s.onReportFile(fileWriter(t, path), nil)
	s.writing.wait()
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF")) || !bytes.Contains(data, []byte("%%EOF")) {
		t.Fatalf("district report: %v, %d bytes; status %q", err, len(data), s.status.Text)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("report file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	if !strings.Contains(s.status.Text, "District report saved") || s.reportBtn.Disabled() {
		t.Errorf("status %q, button disabled %v", s.status.Text, s.reportBtn.Disabled())
	}
}
