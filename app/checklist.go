package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// checklistHelp lists the keyboard shortcuts of the checklist.
const checklistHelp = "Keys: Ctrl+O ok · Ctrl+M missing · Ctrl+B broken · Ctrl+J / Ctrl+K next / previous item · Ctrl+N next room (Alt works too, also while typing a note)"

// shortcutModifiers are the modifiers the checklist's shortcut keys take.
var shortcutModifiers = []fyne.KeyModifier{fyne.KeyModifierShortcutDefault, fyne.KeyModifierAlt}

// checklistKey is one keyboard shortcut of the checklist.
type checklistKey struct {
	key fyne.KeyName
	run func(c *checklist)
}

// checklistShortcuts are the checklist's keyboard shortcuts (Ctrl or Alt +
// key); a function, because a variable would make an initialisation cycle
// with the screens they drive.
func checklistShortcuts() []checklistKey {
	return []checklistKey{
		{fyne.KeyO, func(c *checklist) { c.onShortcutCheck(audit.CheckOK) }},
		{fyne.KeyM, func(c *checklist) { c.onShortcutCheck(audit.CheckMissing) }},
		{fyne.KeyB, func(c *checklist) { c.onShortcutCheck(audit.CheckBroken) }},
		{fyne.KeyJ, func(c *checklist) { c.onNextItem() }},
		{fyne.KeyK, func(c *checklist) { c.onPrevItem() }},
		{fyne.KeyN, func(c *checklist) { c.vs.onNextRoom() }},
	}
}

// checklist is the checklist of one room, shown a section at a time.
type checklist struct {
	store *sqlite.Store
	u     *ui
	vs    *visitScreen
	room  audit.Room

	rows      []*itemRow
	sections  []string
	sectionOf []int // section index of each row
	section   int
	current   int

	title         *widget.Label
	sectionSelect *widget.Select
	prevBtn       *widget.Button
	nextBtn       *widget.Button
	sectionEnd    *widget.Button
	restOKBtn     *widget.Button // marks the section's unanswered checks OK, after asking
	doneBtn       *widget.Button
	nextRoomBtn   *widget.Button
	feedbackBtn   *widget.Button
	roomPhotoBtn  *widget.Button
	roomsBtn      *widget.Button
	doneAsk       *roomDoneQuestion // open while "Room done" asks about unanswered checks
	roomStrip     *fyne.Container   // the room's own photos
	viewer        dialog.Dialog     // the photo on show full size, if any
	marking       *markup           // the markup dialog open, if any
	sectionBox    *fyne.Container
	scroll        *container.Scroll
	saved         *statusBar
	root          fyne.CanvasObject
}

func newChecklist(vs *visitScreen, room audit.Room) *checklist {
	c := &checklist{store: vs.store, u: vs.u, vs: vs, room: room}
	wifiURL, _ := c.store.Setting(c.u.ctx, sqlite.SettingWifiURL, "")
	for i, it := range vs.tmpl.ItemsFor(room.Kind) {
		if len(c.sections) == 0 || c.sections[len(c.sections)-1] != it.Section {
			c.sections = append(c.sections, it.Section)
		}
		r := newItemRow(it, i, vs.answer(room.ID, it.ID), vs.photoCount(room.ID, it.ID), wifiURL)
		r.onChange, r.onPhoto, r.onFocus, r.onShortcut = c.onAnswer, c.onAddPhoto, c.onRowFocus, c.onEntryShortcut
		c.rows = append(c.rows, r)
		c.sectionOf = append(c.sectionOf, len(c.sections)-1)
	}
	return c
}

