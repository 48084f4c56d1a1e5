package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// dialogButton finds the button labelled text in the dialog on top of the window.
func dialogButton(t *testing.T, u *ui, text string) *widget.Button {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog is open to tap %q", text)
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("the dialog has no %q button", text)
	return nil
}

// dialogText joins the labels of the dialog on top of the window.
func dialogText(u *ui) string {
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var out []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, "\n")
}

// pressShortcut delivers a shortcut as the desktop driver does: to the
// focused widget when it handles shortcuts (an entry), else to the window.
func pressShortcut(u *ui, key fyne.KeyName, mod fyne.KeyModifier) {
	s := &desktop.CustomShortcut{KeyName: key, Modifier: mod}
	if f, ok := u.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

func TestFinishAsksFirst(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	vs := loadedHome(u).onStartVisit(school.ID)
	if err := vs.setRoomDone(rooms[0].ID, true); err != nil {
		t.Fatal(err)
	}
	fs := u.showFinish(vs.visit.ID)
	test.Tap(fs.finishBtn)
	finished := func() bool {
		v, err := s.Visit(ctx, vs.visit.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Finished()
	}
	if finished() {
		t.Fatal("Finish closed the visit without asking")
	}
	msg := dialogText(u)
	for _, want := range []string{"2 of 3 rooms are not marked done yet: 102, 110", "stays readable", "reopen"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the question does not say %q:\n%s", want, msg)
		}
	}
	test.Tap(dialogButton(t, u, "Keep walking"))
	if finished() || fs.finishBtn.Disabled() || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Keep walking finished the visit or left the dialog open")
	}
	test.Tap(fs.finishBtn)
	test.Tap(dialogButton(t, u, "Finish visit"))
	if !finished() || !fs.finishBtn.Disabled() || !strings.Contains(fs.status.Text, "Visit finished") {
		t.Fatalf("confirming did not finish the visit: %q", fs.status.Text)
	}
	test.Tap(u.nav["visit"])
	if u.showing != "visit" || !u.visit.banner.Visible() {
		t.Fatal("the Visit button went back to the visit as if it were still open")
	}
	c := u.visit.onPickRoom(rooms[1].ID)
	if !c.doneBtn.Disabled() {
		t.Error("the checklist of the visit just finished can be changed")
	}
}

func TestFinishedVisitIsReadOnlyUntilReopened(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	vid := loadedHome(u).onStartVisit(school.ID).visit.ID
	room := rooms[0].ID
	if err := s.SaveAnswer(ctx, &audit.Answer{VisitID: vid, RoomID: room, ItemID: "disp-power", Value: audit.CheckMissing}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishVisit(ctx, vid); err != nil {
		t.Fatal(err)
	}
	vs := u.showVisit(vid)
	if !vs.banner.Visible() || !strings.Contains(vs.bannerText.Text, "This visit was finished on") ||
		!strings.Contains(vs.bannerText.Text, "Reopen to change answers") {
		t.Fatalf("no finished banner: visible %v, %q", vs.banner.Visible(), vs.bannerText.Text)
	}
	c := vs.onPickRoom(room)
	waitForScreens(u)
	power, wifi := row(t, c, "disp-power"), row(t, c, "wifi-front")
	locked := []fyne.Disableable{power.choice.button(audit.CheckOK), power.noteEntry, power.photoBtn,
		row(t, c, "disp-seconds").number, row(t, c, "apps-teacher").allApps, wifi.wifi.signal, wifi.wifi.measureBtn,
		c.doneBtn, c.roomPhotoBtn}
	for i, w := range locked {
		if !w.Disabled() {
			t.Errorf("control %d is enabled on a finished visit", i)
		}
	}
	if power.choice.answered.Text != "Answer: Missing" || !power.choice.answered.Visible() {
		t.Errorf("a read-only row does not say its answer: %q", power.choice.answered.Text)
	}
	if seats := row(t, c, "disp-seconds"); seats.answered.Visible() != true || seats.answered.Text != "Not answered" {
		t.Errorf("a read-only number row says %q", seats.answered.Text)
	}
	test.Tap(power.choice.button(audit.CheckOK))
	c.setCurrent(power.index)
	pressShortcut(u, fyne.KeyO, fyne.KeyModifierShortcutDefault)
	if a := answer(t, s, vid, room, "disp-power"); a.Value != audit.CheckMissing {
		t.Fatalf("a finished visit's answer changed to %q", a.Value)
	}
	test.Tap(c.feedbackBtn)
	if !u.feedback.supports.button("3").Disabled() || !u.feedback.name.Disabled() {
		t.Error("the feedback of a finished visit can be changed")
	}
	if got := u.feedback.supports.answered.Text; got != "Not answered" {
		t.Errorf("a read-only feedback rating says %q", got)
	}
	test.Tap(u.feedback.backBtn)

	test.Tap(vs.reopenBtn)
	v, _ := s.Visit(ctx, vid)
	if v.Finished() || vs.banner.Visible() {
		t.Fatalf("Reopen visit: finished %v, banner visible %v", v.Finished(), vs.banner.Visible())
	}
	if power.choice.answered.Visible() {
		t.Error("the answer line stays after reopening")
	}
	for i, w := range locked {
		if w.Disabled() {
			t.Errorf("control %d is still disabled after reopening", i)
		}
	}
	test.Tap(power.choice.button(audit.CheckOK))
	if a := answer(t, s, vid, room, "disp-power"); a.Value != audit.CheckOK {
		t.Fatalf("after reopening, OK gave %q", a.Value)
	}
}

func TestShortcutsWhileTypingANote(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	vs := loadedHome(u).onStartVisit(school.ID)
	c := vs.onPickRoom(rooms[0].ID)
	vid, room := vs.visit.ID, rooms[0].ID
	power, touch := row(t, c, "disp-power"), row(t, c, "disp-remote")

	u.win.Canvas().Focus(power.noteEntry)
	if c.current != power.index {
		t.Fatalf("focusing a note did not make its item current: %d, want %d", c.current, power.index)
	}
	test.Type(power.noteEntry, "bulb is out")
	pressShortcut(u, fyne.KeyM, fyne.KeyModifierShortcutDefault)
	if a := answer(t, s, vid, room, "disp-power"); a.Value != audit.CheckMissing || a.Note != "bulb is out" {
		t.Fatalf("Ctrl+M in a note gave %+v", a)
	}
	if c.current != power.index+1 || u.win.Canvas().Focused() != nil {
		t.Errorf("after Ctrl+M: current %d, focus %v", c.current, u.win.Canvas().Focused())
	}

	// Plain letters type; they answer nothing.
	test.Type(touch.noteEntry, "ok, mostly")
	if a := answer(t, s, vid, room, "disp-remote"); a.Value != "" || a.Note != "ok, mostly" {
		t.Fatalf("typing letters gave %+v", a)
	}
	pressShortcut(u, fyne.KeyO, fyne.KeyModifierAlt)
	if a := answer(t, s, vid, room, "disp-remote"); a.Value != audit.CheckOK {
		t.Fatalf("Alt+O in a note gave %q", a.Value)
	}

	// Ctrl+N in a note moves to the next room; the old room's note keeps its text.
	u.win.Canvas().Focus(power.noteEntry)
	pressShortcut(u, fyne.KeyN, fyne.KeyModifierShortcutDefault)
	if vs.checklist.room.ID != rooms[1].ID || u.win.Canvas().Focused() != nil {
		t.Fatalf("Ctrl+N in a note: room %s, focus %v", vs.checklist.room.Label(), u.win.Canvas().Focused())
	}
	if a := answer(t, s, vid, room, "disp-power"); a.Note != "bulb is out" {
		t.Errorf("the note changed to %q", a.Note)
	}
}

// laidOut calls fn for every visible object of the screen's layout, looking
// into containers and scrolls but not inside widgets.
func laidOut(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			laidOut(child, fn)
		}
	case *container.Scroll:
		laidOut(c.Content, fn)
	}
}

