package app

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// itemRow is the widgets answering one checklist item in one room.
type itemRow struct {
	item    audit.SectionItem
	index   int
	value   string
	note    string
	photos  int
	wifiURL string
	loading bool // filling widgets from the stored answer: do not save

	onChange   func(r *itemRow)           // saves value and note
	onPhoto    func(r *itemRow)           // opens the photo picker
	onFocus    func(r *itemRow)           // makes the row current
	onShortcut func(s fyne.Shortcut) bool // runs a checklist shortcut typed in an entry

	bg        *canvas.Rectangle
	outcome   statusLabel
	problem   statusLabel
	answered  statusLabel // answer and note in words, while the row is read-only
	choice    *choiceRow  // check, rating, choice
	number    *fieldEntry
	timerBtn  *widget.Button // on items timed in seconds: start, then stop, a stopwatch
	timer     time.Time      // when the stopwatch started; zero while stopped
	timerStop chan struct{}  // closed when the stopwatch stops
	text      *fieldEntry
	apps      map[string]*widget.Check
	allApps   *widget.Button
	wifi      *wifiFields
	noteEntry *fieldEntry
	photoBtn  *widget.Button
	strip     *fyne.Container // the item's photo thumbnails
	root      fyne.CanvasObject
}

func newItemRow(it audit.SectionItem, index int, ans audit.Answer, photos int, wifiURL string) *itemRow {
	return &itemRow{item: it, index: index, value: ans.Value, note: ans.Note, photos: photos, wifiURL: wifiURL}
}

func (r *itemRow) buildUI() fyne.CanvasObject {
	r.outcome, r.problem, r.answered = newStatusLabel(), newStatusLabel(), newStatusLabel()
	r.answered.TextStyle = fyne.TextStyle{Bold: true}
	r.noteEntry = r.newEntry(false)
	r.noteEntry.SetPlaceHolder("Note (optional)")
	r.noteEntry.OnChanged = r.onNoteChanged
	r.photoBtn = widget.NewButtonWithIcon("", theme.FileImageIcon(), func() { r.onPhoto(r) })
	r.photoBtn.Importance = widget.LowImportance
	r.updatePhotoButton()
	parts := []fyne.CanvasObject{heading(r.item.Label), smallLabel(r.describe())}
	if c := r.buildControls(); c != nil {
		parts = append(parts, c)
	}
	r.strip = container.NewHBox()
	r.strip.Hide()
	parts = append(parts, r.answered, r.outcome, r.problem,
		container.NewBorder(nil, nil, nil, tallBox(r.photoBtn), r.noteEntry), r.strip)
	r.bg = highlight()
	r.load()
	r.root = container.NewStack(r.bg, container.NewPadded(container.NewVBox(parts...)))
	return r.root
}

// describe is the small line under the label: severity, category, pass rule and guidance.
func (r *itemRow) describe() string {
	bits := []string{}
	if r.item.Scored() {
		bits = append(bits, strings.ToUpper(string(r.item.Severity[:1]))+string(r.item.Severity[1:])+" · "+r.item.Category)
	} else {
		bits = append(bits, r.item.Category+" (not scored)")
	}
	if rule := passRule(r.item.Item); rule != "" {
		bits = append(bits, rule)
	}
	if r.item.Guidance != "" {
		bits = append(bits, r.item.Guidance)
	}
	return strings.Join(bits, " — ")
}

// passRule says in words what passes a number, rating or Wi-Fi item.
func passRule(it audit.Item) string {
	var rules []string
	add := func(p *float64, format string) {
		if p != nil {
			rules = append(rules, fmt.Sprintf(format, formatNumber(*p)))
		}
	}
	switch it.Kind {
	case audit.ItemNumber:
		add(it.PassMin, "at least %s "+it.Unit)
		add(it.PassMax, "at most %s "+it.Unit)
	case audit.ItemRating:
		add(it.PassMin, "%s or more")
	case audit.ItemWifi:
		if th := it.Wifi; th != nil {
			add(th.MinSignalDBM, "signal ≥ %s dBm")
			add(th.MaxLatencyMS, "latency ≤ %s ms")
			add(th.MinDownMbps, "down ≥ %s Mbps")
			add(th.MinUpMbps, "up ≥ %s Mbps")
		}
	}
	if len(rules) == 0 {
		return ""
	}
	return "passes at " + strings.Join(rules, ", ")
}

