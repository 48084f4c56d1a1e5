package app

import (
	"context"
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
	"techwalk/audit/wifi"
)

// choiceRow is a row of big buttons of which one is chosen; the chosen
// button is highlighted. It answers check, rating and choice items and the
// rating questions of the feedback form.
type choiceRow struct {
	values   []string
	buttons  []*widget.Button
	chosen   map[string]widget.Importance // highlight per value; default HighImportance
	value    string
	onChange func(value string)
	answered statusLabel // the chosen answer in words, while the buttons are disabled
	box      *fyne.Container
}

func newChoiceRow(labels, values []string, onChange func(string)) *choiceRow {
	c := &choiceRow{values: values, onChange: onChange, chosen: map[string]widget.Importance{}}
	objs := make([]fyne.CanvasObject, len(values))
	for i, v := range values {
		v := v
		b := widget.NewButton(labels[i], func() { c.onTap(v) })
		c.buttons = append(c.buttons, b)
		objs[i] = tallBox(b)
	}
	c.answered = newStatusLabel()
	c.answered.TextStyle = fyne.TextStyle{Bold: true}
	c.box = container.NewVBox(container.NewGridWithColumns(choiceColumns(labels), objs...), c.answered)
	return c
}

// setReadOnly disables (or enables) the buttons. Disabled buttons all look
// alike, so while they are disabled a line says which one was chosen.
func (c *choiceRow) setReadOnly(ro bool) {
	for _, b := range c.buttons {
		setEnabled(!ro, b)
	}
	switch l := c.chosenLabel(); {
	case !ro:
		c.answered.clear()
	case l == "":
		c.answered.info("Not answered")
	default:
		c.answered.info("Answer: " + l)
	}
}

// choiceColumns puts short labels on one row and long ones in one or two columns.
func choiceColumns(labels []string) int {
	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(l)))
	}
	switch {
	case longest <= 12:
		return min(len(labels), 5)
	case longest <= 26:
		return min(len(labels), 2)
	}
	return 1
}

func (c *choiceRow) onTap(v string) {
	c.set(v)
	if c.onChange != nil {
		c.onChange(v)
	}
}

