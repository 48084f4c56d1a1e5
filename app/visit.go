package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// visitScreen is a visit under way: the room picker, then a room's checklist,
// with the visit's progress on top.
type visitScreen struct {
	store *sqlite.Store
	u     *ui

	visit    audit.Visit
	school   audit.School
	tmpl     *audit.Template
	rooms    []audit.Room
	done     map[string]bool
	answers  map[string]map[string]audit.Answer // room -> item -> answer
	photos   []audit.Photo                      // oldest first
	thumbs   thumbCache
	feedback map[string][]audit.Feedback // room -> its teachers' feedback, oldest first

	title       *widget.Label
	progress    *widget.Label
	banner      *fyne.Container // shown while the visit is finished
	bannerText  *widget.Label
	reopenBtn   *widget.Button
	body        *fyne.Container
	roomButtons map[string]*widget.Button
	discardBtn  *widget.Button // only while the visit holds nothing
	checklist   *checklist
	people      *peopleDialog  // who walks and who is present, asked at the start
	shareBtn    *widget.Button // Share visit…: the visit as a bundle for another device
	conflictBtn *widget.Button // "2 answers differ…", shown while copies disagree
	conflicts   *conflictsDialog
	root        fyne.CanvasObject
}

func newVisitScreen(u *ui, visitID string) (*visitScreen, error) {
	d, err := u.store.LoadVisit(u.ctx, visitID)
	if err != nil {
		return nil, err
	}
	vs := &visitScreen{store: u.store, u: u, visit: d.Visit, school: d.School, tmpl: d.Template, rooms: d.Rooms,
		done: d.RoomsDone, answers: map[string]map[string]audit.Answer{}, photos: d.Photos,
		feedback: map[string][]audit.Feedback{}, thumbs: newThumbCache(u.store)}
	for _, a := range d.Answers {
		vs.recordAnswer(a)
	}
	for _, f := range d.Feedback {
		vs.recordFeedback(f)
	}
	return vs, nil
}

// recordFeedback keeps a saved feedback entry: it replaces the entry of
// the same id, or is added after the room's others.
func (vs *visitScreen) recordFeedback(f audit.Feedback) {
	list := vs.feedback[f.RoomID]
	for i := range list {
		if list[i].ID == f.ID {
			list[i] = f
			return
		}
	}
	vs.feedback[f.RoomID] = append(list, f)
}

func (vs *visitScreen) buildUI() fyne.CanvasObject {
	vs.title = heading("")
	vs.progress = smallLabel("")
	vs.updateProgress()
	vs.buildBanner()
	vs.updateFinished()
	vs.body = container.NewStack()
	top := container.NewVBox(vs.title, vs.progress, vs.banner, widget.NewSeparator())
	vs.root = container.NewBorder(top, nil, nil, nil, vs.body)
	vs.showPicker()
	return vs.root
}

// buildBanner makes the notice a finished visit shows, with its Reopen button.
func (vs *visitScreen) buildBanner() {
	vs.bannerText = wrapLabel("")
	vs.bannerText.TextStyle = fyne.TextStyle{Bold: true}
	vs.reopenBtn = widget.NewButtonWithIcon("Reopen visit", theme.ViewRefreshIcon(), vs.onReopen)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	text := container.NewVBox(layout.NewSpacer(), vs.bannerText, layout.NewSpacer()) // centred beside the button
	row := container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), tallBox(vs.reopenBtn), text)
	vs.banner = container.NewStack(bg, container.NewPadded(row))
}

// updateFinished shows in the title and the banner whether the visit is finished.
func (vs *visitScreen) updateFinished() {
	if !vs.visit.Finished() {
		vs.title.SetText(vs.school.Name + " — visit started " + formatDate(vs.visit.StartedAt))
		vs.banner.Hide()
		return
	}
	date := formatDate(vs.visit.FinishedAt)
	vs.title.SetText(vs.school.Name + " — visit finished " + date)
	vs.bannerText.SetText("This visit was finished on " + date + " — Reopen to change answers.")
	vs.banner.Show()
}

// onReopen un-finishes the visit and unlocks the checklist on show.
func (vs *visitScreen) onReopen() {
	v, err := vs.store.ReopenVisit(vs.u.ctx, vs.visit.ID)
	if err != nil {
		vs.u.showError(err)
		return
	}
	vs.setVisit(v)
	if vs.checklist != nil {
		vs.checklist.saved.info("Visit reopened: answers can change again.")
	}
}

// setVisit takes the visit as saved (finished or reopened elsewhere) and
// locks or unlocks the screen to match.
func (vs *visitScreen) setVisit(v audit.Visit) {
	vs.visit = v
	vs.updateFinished()
	if vs.checklist != nil {
		vs.checklist.setReadOnly(v.Finished())
	}
}

