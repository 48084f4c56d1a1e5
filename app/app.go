package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/assets"
	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// AppID identifies TechWalk to the operating system (preferences, data folders).
const AppID = "org.techwalk.app"

// The screens Options.Open can name.
const (
	OpenHome      = "home"
	OpenChecklist = "checklist"
	OpenFindings  = "findings"
	OpenSettings  = "settings"
	OpenImport    = "import"
	OpenExport    = "export"
	OpenKiosk     = "kiosk"
)

// OpenScreens lists the names Options.Open takes.
var OpenScreens = []string{OpenHome, OpenChecklist, OpenFindings, OpenSettings, OpenImport, OpenExport, OpenKiosk}

// Options say how the window opens.
type Options struct {
	// Open names the first screen: home (default), checklist, findings,
	// settings, import, export or kiosk.
	// The checklist opens the latest unfinished visit (or, failing that, the
	// latest visit) at its first room not yet done; kiosk opens that room's
	// teacher feedback form handed to the teacher.
	Open string
	// Size is the window size; zero means 1280x800.
	Size fyne.Size
}

// Run opens the main window on the store and blocks until it is closed.
func Run(store *sqlite.Store, opts Options) error {
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	u := newUI(a, store)
	size := opts.Size
	if size.Width <= 0 || size.Height <= 0 {
		size = fyne.NewSize(1280, 800)
	}
	u.win.Resize(size) // first: screens lay out for the window they open in
	if err := u.open(opts.Open); err != nil {
		return err
	}
	u.win.ShowAndRun()
	return nil
}

// ui owns the window, the navigation bar and the screen on show.
type ui struct {
	app     fyne.App
	win     fyne.Window
	store   *sqlite.Store
	ctx     context.Context
	content *fyne.Container
	nav     map[string]*widget.Button
	navBar  fyne.CanvasObject
	kiosk   bool   // the feedback form is handed to a teacher: nothing else is reachable
	visitID string // the visit the Visit button returns to
	// askedPeople holds the visits whose people were asked for at their start.
	askedPeople map[string]bool

	home     *home
	school   *schoolEditor
	visit    *visitScreen
	feedback *feedbackForm
	finish   *finishScreen
	findings *findingsScreen
	settings *settingsScreen
	imports  *importScreen
	export   *exportScreen
	showing  string
}

func newUI(a fyne.App, store *sqlite.Store) *ui {
	guardDatabaseFiles()
	u := &ui{app: a, store: store, ctx: context.Background(), nav: map[string]*widget.Button{}, askedPeople: map[string]bool{}}
	a.Settings().SetTheme(newTouchTheme())
	u.win = a.NewWindow("TechWalk")
	u.content = container.NewStack()
	u.navBar = u.buildNav()
	u.win.SetContent(container.NewBorder(u.navBar, nil, nil, nil, u.content))
	u.addShortcuts()
	u.win.SetOnDropped(u.onDropped)
	return u
}

// buildNav makes the top bar: Home, Visit, Findings, Settings.
func (u *ui) buildNav() fyne.CanvasObject {
	add := func(name, label string, icon fyne.Resource, tapped func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, tapped)
		u.nav[name] = b
		return b
	}
	bar := container.NewGridWithColumns(4,
		add("home", "Home", theme.HomeIcon(), func() { u.showHome() }),
		add("visit", "Visit", theme.DocumentIcon(), func() { u.onNavVisit() }),
		add("findings", "Findings", theme.WarningIcon(), func() { u.showFindings("") }),
		add("settings", "Settings", theme.SettingsIcon(), func() { u.showSettings() }),
	)
	u.nav["visit"].Disable()
	return container.NewVBox(bar, widget.NewSeparator())
}

