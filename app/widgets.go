package app

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// wrapLabel is a label that wraps at word boundaries, so nothing is cut off.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// heading is a bold wrapping label.
func heading(text string) *widget.Label {
	l := wrapLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// smallLabel is a wrapping label in the caption size, for guidance and hints.
func smallLabel(text string) *widget.Label {
	l := wrapLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// statusLabel shows "Saved hh:mm:ss" or an error in red.
type statusLabel struct {
	*widget.Label
}

func newStatusLabel() statusLabel {
	l := wrapLabel("")
	l.Hide()
	return statusLabel{l}
}

// saved shows the time of the last save, or err in red.
func (s statusLabel) saved(err error) {
	if err != nil {
		s.failed(err)
		return
	}
	s.Importance = widget.SuccessImportance
	s.show("Saved " + time.Now().Format("15:04:05"))
}

// failed shows err in red.
func (s statusLabel) failed(err error) {
	s.Importance = widget.DangerImportance
	s.show(err.Error())
}

// info shows a neutral message.
func (s statusLabel) info(msg string) {
	s.Importance = widget.MediumImportance
	s.show(msg)
}

// show sets the text and makes the label visible.
func (s statusLabel) show(msg string) {
	s.SetText(msg)
	s.Show()
}

// clear empties and hides the label, so it takes no room.
func (s statusLabel) clear() {
	s.SetText("")
	s.Hide()
}

// statusBar is a screen's status line in a fixed place: it keeps its
// height whether or not it says something, so a message never moves a
// button the user is about to tap. Long messages wrap over two lines and
// end with an ellipsis. It can offer one action (Undo) beside the message.
type statusBar struct {
	statusLabel
	action *widget.Button
	box    *fyne.Container
}

// statusLines is how many lines of text a status bar holds.
const statusLines = 2

func newStatusBar() *statusBar {
	l := wrapLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	b := &statusBar{statusLabel: statusLabel{l}}
	b.action = widget.NewButtonWithIcon("", theme.ContentUndoIcon(), nil)
	b.action.Hide()
	b.box = container.New(fixedHeight{lines: statusLines},
		container.NewBorder(nil, nil, nil, tallBox(b.action), l))
	return b
}

// clear empties the message and takes the action away; the space stays.
func (b *statusBar) clear() {
	b.SetText("")
	b.action.Hide()
}

// offer shows msg with a button that runs do once and clears the bar.
func (b *statusBar) offer(msg, label string, do func()) {
	b.info(msg)
	b.action.SetText(label)
	b.action.OnTapped = func() {
		b.clear()
		do()
	}
	b.action.Show()
}

// saved, failed and info replace any action on offer.
func (b *statusBar) saved(err error) { b.action.Hide(); b.statusLabel.saved(err) }

func (b *statusBar) failed(err error) { b.action.Hide(); b.statusLabel.failed(err) }

func (b *statusBar) info(msg string) { b.action.Hide(); b.statusLabel.info(msg) }

// success shows msg in the colour of a change that went through.
func (b *statusBar) success(msg string) {
	b.action.Hide()
	b.Importance = widget.SuccessImportance
	b.show(msg)
}

// fixedHeight lays its content out at a height that does not depend on the
// content: lines of text, and at least a touch target.
type fixedHeight struct{ lines int }

func (f fixedHeight) height() float32 {
	text := fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
	return max(float32(f.lines)*text+2*theme.InnerPadding(), touchHeight)
}

func (f fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (f fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, f.height())
}

// plural counts things in words: "1 room", "3 rooms", "0 findings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// tall gives its content a minimum height so buttons are easy to hit with a finger.
type tall struct{ height float32 }

func (t tall) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (t tall) MinSize(objs []fyne.CanvasObject) fyne.Size {
	min := fyne.NewSize(0, t.height)
	for _, o := range objs {
		min = min.Max(o.MinSize())
	}
	return min
}

// tallBox wraps objects so they are at least touchHeight tall.
func tallBox(obj fyne.CanvasObject) *fyne.Container {
	return container.New(tall{touchHeight}, obj)
}

// touchHeight is the minimum height of a tap target.
const touchHeight = 48

// highlight is a background that marks the current item.
func highlight() *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.CornerRadius = 6
	return r
}

// formatNumber prints a float without trailing zeros.
func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// parseOptionalNumber reads a number; an empty string is nil.
func parseOptionalNumber(field, s string) (*float64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: %q is not a number", field, s)
	}
	return &v, nil
}

