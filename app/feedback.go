package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// feedbackForm is the short form a teacher fills in about their room's
// technology, on the device, in the template's wording. A room may hold
// several teachers' feedback: the form lists them, edits one at a time and
// adds another with "Add another teacher's feedback".
type feedbackForm struct {
	store *sqlite.Store
	u     *ui
	vs    *visitScreen
	room  audit.Room
	fb    audit.Feedback // the entry shown; no id until its first answer saves it

	form         *fyne.Container // the questions, laid out again when the entries change
	entries      *fyne.Container // one button per saved entry of the room, hidden in the kiosk
	entryButtons []*widget.Button
	addBtn       *widget.Button

	name           *widget.Entry
	supports       *choiceRow
	helpEasy       *choiceRow
	chooseAgain    *choiceRow
	inconveniences *widget.Entry
	frustration    *widget.Entry
	consent        *widget.Check
	saved          *statusBar
	backBtn        *widget.Button
	kioskBtn       *widget.Button // hands the form to the teacher
	leaveBtn       *holdButton    // the auditor takes it back: a long press, then the PIN if one is set
	pinDialog      dialog.Dialog
	pinEntry       *widget.Entry
	loading        bool
}

// newFeedbackForm opens the room's first feedback entry, or a new one
// when the room has none.
func newFeedbackForm(u *ui, vs *visitScreen, room audit.Room) *feedbackForm {
	f := &feedbackForm{store: u.store, u: u, vs: vs, room: room}
	if list := vs.feedback[room.ID]; len(list) > 0 {
		f.fb = list[0]
	}
	f.fb.VisitID, f.fb.RoomID = vs.visit.ID, room.ID
	return f
}

func (f *feedbackForm) buildUI() fyne.CanvasObject {
	p := f.vs.tmpl.Feedback
	ratings := []string{"1", "2", "3", "4", "5"}
	f.name = widget.NewEntry()
	f.name.SetPlaceHolder("e.g. Ms Rivera")
	f.name.OnChanged = func(s string) { f.fb.TeacherName = s; f.onChanged() }
	f.supports = newChoiceRow(ratings, ratings, func(v string) { f.fb.SupportsTeaching, _ = strconv.Atoi(v); f.onChanged() })
	f.helpEasy = newChoiceRow(ratings, ratings, func(v string) { f.fb.HelpEasy, _ = strconv.Atoi(v); f.onChanged() })
	f.chooseAgain = newChoiceRow([]string{"Yes", "No", "Not sure"},
		[]string{string(audit.ChooseYes), string(audit.ChooseNo), string(audit.ChooseUnsure)},
		func(v string) { f.fb.ChooseAgain = audit.ChooseAgain(v); f.onChanged() })
	f.inconveniences = widget.NewEntry()
	f.inconveniences.SetPlaceHolder("0")
	f.inconveniences.OnChanged = f.onInconveniences
	minus := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { f.stepInconveniences(-1) })
	plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { f.stepInconveniences(1) })
	f.frustration = widget.NewMultiLineEntry()
	f.frustration.Wrapping = fyne.TextWrapWord
	f.frustration.SetMinRowsVisible(3)
	f.frustration.OnChanged = func(s string) { f.fb.Frustration = s; f.onChanged() }
	f.consent = widget.NewCheck("Yes, you may quote me", func(b bool) { f.fb.ConsentToQuote = b; f.onChanged() })
	f.saved = newStatusBar()
	f.backBtn = widget.NewButtonWithIcon("Back to the checklist", theme.NavigateBackIcon(), f.onBack)
	f.backBtn.Importance = widget.HighImportance
	f.kioskBtn = widget.NewButtonWithIcon("Hand to the teacher", theme.AccountIcon(), func() { f.setKiosk(true) })
	f.leaveBtn = newHoldButton("Auditor: press and hold to leave", theme.LogoutIcon(), f.onLeaveHeld)
	f.leaveBtn.OnTapped = func() { f.saved.info("Auditor: press and hold the button for 2 seconds to leave the form.") }
	f.leaveBtn.Importance = widget.LowImportance
	f.leaveBtn.Hide()
	f.addBtn = widget.NewButtonWithIcon("Add another teacher's feedback", theme.ContentAddIcon(), f.onAdd)
	f.entries = container.NewVBox()
	f.load()
	f.showEntries()
	f.form = container.NewVBox(
		heading("Teacher feedback — room "+f.room.Label()),
		wrapLabel("Please answer for your own classroom. Every answer is saved as you give it."),
		f.finishedNotice(),
		f.entries,
		question("Your name (optional)", f.nameHint(), f.name),
		question(p.SupportsTeaching, "", f.supports.box),
		question(p.HelpEasy, "", f.helpEasy.box),
		question(p.ChooseAgain, "", f.chooseAgain.box),
		question(p.Inconveniences, "Type a number or use − and +.",
			container.NewBorder(nil, nil, tallBox(minus), tallBox(plus), f.inconveniences)),
		question(p.Frustration, "", f.frustration),
		question(p.Consent, "", f.consent),
	)
	if f.vs.visit.Finished() {
		setEnabled(false, f.name, f.inconveniences, minus, plus, f.frustration, f.consent)
		for _, c := range []*choiceRow{f.supports, f.helpEasy, f.chooseAgain} {
			c.setReadOnly(true)
		}
	}
	if f.vs.visit.Finished() {
		f.kioskBtn.Disable()
		f.addBtn.Disable()
	}
	buttons := container.NewStack(container.NewGridWithColumns(2, tallBox(f.kioskBtn), tallBox(f.backBtn)), tallBox(f.leaveBtn))
	bottom := container.NewVBox(widget.NewSeparator(), f.saved.box, buttons)
	return container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(container.NewPadded(f.form)))
}

