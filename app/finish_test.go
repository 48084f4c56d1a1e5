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
}