// labelAbove returns the texts of the labels just above field on screen,
// nearest last, stopping at anything else that is on the way.
func labelAbove(u *ui, field fyne.CanvasObject) []string {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(field)
	type hit struct {
		y    float32
		text string // "" for an input in the way
	}
	var hits []hit
	laidOut(u.win.Content(), func(o fyne.CanvasObject) {
		p := d.AbsolutePositionForObject(o)
		bottom := p.Y + o.Size().Height
		if bottom > top.Y+1 || bottom < top.Y-120 || p.X+o.Size().Width <= top.X || p.X >= top.X+field.Size().Width {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			hits = append(hits, hit{bottom, w.Text})
		case fyne.Focusable, fyne.Tappable:
			hits = append(hits, hit{bottom, ""})
		}
	})
	var out []string
	nearest := float32(-1)
	for _, h := range hits {
		nearest = max(nearest, h.y)
	}
	for _, h := range hits {
		if h.text == "" && h.y == nearest {
			return nil // an input right above: the field has no label of its own
		}
		if h.text != "" {
			out = append(out, h.text)
		}
	}
	return out
}

func TestFeedbackFieldsAreLabelled(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	vs := loadedHome(u).onStartVisit(school.ID)
	f := u.showFeedback(vs, rooms[0])
	p := vs.tmpl.Feedback
	fields := []struct {
		label string
		obj   fyne.CanvasObject
	}{
		{"Your name (optional)", f.name}, {p.SupportsTeaching, f.supports.box}, {p.HelpEasy, f.helpEasy.box},
		{p.ChooseAgain, f.chooseAgain.box}, {p.Inconveniences, f.inconveniences},
		{p.Frustration, f.frustration}, {p.Consent, f.consent},
	}
	for _, fd := range fields {
		above := labelAbove(u, fd.obj)
		found := false
		for _, text := range above {
			found = found || text == fd.label
		}
		if !found {
			t.Errorf("the field for %q has no such label above it; labels there: %q", fd.label, above)
		}
	}
	test.Type(f.name, "Nguyễn Thị Hoa")
	if fbs, _ := s.Feedback(ctx, vs.visit.ID); len(fbs) != 1 || fbs[0].TeacherName != "Nguyễn Thị Hoa" {
		t.Fatalf("teacher name not saved: %+v", fbs)
	}
}
