package audit

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// districtTemplate has three checks: an HDMI adapter (high), a projector
// (critical) and a cable label (low), and a Wi-Fi throughput figure.
func districtTemplate() *Template {
	min := 25.0
	return &Template{ID: "k12", Version: "1", Name: "K-12", Sections: []Section{{ID: "av", Title: "Display", Items: []Item{
		{ID: "hdmi", Kind: ItemCheck, Label: "HDMI adapter", Category: "Cables", Severity: High},
		{ID: "projector", Kind: ItemCheck, Label: "Projector", Category: "Display", Severity: Critical},
		{ID: "label", Kind: ItemCheck, Label: "Cable label", Category: "Cables", Severity: Low},
		{ID: "mbps", Kind: ItemNumber, Label: "Wi-Fi throughput", Category: "Wi-Fi", Severity: Medium, Unit: "Mbps", PassMin: &min},
	}}}}
}

// walk is a finished visit of the rooms with the given answers per room
// ("hdmi=missing"); every other check of a listed room is ok.
func walk(id, school string, started time.Time, finished bool, answers map[string]map[string]string) DistrictVisit {
	v := DistrictVisit{Template: districtTemplate(), Visit: Visit{Record: Record{ID: id}, SchoolID: school,
		TemplateID: "k12", TemplateVersion: "1", StartedAt: started}}
	if finished {
		v.Visit.FinishedAt = started.Add(2 * time.Hour)
	}
	rooms := make([]string, 0, len(answers))
	for r := range answers {
		rooms = append(rooms, r)
	}
	slices.Sort(rooms)
	for _, room := range rooms {
		given := map[string]string{"hdmi": CheckOK, "projector": CheckOK, "label": CheckOK, "mbps": "80"}
		for item, value := range answers[room] {
			given[item] = value
		}
		for _, item := range []string{"hdmi", "projector", "label", "mbps"} {
			v.Answers = append(v.Answers, Answer{Record: Record{ID: id + "/" + room + "/" + item}, VisitID: id, RoomID: room, ItemID: item, Value: given[item]})
		}
	}
	return v
}

func rooms(school string, numbers ...string) []Room {
	out := make([]Room, len(numbers))
	for i, n := range numbers {
		out[i] = Room{Record: Record{ID: n}, SchoolID: school, Number: n, Kind: KindClassroom}
	}
	return out
}

// sampleDistrict: Adams walked last term and this term (room 102's HDMI
// adapter fixed, 101's still missing and in IT's backlog, 103's new cable
// label fault resolved by IT); Baker walked once this term with teacher
// feedback; Carver never walked; Dunn's only finished visit, last year, is
// a partial walk, and its newest visit, last term, is not finished.
func sampleDistrict() DistrictInput {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	lastTerm := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	thisTerm := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	baker := walk("b1", "B", thisTerm.AddDate(0, 0, 7), true, map[string]map[string]string{
		"201": {"hdmi": CheckMissing, "mbps": "12"}, "202": {"hdmi": CheckMissing}})
	baker.Feedback = []Feedback{
		{VisitID: "b1", RoomID: "201", SupportsTeaching: 4, HelpEasy: 2, ChooseAgain: ChooseYes, Inconveniences: 3},
		{VisitID: "b1", RoomID: "202", SupportsTeaching: 2, HelpEasy: 4, ChooseAgain: ChooseNo},
	}
	dunn := walk("d1", "D", lastTerm.AddDate(-1, 0, 0), true, map[string]map[string]string{"401": {}})
	dunn.Answers = dunn.Answers[:1] // one answer of the 8 checks of its two rooms
	return DistrictInput{
		Now:   now,
		Rules: DefaultScoreRules(),
		Schools: []DistrictSchool{
			{School: School{Record: Record{ID: "A"}, Name: "Adams"}, Rooms: rooms("A", "101", "102", "103"), Visits: []DistrictVisit{
				walk("a1", "A", lastTerm, true, map[string]map[string]string{"101": {"hdmi": CheckMissing}, "102": {"hdmi": CheckMissing}, "103": {}}),
				walk("a2", "A", thisTerm, true, map[string]map[string]string{"101": {"hdmi": CheckMissing}, "102": {}, "103": {"label": CheckBroken}}),
			}},
			{School: School{Record: Record{ID: "B"}, Name: "Baker"}, Rooms: rooms("B", "201", "202"), Visits: []DistrictVisit{baker}},
			{School: School{Record: Record{ID: "C"}, Name: "Carver"}, Rooms: rooms("C", "301")},
			{School: School{Record: Record{ID: "D"}, Name: "Dunn"}, Rooms: rooms("D", "401", "402"), Visits: []DistrictVisit{
				dunn, walk("d2", "D", lastTerm, false, nil)}},
			{School: School{Record: Record{ID: "E", Deleted: true}, Name: "Closed school"}},
		},
		Actions: map[string]Action{
			"a1/101/hdmi":  {FindingID: "a1/101/hdmi", Status: StatusInBacklog, TicketKey: "IT-7", UpdatedAt: lastTerm},
			"a2/103/label": {FindingID: "a2/103/label", Status: StatusResolved, UpdatedAt: thisTerm},
		},
	}
}

