package audit

import (
	"testing"
	"time"
)

func TestTraceLoopsRuns(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	sightings := []Sighting{ // out of order on purpose
		{"e", "v5", day(5), Fail}, {"a", "v1", day(1), Fail}, {"c", "v3", day(3), Pass},
		{"b", "v2", day(2), Fail}, {"d", "v4", day(4), Unanswered}, {"f", "v6", day(6), NotApplicable},
	}
	loops := map[string]Loop{}
	fixes := TraceLoops("r", "i", sightings, loops)
	if l := loops["b"]; l.FirstID != "a" || l.PreviousID != "a" || l.Sightings != 2 || l.LatestID != "b" || !l.FixedOn.Equal(day(3)) {
		t.Errorf("b = %+v", l)
	}
	if l := loops["e"]; l.FirstID != "e" || l.Recurring() || l.Fixed() || !l.FirstSeen.Equal(day(5)) {
		t.Errorf("e (failing again after a fix) = %+v, want a new fault", l)
	}
	if len(fixes) != 1 || fixes[0].LastID != "b" || fixes[0].VisitID != "v3" || fixes[0].Sightings != 2 {
		t.Errorf("fixes = %+v", fixes)
	}
}
