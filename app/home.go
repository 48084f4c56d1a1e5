package app

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// recentVisits is how many visits the home screen lists.
const recentVisits = 8

// The orders Home sorts the schools in.
const (
	sortName      = "Name"
	sortScore     = "Score, lowest first"
	sortLastVisit = "Last visit, oldest first"
)

// home lists a district's schools, one compact row each (search, sort and a
// "not visited this term" filter; the district's score on top), and the
// recent visits.
type home struct {
	store *sqlite.Store
	u     *ui

	schools []schoolSummary
	shown   []int // indexes into schools, filtered and sorted
	visits  []audit.Visit
	names   map[string]string // school id -> name
	rows    map[*homeRow]int  // the list's rows and the shown index each displays
	byObj   map[fyne.CanvasObject]*homeRow
	now     time.Time

	district     *widget.Label
	search       *widget.Entry
	sortBy       *widget.Select
	notThisTerm  *widget.Check
	addBtn       *widget.Button
	importBtn    *widget.Button
	bundleBtn    *widget.Button // Import bundle…: visits from another device
	syncBtn      *widget.Button // Sync: with the district hub
	districtBtn  *widget.Button // the District screen
	schoolsBtn   *widget.Button
	visitsBtn    *widget.Button
	list         *widget.List
	visitList    *widget.List
	center       *fyne.Container
	noRoomsAsked dialog.Dialog // open while a school without rooms asks for them
	loading      job
	status       *statusBar
}

// schoolSummary is a school with its latest visit and that visit's score.
type schoolSummary struct {
	school   audit.School
	rooms    int
	last     audit.Visit // zero when never visited
	score    float64
	scored   bool
	coverage int          // percentage of the latest visit's applicable checks answered
	partial  bool         // the latest visit is a partial walk: its score judges nothing
	open     *audit.Visit // an unfinished visit to resume
	finished float64      // the latest finished visit's score, for the district's
	hasFin   bool
}

// homeRow is one row of the school list; the list reuses rows as it scrolls.
type homeRow struct {
	name, line *widget.Label
	start      *widget.Button
	edit       *widget.Button
	root       fyne.CanvasObject
}

func newHome(u *ui) *home {
	return &home{store: u.store, u: u, names: map[string]string{}, rows: map[*homeRow]int{},
		byObj: map[fyne.CanvasObject]*homeRow{}}
}

func (h *home) buildUI() fyne.CanvasObject {
	h.status = newStatusBar()
	h.addBtn = widget.NewButtonWithIcon("Add school", theme.ContentAddIcon(), func() { h.u.showSchool("") })
	h.importBtn = widget.NewButtonWithIcon("Import…", theme.UploadIcon(), func() { h.u.showImport() })
	h.bundleBtn = widget.NewButtonWithIcon("Import bundle…", theme.DownloadIcon(), func() { h.u.bundles.onImport() })
	h.syncBtn = widget.NewButtonWithIcon("Sync", theme.ViewRefreshIcon(), func() { h.u.hubSync.onSync() })
	h.districtBtn = widget.NewButtonWithIcon("District", theme.GridIcon(), func() { h.u.showDistrict() })
	h.district = heading("Loading the schools…")
	h.search = widget.NewEntry()
	h.search.SetPlaceHolder("Search schools by name, code or principal")
	h.search.OnChanged = func(string) { h.apply() }
	h.sortBy = widget.NewSelect([]string{sortName, sortScore, sortLastVisit}, nil)
	h.sortBy.SetSelected(sortName)
	h.sortBy.OnChanged = func(string) { h.apply() }
	h.notThisTerm = widget.NewCheck("Not visited this term", func(bool) { h.apply() })
	h.list = widget.NewList(func() int { return len(h.shown) }, h.newRow, h.bindRow)
	h.visitList = widget.NewList(func() int { return len(h.visits) }, h.newVisitRow, h.bindVisitRow)
	h.schoolsBtn = widget.NewButtonWithIcon("Schools", theme.HomeIcon(), func() { h.showTab(false) })
	h.visitsBtn = widget.NewButtonWithIcon("Recent visits", theme.HistoryIcon(), func() { h.showTab(true) })
	h.center = container.NewStack(h.list)
	h.showTab(false)
	buttons := container.NewHBox(tallBox(h.districtBtn), tallBox(h.syncBtn), tallBox(h.bundleBtn), tallBox(h.importBtn), tallBox(h.addBtn))
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(tallBox(h.sortBy), tallBox(h.notThisTerm)), tallBox(h.search))
	tabs := container.NewGridWithColumns(2, tallBox(h.schoolsBtn), tallBox(h.visitsBtn))
	top := container.NewVBox(container.NewBorder(nil, nil, nil, buttons, h.district), filters, tabs)
	return container.NewBorder(container.NewPadded(top), h.status.box, nil, nil, h.center)
}