func TestDistrictPictureRows(t *testing.T) {
	in := sampleDistrict()
	d := DistrictPicture(in)
	var names []string
	for _, s := range d.Schools {
		names = append(names, s.School.Name)
	}
	if !slices.Equal(names, []string{"Adams", "Baker", "Carver", "Dunn"}) {
		t.Fatalf("schools %v", names)
	}
	adams, baker, carver, dunn := d.Schools[0], d.Schools[1], d.Schools[2], d.Schools[3]

	a2, b1 := in.Schools[0].Visits[1], in.Schools[1].Visits[0]
	if want := in.Rules.ScoreVisit(a2.Template, in.Schools[0].Rooms, a2.Answers, nil); adams.Latest.ID != "a2" || adams.Score.Score != want.Score {
		t.Errorf("Adams: latest %s scores %.1f, want a2 scoring %.1f", adams.Latest.ID, adams.Score.Score, want.Score)
	}
	if !adams.HasChange || adams.Change.Common != 12 || adams.Change.Delta() <= 0 {
		t.Errorf("Adams' change: comparable %v on %d checks, delta %.1f; want 12 checks, better", adams.HasChange, adams.Change.Common, adams.Change.Delta())
	}
	if adams.FindingsOpen != 1 || adams.FixedSinceLast != 1 {
		t.Errorf("Adams: %d findings open, %d fixed; want 101's HDMI open (in backlog) and 102's fixed", adams.FindingsOpen, adams.FixedSinceLast)
	}
	if adams.Score.RoomsReady != 2 || adams.Score.RoomsVisited != 3 {
		t.Errorf("Adams: %d of %d rooms ready, want 2 of 3", adams.Score.RoomsReady, adams.Score.RoomsVisited)
	}
	if got := adams.DaysSinceLast; got != int(in.Now.Sub(a2.Visit.StartedAt).Hours()/24) || !adams.ThisTerm {
		t.Errorf("Adams: %d days since the last visit, this term %v", got, adams.ThisTerm)
	}

	if want := in.Rules.ScoreVisit(b1.Template, in.Schools[1].Rooms, b1.Answers, b1.Feedback); !reflect.DeepEqual(baker.Score, want) {
		t.Errorf("Baker's score %+v, want %+v", baker.Score, want)
	}
	if baker.HasChange || baker.FindingsOpen != 3 || baker.FixedSinceLast != 0 || baker.InconveniencesPerRoom() != 1.5 {
		t.Errorf("Baker: change %v, %d open, %d fixed, %.2f inconveniences a room; want no change, 3 open, 1.5 a room",
			baker.HasChange, baker.FindingsOpen, baker.FixedSinceLast, baker.InconveniencesPerRoom())
	}
	if baker.Score.MeanSupportsTeaching != 3 || baker.Score.ChooseAgainShare != 0.5 {
		t.Errorf("Baker's teachers: supports %.1f, choose again %.2f", baker.Score.MeanSupportsTeaching, baker.Score.ChooseAgainShare)
	}

	if carver.Scored || carver.DaysSinceLast != -1 || carver.ThisTerm || carver.CountsInDistrict() {
		t.Errorf("Carver, never visited: %+v", carver)
	}
	if !dunn.Scored || !dunn.Score.Partial || dunn.CountsInDistrict() || dunn.Latest.ID != "d1" || dunn.ThisTerm {
		t.Errorf("Dunn: latest %s, partial %v, counts %v, this term %v; want d1, a partial walk left out, not this term",
			dunn.Latest.ID, dunn.Score.Partial, dunn.CountsInDistrict(), dunn.ThisTerm)
	}
	if dunn.LastVisit != in.Schools[3].Visits[1].Visit.StartedAt {
		t.Errorf("Dunn's last visit %v should be its unfinished one", dunn.LastVisit)
	}
}