func (r *itemRow) buildControls() fyne.CanvasObject {
	switch r.item.Kind {
	case audit.ItemCheck:
		r.choice = newChoiceRow([]string{"OK", "Missing", "Broken", "N/A"},
			[]string{audit.CheckOK, audit.CheckMissing, audit.CheckBroken, audit.CheckNA}, r.onChoice)
		r.choice.chosen[audit.CheckOK] = widget.SuccessImportance
		r.choice.chosen[audit.CheckMissing] = widget.DangerImportance
		r.choice.chosen[audit.CheckBroken] = widget.DangerImportance
		return r.choice.box
	case audit.ItemRating:
		vals := []string{"1", "2", "3", "4", "5"}
		r.choice = newChoiceRow(vals, vals, r.onChoice)
		return r.choice.box
	case audit.ItemChoice:
		r.choice = newChoiceRow(r.item.Options, r.item.Options, r.onChoice)
		return r.choice.box
	case audit.ItemNumber:
		r.number = r.newEntry(false)
		r.number.SetPlaceHolder("Type a number")
		r.number.OnChanged = r.onNumberChanged
		unit := fyne.CanvasObject(widget.NewLabel(r.item.Unit))
		if timedInSeconds(r.item.Unit) {
			r.timerBtn = widget.NewButtonWithIcon("Start timer", theme.MediaPlayIcon(), r.onTimer)
			unit = container.NewHBox(unit, tallBox(r.timerBtn))
		}
		return container.NewBorder(nil, nil, nil, unit, r.number)
	case audit.ItemText:
		r.text = r.newEntry(true)
		r.text.Wrapping = fyne.TextWrapWord
		r.text.SetMinRowsVisible(2)
		r.text.OnChanged = r.onTextChanged
		return r.text
	case audit.ItemApps:
		return r.buildApps()
	case audit.ItemWifi:
		return r.buildWifi()
	}
	return nil // photo items: the photo button does the work
}

func (r *itemRow) buildApps() fyne.CanvasObject {
	r.apps = map[string]*widget.Check{}
	objs := []fyne.CanvasObject{smallLabel("Tick the apps that are missing:")}
	grid := container.NewGridWithColumns(2)
	for _, name := range r.item.Apps {
		c := widget.NewCheck(name, func(bool) { r.onAppsChanged() })
		r.apps[name] = c
		grid.Add(c)
	}
	r.allApps = widget.NewButton("All present", func() { r.onAllAppsPresent() })
	return container.NewVBox(append(objs, grid, tallBox(r.allApps))...)
}

// timedInSeconds tells whether a number item's unit is seconds, so a
// stopwatch can measure it (seconds to boot, to show an image…).
func timedInSeconds(unit string) bool {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "s", "sec", "secs", "second", "seconds":
		return true
	}
	return false
}

// maxTimer stops a forgotten stopwatch.
const maxTimer = 10 * time.Minute

// onTimer starts the stopwatch, or stops it and puts the seconds in the
// figure (which saves it).
func (r *itemRow) onTimer() {
	if r.timer.IsZero() {
		r.timer = time.Now()
		r.timerBtn.SetIcon(theme.MediaStopIcon())
		r.timerBtn.SetText("Stop timer")
		r.timerStop = make(chan struct{})
		go r.tick(r.timer, r.timerStop)
		return
	}
	secs := time.Since(r.timer).Seconds()
	r.timer = time.Time{}
	close(r.timerStop)
	r.timerBtn.SetIcon(theme.MediaPlayIcon())
	r.timerBtn.SetText("Start timer")
	r.number.SetText(formatNumber(math.Round(secs*10) / 10))
}

// tick shows the running seconds on the Stop button until stop closes.
func (r *itemRow) tick(start time.Time, stop chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fyne.Do(func() {
				switch {
				case !r.timer.Equal(start): // stopped meanwhile
				case time.Since(start) > maxTimer:
					r.onTimer()
				default:
					r.timerBtn.SetText(fmt.Sprintf("Stop timer (%.0f s)", time.Since(start).Seconds()))
				}
			})
		}
	}
}

// newEntry makes an entry of this row that passes checklist shortcuts on.
func (r *itemRow) newEntry(multiLine bool) *fieldEntry {
	e := newFieldEntry(multiLine)
	e.onShortcut = func(s fyne.Shortcut) bool { return r.onShortcut != nil && r.onShortcut(s) }
	e.onFocus = func() {
		if r.onFocus != nil {
			r.onFocus(r)
		}
	}
	return e
}

// setReadOnly disables (or enables) everything that changes the answer,
// note or photos; what is shown stays readable.
func (r *itemRow) setReadOnly(ro bool) {
	ctrls := []fyne.Disableable{r.noteEntry, r.photoBtn}
	if r.choice != nil {
		r.choice.setReadOnly(ro)
	}
	for _, e := range []*fieldEntry{r.number, r.text} {
		if e != nil {
			ctrls = append(ctrls, e)
		}
	}
	for _, c := range r.apps {
		ctrls = append(ctrls, c)
	}
	if r.allApps != nil {
		ctrls = append(ctrls, r.allApps)
	}
	if w := r.wifi; w != nil {
		ctrls = append(ctrls, w.signal, w.latency, w.down, w.up, w.measureBtn)
	}
	if r.timerBtn != nil {
		ctrls = append(ctrls, r.timerBtn)
	}
	setEnabled(!ro, ctrls...)
	r.showAnswered(ro)
}