// showTab shows the schools, or the recent visits.
func (h *home) showTab(visits bool) {
	h.schoolsBtn.Importance, h.visitsBtn.Importance = widget.HighImportance, widget.MediumImportance
	obj := fyne.CanvasObject(h.list)
	if visits {
		h.schoolsBtn.Importance, h.visitsBtn.Importance = widget.MediumImportance, widget.HighImportance
		obj = h.visitList
	}
	h.schoolsBtn.Refresh()
	h.visitsBtn.Refresh()
	h.center.Objects = []fyne.CanvasObject{obj}
	h.center.Refresh()
}

// onShown loads the schools in the background: a district's schools and
// scores take a while to read, and the window must not freeze meanwhile.
// The loaded values reach the screen on Fyne's goroutine.
func (h *home) onShown() {
	h.loading.start(func() func() {
		d, err := h.load()
		return func() { h.showLoaded(d, err) }
	})
}

// homeData is what Home reads from the store in the background.
type homeData struct {
	now     time.Time
	schools []schoolSummary
	names   map[string]string // school id -> name
	visits  []audit.Visit
}

// showLoaded puts the loaded schools on the screen: the district line and
// the list.
func (h *home) showLoaded(d homeData, err error) {
	h.now, h.schools, h.visits = d.now, d.schools, d.visits
	for id, name := range d.names {
		h.names[id] = name
	}
	if err != nil {
		h.status.failed(err)
	}
	if len(h.schools) == 0 {
		h.status.info("No schools yet. Add the school you are visiting, then its rooms, or import the district's list.")
	}
	h.visitList.Refresh()
	h.apply()
}

// load reads the schools, their latest visits and scores, and the recent
// visits: four reads, the scores from the stored visit summaries. It only
// reads the store, so it runs off Fyne's goroutine; what it read so far
// comes back with an error.
func (h *home) load() (homeData, error) {
	d := homeData{now: h.store.Now(), names: map[string]string{}}
	schools, err := h.store.Schools(h.u.ctx)
	if err != nil {
		return d, err
	}
	visits, err := h.store.Visits(h.u.ctx, sqlite.VisitFilter{})
	if err != nil {
		return d, err
	}
	rooms, err := h.store.RoomCounts(h.u.ctx)
	if err != nil {
		return d, err
	}
	scores, err := h.store.ScoreHeadlines(h.u.ctx)
	if err != nil {
		return d, err
	}
	bySchool := map[string][]audit.Visit{} // newest first, as Visits lists them
	for _, v := range visits {
		bySchool[v.SchoolID] = append(bySchool[v.SchoolID], v)
	}
	for _, s := range schools {
		d.names[s.ID] = s.Name
		d.schools = append(d.schools, summarise(s, rooms[s.ID], bySchool[s.ID], scores))
	}
	d.visits = visits[:min(len(visits), recentVisits)]
	return d, nil
}

// summarise makes a school's row from its room count, its visits (newest
// first) and the visits' scores.
func summarise(s audit.School, rooms int, visits []audit.Visit, scores map[string]audit.ScoreHeadline) schoolSummary {
	sum := schoolSummary{school: s, rooms: rooms}
	if len(visits) == 0 {
		return sum
	}
	v := visits[0]
	sum.last = v
	if !v.Finished() {
		sum.open = &v
	}
	score := scores[v.ID]
	sum.score, sum.scored = score.Score, score.RoomsVisited > 0
	sum.coverage, sum.partial = score.Coverage.Percent(), score.Partial
	for _, fin := range visits {
		if fin.Finished() {
			fs := scores[fin.ID]
			sum.finished, sum.hasFin = fs.Score, fs.RoomsVisited > 0 && !fs.Partial
			break
		}
	}
	return sum
}

