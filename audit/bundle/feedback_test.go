package bundle_test

import (
	"context"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"techwalk/audit"
)

// TestFeedbackFromTwoDevicesForOneRoomAppends: two coaches each take a
// teacher's feedback in the same room on their own device; merging either
// way keeps both entries, with the same scores and no conflict. An entry
// edited on both devices keeps the newer edit.
func TestFeedbackFromTwoDevicesForOneRoomAppends(t *testing.T) {
	ctx := context.Background()
	devices := []*device{newDevice(t, "a", 0), newDevice(t, "b", 2*time.Minute)}
	v, rooms := sharedVisit(t, devices)
	a, b := devices[0], devices[1]
	fa := audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, TeacherName: "Ms Rivera", SupportsTeaching: 2, HelpEasy: 3,
		ChooseAgain: audit.ChooseNo, Inconveniences: 4}
	fb := audit.Feedback{VisitID: v.ID, RoomID: rooms[0].ID, TeacherName: "Mr Okafor", SupportsTeaching: 5, HelpEasy: 4,
		ChooseAgain: audit.ChooseYes, Inconveniences: 1}
	if err := a.store.SaveFeedback(ctx, &fa); err != nil {
		t.Fatal(err)
	}
	if err := b.store.SaveFeedback(ctx, &fb); err != nil {
		t.Fatal(err)
	}
	scope := audit.ExportScope{VisitIDs: []string{v.ID}}
	fromA, fromB := a.export(t, scope, 1), b.export(t, scope, 1)
	repA, repB := a.importFile(t, fromB), b.importFile(t, fromA)
	for _, rep := range []audit.ApplyReport{repA, repB} {
		if len(rep.Conflicts) != 0 || rep.Parts["feedback"] == nil || rep.Parts["feedback"].Added != 1 {
			t.Fatalf("importing the other's feedback: conflicts %+v, feedback %+v; want no conflict, 1 added", rep.Conflicts, rep.Parts["feedback"])
		}
	}
	sameOnAll(t, devices)
	var scores []audit.VisitScore
	for _, d := range devices {
		data, err := d.store.LoadVisit(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(data.Feedback) != 2 {
			t.Fatalf("%s holds feedback %+v; want both teachers'", d.name, data.Feedback)
		}
		if open, _ := d.store.Conflicts(ctx, v.ID); len(open) != 0 {
			t.Fatalf("%s shows conflicts %+v", d.name, open)
		}
		scores = append(scores, data.Score)
	}
	s := scores[0]
	if !reflect.DeepEqual(s, scores[1]) {
		t.Fatalf("the devices score the visit differently: %+v and %+v", scores[0], scores[1])
	}
	if s.FeedbackCount != 2 || s.MeanSupportsTeaching != 3.5 || s.MeanHelpEasy != 3.5 || s.ChooseAgainAnswers != 2 ||
		s.ChooseAgainShare != 0.5 || s.ReportedInconveniences != 5 {
		t.Fatalf("feedback scores %+v; want 2 teachers, means 3.5 and 3.5, 1 of 2 would choose again, 5 inconveniences", s)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		texts := []string{reportText(t, a, v.ID), reportText(t, b, v.ID)}
		if !strings.Contains(texts[0], "2 teachers answered") || texts[0] != texts[1] {
			t.Fatalf("the reports do not both count the two teachers:\n%s", firstDiff(texts[0], texts[1]))
		}
	}

	// the same entry edited on both devices: the later edit wins, no conflict
	onB := fa
	onB.Device, onB.Frustration = "", "The projector flickers."
	if err := b.store.SaveFeedback(ctx, &onB); err != nil {
		t.Fatal(err)
	}
	a.wait(10 * time.Minute)
	fa.HelpEasy = 1
	if err := a.store.SaveFeedback(ctx, &fa); err != nil {
		t.Fatal(err)
	}
	a.importFile(t, b.export(t, scope, 2))
	b.importFile(t, a.export(t, scope, 2))
	sameOnAll(t, devices)
	got, err := b.store.Feedback(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != fa.ID || got[0].HelpEasy != 1 || got[0].Frustration != "" {
		t.Fatalf("b holds %+v; want 2 entries, Ms Rivera's with a's later edit", got)
	}
	if open, _ := b.store.Conflicts(ctx, v.ID); len(open) != 0 {
		t.Fatalf("an edit of one entry on two devices shows conflicts %+v", open)
	}
}
