package sqlite

import (
	"context"
	"techwalk/audit"
	"testing"
)

func TestRoomDoneWithUnansweredItemsMarkedNA(t *testing.T) {
	s, _ := openFixtureStore(t)
	ctx := context.Background()
	v, rooms := fixtureVisit(t, s)
	a := audit.Answer{VisitID: v.ID, RoomID: rooms[0].ID, ItemID: "hdmi", Value: audit.CheckMissing}
	if err := s.SaveAnswer(ctx, &a); err != nil {
		t.Fatal(err)
	}
	given := map[string]audit.Answer{"hdmi": a}
	left := fixtureTemplate().UnansweredScored(audit.KindClassroom, given)
	var ids []string
	for _, it := range left {
		ids = append(ids, it.ID)
	}
	// display, pens, boot (a number), apps and wifi: every scored kind, not the text note.
	if len(ids) != 5 {
		t.Fatalf("unanswered scored items = %v", ids)
	}
	saved, err := s.MarkNotApplicable(ctx, v.ID, rooms[0].ID, append(ids, "hdmi"))
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 5 {
		t.Errorf("%d answers saved, want 5 (the HDMI answer is kept)", len(saved))
	}
	d, err := s.LoadVisit(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	rs := d.Score.Rooms[0]
	if rs.Coverage.Percent() != 100 || rs.Partial || len(d.Findings) != 1 || d.Findings[0].Reason != "missing" {
		t.Errorf("after marking n/a: coverage %+v, partial %v, findings %+v", rs.Coverage, rs.Partial, d.Findings)
	}
}