// setScreen swaps the content and highlights the matching nav button.
func (u *ui) setScreen(name, navName string, obj fyne.CanvasObject) {
	if u.visit != nil && name != "visit" {
		u.visit.closePeople()
	}
	u.showing = name
	u.content.Objects = []fyne.CanvasObject{obj}
	u.content.Refresh()
	for n, b := range u.nav {
		imp := widget.MediumImportance
		if n == navName {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
}

// setKiosk hides (or shows again) the navigation bar, so a teacher handed
// the feedback form cannot reach the rest of the app.
func (u *ui) setKiosk(on bool) {
	u.kiosk = on
	if on {
		u.navBar.Hide()
	} else {
		u.navBar.Show()
	}
	u.win.Content().Refresh()
}

// setCurrentVisit makes the Visit button open visitID.
func (u *ui) setCurrentVisit(visitID string) {
	u.visitID = visitID
	if visitID == "" {
		u.nav["visit"].Disable()
		return
	}
	u.nav["visit"].Enable()
}

func (u *ui) onNavVisit() {
	if u.visitID == "" {
		return
	}
	if u.visit != nil && u.visit.visit.ID == u.visitID {
		u.setScreen("visit", "visit", u.visit.root)
		return
	}
	u.showVisit(u.visitID)
}

// open shows the screen named on the command line.
func (u *ui) open(name string) error {
	switch name {
	case "", OpenHome:
		u.showHome()
	case OpenChecklist:
		return u.openLatestChecklist()
	case OpenFindings:
		u.showFindings("")
	case OpenSettings:
		u.showSettings()
	case OpenImport:
		u.showImport()
	case OpenExport:
		u.showExport("")
	case OpenKiosk:
		return u.openKiosk()
	default:
		return fmt.Errorf("--open %q: use one of %s", name, strings.Join(OpenScreens, ", "))
	}
	return nil
}

// openLatestChecklist resumes the latest unfinished visit, or the latest visit.
func (u *ui) openLatestChecklist() error {
	visits, err := u.store.Visits(u.ctx, sqlite.VisitFilter{})
	if err != nil {
		return err
	}
	if len(visits) == 0 {
		u.showHome()
		return nil
	}
	pick := visits[0]
	for _, v := range visits {
		if !v.Finished() {
			pick = v
			break
		}
	}
	vs := u.showVisit(pick.ID)
	if vs != nil {
		vs.onNextRoom()
	}
	return nil
}

// openKiosk opens the teacher feedback form of the room the checklist would
// open, handed to the teacher while the visit is under way.
func (u *ui) openKiosk() error {
	if err := u.openLatestChecklist(); err != nil {
		return err
	}
	cl := u.activeChecklist()
	if cl == nil {
		return nil
	}
	f := u.showFeedback(cl.vs, cl.room)
	if !cl.vs.visit.Finished() {
		f.setKiosk(true)
	}
	return nil
}

func (u *ui) showHome() *home {
	h := newHome(u)
	u.home = h
	u.setScreen("home", "home", h.buildUI())
	h.onShown()
	return h
}

func (u *ui) showSchool(schoolID string) *schoolEditor {
	s, err := newSchoolEditor(u, schoolID)
	if err != nil {
		u.showError(err)
		return nil
	}
	u.school = s
	u.setScreen("school", "home", s.buildUI())
	return s
}

func (u *ui) showVisit(visitID string) *visitScreen {
	vs, err := newVisitScreen(u, visitID)
	if err != nil {
		u.showError(err)
		return nil
	}
	u.visit = vs
	u.setCurrentVisit(visitID)
	u.setScreen("visit", "visit", vs.buildUI())
	vs.askPeopleAtStart()
	return vs
}

func (u *ui) showFeedback(vs *visitScreen, room audit.Room) *feedbackForm {
	f := newFeedbackForm(u, vs, room)
	u.feedback = f
	u.setScreen("feedback", "visit", f.buildUI())
	return f
}

func (u *ui) showFinish(visitID string) *finishScreen {
	f, err := newFinishScreen(u, visitID)
	if err != nil {
		u.showError(err)
		return nil
	}
	u.finish = f
	u.setScreen("finish", "visit", f.buildUI())
	return f
}

func (u *ui) showFindings(visitID string) *findingsScreen {
	if visitID == "" {
		visitID = u.visitID
	}
	f := newFindingsScreen(u, visitID)
	u.findings = f
	u.setScreen("findings", "findings", f.buildUI())
	f.onShown()
	return f
}

func (u *ui) showSettings() *settingsScreen {
	s := newSettingsScreen(u)
	u.settings = s
	u.setScreen("settings", "settings", s.buildUI())
	return s
}

// showImport opens the import of schools, rooms or ticket status.
func (u *ui) showImport() *importScreen {
	s := newImportScreen(u)
	u.imports = s
	u.setScreen("import", "", s.buildUI())
	return s
}

// showExport opens the export of findings; visitID preselects "This visit".
func (u *ui) showExport(visitID string) *exportScreen {
	s := newExportScreen(u, visitID)
	u.export = s
	u.setScreen("export", "findings", s.buildUI())
	s.onShown()
	return s
}

// showError shows an error in a dialog on the window.
func (u *ui) showError(err error) {
	if err == nil {
		return
	}
	dialog.ShowError(err, u.win)
}

// activeChecklist is the checklist on show, if any.
func (u *ui) activeChecklist() *checklist {
	if u.showing != "visit" || u.visit == nil {
		return nil
	}
	return u.visit.checklist
}

// addShortcuts registers the checklist's keyboard shortcuts on the window.
// While a checklist entry has focus, the entry passes them on (fieldEntry).
func (u *ui) addShortcuts() {
	for _, sc := range checklistShortcuts() {
		for _, m := range shortcutModifiers {
			run := sc.run
			u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: sc.key, Modifier: m}, func(fyne.Shortcut) {
				if cl := u.activeChecklist(); cl != nil {
					run(cl)
				}
			})
		}
	}
}

// --- small shared widgets and helpers ---

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
func (b *statusBar) saved(err error)  { b.action.Hide(); b.statusLabel.saved(err) }
func (b *statusBar) failed(err error) { b.action.Hide(); b.statusLabel.failed(err) }
func (b *statusBar) info(msg string)  { b.action.Hide(); b.statusLabel.info(msg) }

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
