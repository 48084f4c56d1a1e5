package audit

import (
	"strings"
	"testing"
)

func TestVerdictForDoesNotHideRoomsThatAreNotReady(t *testing.T) {
	cases := []struct {
		vs   VisitScore
		want string
	}{
		{VisitScore{}, "No room has been checked yet."},
		{VisitScore{Score: 92, RoomsVisited: 8, RoomsReady: 7}, Verdict(92)},
		{VisitScore{Score: 90, RoomsVisited: 8, RoomsReady: 2}, "keep 6 of 8 rooms from being ready to teach"},
		{VisitScore{Score: 55, RoomsVisited: 8, RoomsReady: 0}, Verdict(55)},
	}
	for _, c := range cases {
		if got := VerdictFor(c.vs); !strings.Contains(got, c.want) {
			t.Errorf("VerdictFor(%+v) = %q, want it to contain %q", c.vs, got, c.want)
		}
	}
}