// showAnswered puts the answer and note in words under a read-only row:
// disabled entries are faint, so the row would hide what was found
// otherwise. Choice rows say their own answer.
func (r *itemRow) showAnswered(on bool) {
	if !on {
		r.answered.clear()
		return
	}
	var lines []string
	if r.item.Kind != audit.ItemPhoto && r.choice == nil {
		line := "Not answered"
		if answer := r.answerText(); answer != "" {
			line = "Answer: " + answer
		}
		lines = append(lines, line)
	}
	if strings.TrimSpace(r.note) != "" {
		lines = append(lines, "Note: "+r.note)
	}
	if len(lines) == 0 {
		r.answered.clear()
		return
	}
	r.answered.info(strings.Join(lines, "\n"))
}

// answerText is the stored answer as the row shows it, in words.
func (r *itemRow) answerText() string {
	switch {
	case r.value == "":
		return ""
	case r.number != nil:
		return strings.TrimSpace(r.value + " " + r.item.Unit)
	case r.apps != nil:
		missing, _ := audit.ParseMissingApps(r.value)
		if len(missing) == 0 {
			return "all apps present"
		}
		return "missing " + strings.Join(missing, ", ")
	case r.wifi != nil:
		return r.wifiText()
	}
	return r.value
}

// load fills the widgets from the stored answer without saving.
func (r *itemRow) load() {
	r.loading = true
	defer func() { r.loading = false }()
	r.noteEntry.SetText(r.note)
	switch {
	case r.choice != nil:
		r.choice.set(r.value)
	case r.number != nil:
		r.number.SetText(r.value)
	case r.text != nil:
		r.text.SetText(r.value)
	case r.apps != nil:
		missing, _ := audit.ParseMissingApps(r.value)
		for _, name := range missing {
			if c := r.apps[name]; c != nil {
				c.SetChecked(true)
			}
		}
		r.updateAllApps()
	case r.wifi != nil:
		if w, err := audit.ParseWifi(r.value); err == nil && r.value != "" {
			r.fillWifi(w)
		}
	}
	r.updateOutcome()
}

// changed saves the row unless it is being loaded.
func (r *itemRow) changed() {
	if r.loading {
		return
	}
	r.updateOutcome()
	if r.onFocus != nil {
		r.onFocus(r)
	}
	if r.onChange != nil {
		r.onChange(r)
	}
}

func (r *itemRow) onChoice(v string) {
	r.value = v
	r.problem.clear()
	r.changed()
}

func (r *itemRow) onNoteChanged(s string) {
	r.note = s
	r.changed()
}

func (r *itemRow) onTextChanged(s string) {
	r.value = s
	r.changed()
}

func (r *itemRow) onNumberChanged(s string) {
	v, err := parseOptionalNumber(r.item.Label, s)
	if err != nil {
		r.problem.failed(err)
		return
	}
	r.problem.clear()
	r.value = ""
	if v != nil {
		r.value = formatNumber(*v)
	}
	r.changed()
}

func (r *itemRow) onAppsChanged() {
	if r.loading {
		return
	}
	missing := []string{}
	for _, name := range r.item.Apps {
		if r.apps[name].Checked {
			missing = append(missing, name)
		}
	}
	r.value = audit.EncodeMissingApps(missing)
	r.updateAllApps()
	r.changed()
}

func (r *itemRow) onAllAppsPresent() {
	r.loading = true
	for _, c := range r.apps {
		c.SetChecked(false)
	}
	r.loading = false
	r.onAppsChanged()
}

func (r *itemRow) updateAllApps() {
	imp := widget.MediumImportance
	if r.value == "[]" {
		imp = widget.SuccessImportance
	}
	r.allApps.Importance = imp
	r.allApps.Refresh()
}

// updateOutcome shows whether the answer passes, and why it fails.
func (r *itemRow) updateOutcome() {
	out, reason := r.item.Evaluate(r.value)
	switch out {
	case audit.Fail:
		r.outcome.failed(errors.New("Finding: " + reason))
	case audit.Pass:
		r.outcome.Importance = widget.SuccessImportance
		r.outcome.show("Passes")
	default:
		r.outcome.clear()
	}
}

func (r *itemRow) updatePhotoButton() {
	if r.photos == 0 {
		r.photoBtn.SetText("Add photo")
		return
	}
	r.photoBtn.SetText(fmt.Sprintf("Add photo (%d)", r.photos))
}

// setCurrent highlights the row as the one keyboard shortcuts act on.
func (r *itemRow) setCurrent(on bool) {
	if on {
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		r.bg.FillColor = theme.Color(theme.ColorNameBackground)
	}
	r.bg.Refresh()
}