// visitedThisTerm tells whether the school's latest visit began this term.
func (h *home) visitedThisTerm(s schoolSummary) bool {
	return !s.last.StartedAt.IsZero() && !s.last.StartedAt.Before(audit.TermStart(h.now))
}

// apply filters and sorts the schools as the search, sort and filter say,
// and repaints the list and the district line.
func (h *home) apply() {
	words := strings.Fields(strings.ToLower(h.search.Text))
	h.shown = h.shown[:0]
	for i, s := range h.schools {
		if h.notThisTerm.Checked && h.visitedThisTerm(s) {
			continue
		}
		if matchesAll(words, s.school.Name, s.school.Code, s.school.Principal) {
			h.shown = append(h.shown, i)
		}
	}
	slices.SortStableFunc(h.shown, h.compare)
	h.updateDistrict()
	h.list.Refresh()
}

// matchesAll tells whether every word occurs in one of the fields.
func matchesAll(words []string, fields ...string) bool {
	for _, w := range words {
		if !slices.ContainsFunc(fields, func(f string) bool { return strings.Contains(strings.ToLower(f), w) }) {
			return false
		}
	}
	return true
}

// compare orders two schools as the sort select says, then by name.
func (h *home) compare(i, j int) int {
	a, b := h.schools[i], h.schools[j]
	switch h.sortBy.Selected {
	case sortScore: // unscored schools last
		if a.scored != b.scored {
			return boolOrder(a.scored, b.scored)
		}
		if a.score != b.score {
			return cmpFloat(a.score, b.score)
		}
	case sortLastVisit: // never visited first
		if c := a.last.StartedAt.Compare(b.last.StartedAt); c != 0 {
			return c
		}
	}
	return strings.Compare(strings.ToLower(a.school.Name), strings.ToLower(b.school.Name))
}

// boolOrder puts true before false.
func boolOrder(a, b bool) int {
	if a == b {
		return 0
	}
	if a {
		return -1
	}
	return 1
}

func cmpFloat(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}

// updateDistrict puts the district's score and counts on top.
func (h *home) updateDistrict() {
	var scores []float64
	thisTerm := 0
	for _, s := range h.schools {
		if s.hasFin {
			scores = append(scores, s.finished)
		}
		if h.visitedThisTerm(s) {
			thisTerm++
		}
	}
	text := fmt.Sprintf("%s · %d visited this term", plural(len(h.schools), "school"), thisTerm)
	if score, ok := audit.DistrictScore(scores); ok {
		text = fmt.Sprintf("District score %.0f · ", score) + text
	}
	if len(h.shown) != len(h.schools) {
		text += fmt.Sprintf(" · showing %d", len(h.shown))
	}
	h.district.SetText(text)
}

func (h *home) newRow() fyne.CanvasObject {
	r := &homeRow{name: widget.NewLabel(""), line: widget.NewLabel("")}
	r.name.TextStyle = fyne.TextStyle{Bold: true}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.line.Truncation = fyne.TextTruncateEllipsis
	r.line.SizeName = theme.SizeNameCaptionText
	r.start = widget.NewButtonWithIcon("Start visit", theme.MediaPlayIcon(), nil)
	r.start.Importance = widget.HighImportance
	r.edit = widget.NewButtonWithIcon("Rooms", theme.DocumentCreateIcon(), nil)
	text := container.New(compactRows{}, r.name, r.line)
	r.root = container.NewBorder(nil, nil, nil, container.NewHBox(tallBox(r.edit), tallBox(r.start)), text)
	h.rows[r] = -1
	h.byObj[r.root] = r
	return r.root
}

func (h *home) bindRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := h.byObj[o]
	h.rows[r] = id
	s := h.schools[h.shown[id]]
	r.name.SetText(s.school.Name)
	r.line.SetText(h.summaryLine(s))
	schoolID := s.school.ID
	r.edit.OnTapped = func() { h.u.showSchool(schoolID) }
	if s.open != nil {
		open := s.open.ID
		r.start.SetText("Resume visit")
		r.start.OnTapped = func() { h.u.showVisit(open) }
		return
	}
	r.start.SetText("Start visit")
	r.start.OnTapped = func() { h.onStartVisit(schoolID) }
}