// set highlights v without reporting a change.
func (c *choiceRow) set(v string) {
	c.value = v
	for i, b := range c.buttons {
		imp := widget.MediumImportance
		if c.values[i] == v {
			imp = widget.HighImportance
			if special, ok := c.chosen[v]; ok {
				imp = special
			}
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
}

// chosenLabel is the text of the chosen button, or "" when none is chosen.
func (c *choiceRow) chosenLabel() string {
	for i, v := range c.values {
		if v == c.value && v != "" {
			return c.buttons[i].Text
		}
	}
	return ""
}

// button returns the button for value v.
func (c *choiceRow) button(v string) *widget.Button {
	for i, val := range c.values {
		if val == v {
			return c.buttons[i]
		}
	}
	return nil
}

// measureWifi runs a Wi-Fi measurement; a variable so a test can stand in for the network.
var measureWifi = func(ctx context.Context, url string, progress wifi.Progress) (wifi.Result, error) {
	return wifi.Measure(ctx, wifi.Detector{}, wifi.NetworkConfig{URL: url}, progress)
}

// fieldEntry is a text entry on the checklist. Fyne hands every shortcut to
// the focused entry, which would swallow the checklist's Ctrl/Alt + letter
// keys; this one passes them on, and still types plain keys as text. Focusing
// it makes its item the current one.
type fieldEntry struct {
	widget.Entry
	onShortcut func(s fyne.Shortcut) bool // true when the checklist ran s
	onFocus    func()
}

func newFieldEntry(multiLine bool) *fieldEntry {
	e := &fieldEntry{}
	e.MultiLine = multiLine
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut runs a checklist shortcut, or leaves s to the entry (copy, paste, undo…).
func (e *fieldEntry) TypedShortcut(s fyne.Shortcut) {
	if e.onShortcut != nil && e.onShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// FocusGained makes the entry's item current, then focuses the entry.
func (e *fieldEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

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

// wifiFields are the figures of a Wi-Fi item and its measurement controls.
type wifiFields struct {
	signal, latency, down, up *fieldEntry
	measureBtn, cancelBtn     *widget.Button
	progress                  *widget.ProgressBar
	msg                       statusLabel
	cancel                    context.CancelFunc
	done                      chan struct{} // closed when a measurement ends
	extra                     audit.WifiReading
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

func (r *itemRow) buildWifi() fyne.CanvasObject {
	w := &wifiFields{}
	r.wifi = w
	field := func(label string) (*fieldEntry, fyne.CanvasObject) {
		e := r.newEntry(false)
		e.OnChanged = func(string) { r.onWifiChanged() }
		return e, container.NewVBox(smallLabel(label), e)
	}
	var a, b, c, d fyne.CanvasObject
	w.signal, a = field("Signal (dBm, e.g. -60)")
	w.latency, b = field("Latency (ms)")
	w.down, c = field("Download (Mbps)")
	w.up, d = field("Upload (Mbps)")
	w.measureBtn = widget.NewButtonWithIcon("Measure Wi-Fi", theme.SearchIcon(), r.onMeasure)
	w.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), r.onCancelMeasure)
	w.cancelBtn.Hide()
	w.progress = widget.NewProgressBar()
	w.progress.Hide()
	w.msg = newStatusLabel()
	buttons := container.NewHBox(tallBox(w.measureBtn), tallBox(w.cancelBtn))
	return container.NewVBox(container.NewGridWithColumns(2, a, b, c, d),
		container.NewBorder(nil, nil, buttons, nil, w.progress), w.msg)
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

// wifiText lists the Wi-Fi figures typed or measured.
func (r *itemRow) wifiText() string {
	w := r.wifi
	var out []string
	for _, f := range []struct {
		e          *fieldEntry
		name, unit string
	}{{w.signal, "signal", "dBm"}, {w.latency, "latency", "ms"}, {w.down, "down", "Mbps"}, {w.up, "up", "Mbps"}} {
		if f.e.Text != "" {
			out = append(out, f.name+" "+f.e.Text+" "+f.unit)
		}
	}
	return strings.Join(out, ", ")
}

// setEnabled enables or disables every control.
func setEnabled(on bool, ctrls ...fyne.Disableable) {
	for _, c := range ctrls {
		if on {
			c.Enable()
		} else {
			c.Disable()
		}
	}
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

// onWifiChanged saves the typed figures as a manual reading.
func (r *itemRow) onWifiChanged() {
	if r.loading {
		return
	}
	w, err := r.typedWifi()
	if err != nil {
		r.problem.failed(err)
		return
	}
	r.problem.clear()
	r.value = ""
	if w.SignalDBM != nil || w.LatencyMS != nil || w.DownMbps != nil || w.UpMbps != nil {
		r.value = w.Encode()
	}
	r.changed()
}

func (r *itemRow) typedWifi() (audit.WifiReading, error) {
	f := r.wifi
	w := f.extra
	w.Source = "manual"
	var errs []error
	read := func(label string, e *fieldEntry) *float64 {
		v, err := parseOptionalNumber(label, e.Text)
		errs = append(errs, err)
		return v
	}
	w.SignalDBM = read("signal", f.signal)
	w.LatencyMS = read("latency", f.latency)
	w.DownMbps = read("download", f.down)
	w.UpMbps = read("upload", f.up)
	return w, errors.Join(errs...)
}

func (r *itemRow) fillWifi(w audit.WifiReading) {
	set := func(e *fieldEntry, v *float64) {
		if v == nil {
			e.SetText("")
			return
		}
		e.SetText(formatNumber(*v))
	}
	was := r.loading
	r.loading = true
	set(r.wifi.signal, w.SignalDBM)
	set(r.wifi.latency, w.LatencyMS)
	set(r.wifi.down, w.DownMbps)
	set(r.wifi.up, w.UpMbps)
	r.wifi.extra = audit.WifiReading{SSID: w.SSID, BSSID: w.BSSID, Band: w.Band, JitterMS: w.JitterMS}
	r.loading = was
}

// onMeasure runs the Wi-Fi measurement in the background.
func (r *itemRow) onMeasure() {
	f := r.wifi
	if f.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	f.measureBtn.Disable()
	f.cancelBtn.Show()
	f.progress.SetValue(0)
	f.progress.Show()
	f.msg.info("Measuring Wi-Fi…")
	url := r.wifiURL
	go func() {
		res, err := measureWifi(ctx, url, func(done, total float64, stage string) {
			fyne.Do(func() { r.onMeasureProgress(done, total, stage) })
		})
		fyne.Do(func() { r.onMeasured(res, err) })
	}()
}

func (r *itemRow) onMeasureProgress(done, total float64, stage string) {
	if total > 0 {
		r.wifi.progress.SetValue(done / total)
	}
	if stage != "" {
		r.wifi.msg.info("Measuring Wi-Fi: " + stage)
	}
}

func (r *itemRow) onCancelMeasure() {
	if r.wifi.cancel != nil {
		r.wifi.cancel()
	}
}

// onMeasured puts the measured figures into the fields and the answer, or says why not.
func (r *itemRow) onMeasured(res wifi.Result, err error) {
	f := r.wifi
	f.cancel()
	f.cancel = nil
	defer close(f.done)
	f.measureBtn.Enable()
	f.cancelBtn.Hide()
	f.progress.Hide()
	switch {
	case errors.Is(err, context.Canceled):
		f.msg.info("Measurement cancelled. Type the figures by hand if you have them.")
		return
	case err != nil:
		f.msg.failed(fmt.Errorf("Nothing measured. %s Type the figures above by hand", measureProblems(res, err)))
		return
	}
	reading := res.Reading()
	r.fillWifi(reading)
	r.value = reading.Encode()
	r.problem.clear()
	msg := "Measured"
	if reading.SSID != "" {
		msg += " on " + reading.SSID
	}
	if p := measureProblems(res, nil); p != "" {
		msg += ". " + p
	}
	f.msg.info(msg)
	r.changed()
}

// measureProblems says in a sentence or two what could not be measured.
func measureProblems(res wifi.Result, err error) string {
	var out []string
	if res.LinkProblem != "" {
		out = append(out, "Signal: "+res.LinkProblem+".")
	}
	if res.NetworkProblem != "" {
		out = append(out, "Speed test: "+res.NetworkProblem+".")
	}
	if len(out) == 0 && err != nil {
		out = append(out, err.Error()+".")
	}
	return strings.Join(out, " ")
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