func (c *checklist) buildUI() fyne.CanvasObject {
	for _, r := range c.rows {
		r.buildUI()
	}
	c.title = heading(c.roomTitle())
	c.roomsBtn = widget.NewButtonWithIcon("Rooms", theme.NavigateBackIcon(), c.vs.onRooms)
	c.feedbackBtn = widget.NewButtonWithIcon("Feedback", theme.AccountIcon(), c.onFeedback)
	c.roomPhotoBtn = widget.NewButtonWithIcon("Photo", theme.FileImageIcon(), func() { c.openPhotoDialog("") })
	c.doneBtn = widget.NewButtonWithIcon("Room done", theme.ConfirmIcon(), c.onMarkDone)
	c.nextRoomBtn = widget.NewButtonWithIcon("Next room", theme.NavigateNextIcon(), c.vs.onNextRoom)
	actions := container.NewGridWithColumns(5, tallBox(c.roomsBtn), tallBox(c.feedbackBtn), tallBox(c.roomPhotoBtn),
		tallBox(c.doneBtn), tallBox(c.nextRoomBtn))
	c.sectionSelect = widget.NewSelect(c.sectionNames(), c.onSectionSelected)
	c.prevBtn = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), c.onPrevSection)
	c.nextBtn = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), c.onNextSection)
	nav := container.NewBorder(nil, nil, tallBox(c.prevBtn), tallBox(c.nextBtn), c.sectionSelect)
	c.sectionEnd = widget.NewButton("", c.onSectionEnd)
	c.sectionEnd.Importance = widget.HighImportance
	c.restOKBtn = widget.NewButtonWithIcon("", theme.ConfirmIcon(), c.onRestOK)
	c.sectionBox = container.NewVBox()
	c.scroll = container.NewVScroll(c.sectionBox)
	c.saved = newStatusBar()
	c.updateDone()
	c.roomStrip = container.NewHBox()
	top := container.NewVBox(c.title, actions, c.roomStrip, nav)
	bottom := container.NewVBox(widget.NewSeparator(), c.saved.box, smallLabel(checklistHelp))
	c.root = container.NewBorder(top, bottom, nil, nil, c.scroll)
	c.refreshPhotos()
	c.updateShown()
	c.showSection(0)
	c.setCurrent(c.firstUnanswered())
	c.setReadOnly(c.vs.visit.Finished())
	return c.root
}

// setReadOnly locks (or unlocks) every answer, note, photo and the room's
// done mark; a finished visit opens like this until it is reopened.
func (c *checklist) setReadOnly(ro bool) {
	for _, r := range c.rows {
		r.setReadOnly(ro)
	}
	setEnabled(!ro, c.doneBtn, c.roomPhotoBtn)
	c.updateRestOK()
}

// finishedHint says why a finished visit's answers do not change.
const finishedHint = "This visit is finished: reopen it to change answers."

// readOnly tells whether the visit is finished and so not to be changed here.
func (c *checklist) readOnly() bool { return c.vs.visit.Finished() }

func (c *checklist) roomTitle() string {
	t := "Room " + c.room.Label() + " · " + string(c.room.Kind)
	if c.room.Teacher != "" {
		t += " · " + c.room.Teacher
	}
	return t
}

// sectionNames are the section menu's entries, each with how many of its
// items are answered and how many fail.
func (c *checklist) sectionNames() []string {
	out := make([]string, len(c.sections))
	for i, s := range c.sections {
		answered, items, failing := c.sectionCounts(i)
		out[i] = fmt.Sprintf("Section %d of %d: %s — %d of %d answered", i+1, len(c.sections), s, answered, items)
		if failing > 0 {
			out[i] += " · " + plural(failing, "finding")
		}
	}
	return out
}

// sectionCounts counts a section's items, those answered and those failing.
func (c *checklist) sectionCounts(section int) (answered, items, failing int) {
	for k, r := range c.rows {
		if c.sectionOf[k] != section || r.item.Kind == audit.ItemPhoto || !c.shown(r) {
			continue
		}
		items++
		if r.value == "" {
			continue
		}
		answered++
		if out, _ := r.item.Evaluate(r.value); out == audit.Fail {
			failing++
		}
	}
	return
}

// values are the room's answers by item id, for show_if.
func (c *checklist) values() map[string]string {
	out := make(map[string]string, len(c.rows))
	for _, r := range c.rows {
		out[r.item.ID] = r.value
	}
	return out
}