// question is one field of the form: its question in bold, an optional
// hint, then the field, with space before the next question.
func question(label, hint string, field fyne.CanvasObject) fyne.CanvasObject {
	objs := []fyne.CanvasObject{heading(label)}
	if hint != "" {
		objs = append(objs, smallLabel(hint))
	}
	return container.NewPadded(container.NewVBox(append(objs, field)...))
}

// nameHint says whether the teacher's name can reach the report.
func (f *feedbackForm) nameHint() string {
	if f.store.Anonymise(f.u.ctx) {
		return "Reports leave teachers' names out."
	}
	return "This district's reports may show your name beside your answers."
}

// finishedNotice says why a finished visit's feedback cannot change; it is
// hidden while the visit is open.
func (f *feedbackForm) finishedNotice() fyne.CanvasObject {
	l := heading("This visit was finished on " + formatDate(f.vs.visit.FinishedAt) + " — reopen it on the visit screen to change the feedback.")
	l.Importance = widget.WarningImportance
	if !f.vs.visit.Finished() {
		l.Hide()
	}
	return l
}

// load fills the form from the entry shown without saving.
func (f *feedbackForm) load() {
	f.loading = true
	defer func() { f.loading = false }()
	f.name.SetText(f.fb.TeacherName)
	f.supports.set(ratingText(f.fb.SupportsTeaching))
	f.helpEasy.set(ratingText(f.fb.HelpEasy))
	f.chooseAgain.set(string(f.fb.ChooseAgain))
	f.inconveniences.SetText(ratingText(f.fb.Inconveniences))
	f.frustration.SetText(f.fb.Frustration)
	f.consent.SetChecked(f.fb.ConsentToQuote)
}