// summaryLine is a school's second line: last visit, score, rooms.
func (h *home) summaryLine(s schoolSummary) string {
	bits := []string{plural(s.rooms, "room")}
	if s.last.StartedAt.IsZero() {
		bits = append(bits, "not visited yet")
	} else {
		bits = append(bits, "last visit "+formatDate(s.last.StartedAt))
		switch {
		case s.scored && s.partial:
			bits = append(bits, fmt.Sprintf("partial walk, %d%% of the checks", s.coverage))
		case s.scored:
			bits = append(bits, fmt.Sprintf("score %.0f on %d%% of the checks", s.score, s.coverage))
		}
		if s.open != nil {
			bits = append(bits, "under way")
		}
	}
	if s.school.Code != "" {
		bits = append([]string{s.school.Code}, bits...)
	}
	return strings.Join(bits, " · ")
}

func (h *home) newVisitRow() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	open := widget.NewButton("Open", nil)
	return container.NewBorder(nil, nil, nil, tallBox(open), l)
}

func (h *home) bindVisitRow(id widget.ListItemID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	v := h.visits[id]
	state := "under way"
	if v.Finished() {
		state = "finished"
	}
	for _, obj := range c.Objects {
		switch w := obj.(type) {
		case *widget.Label:
			w.SetText(fmt.Sprintf("%s · %s · %s", formatDate(v.StartedAt), h.names[v.SchoolID], state))
		case *fyne.Container:
			w.Objects[0].(*widget.Button).OnTapped = func() { h.onOpenVisit(v) }
		}
	}
}

// onOpenVisit opens a visit under way, or a finished visit's summary.
func (h *home) onOpenVisit(v audit.Visit) {
	if v.Finished() {
		h.u.setCurrentVisit(v.ID)
		h.u.showFinish(v.ID)
		return
	}
	h.u.showVisit(v.ID)
}

// onStartVisit starts a visit of a school with the latest checklist
// template. A school without rooms is asked for its rooms first: a visit
// of no rooms would hold nothing.
func (h *home) onStartVisit(schoolID string) *visitScreen {
	if h.askForRooms(schoolID) {
		return nil
	}
	t, err := h.store.LatestTemplate(h.u.ctx, "")
	if err != nil {
		h.status.failed(err)
		return nil
	}
	auditor, _ := h.store.Setting(h.u.ctx, sqlite.SettingAuditor, "")
	v := audit.Visit{SchoolID: schoolID, TemplateID: t.ID, TemplateVersion: t.Version, Auditor: auditor}
	if err := h.store.StartVisit(h.u.ctx, &v); err != nil {
		h.status.failed(err)
		return nil
	}
	return h.u.showVisit(v.ID)
}

// askForRooms offers to add or import rooms when the school has none, and
// tells whether it did.
func (h *home) askForRooms(schoolID string) bool {
	rooms, err := h.store.Rooms(h.u.ctx, schoolID)
	if err != nil || len(rooms) > 0 {
		return false
	}
	add := widget.NewButtonWithIcon("Add rooms", theme.ContentAddIcon(), func() { h.closeAsk(); h.u.showSchool(schoolID) })
	add.Importance = widget.HighImportance
	imp := widget.NewButtonWithIcon("Import rooms…", theme.UploadIcon(), func() { h.closeAsk(); h.u.showImport() })
	cancel := widget.NewButtonWithIcon("Not now", theme.CancelIcon(), h.closeAsk)
	body := container.NewVBox(wrapLabel(h.names[schoolID]+" has no rooms yet. A visit walks rooms: add them one by one, "+
		"or import the district's room list, then start the visit."),
		container.NewGridWithColumns(3, tallBox(cancel), tallBox(imp), tallBox(add)))
	d := dialog.NewCustomWithoutButtons("Add rooms first", body, h.u.win)
	d.Resize(dialogSize(h.u.win, 560))
	h.noRoomsAsked = d
	d.Show()
	return true
}

func (h *home) closeAsk() {
	if h.noRoomsAsked != nil {
		h.noRoomsAsked.Hide()
		h.noRoomsAsked = nil
	}
}