// updateShown hides the items whose show_if the answers do not meet. An
// item that an answer hides loses its own answer (saved empty), so a hidden
// item is never scored nor a finding; that can hide further items in turn.
func (c *checklist) updateShown() {
	for cleared := true; cleared; {
		cleared = false
		vals := c.values()
		for _, r := range c.rows {
			if r.root == nil {
				continue
			}
			if r.item.Shown(vals) {
				r.root.Show()
				continue
			}
			r.root.Hide()
			if r.value != "" && !c.readOnly() {
				r.value = ""
				r.load()
				c.saveAnswer(r)
				cleared = true
			}
		}
	}
}

// shown tells whether a row's item is asked, given the answers so far.
func (c *checklist) shown(r *itemRow) bool { return r.item.Shown(c.values()) }

// updateSectionMenu puts fresh counts in the section menu.
func (c *checklist) updateSectionMenu() {
	c.sectionSelect.Options = c.sectionNames()
	c.sectionSelect.Selected = c.sectionSelect.Options[c.section]
	c.sectionSelect.Refresh()
	c.updateRestOK()
}

// restUnanswered lists the current section's check items not yet answered.
func (c *checklist) restUnanswered() []*itemRow {
	var out []*itemRow
	for k, r := range c.rows {
		if c.sectionOf[k] == c.section && r.item.Kind == audit.ItemCheck && r.value == "" && c.shown(r) {
			out = append(out, r)
		}
	}
	return out
}

// updateRestOK offers "Mark the rest OK" while the section has unanswered checks.
func (c *checklist) updateRestOK() {
	n := len(c.restUnanswered())
	c.restOKBtn.SetText(fmt.Sprintf("Mark the other %s of this section OK…", plural(n, "check")))
	if n == 0 || c.readOnly() {
		c.restOKBtn.Hide()
		return
	}
	c.restOKBtn.Show()
}

// onRestOK asks, then answers every unanswered check of the section OK.
func (c *checklist) onRestOK() {
	rest := c.restUnanswered()
	if len(rest) == 0 || c.readOnly() {
		return
	}
	names := make([]string, len(rest))
	for i, r := range rest {
		names[i] = "• " + r.item.Label
	}
	msg := wrapLabel(fmt.Sprintf("These %s of %s are not answered yet. Mark them all OK?\n%s",
		plural(len(rest), "check"), c.sections[c.section], strings.Join(names, "\n")))
	d := dialog.NewCustomConfirm("Mark the rest OK?", "Mark OK", "Cancel", msg, func(ok bool) {
		if !ok {
			return
		}
		for _, r := range rest {
			r.choice.onTap(audit.CheckOK)
		}
		c.saved.info(fmt.Sprintf("Marked %s OK at %s", plural(len(rest), "check"), time.Now().Format("15:04:05")))
	}, c.u.win)
	d.Resize(dialogSize(c.u.win, 640))
	d.Show()
}

// showSection puts the rows of section i on screen.
func (c *checklist) showSection(i int) {
	if i < 0 || i >= len(c.sections) {
		return
	}
	c.section = i
	objs := []fyne.CanvasObject{}
	for k, r := range c.rows {
		if c.sectionOf[k] == i {
			objs = append(objs, r.root, widget.NewSeparator())
		}
	}
	if i == len(c.sections)-1 {
		c.sectionEnd.SetText("Room done — next room")
	} else {
		c.sectionEnd.SetText("Next section: " + c.sections[i+1])
	}
	objs = append(objs, tallBox(c.restOKBtn), tallBox(c.sectionEnd))
	c.sectionBox.Objects = objs
	c.sectionBox.Refresh()
	c.sectionSelect.SetSelectedIndex(i) // fires onSectionSelected, which is a no-op for the same section
	c.updateRestOK()
	c.prevBtn.Disable()
	if i > 0 {
		c.prevBtn.Enable()
	}
	c.nextBtn.Disable()
	if i < len(c.sections)-1 {
		c.nextBtn.Enable()
	}
	c.scroll.ScrollToTop()
}

func (c *checklist) onSectionSelected(string) {
	if i := c.sectionSelect.SelectedIndex(); i >= 0 && i != c.section {
		c.showSection(i)
		c.setCurrent(c.firstRowOf(i))
	}
}

