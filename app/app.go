package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
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
	OpenSignOff   = "signoff"
	OpenDistrict  = "district"
)

// screen is one screen Options.Open can name, and how the window opens on it.
type screen struct {
	name string
	open func(u *ui) error
}

// screens are the screens Options.Open names, in the order --open lists them.
var screens = []screen{
	{OpenHome, func(u *ui) error { u.showHome(); return nil }},
	{OpenChecklist, (*ui).openLatestChecklist},
	{OpenFindings, func(u *ui) error { u.showFindings(""); return nil }},
	{OpenSettings, func(u *ui) error { u.showSettings(); return nil }},
	{OpenImport, func(u *ui) error { u.showImport(); return nil }},
	{OpenExport, func(u *ui) error { u.showExport(""); return nil }},
	{OpenKiosk, (*ui).openKiosk},
	{OpenSignOff, (*ui).openSignOff},
	{OpenDistrict, func(u *ui) error { u.showDistrict(); return nil }},
}

// OpenScreens lists the names Options.Open takes.
var OpenScreens = screenNames()

func screenNames() []string {
	names := make([]string, len(screens))
	for i, s := range screens {
		names[i] = s.name
	}
	return names
}

// Options say how the window opens.
type Options struct {
	// Open names the first screen: home (default), checklist, findings,
	// settings, import, export, kiosk, signoff or district.
	// The checklist opens the latest unfinished visit (or, failing that, the
	// latest visit) at its first room not yet done; kiosk opens that room's
	// teacher feedback form handed to the teacher; signoff opens that
	// visit's sign-off.
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
	signOff  *signOffScreen
	findings *findingsScreen
	district *districtScreen
	settings *settingsScreen
	imports  *importScreen
	export   *exportScreen
	bundles  *bundleFlow
	hubSync  *hubSyncFlow
	showing  string
}

func newUI(a fyne.App, store *sqlite.Store) *ui {
	guardDatabaseFiles()
	u := &ui{app: a, store: store, ctx: context.Background(), nav: map[string]*widget.Button{}, askedPeople: map[string]bool{}}
	u.bundles = newBundleFlow(u)
	u.hubSync = newHubSyncFlow(u)
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

// open shows the screen named on the command line; no name is Home.
func (u *ui) open(name string) error {
	if name == "" {
		name = OpenHome
	}
	for _, s := range screens {
		if s.name == name {
			return s.open(u)
		}
	}
	return fmt.Errorf("--open %q: use one of %s", name, strings.Join(OpenScreens, ", "))
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

// openSignOff opens the sign-off of the visit the checklist would open.
func (u *ui) openSignOff() error {
	if err := u.openLatestChecklist(); err != nil {
		return err
	}
	if u.visit != nil && u.showing == "visit" {
		u.showSignOff(u.visit.visit.ID)
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

// dataChanged shows Home again when it is on screen, after an import
// brought schools and visits from elsewhere.
func (u *ui) dataChanged() {
	if u.showing == "home" {
		u.showHome()
	}
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

// showSignOff opens the sign-off of a visit.
func (u *ui) showSignOff(visitID string) *signOffScreen {
	s, err := newSignOffScreen(u, visitID)
	if err != nil {
		u.showError(err)
		return nil
	}
	u.signOff = s
	u.setScreen("signoff", "visit", s.buildUI())
	return s
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

// showDistrict opens the district picture, loaded in the background.
func (u *ui) showDistrict() *districtScreen {
	s := newDistrictScreen(u)
	u.district = s
	u.setScreen("district", "home", s.buildUI())
	s.onShown()
	return s
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
