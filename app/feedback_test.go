package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
)

func TestFeedbackFormAddsAnotherTeachersFeedback(t *testing.T) {
	u, s, _ := newTestUI(t)
	c, rooms := startVisitInRoom(t, u, s)
	test.Tap(c.feedbackBtn)
	f := u.feedback
	if len(f.entries.Objects) != 0 {
		t.Fatal("a room without feedback lists entries or offers another teacher's")
	}
	test.Type(f.name, "M")
	if !holds(f.entries, f.addBtn) {
		t.Fatal("the first answer saved does not offer another teacher's feedback")
	}
	f.name.SetText("")
	test.Type(f.name, "Ms Rivera")
	test.Tap(f.supports.button("2"))
	if len(f.entryButtons) != 1 || f.entryButtons[0].Text != "Ms Rivera" {
		t.Fatalf("entries listed after the first answers: %d", len(f.entryButtons))
	}
	test.Tap(f.addBtn)
	if f.name.Text != "" || f.supports.value != "" {
		t.Fatalf("another teacher's form starts with %q and rating %q; want it empty", f.name.Text, f.supports.value)
	}
	if holds(f.entries, f.addBtn) {
		t.Fatal("a new, empty entry offers yet another one")
	}
	test.Tap(f.supports.button("5"))
	test.Tap(f.chooseAgain.button(string(audit.ChooseYes)))
	fbs, err := s.Feedback(ctx, c.vs.visit.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fbs) != 2 || fbs[0].TeacherName != "Ms Rivera" || fbs[0].SupportsTeaching != 2 || fbs[0].ChooseAgain != "" ||
		fbs[1].TeacherName != "" || fbs[1].SupportsTeaching != 5 || fbs[1].ChooseAgain != audit.ChooseYes || fbs[1].RoomID != rooms[0].ID {
		t.Fatalf("feedback saved: %+v; want Ms Rivera's and a second teacher's apart", fbs)
	}
	if len(f.entryButtons) != 2 || f.entryButtons[1].Text != "Teacher 2" {
		t.Fatalf("entries listed: %d; want 2, the second named Teacher 2", len(f.entryButtons))
	}
	test.Tap(f.entryButtons[0])
	if f.name.Text != "Ms Rivera" || f.supports.value != "2" {
		t.Fatalf("opening the first entry shows %q rated %q", f.name.Text, f.supports.value)
	}
	test.Tap(f.supports.button("3"))
	test.Tap(f.entryButtons[0])
	if f.supports.value != "3" {
		t.Fatalf("opening the entry shown again shows it rated %q; want its last answer, 3", f.supports.value)
	}
	test.Tap(f.kioskBtn)
	if f.entries.Visible() {
		t.Fatal("the teacher holding the form sees the other teachers' feedback")
	}
	f.setKiosk(false)
	test.Tap(f.backBtn)
	test.Tap(c.feedbackBtn)
	if g := u.feedback; len(g.entryButtons) != 2 || g.name.Text != "Ms Rivera" {
		t.Fatalf("the form opened again lists %d entries and shows %q", len(g.entryButtons), g.name.Text)
	}
}

// holds reports whether o is among c's objects, at any depth.
func holds(c *fyne.Container, o fyne.CanvasObject) bool {
	for _, child := range c.Objects {
		if child == o {
			return true
		}
		if inner, ok := child.(*fyne.Container); ok && holds(inner, o) {
			return true
		}
	}
	return false
}