// readAll reads a photo or logo the file dialog opened and closes it.
func readAll(rc fyne.URIReadCloser, err error) (string, []byte, error) {
	return readUpTo(rc, err, audit.MaxPhotoBytes)
}

// readUpTo reads at most limit+1 bytes of a file the file dialog opened
// (one more than allowed, so the caller can tell it is too big) and closes it.
func readUpTo(rc fyne.URIReadCloser, err error, limit int64) (string, []byte, error) {
	if err != nil {
		return "", nil, err
	}
	if rc == nil {
		return "", nil, errCancelled
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	return rc.URI().Name(), data, err
}

// errCancelled marks a file dialog the user closed without choosing.
var errCancelled = errors.New("cancelled")

// dialogSize is a dialog width of at most width that fits the window, with
// its height left to the content.
func dialogSize(win fyne.Window, width float32) fyne.Size {
	avail := win.Canvas().Size().Width - 2*theme.Padding()*4
	return fyne.NewSize(min(width, max(avail, 200)), 0)
}

// formatDate prints a date for people: "6 Oct 2026".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 Jan 2006")
}

// compactRows stacks labels like a VBox, but lets their inner padding
// overlap (leaving compactGap between the lines of text) and trims half of
// it above and below, so two-line list rows stay short.
type compactRows struct{}

const compactGap = 4

// overlap is how much of two neighbouring labels' padding is shared.
func (compactRows) overlap() float32 { return 2*theme.InnerPadding() - compactGap }

func (c compactRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := -theme.InnerPadding() / 2
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - c.overlap()
	}
}

func (c compactRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		w, h = max(w, m.Width), h+m.Height
		if i > 0 {
			h -= c.overlap()
		}
	}
	return fyne.NewSize(w, h-theme.InnerPadding())
}

// holdFor is how long the auditor holds a holdButton.
const holdFor = 2 * time.Second

// holdButton acts only when pressed and held (mouse or finger) for holdFor;
// a plain tap runs OnTapped, which can say so.
type holdButton struct {
	widget.Button
	onHeld    func()
	pressedAt time.Time
	held      bool // the press that just ended was a hold: its tap does nothing
}

func newHoldButton(label string, icon fyne.Resource, onHeld func()) *holdButton {
	b := &holdButton{onHeld: onHeld}
	b.Text, b.Icon = label, icon
	b.ExtendBaseWidget(b)
	return b
}

// MouseDown starts the hold.
func (b *holdButton) MouseDown(*desktop.MouseEvent) { b.press() }

// MouseUp ends it.
func (b *holdButton) MouseUp(*desktop.MouseEvent) { b.release() }

// TouchDown starts the hold on a touch screen.
func (b *holdButton) TouchDown(*mobile.TouchEvent) { b.press() }

// TouchUp ends it.
func (b *holdButton) TouchUp(*mobile.TouchEvent) { b.release() }

// TouchCancel drops it.
func (b *holdButton) TouchCancel(*mobile.TouchEvent) { b.pressedAt = time.Time{} }

func (b *holdButton) press() { b.pressedAt = time.Now() }

// release runs onHeld when the press lasted long enough.
func (b *holdButton) release() {
	b.held = !b.pressedAt.IsZero() && time.Since(b.pressedAt) >= holdFor
	b.pressedAt = time.Time{}
	if b.held && b.onHeld != nil {
		b.onHeld()
	}
}

// Tapped runs OnTapped for a plain tap, and nothing after a hold.
func (b *holdButton) Tapped(e *fyne.PointEvent) {
	if b.held {
		b.held = false
		return
	}
	b.Button.Tapped(e)
}

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