func (c *checklist) onPrevSection() {
	c.showSection(c.section - 1)
	c.setCurrent(c.firstRowOf(c.section))
}

func (c *checklist) onNextSection() {
	c.showSection(c.section + 1)
	c.setCurrent(c.firstRowOf(c.section))
}

// onSectionEnd moves on: to the next section, or at the last one, marks the room done and opens the next.
func (c *checklist) onSectionEnd() {
	if c.section < len(c.sections)-1 {
		c.onNextSection()
		return
	}
	if !c.vs.done[c.room.ID] && !c.readOnly() {
		c.markDone(c.vs.onNextRoom)
		return
	}
	c.vs.onNextRoom()
}

// firstUnanswered is where to resume: the first scored item without an
// answer, else the first unanswered item, else the first item.
func (c *checklist) firstUnanswered() int {
	for _, scored := range []bool{true, false} {
		for k, r := range c.rows {
			if r.value == "" && r.item.Kind != audit.ItemPhoto && (!scored || r.item.Scored()) && c.shown(r) {
				return k
			}
		}
	}
	return 0
}

func (c *checklist) firstRowOf(section int) int {
	for k := range c.rows {
		if c.sectionOf[k] == section {
			return k
		}
	}
	return 0
}

// setCurrent makes row i the one the keyboard shortcuts act on.
func (c *checklist) setCurrent(i int) {
	if i < 0 || i >= len(c.rows) {
		return
	}
	if c.current < len(c.rows) {
		c.rows[c.current].setCurrent(false)
	}
	c.current = i
	if c.sectionOf[i] != c.section {
		c.showSection(c.sectionOf[i])
	}
	r := c.rows[i]
	r.setCurrent(true)
	if !c.inView(r) {
		c.scroll.ScrollToOffset(fyne.NewPos(0, r.root.Position().Y))
	}
}

// inView tells whether the whole row is on screen, so it needs no scrolling.
func (c *checklist) inView(r *itemRow) bool {
	top, view := r.root.Position().Y, c.scroll.Size().Height
	return view > 0 && top >= c.scroll.Offset.Y && top+r.root.Size().Height <= c.scroll.Offset.Y+view
}

func (c *checklist) onRowFocus(r *itemRow) {
	if r.index != c.current {
		c.setCurrent(r.index)
	}
}

func (c *checklist) onNextItem() { c.step(1) }
func (c *checklist) onPrevItem() { c.step(-1) }

// step moves the current item by one shown item forward or back.
func (c *checklist) step(by int) {
	i := c.current + by
	for i >= 0 && i < len(c.rows) && !c.shown(c.rows[i]) {
		i += by
	}
	c.setCurrent(i)
}

// onEntryShortcut runs a checklist shortcut typed while one of its entries
// has focus. The entry lets go of the focus first, so the keys that follow
// do not edit an item the shortcut has moved away from. Other shortcuts
// (copy, paste, undo…) stay with the entry.
func (c *checklist) onEntryShortcut(s fyne.Shortcut) bool {
	run := checklistShortcut(s)
	if run == nil {
		return false
	}
	c.u.win.Canvas().Unfocus()
	if cl := c.u.activeChecklist(); cl != nil {
		run(cl)
	}
	return true
}

// checklistShortcut returns what a shortcut does on the checklist, or nil.
func checklistShortcut(s fyne.Shortcut) func(c *checklist) {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return nil
	}
	for _, sc := range checklistShortcuts() {
		for _, m := range shortcutModifiers {
			if cs.KeyName == sc.key && cs.Modifier == m {
				return sc.run
			}
		}
	}
	return nil
}

// onShortcutCheck answers the current check item and moves to the next item.
func (c *checklist) onShortcutCheck(value string) {
	if c.readOnly() {
		c.saved.info(finishedHint)
		return
	}
	r := c.rows[c.current]
	if r.item.Kind != audit.ItemCheck {
		c.saved.info("The current item is not an ok / missing / broken item; tap its answer instead.")
		return
	}
	r.choice.onTap(value)
	c.onNextItem()
}