func TestDistrictPictureSummary(t *testing.T) {
	in := sampleDistrict()
	d := DistrictPicture(in)
	if want, _ := DistrictScore([]float64{d.Schools[0].Score.Score, d.Schools[1].Score.Score}); !d.HasScore || d.Score != want {
		t.Errorf("district score %.2f (%v), want the mean of Adams and Baker, %.2f", d.Score, d.HasScore, want)
	}
	var problems []string
	for _, p := range d.Problems {
		problems = append(problems, p.String())
	}
	want := []string{"HDMI adapter: missing in 3 rooms across 2 schools", "Wi-Fi throughput: failing in 1 room across 1 school",
		"Cable label: broken in 1 room across 1 school"} // a tie goes to the more severe
	if !slices.Equal(problems, want) {
		t.Errorf("common problems %q, want %q", problems, want)
	}
	if d.VisitedThisTerm != 2 || len(d.NotThisTerm) != 2 || d.NotThisTerm[0].Name != "Carver" || d.NotThisTerm[1].Name != "Dunn" {
		t.Errorf("coverage: %d this term, not this term %v", d.VisitedThisTerm, d.NotThisTerm)
	}
	if len(d.Trend) != 2 || d.Trend[0].Label() != "Spring 2026" || d.Trend[0].Schools != 1 || d.Trend[1].Label() != "Autumn 2026" || d.Trend[1].Schools != 2 {
		t.Fatalf("trend %+v", d.Trend)
	}
	a1 := in.Schools[0].Visits[0]
	if spring := in.Rules.ScoreVisit(a1.Template, in.Schools[0].Rooms, a1.Answers, nil).Score; d.Trend[0].Score != spring {
		t.Errorf("spring's district score %.2f, want Adams' a1 %.2f", d.Trend[0].Score, spring)
	}
	if d.Trend[1].Score != d.Score {
		t.Errorf("this term's trend point %.2f differs from the district score %.2f", d.Trend[1].Score, d.Score)
	}
}

// TestDistrictPictureIgnoresOrder: the same values loaded in any order
// (two stores, two devices) give the same picture.
func TestDistrictPictureIgnoresOrder(t *testing.T) {
	want := DistrictPicture(sampleDistrict())
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		in := sampleDistrict()
		r.Shuffle(len(in.Schools), func(i, j int) { in.Schools[i], in.Schools[j] = in.Schools[j], in.Schools[i] })
		for i := range in.Schools {
			s := &in.Schools[i]
			r.Shuffle(len(s.Visits), func(i, j int) { s.Visits[i], s.Visits[j] = s.Visits[j], s.Visits[i] })
			for j := range s.Visits {
				a := s.Visits[j].Answers
				r.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
			}
		}
		if got := DistrictPicture(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled input gave another picture:\n%+v\nwant\n%+v", got, want)
		}
	}
}

func TestDistrictPictureEmpty(t *testing.T) {
	d := DistrictPicture(DistrictInput{Now: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Rules: DefaultScoreRules()})
	if d.HasScore || len(d.Schools) != 0 || len(d.Problems) != 0 || len(d.Trend) != 0 || !d.TermStart.Equal(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("empty district %+v", d)
	}
}