// showPicker shows the rooms as big buttons.
func (vs *visitScreen) showPicker() {
	vs.checklist = nil
	vs.u.win.Canvas().Unfocus()
	vs.roomButtons = map[string]*widget.Button{}
	// Two columns leave room for "A110 Chemistry lab · Hiroshi Tanaka ✓" on a
	// 1024-wide tablet; buttons clip, they do not wrap.
	grid := container.NewGridWithColumns(2)
	for _, r := range vs.rooms {
		r := r
		b := widget.NewButton(vs.roomButtonText(r), func() { vs.onPickRoom(r.ID) })
		if vs.done[r.ID] {
			b.Importance = widget.SuccessImportance
		} else if vs.partlyWalked(r) {
			b.Importance = widget.WarningImportance
		}
		vs.roomButtons[r.ID] = b
		grid.Add(tallBox(b))
	}
	addRoom := widget.NewButtonWithIcon("Add or edit rooms", theme.ContentAddIcon(), func() { vs.u.showSchool(vs.school.ID) })
	finish := widget.NewButtonWithIcon("Summary and finish…", theme.ConfirmIcon(), func() { vs.u.showFinish(vs.visit.ID) })
	finish.Importance = widget.HighImportance
	hint := "Pick a room to walk. Rooms marked done are green; rooms walked in part are orange and say how far."
	if len(vs.rooms) == 0 {
		hint = "This school has no rooms yet: add them first."
	}
	vs.shareBtn = widget.NewButtonWithIcon("Share visit…", theme.MailSendIcon(), func() { vs.u.bundles.onShare(vs.visit, vs.school) })
	content := container.NewVBox(wrapLabel(hint), vs.buildConflicts(), grid,
		container.NewGridWithColumns(3, tallBox(addRoom), tallBox(vs.shareBtn), tallBox(finish)), vs.buildDiscard())
	vs.setBody(container.NewVScroll(content))
}

// buildConflicts makes the button that opens the visit's open conflicts;
// it is hidden while there are none.
func (vs *visitScreen) buildConflicts() fyne.CanvasObject {
	vs.conflictBtn = widget.NewButtonWithIcon("", theme.WarningIcon(), vs.onConflicts)
	vs.conflictBtn.Importance = widget.WarningImportance
	list, err := vs.store.Conflicts(vs.u.ctx, vs.visit.ID)
	if err != nil || len(list) == 0 {
		vs.conflictBtn.Hide()
		return tallBox(vs.conflictBtn)
	}
	vs.conflictBtn.SetText(conflictsButtonText(len(list)))
	return tallBox(vs.conflictBtn)
}

// reload shows the visit again from the database.
func (vs *visitScreen) reload() { vs.u.showVisit(vs.visit.ID) }

// roomName is a room's label, or its id when the room is not the school's.
func (vs *visitScreen) roomName(id string) string {
	for _, r := range vs.rooms {
		if r.ID == id {
			return r.Label()
		}
	}
	return id
}

// itemLabel is an item's label in the visit's template, or its id.
func (vs *visitScreen) itemLabel(id string) string {
	if item, ok := vs.tmpl.Item(id); ok {
		return item.Label
	}
	return id
}

// buildDiscard offers to discard a visit that holds nothing yet (started by
// mistake); once anything is answered the button is gone.
func (vs *visitScreen) buildDiscard() fyne.CanvasObject {
	vs.discardBtn = widget.NewButtonWithIcon("Discard this empty visit…", theme.DeleteIcon(), vs.onDiscard)
	vs.discardBtn.Importance = widget.DangerImportance
	if empty, err := vs.store.VisitEmpty(vs.u.ctx, vs.visit.ID); err != nil || !empty || vs.visit.Finished() {
		vs.discardBtn.Hide()
	}
	return tallBox(vs.discardBtn)
}

// onDiscard asks, then deletes the empty visit and goes home.
func (vs *visitScreen) onDiscard() {
	dialog.ShowConfirm("Discard this visit?", "Nothing has been answered in this visit of "+vs.school.Name+
		". Discarding removes it from the list of visits.", func(ok bool) {
		if !ok {
			return
		}
		if err := vs.store.DiscardVisit(vs.u.ctx, vs.visit.ID); err != nil {
			vs.u.showError(err)
			return
		}
		vs.u.setCurrentVisit("")
		vs.u.showHome()
	}, vs.u.win)
}

func (vs *visitScreen) setBody(obj fyne.CanvasObject) {
	vs.body.Objects = []fyne.CanvasObject{obj}
	vs.body.Refresh()
}