// onAnswer saves one item's value and note at once.
func (c *checklist) onAnswer(r *itemRow) {
	if c.readOnly() {
		c.saved.info(finishedHint)
		return
	}
	if c.saveAnswer(r) == nil {
		c.updateShown()
		c.updateSectionMenu()
	}
}

// saveAnswer stores a row's value and note and keeps them for the progress line.
func (c *checklist) saveAnswer(r *itemRow) error {
	a := audit.Answer{VisitID: c.vs.visit.ID, RoomID: c.room.ID, ItemID: r.item.ID, Value: r.value, Note: r.note}
	err := c.store.SaveAnswer(c.u.ctx, &a)
	c.saved.saved(err)
	if err == nil {
		c.vs.recordAnswer(a)
	}
	return err
}

// onMarkDone marks the room done, asking first when checks are unanswered,
// or marks a done room open again.
func (c *checklist) onMarkDone() {
	if c.vs.done[c.room.ID] {
		c.setDone(false)
		return
	}
	c.markDone(nil)
}

func (c *checklist) setDone(done bool) {
	err := c.vs.setRoomDone(c.room.ID, done)
	c.saved.saved(err)
	c.updateDone()
}

func (c *checklist) updateDone() {
	if c.vs.done[c.room.ID] {
		c.doneBtn.SetText("Room is done")
		c.doneBtn.Importance = widget.SuccessImportance
	} else {
		c.doneBtn.SetText("Room done")
		c.doneBtn.Importance = widget.MediumImportance
	}
	c.doneBtn.Refresh()
	c.roomPhotoBtn.SetText(fmt.Sprintf("Photo (%d)", c.vs.roomPhotoCount(c.room.ID)))
}

func (c *checklist) onFeedback() {
	c.u.showFeedback(c.vs, c.room)
}

func (c *checklist) onAddPhoto(r *itemRow) {
	c.setCurrent(r.index)
	c.openPhotoDialog(r.item.ID)
}

// openPhotoDialog lets the user pick an image for the room (itemID "") or an item.
func (c *checklist) openPhotoDialog(itemID string) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) { c.onPhotoFile(itemID, rc, err) }, c.u.win)
	d.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	if dir := picturesFolder(); dir != nil {
		d.SetLocation(dir)
	}
	d.Resize(c.u.win.Canvas().Size())
	d.Show()
}

// onPhotoFile stores the photo the file dialog returned.
func (c *checklist) onPhotoFile(itemID string, rc fyne.URIReadCloser, err error) {
	name, data, err := readAll(rc, err)
	if err == errCancelled {
		return
	}
	if err != nil {
		c.photoFailed(err)
		return
	}
	c.addPhotoData(itemID, name, data)
}

// addPhotoData stores a photo of the room (itemID "") or an item and shows
// its thumbnail.
func (c *checklist) addPhotoData(itemID, name string, data []byte) error {
	caption := "Room " + c.room.Label()
	if it, ok := c.vs.tmpl.Item(itemID); ok {
		caption = it.Label
	}
	p, err := c.store.AddPhoto(c.u.ctx, audit.PhotoInput{VisitID: c.vs.visit.ID, RoomID: c.room.ID, ItemID: itemID,
		Caption: truncateRunes(caption, audit.MaxNameLen), Name: name, Data: data})
	if err != nil {
		c.photoFailed(err)
		return err
	}
	c.vs.photos = append(c.vs.photos, p)
	c.refreshPhotos()
	c.saved.info("Photo " + name + " added " + time.Now().Format("15:04:05"))
	return nil
}

func (c *checklist) photoFailed(err error) {
	c.saved.failed(err)
	dialog.ShowError(err, c.u.win)
}

// truncateRunes shortens s to at most n characters.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// rowFor returns the row of an item, or nil when the item does not apply to the room.
func (c *checklist) rowFor(itemID string) *itemRow {
	for _, r := range c.rows {
		if r.item.ID == itemID {
			return r
		}
	}
	return nil
}
