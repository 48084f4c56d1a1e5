package app

import (
	"strings"
	"testing"

	"techwalk/audit"
)

// A finished walk of one answer is a partial walk: Home shows it as such,
// never as the school's score, and leaves it out of the district's score.
func TestHomeShowsCoverageAndPartialWalks(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	schools, err := s.Schools(ctx)
	if err != nil || len(schools) == 0 {
		t.Fatalf("schools: %v", err)
	}
	school := schools[0]
	h := loadedHome(u)
	before := summaryOf(t, h, school.ID)
	if !before.hasFin || !strings.Contains(h.summaryLine(before), "% of the checks") {
		t.Fatalf("demo school: %q, in the district score %v; want its score with its coverage", h.summaryLine(before), before.hasFin)
	}

	last, err := s.LatestVisit(ctx, school.ID, true)
	must(t, err)
	tmpl, err := s.Template(ctx, last.TemplateID, last.TemplateVersion)
	must(t, err)
	rooms, err := s.Rooms(ctx, school.ID)
	must(t, err)
	v := audit.Visit{SchoolID: school.ID, TemplateID: last.TemplateID, TemplateVersion: last.TemplateVersion, Auditor: "A. Walker"}
	must(t, s.StartVisit(ctx, &v))
	var item audit.Item
	for _, sec := range tmpl.Sections {
		for _, it := range sec.Items {
			if it.Kind == audit.ItemCheck && it.ShowIf == nil && item.ID == "" {
				item = it
			}
		}
	}
	must(t, s.SaveAnswer(ctx, &audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: item.ID, Value: audit.CheckOK}))
	_, err = s.FinishVisit(ctx, v.ID)
	must(t, err)

	h = loadedHome(u)
	after := summaryOf(t, h, school.ID)
	line := h.summaryLine(after)
	if !after.partial || !strings.Contains(line, "partial walk") || strings.Contains(line, "score ") {
		t.Errorf("after a one-answer walk: %q; want a partial walk and no score", line)
	}
	if after.hasFin {
		t.Errorf("a partial walk counts in the district score")
	}
}

func summaryOf(t *testing.T, h *home, schoolID string) schoolSummary {
	t.Helper()
	for _, s := range h.schools {
		if s.school.ID == schoolID {
			return s
		}
	}
	t.Fatalf("school %s not on Home", schoolID)
	return schoolSummary{}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Home's rows, read from the stored visit summaries, say what scoring each
// school's visits from their answers says, also after an answer changes a
// score Home already stored.
func TestHomeScoresAreTheVisitScores(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 11); err != nil {
		t.Fatal(err)
	}
	check := func(h *home) {
		t.Helper()
		for _, sum := range h.schools {
			latest, err := s.LatestVisit(ctx, sum.school.ID, false)
			must(t, err)
			score, err := s.ScoreOf(ctx, latest.ID)
			must(t, err)
			if sum.last.ID != latest.ID || sum.score != score.Score || sum.scored != (score.RoomsVisited > 0) ||
				sum.coverage != score.Coverage.Percent() || sum.partial != score.Partial {
				t.Errorf("%s: Home %+v, the visit's score %+v", sum.school.Name, sum, score)
			}
			fin, err := s.LatestVisit(ctx, sum.school.ID, true)
			must(t, err)
			fs, err := s.ScoreOf(ctx, fin.ID)
			must(t, err)
			if sum.finished != fs.Score || sum.hasFin != (fs.RoomsVisited > 0 && !fs.Partial) {
				t.Errorf("%s: Home's finished score %.2f (%v), the latest finished visit's %.2f", sum.school.Name, sum.finished, sum.hasFin, fs.Score)
			}
		}
	}
	h := loadedHome(u)
	check(h)
	school := h.schools[0].school
	before := summaryOf(t, h, school.ID)
	fin, err := s.LatestVisit(ctx, school.ID, true)
	must(t, err)
	answers, err := s.Answers(ctx, fin.ID)
	must(t, err)
	changed := 0
	for _, a := range answers {
		if a.Value == audit.CheckOK { // every passing check, so that no room's cap can hide the change
			a.Value = audit.CheckMissing
			must(t, s.SaveAnswer(ctx, &a))
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no passing check to fail")
	}
	h = loadedHome(u)
	check(h)
	if after := summaryOf(t, h, school.ID); after.finished >= before.finished {
		t.Errorf("%s scores %.2f after %d checks failed, %.2f before", school.Name, after.finished, changed, before.finished)
	}
}