func (vs *visitScreen) roomButtonText(r audit.Room) string {
	t := r.Label()
	if r.Teacher != "" {
		t += " · " + r.Teacher
	}
	if vs.done[r.ID] {
		return truncateRunes(t, 34) + " ✓"
	}
	if answered, items := vs.roomProgress(r); answered > 0 {
		return truncateRunes(t, 28) + fmt.Sprintf(" · %d/%d", answered, items)
	}
	return truncateRunes(t, 34)
}

// roomProgress counts a room's answered and applicable items.
// It should read the domain's room coverage once audit scores it.
func (vs *visitScreen) roomProgress(r audit.Room) (answered, items int) {
	vals := vs.values(r.ID)
	for _, it := range vs.tmpl.ItemsFor(r.Kind) {
		if it.Kind == audit.ItemPhoto || !it.Shown(vals) {
			continue
		}
		items++
		if vs.answers[r.ID][it.ID].Value != "" {
			answered++
		}
	}
	return answered, items
}

// partlyWalked tells whether a room not marked done has some answers.
func (vs *visitScreen) partlyWalked(r audit.Room) bool {
	answered, _ := vs.roomProgress(r)
	return !vs.done[r.ID] && answered > 0
}

// onPickRoom opens a room's checklist.
func (vs *visitScreen) onPickRoom(roomID string) *checklist {
	for _, r := range vs.rooms {
		if r.ID == roomID {
			vs.u.win.Canvas().Unfocus() // keys must not reach the room left behind
			vs.checklist = newChecklist(vs, r)
			vs.setBody(vs.checklist.buildUI())
			return vs.checklist
		}
	}
	return nil
}

// onRooms goes back to the room picker.
func (vs *visitScreen) onRooms() { vs.showPicker() }

// onNextRoom opens the next room not yet done after the current one; when
// every room is done it shows the summary.
func (vs *visitScreen) onNextRoom() {
	start := 0
	if vs.checklist != nil {
		for i, r := range vs.rooms {
			if r.ID == vs.checklist.room.ID {
				start = i + 1
			}
		}
	}
	for k := 0; k < len(vs.rooms); k++ {
		r := vs.rooms[(start+k)%len(vs.rooms)]
		if !vs.done[r.ID] && (vs.checklist == nil || r.ID != vs.checklist.room.ID) {
			vs.onPickRoom(r.ID)
			return
		}
	}
	if len(vs.rooms) > 0 && vs.checklist == nil {
		vs.onPickRoom(vs.rooms[0].ID)
		return
	}
	vs.u.showFinish(vs.visit.ID)
}

// setRoomDone records a room as done (or not) and updates the progress.
func (vs *visitScreen) setRoomDone(roomID string, done bool) error {
	if err := vs.store.SetRoomDone(vs.u.ctx, vs.visit.ID, roomID, done); err != nil {
		return err
	}
	vs.done[roomID] = done
	vs.updateProgress()
	return nil
}

// recordAnswer keeps a saved answer and updates the progress line.
func (vs *visitScreen) recordAnswer(a audit.Answer) {
	m := vs.answers[a.RoomID]
	if m == nil {
		m = map[string]audit.Answer{}
		vs.answers[a.RoomID] = m
	}
	m[a.ItemID] = a
	vs.updateProgress()
}

// values are a room's answers by item id, for show_if.
func (vs *visitScreen) values(roomID string) map[string]string {
	out := map[string]string{}
	for id, a := range vs.answers[roomID] {
		out[id] = a.Value
	}
	return out
}

func (vs *visitScreen) answer(roomID, itemID string) audit.Answer {
	return vs.answers[roomID][itemID]
}

func (vs *visitScreen) photoCount(roomID, itemID string) int { return len(vs.photosOf(roomID, itemID)) }

// updateProgress shows rooms done, the scored checks answered (the
// coverage the finish screen and the report give), every item answered
// (information items too) and the findings so far, all counted by the
// scoring rule itself.
func (vs *visitScreen) updateProgress() {
	if vs.progress == nil {
		return
	}
	done := 0
	var answers []audit.Answer
	for _, r := range vs.rooms {
		if vs.done[r.ID] {
			done++
		}
		for _, a := range vs.answers[r.ID] {
			answers = append(answers, a)
		}
	}
	score := audit.ScoreVisit(vs.tmpl, vs.rooms, answers, nil)
	items, answered := 0, 0
	for _, rs := range score.Rooms {
		items, answered = items+rs.Items, answered+rs.Answered
	}
	vs.progress.SetText(fmt.Sprintf("Rooms done %d of %d · checks answered %d of %d · all items %d of %d · findings so far %d",
		done, len(vs.rooms), score.Coverage.Answered, score.Coverage.Applicable, answered, items, score.Failures))
}
