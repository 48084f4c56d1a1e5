package app

import (
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// homeRow lays the home screen out and returns the list row on show for a school.
func homeRowOf(t *testing.T, h *home, schoolID string) *homeRow {
	t.Helper()
	test.LaidOutObjects(h.u.win.Content())
	for r, id := range h.rows {
		if id >= 0 && id < len(h.shown) && h.schools[h.shown[id]].school.ID == schoolID {
			return r
		}
	}
	t.Fatalf("school %s is not on show on Home", schoolID)
	return nil
}

// positionOf is where o is drawn in the window.
func positionOf(u *ui, o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

func TestDeleteRoomOffersUndoAndMovesNothing(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	se := u.showSchool(school.ID)
	test.LaidOutObjects(u.win.Content())
	del := findButtonWithIcon(se.roomList, 0)
	before := positionOf(u, del)
	test.Tap(del)
	left, _ := s.Rooms(ctx, school.ID)
	if len(left) != 2 {
		t.Fatalf("after delete: %d rooms stored, want 2", len(left))
	}
	if !se.saved.action.Visible() || se.saved.action.Text != "Undo" {
		t.Fatalf("no Undo offered after deleting a room; status says %q", se.saved.Text)
	}
	test.LaidOutObjects(u.win.Content())
	if after := positionOf(u, findButtonWithIcon(se.roomList, 0)); after != before {
		t.Fatalf("the next room's delete button moved from %v to %v after a delete", before, after)
	}
	test.Tap(se.saved.action)
	back, _ := s.Rooms(ctx, school.ID)
	if len(back) != 3 {
		t.Fatalf("after Undo: %d rooms stored, want 3", len(back))
	}
	if se.rooms[0].ID != rooms[0].ID {
		t.Fatalf("the room came back at another place: %s first", se.rooms[0].Label())
	}
	if se.saved.action.Visible() {
		t.Fatal("Undo is still offered after it was used")
	}
}

// findButtonWithIcon returns the n-th icon-only button (a row's delete) under o.
func findButtonWithIcon(o fyne.CanvasObject, n int) *widget.Button {
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == "" && b.Icon != nil {
			if n == 0 {
				return b
			}
			n--
		}
	}
	return nil
}

func TestStatusBarKeepsItsHeight(t *testing.T) {
	b := newStatusBar()
	empty := b.box.MinSize().Height
	b.failed(errorString(strings.Repeat("a long problem to explain ", 40)))
	if got := b.box.MinSize().Height; got != empty {
		t.Fatalf("the status bar grew from %v to %v with a long message", empty, got)
	}
	b.offer("Room 101 deleted.", "Undo", func() {})
	if got := b.box.MinSize().Height; got != empty {
		t.Fatalf("the status bar grew from %v to %v with an Undo button", empty, got)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestSchoolWithoutRoomsAsksForRoomsBeforeAVisit(t *testing.T) {
	u, s, _ := newTestUI(t)
	sc := audit.School{Name: "Roosevelt Middle"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	h := loadedHome(u)
	test.Tap(homeRowOf(t, h, sc.ID).start)
	if vs, _ := s.Visits(ctx, sqlite.VisitFilter{}); len(vs) != 0 {
		t.Fatalf("a visit of a school with no rooms was started: %d visits", len(vs))
	}
	if !strings.Contains(dialogText(u), "no rooms yet") {
		t.Fatalf("no offer to add rooms; dialog says %q", dialogText(u))
	}
	test.Tap(dialogButton(t, u, "Add rooms"))
	if u.showing != "school" || u.school.school.ID != sc.ID {
		t.Fatalf("Add rooms opened %q", u.showing)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 rooms", 1: "1 room", 2: "2 rooms"} {
		if got := plural(n, "room"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestEmptyVisitCanBeDiscarded(t *testing.T) {
	u, s, _ := newTestUI(t)
	school, rooms := setUpSchool(t, u, s)
	h := loadedHome(u)
	test.Tap(homeRowOf(t, h, school.ID).start)
	vs := u.visit
	if !vs.discardBtn.Visible() {
		t.Fatal("a new, empty visit offers no discard")
	}
	test.Tap(vs.discardBtn)
	test.Tap(dialogButton(t, u, "Yes"))
	waitForScreens(u) // Home loads in the background
	if visits, _ := s.Visits(ctx, sqlite.VisitFilter{}); len(visits) != 0 {
		t.Fatalf("the empty visit was not discarded: %d visits", len(visits))
	}
	if u.showing != "home" || u.nav["visit"].Disabled() == false {
		t.Fatalf("after discard: showing %q, Visit button enabled %v", u.showing, !u.nav["visit"].Disabled())
	}

	h = loadedHome(u)
	test.Tap(homeRowOf(t, h, school.ID).start)
	c := u.visit.onPickRoom(rooms[0].ID)
	test.Tap(row(t, c, "disp-power").choice.button(audit.CheckOK))
	c.vs.onRooms()
	if u.visit.discardBtn.Visible() {
		t.Fatal("a visit with an answer still offers to be discarded")
	}
}

func TestImportButtonStaysPutAfterCheck(t *testing.T) {
	u, s, _ := newTestUI(t)
	importSchoolsFile(t, u)
	is := importFile(t, u, "rooms.csv", roomsWithBadKind)
	test.LaidOutObjects(u.win.Content())
	before := positionOf(u, is.importBtn)
	test.Tap(is.checkBtn)
	is.work.wait()
	test.LaidOutObjects(u.win.Content())
	if is.status.Text == "" {
		t.Fatal("Check said nothing")
	}
	if after := positionOf(u, is.importBtn); after != before {
		t.Fatalf("Import moved from %v to %v once Check reported", before, after)
	}
	if n := roomCount(t, s); n != 0 {
		t.Fatalf("Check saved %d rooms", n)
	}
}

func TestFindingsBulkEditAndSchoolFilter(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	all, _ := s.Findings(ctx, audit.FindingFilter{})
	fs := loadedFindings(u, "")
	if len(fs.all) != len(all) {
		t.Fatalf("listed %d of %d findings", len(fs.all), len(all))
	}
	for i := range all {
		if fs.all[i].ID != all[i].ID {
			t.Fatalf("finding %d is %s, want %s (most severe first)", i, fs.all[i].ShortID(), all[i].ShortID())
		}
	}
	schools, _ := s.Schools(ctx)
	fs.school.SetSelected(schools[1].Name)
	fs.loading.wait()
	for _, f := range fs.all {
		if f.SchoolName != schools[1].Name {
			t.Fatalf("school filter let %s through", f.SchoolName)
		}
	}
	if len(fs.all) < 4 {
		t.Fatalf("%s has %d findings; the test needs 4", schools[1].Name, len(fs.all))
	}
	test.LaidOutObjects(u.win.Content())
	// The list keeps rows it recycled; two of them may have shown the same
	// finding, and tapping both would untick it: tap each finding once.
	for _, r := range fs.rows {
		if len(fs.selected) < 3 && r.what.Text != "" && !fs.selected[r.id] {
			test.Tap(r.tick)
		}
	}
	ticked := maps.Clone(fs.selected)
	if len(ticked) != 3 || fs.bulkApply.Text != "Set on 3 ticked" {
		t.Fatalf("ticked %d, button %q", len(ticked), fs.bulkApply.Text)
	}
	test.Type(fs.bulkOwner, "Devices")
	fs.bulkStatus.SetSelected(string(audit.StatusInBacklog))
	due := time.Date(2027, 1, 15, 0, 0, 0, 0, time.Local)
	fs.bulkDue.SetDate(&due)
	test.Tap(fs.bulkApply)
	got, _ := s.Findings(ctx, audit.FindingFilter{})
	changed := 0
	for _, f := range got {
		a := f.Action
		isSet := a.OwnerTeam == "Devices" && a.Status == audit.StatusInBacklog && a.DueDate == "2027-01-15"
		if ticked[f.ID] != isSet {
			t.Fatalf("%s ticked %v but action %+v", f.ShortID(), ticked[f.ID], a)
		}
		if isSet {
			changed++
		}
	}
	if changed != 3 || !strings.Contains(fs.saved.Text, "3 findings") {
		t.Fatalf("changed %d; status %q", changed, fs.saved.Text)
	}
}

func TestOwnerTeamsFromSettings(t *testing.T) {
	u, s, _ := newTestUI(t)
	st := u.showSettings()
	test.Type(st.teams, "Network\nHelp desk")
	if v, _ := s.Setting(ctx, audit.SettingOwnerTeams, ""); v != "Network\nHelp desk" {
		t.Fatalf("owner teams stored %q", v)
	}
	fs := loadedFindings(u, "")
	if len(fs.teams) != 2 || fs.teams[0] != "Network" || fs.teams[1] != "Help desk" {
		t.Fatalf("findings offer teams %q", fs.teams)
	}
}

// startVisitInRoom starts a visit of a new school and opens its first room.
func startVisitInRoom(t *testing.T, u *ui, s *sqlite.Store) (*checklist, []audit.Room) {
	t.Helper()
	school, rooms := setUpSchool(t, u, s)
	h := loadedHome(u)
	test.Tap(homeRowOf(t, h, school.ID).start)
	return u.visit.onPickRoom(rooms[0].ID), rooms
}

func TestPhotoThumbnailViewDeleteUndo(t *testing.T) {
	u, s, _ := newTestUI(t)
	c, _ := startVisitInRoom(t, u, s)
	vid := c.vs.visit.ID
	c.onPhotoFile("disp-power", fileReader(t, writePNG(t, "display.png")), nil)
	r := row(t, c, "disp-power")
	if len(r.strip.Objects) != 1 || !r.strip.Visible() {
		t.Fatalf("the item shows %d thumbnails", len(r.strip.Objects))
	}
	th := r.strip.Objects[0].(*thumb)
	if th.img.Image == nil || th.img.Image.Bounds().Dx() > 2*thumbSide {
		t.Fatal("the thumbnail was not loaded from the stored photo, or is not small")
	}
	if c.roomPhotoBtn.Text != "Photo (1)" {
		t.Fatalf("the room's photo count leaves out item photos: %q", c.roomPhotoBtn.Text)
	}
	test.Tap(th)
	waitForScreens(u)
	if c.viewer == nil {
		t.Fatal("tapping a thumbnail shows nothing")
	}
	test.Tap(dialogButton(t, u, "Delete photo"))
	if ps, _ := s.Photos(ctx, vid); len(ps) != 0 {
		t.Fatalf("after delete: %d photos stored", len(ps))
	}
	if len(r.strip.Objects) != 0 || c.roomPhotoBtn.Text != "Photo (0)" {
		t.Fatalf("after delete the item still shows %d thumbnails, room %q", len(r.strip.Objects), c.roomPhotoBtn.Text)
	}
	test.Tap(c.saved.action)
	if ps, _ := s.Photos(ctx, vid); len(ps) != 1 || ps[0].ItemID != "disp-power" {
		t.Fatalf("after Undo: %+v", ps)
	}
	if len(r.strip.Objects) != 1 {
		t.Fatal("the photo's thumbnail did not come back with Undo")
	}
}

func TestDropImagesOnAnItem(t *testing.T) {
	u, s, _ := newTestUI(t)
	c, _ := startVisitInRoom(t, u, s)
	vid := c.vs.visit.ID
	test.LaidOutObjects(u.win.Content())
	target := c.rows[c.current]
	pos := positionOf(u, target.root).Add(fyne.NewPos(20, 20))
	notImage := storage.NewFileURI(filepath.Join(t.TempDir(), "notes.txt"))
	u.onDropped(pos, []fyne.URI{storage.NewFileURI(writePNG(t, "a.png")), notImage, storage.NewFileURI(s.Path())})
	waitForScreens(u)
	ps, _ := s.Photos(ctx, vid)
	if len(ps) != 1 || ps[0].ItemID != target.item.ID {
		t.Fatalf("drop on %s stored %+v", target.item.ID, ps)
	}
	u.onDropped(fyne.NewPos(1, 1), []fyne.URI{storage.NewFileURI(writePNG(t, "b.png"))})
	waitForScreens(u)
	if ps, _ = s.Photos(ctx, vid); len(ps) != 2 || ps[1].ItemID != "" {
		t.Fatalf("a drop outside every item did not go to the room: %+v", ps)
	}
	for _, p := range []string{s.Path(), s.Path() + "-wal", s.Path() + "-shm"} {
		if u.isImageFile(storage.NewFileURI(p)) {
			t.Errorf("%s would be opened as a photo", p)
		}
	}
}

func TestSectionCountsRestOKAndPartlyWalkedRooms(t *testing.T) {
	u, s, _ := newTestUI(t)
	c, rooms := startVisitInRoom(t, u, s)
	vid := c.vs.visit.ID
	power := row(t, c, "disp-power")
	c.setCurrent(power.index)
	test.Tap(power.choice.button(audit.CheckBroken))
	sec := c.section
	answered, items, failing := c.sectionCounts(sec)
	if answered != 1 || failing != 1 || items < 2 {
		t.Fatalf("section counts %d answered, %d items, %d failing", answered, items, failing)
	}
	want := "1 of " + strconv.Itoa(items) + " answered · 1 finding"
	if !strings.HasSuffix(c.sectionSelect.Selected, want) {
		t.Fatalf("section menu says %q, want it to end %q", c.sectionSelect.Selected, want)
	}
	rest := c.restUnanswered()
	if len(rest) == 0 || !c.restOKBtn.Visible() {
		t.Fatal("no offer to mark the rest of the section OK")
	}
	test.Tap(c.restOKBtn)
	test.Tap(dialogButton(t, u, "Cancel"))
	if a := answer(t, s, vid, rooms[0].ID, rest[0].item.ID); a.Value != "" {
		t.Fatalf("Cancel still answered %s: %q", rest[0].item.ID, a.Value)
	}
	test.Tap(c.restOKBtn)
	test.Tap(dialogButton(t, u, "Mark OK"))
	for _, r := range rest {
		if a := answer(t, s, vid, rooms[0].ID, r.item.ID); a.Value != audit.CheckOK {
			t.Fatalf("%s = %q after Mark OK", r.item.ID, a.Value)
		}
	}
	if a := answer(t, s, vid, rooms[0].ID, "disp-power"); a.Value != audit.CheckBroken {
		t.Fatalf("Mark OK overwrote an answer: disp-power = %q", a.Value)
	}
	if c.restOKBtn.Visible() {
		t.Error("the offer stays after every check is answered")
	}

	c.vs.onRooms()
	b := c.vs.roomButtons[rooms[0].ID]
	if b.Importance != widget.WarningImportance || !strings.Contains(b.Text, "/") {
		t.Fatalf("a partly walked room shows as %q (importance %v)", b.Text, b.Importance)
	}
	if other := c.vs.roomButtons[rooms[1].ID]; other.Importance == widget.WarningImportance {
		t.Fatal("an unwalked room shows as partly walked")
	}
	again := c.vs.onPickRoom(rooms[0].ID)
	cur := again.rows[again.current]
	if cur.value != "" || again.current == 0 {
		t.Fatalf("the room reopened at %s (answered %q), not its first unanswered item", cur.item.ID, cur.value)
	}
	for _, r := range again.rows[:again.current] {
		if r.value == "" && r.item.Scored() && r.item.Kind != audit.ItemPhoto {
			t.Fatalf("the room reopened at %s, after the unanswered %s", cur.item.ID, r.item.ID)
		}
	}
}

// hold presses b for longer than holdFor without waiting for it.
func hold(b *holdButton) {
	b.press()
	b.pressedAt = b.pressedAt.Add(-holdFor - time.Millisecond)
	b.release()
	test.Tap(b)
}

func TestFeedbackKioskShowsOnlyTheForm(t *testing.T) {
	u, s, _ := newTestUI(t)
	if err := s.SetSetting(ctx, audit.SettingKioskPIN, "2468"); err != nil {
		t.Fatal(err)
	}
	c, rooms := startVisitInRoom(t, u, s)
	test.Tap(c.feedbackBtn)
	f := u.feedback
	test.Tap(f.kioskBtn)
	if u.navBar.Visible() || f.backBtn.Visible() || !f.leaveBtn.Visible() {
		t.Fatalf("kiosk: nav %v, back %v, leave %v", u.navBar.Visible(), f.backBtn.Visible(), f.leaveBtn.Visible())
	}
	test.Tap(f.supports.button("4"))
	fb, _ := s.Feedback(ctx, c.vs.visit.ID)
	if len(fb) != 1 || fb[0].RoomID != rooms[0].ID || fb[0].SupportsTeaching != 4 {
		t.Fatalf("feedback given in the kiosk: %+v", fb)
	}
	test.Tap(f.leaveBtn)
	if !u.kiosk || !strings.Contains(f.saved.Text, "hold") {
		t.Fatalf("a plain tap left the kiosk (or said nothing: %q)", f.saved.Text)
	}
	hold(f.leaveBtn)
	if f.pinDialog == nil {
		t.Fatal("a long press did not ask for the PIN")
	}
	test.Type(f.pinEntry, "1111")
	test.Tap(dialogButton(t, u, "Leave"))
	if !u.kiosk || u.navBar.Visible() {
		t.Fatal("a wrong PIN left the kiosk")
	}
	hold(f.leaveBtn)
	test.Type(f.pinEntry, "2468")
	test.Tap(dialogButton(t, u, "Leave"))
	if u.kiosk || !u.navBar.Visible() || !f.backBtn.Visible() {
		t.Fatal("the right PIN did not end the kiosk")
	}
}

func TestStopwatchFillsTheSeconds(t *testing.T) {
	u, s, _ := newTestUI(t)
	c, rooms := startVisitInRoom(t, u, s)
	r := row(t, c, "disp-seconds")
	if r.timerBtn == nil {
		t.Fatal("an item timed in seconds has no stopwatch")
	}
	test.Tap(r.timerBtn)
	if r.timer.IsZero() || r.timerBtn.Text != "Stop timer" {
		t.Fatalf("the stopwatch did not start: %q", r.timerBtn.Text)
	}
	r.timer = r.timer.Add(-12300 * time.Millisecond) // as if 12.3 s went by
	test.Tap(r.timerBtn)
	if a := answer(t, s, c.vs.visit.ID, rooms[0].ID, "disp-seconds"); a.Value != "12.3" {
		t.Fatalf("stopwatch saved %q, want 12.3", a.Value)
	}
	if !r.timer.IsZero() || r.timerBtn.Text != "Start timer" {
		t.Fatalf("the stopwatch did not stop: %q", r.timerBtn.Text)
	}
}

// drag draws a mark on the markup pad through the given points.
func drag(p *markupPad, pts ...fyne.Position) {
	for _, pt := range pts {
		p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pt}})
	}
	p.DragEnd()
}

func TestMarkUpSavesANewPhoto(t *testing.T) {
	u, s, _ := newTestUI(t)
	c, _ := startVisitInRoom(t, u, s)
	vid := c.vs.visit.ID
	c.onPhotoFile("disp-power", fileReader(t, writePNG(t, "display.png")), nil)
	orig := c.vs.photos[0]
	c.onViewPhoto(orig)
	waitForScreens(u)
	test.Tap(dialogButton(t, u, "Mark up…"))
	m := c.marking
	if m == nil {
		t.Fatal("Mark up… opened nothing")
	}
	sc := m.pad.scale
	drag(m.pad, fyne.NewPos(32*sc, 24*sc), fyne.NewPos(44*sc, 24*sc)) // a circle of radius 12 px
	m.setTool(audit.MarkArrow)
	drag(m.pad, fyne.NewPos(2*sc, 2*sc), fyne.NewPos(20*sc, 20*sc))
	m.setTool(audit.MarkFreehand)
	drag(m.pad, fyne.NewPos(50*sc, 40*sc), fyne.NewPos(55*sc, 42*sc), fyne.NewPos(60*sc, 44*sc))
	m.pad.undo()
	if len(m.pad.marks) != 2 || len(m.pad.overlay.Objects) == 0 {
		t.Fatalf("%d marks, %d shapes on screen", len(m.pad.marks), len(m.pad.overlay.Objects))
	}
	test.Tap(m.saveBtn)
	waitForScreens(u)
	ps, _ := s.Photos(ctx, vid)
	if len(ps) != 2 || ps[1].ItemID != "disp-power" || ps[1].Width != orig.Width {
		t.Fatalf("after saving the markup: %+v", ps)
	}
	before, _ := s.PhotoData(ctx, orig.ID)
	after, _ := s.PhotoData(ctx, ps[1].ID)
	if ps[1].SHA256 == orig.SHA256 || len(before) == 0 || len(after) == 0 {
		t.Fatal("the marked-up photo is the original")
	}
	if c.marking != nil || len(row(t, c, "disp-power").strip.Objects) != 2 {
		t.Fatal("the markup dialog stayed open, or the new photo has no thumbnail")
	}
}

func TestShowIfHidesPenAndTouchUnlessInteractive(t *testing.T) {
	u, s, _ := newTestUI(t)
	c, rooms := startVisitInRoom(t, u, s)
	vid := c.vs.visit.ID
	touch, kind := row(t, c, "disp-touch"), row(t, c, "disp-type")
	if touch.root.Visible() {
		t.Fatal("pen and touch is asked before the kind of display is known")
	}
	_, itemsBefore, _ := c.sectionCounts(c.sectionOf[touch.index])
	test.Tap(kind.choice.button("Interactive display"))
	if !touch.root.Visible() {
		t.Fatal("pen and touch is not asked on an interactive display")
	}
	if _, items, _ := c.sectionCounts(c.sectionOf[touch.index]); items != itemsBefore+1 {
		t.Fatalf("section counts %d items once pen and touch shows, want %d", items, itemsBefore+1)
	}
	test.Tap(touch.choice.button(audit.CheckBroken))
	if fs, _ := s.Findings(ctx, audit.FindingFilter{VisitID: vid}); len(fs) != 1 || fs[0].ItemID != "disp-touch" {
		t.Fatalf("findings with broken touch: %+v", fs)
	}
	test.Tap(kind.choice.button("Projector"))
	if touch.root.Visible() {
		t.Fatal("pen and touch is still asked for a projector")
	}
	if a := answer(t, s, vid, rooms[0].ID, "disp-touch"); a.Value != "" {
		t.Fatalf("the hidden item kept its answer %q", a.Value)
	}
	if fs, _ := s.Findings(ctx, audit.FindingFilter{VisitID: vid}); len(fs) != 0 {
		t.Fatalf("a hidden item is still a finding: %+v", fs)
	}
	if sc, _ := s.ScoreOf(ctx, vid); sc.Failures != 0 {
		t.Fatalf("a hidden item still fails the score: %d failures", sc.Failures)
	}
}