// TestDistrictKPIs: rooms, inconveniences and teachers add up over the
// schools that count (Adams and Baker), Dunn's partial walk and Carver's
// missing visit are counted apart, and every mean carries its n.
func TestDistrictKPIs(t *testing.T) {
	in := sampleDistrict()
	d := DistrictPicture(in)
	k := d.KPIs
	adams, baker := d.Schools[0], d.Schools[1]
	if k.Schools != 2 || k.PartialWalks != 1 || k.NotVisited != 1 {
		t.Errorf("%d schools count, %d partial, %d not visited; want 2, 1 (Dunn), 1 (Carver)", k.Schools, k.PartialWalks, k.NotVisited)
	}
	if k.RoomsVisited != 5 || k.RoomsReady != adams.Score.RoomsReady+baker.Score.RoomsReady {
		t.Errorf("rooms %d ready of %d, want Adams' and Baker's: %d of 5", k.RoomsReady, k.RoomsVisited, adams.Score.RoomsReady+baker.Score.RoomsReady)
	}
	if want := float64(adams.Score.Failures+baker.Score.Failures) / 5; k.InconveniencesPerRoom() != want {
		t.Errorf("%.2f inconveniences a room, want %.2f", k.InconveniencesPerRoom(), want)
	}
	if tt := k.Teachers; tt.Teachers != 2 || tt.SupportsN != 2 || tt.MeanSupportsTeaching() != 3 || tt.MeanHelpEasy() != 3 ||
		tt.ChooseAgainAnswers != 2 || tt.ChooseAgainShare() != 0.5 || tt.Inconveniences != 3 {
		t.Errorf("teachers %+v; want Baker's two: supports 3.0 (n=2), help 3.0, choose again 1 of 2, 3 inconveniences", tt)
	}
	if baker.Teachers.MeanSupportsTeaching() != baker.Score.MeanSupportsTeaching || baker.Teachers.ChooseAgainShare() != baker.Score.ChooseAgainShare {
		t.Errorf("Baker's teacher tally %+v disagrees with its visit score %+v", baker.Teachers, baker.Score)
	}
	if k.FindingsOpen != adams.FindingsOpen+baker.FindingsOpen+d.Schools[3].FindingsOpen || k.FixedSinceLast != 1 {
		t.Errorf("%d open, %d fixed; want the schools' sum and Adams' one fix", k.FindingsOpen, k.FixedSinceLast)
	}
	if d.Schools[2].Visited() || !d.Schools[3].Visited() {
		t.Error("Carver has no finished visit, Dunn has one (a partial walk)")
	}
}

// TestDistrictVerdict: the sample's 78 would read "mostly ready", but 3 of
// its 5 counted rooms are not ready to teach, and the verdict says so.
func TestDistrictVerdict(t *testing.T) {
	d := DistrictPicture(sampleDistrict())
	want := "Most checks pass, but serious problems keep 3 of 5 rooms from being ready to teach."
	if got := DistrictVerdict(d); got != want {
		t.Errorf("verdict %q, want %q (2 of 4 schools visited is not \"only\")", got, want)
	}
	d.VisitedThisTerm = 1
	if got, want := DistrictVerdict(d), want+" Only 1 of 4 schools were visited this term."; got != want {
		t.Errorf("verdict %q, want %q", got, want)
	}
	if got := DistrictVerdict(District{}); !strings.Contains(got, "too little to judge") {
		t.Errorf("a district without a full walk got %q", got)
	}
}

// TestSchoolPictureCells: a school never visited reads "not visited",
// never a 0; a partial walk says so; means carry their n.
func TestSchoolPictureCells(t *testing.T) {
	d := DistrictPicture(sampleDistrict())
	baker, carver, dunn := d.Schools[1].Cells(), d.Schools[2].Cells(), d.Schools[3].Cells()
	if len(baker) != len(carver) || len(baker) != 10 {
		t.Fatalf("%d and %d cells, want 10 each", len(baker), len(carver))
	}
	if want := []string{"not visited", "-", "-", "-", "-", "-", "-", "-", "-", "never"}; !slices.Equal(carver, want) {
		t.Errorf("Carver's cells %q, want %q", carver, want)
	}
	if !strings.HasSuffix(dunn[1], " partial") || dunn[0] != "10 Mar 2025" {
		t.Errorf("Dunn's cells %q should show its partial walk of 10 Mar 2025", dunn)
	}
	if baker[5] != "3.0 (n=2)" || baker[6] != "50% (n=2)" || baker[2] != "-" || baker[3] != "0/2" {
		t.Errorf("Baker's cells %q", baker)
	}
}

// TestSchoolPictureCellsFirstVisitUnderWay: a school whose only visit is
// not finished yet has no figures, and says why, with the days since it began.
func TestSchoolPictureCellsFirstVisitUnderWay(t *testing.T) {
	in := sampleDistrict()
	in.Schools[2].Visits = []DistrictVisit{walk("c1", "C", in.Now.AddDate(0, 0, -3), false, map[string]map[string]string{"301": {}})}
	d := DistrictPicture(in)
	carver := d.Schools[2]
	if got, want := carver.Cells(), []string{"not finished", "-", "-", "-", "-", "-", "-", "-", "-", "3"}; !slices.Equal(got, want) {
		t.Errorf("Carver's cells %q, want %q", got, want)
	}
	if d.KPIs.NotVisited != 1 || !carver.ThisTerm || carver.CountsInDistrict() {
		t.Errorf("Carver counts %+v; want it without a finished visit, visited this term, not in the score", d.KPIs)
	}
}