// ratingText is a rating or count as the form shows it: empty when 0 (not answered).
func ratingText(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// showEntries lists the room's saved feedback entries, the one shown
// highlighted, and, once the one shown is saved, the button that adds another.
func (f *feedbackForm) showEntries() {
	list := f.vs.feedback[f.room.ID]
	f.entries.RemoveAll()
	f.entryButtons = nil
	if len(list) > 0 {
		f.entries.Add(smallLabel(fmt.Sprintf("Feedback given in this room: %d. Tap one to see or change it.", len(list))))
	}
	var objs []fyne.CanvasObject
	for i, fb := range list {
		id := fb.ID
		b := widget.NewButton(entryLabel(i, fb), func() { f.onOpen(id) })
		if fb.ID == f.fb.ID {
			b.Importance = widget.HighImportance
		}
		f.entryButtons = append(f.entryButtons, b)
		objs = append(objs, tallBox(b))
	}
	if len(objs) > 0 {
		f.entries.Add(container.NewGridWithColumns(min(len(objs), 3), objs...))
	}
	if f.fb.ID != "" { // another teacher's, once this one's answers are saved
		f.entries.Add(tallBox(f.addBtn))
	}
	if f.form != nil {
		f.form.Refresh()
	}
}

// entryLabel names a feedback entry on its button: the teacher's name, or
// "Teacher 2" when they gave none.
func entryLabel(i int, fb audit.Feedback) string {
	if name := strings.TrimSpace(fb.TeacherName); name != "" {
		return name
	}
	return fmt.Sprintf("Teacher %d", i+1)
}

// onOpen shows a saved entry, as it stands now.
func (f *feedbackForm) onOpen(id string) {
	for _, fb := range f.vs.feedback[f.room.ID] {
		if fb.ID == id {
			f.fb = fb
		}
	}
	f.load()
	f.showEntries()
	f.saved.clear()
}

// onAdd starts a new, empty entry for another teacher of the room; it is
// saved with its first answer.
func (f *feedbackForm) onAdd() {
	f.fb = audit.Feedback{VisitID: f.vs.visit.ID, RoomID: f.room.ID}
	f.load()
	f.showEntries()
	f.saved.info("New feedback: the next teacher's answers are saved apart from the others'.")
}

func (f *feedbackForm) onInconveniences(s string) {
	if s == "" {
		f.fb.Inconveniences = 0
		f.onChanged()
		return
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		f.saved.failed(errNotCount)
		return
	}
	f.fb.Inconveniences = n
	f.onChanged()
}

func (f *feedbackForm) stepInconveniences(d int) {
	n := max(0, f.fb.Inconveniences+d)
	f.inconveniences.SetText(strconv.Itoa(n)) // saves through OnChanged
}

// onChanged saves the feedback at once.
func (f *feedbackForm) onChanged() {
	if f.loading {
		return
	}
	fb := f.fb
	err := f.store.SaveFeedback(f.u.ctx, &fb)
	f.saved.saved(err)
	if err != nil {
		return
	}
	isNew := f.fb.ID == ""
	f.fb = fb
	f.vs.recordFeedback(fb)
	if isNew {
		f.showEntries()
		return
	}
	for i, e := range f.vs.feedback[f.room.ID] {
		if e.ID == fb.ID && i < len(f.entryButtons) {
			f.entryButtons[i].SetText(entryLabel(i, fb))
		}
	}
}

// setKiosk hands the form to the teacher (only the form shows) or takes it back.
func (f *feedbackForm) setKiosk(on bool) {
	f.u.setKiosk(on)
	if on {
		f.entries.Hide() // a teacher sees only their own answers
		f.kioskBtn.Hide()
		f.backBtn.Hide()
		f.leaveBtn.Show()
		f.saved.info("Thank you for your feedback: every answer is saved as you give it.")
		return
	}
	f.leaveBtn.Hide()
	f.entries.Show()
	f.kioskBtn.Show()
	f.backBtn.Show()
	f.saved.clear()
}

// onLeaveHeld ends the kiosk after a long press, asking for the PIN when
// Settings has one.
func (f *feedbackForm) onLeaveHeld() {
	pin, _ := f.store.Setting(f.u.ctx, audit.SettingKioskPIN, "")
	if strings.TrimSpace(pin) == "" {
		f.setKiosk(false)
		return
	}
	entry := widget.NewPasswordEntry()
	entry.SetPlaceHolder("PIN")
	d := dialog.NewForm("Auditor PIN", "Leave", "Cancel", []*widget.FormItem{widget.NewFormItem("PIN", entry)}, func(ok bool) {
		f.pinDialog = nil
		if !ok {
			return
		}
		if !audit.KioskPINMatches(pin, entry.Text) {
			f.saved.failed(errWrongPIN)
			return
		}
		f.setKiosk(false)
	}, f.u.win)
	f.pinDialog, f.pinEntry = d, entry
	d.Show()
	f.u.win.Canvas().Focus(entry)
}

func (f *feedbackForm) onBack() {
	f.u.setScreen("visit", "visit", f.vs.root)
}

type feedbackError string

func (e feedbackError) Error() string { return string(e) }

const errNotCount = feedbackError("Times held up this week: type a whole number, 0 or more")

const errWrongPIN = feedbackError("That is not the PIN: the form stays open")
