package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"techwalk/audit"
)

func TestFinishShowsAPartialWalkWithoutAVerdict(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	vs := loadedHome(u).onStartVisit(school.ID)
	c := vs.onPickRoom(rooms[0].ID)
	test.Tap(row(t, c, "disp-power").choice.button(audit.CheckOK))
	fs := u.showFinish(vs.visit.ID)
	got := fs.score.Text
	if !strings.Contains(got, "Partial walk") || !strings.Contains(got, "on 0% of the checks") || strings.Contains(got, audit.Verdict(100)) {
		t.Errorf("one OK answer reads %q; want a partial walk with its coverage and no verdict", got)
	}
	if q := fs.finishQuestion(); !strings.Contains(q, "This is a partial walk: 1 of ") || !strings.Contains(q, "the district score leaves the school out") {
		t.Errorf("finishing a partial walk asks %q; want it to say the school leaves the district score", q)
	}
}

func TestCoverageThresholdSetting(t *testing.T) {
	u, s, _ := newTestUI(t)
	st := u.showSettings()
	st.coverage.SetText("90%")
	if r, err := s.ScoreRules(ctx); err != nil || r.MinCoverage != 0.9 {
		t.Fatalf("rules after typing 90%%: %+v, %v", r, err)
	}
	st.coverage.SetText("ninety")
	if r, _ := s.ScoreRules(ctx); r.MinCoverage != 0.9 || !strings.Contains(st.saved.Text, "min_coverage_percent") {
		t.Errorf("a bad threshold: rules %+v, status %q", r, st.saved.Text)
	}
}
