package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

const (
	allOption    = "All"
	scopeVisit   = "This visit"
	scopeAll     = "All visits"
	noPriority   = "(item's severity)"
	keepPriority = "Priority: leave as is"
	keepStatus   = "Status: leave as is"
	dateLayout   = "2006-01-02"
)

// findingsScreen lists failing answers compactly, one line pair each, with
// the tapped finding's owner, priority, due date, status and ticket in a
// pane beside the list; ticked findings get an owner, priority, due date or
// status at once.
type findingsScreen struct {
	store   *sqlite.Store
	u       *ui
	visitID string
	schools []audit.School
	teams   []string

	scope    *widget.Select
	school   *widget.Select
	category *widget.Select
	severity *widget.Select
	status   *widget.Select
	count    *widget.Label
	list     *widget.List
	all      []audit.Finding // every finding that matches the filters, most severe first
	selected map[string]bool // ticked finding ids
	rows     map[fyne.CanvasObject]*findingRow
	current  int          // index in all of the finding in the detail pane, -1 for none
	detail   *findingCard // the editors of the finding in the pane
	pane     *fyne.Container
	saved    *statusBar

	bulkOwner    *widget.SelectEntry
	bulkPriority *widget.Select
	bulkStatus   *widget.Select
	bulkDue      *widget.DateEntry
	bulkApply    *widget.Button
	selectAllBtn *widget.Button
	clearBtn     *widget.Button

	exportBtn  *widget.Button
	ticketsBtn *widget.Button
	loading    job
	shown      bool // loads start once the screen is laid out
}

// findingRow is one compact row of the list; the list reuses rows.
type findingRow struct {
	tick       *widget.Button // an icon button: the whole 48x48 square takes the tap
	what, line *widget.Label
	id         string // the finding the row shows now
}

// findingCard is the detail pane's editors for one finding.
type findingCard struct {
	f        audit.Finding
	owner    *widget.SelectEntry
	priority *widget.Select
	due      *widget.DateEntry
	status   *widget.Select
	ticket   *widget.Entry
	problem  *widget.Label
	loading  bool
}

func newFindingsScreen(u *ui, visitID string) *findingsScreen {
	return &findingsScreen{store: u.store, u: u, visitID: visitID, selected: map[string]bool{},
		rows: map[fyne.CanvasObject]*findingRow{}, current: -1}
}

func (s *findingsScreen) buildUI() fyne.CanvasObject {
	teams, _ := s.store.Setting(s.u.ctx, audit.SettingOwnerTeams, "")
	s.teams = audit.ParseOwnerTeams(teams)
	scopes := []string{scopeAll}
	if s.visitID != "" {
		scopes = []string{scopeVisit, scopeAll}
	}
	s.scope = widget.NewSelect(scopes, func(string) { s.refresh() })
	s.school = widget.NewSelect(append([]string{allOption}, s.schoolNames()...), func(string) { s.refresh() })
	s.category = widget.NewSelect(append([]string{allOption}, templateCategories(s.u)...), func(string) { s.refresh() })
	s.severity = widget.NewSelect(severityOptions(), func(string) { s.refresh() })
	s.status = widget.NewSelect(statusOptions(), func(string) { s.refresh() })
	for _, sel := range []*widget.Select{s.school, s.category, s.severity, s.status} {
		sel.SetSelected(allOption)
	}
	s.count = widget.NewLabel("")
	s.count.Truncation = fyne.TextTruncateEllipsis
	s.saved = newStatusBar()
	s.list = widget.NewList(func() int { return len(s.all) }, s.newRow, s.bindRow)
	s.list.OnSelected = s.onSelect
	s.pane = container.NewStack(wrapLabel("Tap a finding to set its owner, priority, due date, status and ticket. " +
		"Tick several to set them all at once."))
	s.scope.SetSelectedIndex(0) // the list loads once the screen is shown
	cols := 5
	if s.portrait() {
		cols = 3
	}
	filters := container.NewGridWithColumns(cols,
		labelled("Visits", s.scope), labelled("School", s.school), labelled("Category", s.category),
		labelled("Severity", s.severity), labelled("Status", s.status))
	title := widget.NewLabel("Findings")
	title.TextStyle = fyne.TextStyle{Bold: true}
	head := container.NewBorder(nil, nil, title, s.buildActions(), s.count)
	top := container.NewVBox(head, filters, s.buildBulk(), widget.NewSeparator())
	return container.NewBorder(top, s.saved.box, nil, nil, s.split())
}

// split puts the list beside the detail pane on a wide window and above it
// on a narrow (portrait) one.
func (s *findingsScreen) split() fyne.CanvasObject {
	pane := container.NewVScroll(container.NewPadded(s.pane))
	if s.portrait() {
		sp := container.NewVSplit(s.list, pane)
		sp.Offset = 0.7
		return sp
	}
	sp := container.NewHSplit(s.list, pane)
	sp.Offset = 0.6
	return sp
}

// portrait tells whether the window is taller than wide (a tablet held upright).
func (s *findingsScreen) portrait() bool {
	size := s.u.win.Canvas().Size()
	return size.Width > 0 && size.Width < size.Height
}

func (s *findingsScreen) schoolNames() []string {
	schools, err := s.store.Schools(s.u.ctx)
	if err != nil {
		return nil
	}
	s.schools = schools
	names := make([]string, len(schools))
	for i, sc := range schools {
		names[i] = sc.Name
	}
	return names
}

// buildActions makes the export and ticket-import buttons.
func (s *findingsScreen) buildActions() fyne.CanvasObject {
	s.exportBtn = widget.NewButtonWithIcon("Export…", theme.DownloadIcon(), func() { s.u.showExport(s.visitID) })
	s.ticketsBtn = widget.NewButtonWithIcon("Import ticket status…", theme.UploadIcon(), func() { s.u.showImport() })
	return container.NewHBox(tallBox(s.ticketsBtn), tallBox(s.exportBtn))
}

// buildBulk makes the row that sets owner, priority, due date or status of
// every ticked finding at once.
func (s *findingsScreen) buildBulk() fyne.CanvasObject {
	s.bulkOwner = widget.NewSelectEntry(s.teams)
	s.bulkOwner.SetPlaceHolder("Owner team")
	s.bulkPriority = widget.NewSelect(append([]string{keepPriority}, priorityOptions()...), nil)
	s.bulkPriority.SetSelected(keepPriority)
	s.bulkStatus = widget.NewSelect(append([]string{keepStatus}, statusNames()...), nil)
	s.bulkStatus.SetSelected(keepStatus)
	s.bulkDue = widget.NewDateEntry()
	s.bulkDue.SetPlaceHolder("Due date: leave as is")
	s.bulkApply = widget.NewButtonWithIcon("Set on 0 ticked", theme.ConfirmIcon(), s.onBulkApply)
	s.bulkApply.Importance = widget.HighImportance
	s.selectAllBtn = widget.NewButtonWithIcon("Tick all", theme.CheckButtonCheckedIcon(), s.onSelectAll)
	s.clearBtn = widget.NewButtonWithIcon("Untick", theme.CheckButtonIcon(), s.onClearSelection)
	s.updateBulk()
	ticks := container.NewHBox(tallBox(s.selectAllBtn), tallBox(s.clearBtn))
	if s.portrait() {
		fields := container.NewGridWithColumns(2, tallBox(s.bulkOwner), tallBox(s.bulkPriority), tallBox(s.bulkDue), tallBox(s.bulkStatus))
		return container.NewVBox(fields, container.NewBorder(nil, nil, ticks, nil, tallBox(s.bulkApply)))
	}
	fields := container.NewGridWithColumns(4, tallBox(s.bulkOwner), tallBox(s.bulkPriority), tallBox(s.bulkDue), tallBox(s.bulkStatus))
	return container.NewBorder(nil, nil, ticks, tallBox(s.bulkApply), fields)
}

// priorityOptions lists the item's-severity choice and the severities.
func priorityOptions() []string {
	out := []string{noPriority}
	for _, v := range audit.Severities {
		out = append(out, string(v))
	}
	return out
}

func statusNames() []string {
	out := make([]string, len(audit.Statuses))
	for i, v := range audit.Statuses {
		out[i] = string(v)
	}
	return out
}

// labelled puts a small label above a widget.
func labelled(label string, obj fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(smallLabel(label), obj)
}

func (s *findingsScreen) filter() audit.FindingFilter {
	f := audit.FindingFilter{}
	if s.scope.Selected == scopeVisit {
		f.VisitID = s.visitID
	}
	if i := s.school.SelectedIndex(); i > 0 {
		f.SchoolID = s.schools[i-1].ID
	}
	if v := s.category.Selected; v != allOption && v != "" {
		f.Category = v
	}
	if v := s.severity.Selected; v != allOption && v != "" {
		f.Severity = audit.Severity(v)
	}
	if v := s.status.Selected; v != allOption && v != "" {
		f.Status = audit.Status(v)
	}
	return f
}

// onShown loads the findings once the screen is on show.
func (s *findingsScreen) onShown() {
	s.shown = true
	s.refresh()
}

// refresh reloads the findings that match the filters in the background:
// across a district's visits that takes a second or two.
func (s *findingsScreen) refresh() {
	if !s.shown || s.scope.Selected == "" {
		return
	}
	filter := s.filter()
	s.count.SetText("Loading the findings…")
	s.loading.start(func() func() {
		fs, err := s.store.Findings(s.u.ctx, filter)
		return func() { s.showFindings(fs, err) }
	})
}

// showFindings shows freshly loaded findings; ticks on findings no longer
// listed are dropped.
func (s *findingsScreen) showFindings(fs []audit.Finding, err error) {
	if err != nil {
		s.saved.failed(err)
		return
	}
	s.all = fs
	listed := map[string]bool{}
	for _, f := range fs {
		listed[f.ID] = true
	}
	for id := range s.selected {
		if !listed[id] {
			delete(s.selected, id)
		}
	}
	s.list.UnselectAll()
	s.current = -1
	s.list.Refresh()
	s.updateCount()
	s.updateBulk()
}

// updateCount says how many findings match.
func (s *findingsScreen) updateCount() {
	s.count.SetText(plural(len(s.all), "finding") + ", most severe first")
}

func (s *findingsScreen) newRow() fyne.CanvasObject {
	r := &findingRow{what: widget.NewLabel(""), line: widget.NewLabel("")}
	r.tick = widget.NewButtonWithIcon("", theme.CheckButtonIcon(), nil)
	r.tick.Importance = widget.LowImportance
	r.what.TextStyle = fyne.TextStyle{Bold: true}
	r.what.Truncation = fyne.TextTruncateEllipsis
	r.line.Truncation = fyne.TextTruncateEllipsis
	r.line.SizeName = theme.SizeNameCaptionText
	root := container.NewBorder(nil, nil, tallBox(r.tick), nil, container.New(compactRows{}, r.what, r.line))
	s.rows[root] = r
	return root
}

func (s *findingsScreen) bindRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := s.rows[o]
	f := s.all[i]
	setTick(r.tick, s.selected[f.ID])
	id := f.ID
	r.id = id
	r.tick.OnTapped = func() {
		on := !s.selected[id]
		setTick(r.tick, on)
		s.onTick(id, on)
	}
	r.what.SetText(strings.ToUpper(string(f.Priority())) + " · " + f.ItemLabel + ": " + f.Reason)
	r.line.SetText(findingLine(f))
}

// findingLine is a finding's second line: where, when, who owns it, its status.
func findingLine(f audit.Finding) string {
	bits := []string{f.ShortID(), f.SchoolName, "room " + f.RoomLabel, formatDate(f.VisitStarted), string(orOpen(f.Action.Status))}
	if f.Action.OwnerTeam != "" {
		bits = append(bits, f.Action.OwnerTeam)
	}
	if f.Action.DueDate != "" {
		bits = append(bits, "due "+f.Action.DueDate)
	}
	if f.PhotoCount > 0 {
		bits = append(bits, plural(f.PhotoCount, "photo"))
	}
	return strings.Join(bits, " · ")
}

// setTick shows a row's tick box ticked or not.
func setTick(b *widget.Button, on bool) {
	if on {
		b.SetIcon(theme.CheckButtonCheckedIcon())
		return
	}
	b.SetIcon(theme.CheckButtonIcon())
}

func (s *findingsScreen) onTick(id string, on bool) {
	if on {
		s.selected[id] = true
	} else {
		delete(s.selected, id)
	}
	s.updateBulk()
}

func (s *findingsScreen) onSelectAll() {
	for _, f := range s.all {
		s.selected[f.ID] = true
	}
	s.list.Refresh()
	s.updateBulk()
}

func (s *findingsScreen) onClearSelection() {
	clear(s.selected)
	s.list.Refresh()
	s.updateBulk()
}

// updateBulk says how many findings are ticked on the Set button.
func (s *findingsScreen) updateBulk() {
	n := len(s.selected)
	s.bulkApply.SetText(fmt.Sprintf("Set on %d ticked", n))
	setEnabled(n > 0, s.bulkApply, s.clearBtn)
}

// onBulkApply sets what the bulk row says on every ticked finding, in one
// transaction; fields left as they are change nothing.
func (s *findingsScreen) onBulkApply() {
	owner := strings.TrimSpace(s.bulkOwner.Text)
	var actions []audit.Action
	var idx []int
	for i, f := range s.all {
		if !s.selected[f.ID] {
			continue
		}
		a := f.Action
		a.FindingID = f.ID
		if owner != "" {
			a.OwnerTeam = owner
		}
		switch p := s.bulkPriority.Selected; p {
		case keepPriority:
		case noPriority:
			a.Priority = ""
		default:
			a.Priority = audit.Severity(p)
		}
		if st := s.bulkStatus.Selected; st != keepStatus {
			a.Status = audit.Status(st)
		}
		if d := s.bulkDue.Date; d != nil {
			a.DueDate = d.Format(dateLayout)
		}
		actions = append(actions, a)
		idx = append(idx, i)
	}
	if len(actions) == 0 {
		s.saved.info("Tick the findings to change first.")
		return
	}
	if err := s.store.SaveActions(s.u.ctx, actions); err != nil {
		s.saved.failed(err)
		return
	}
	for k, i := range idx {
		s.all[i].Action = actions[k]
	}
	s.list.Refresh()
	if s.current >= 0 {
		s.onSelect(s.current)
	}
	s.saved.info("Saved " + plural(len(actions), "finding") + " at " + time.Now().Format("15:04:05"))
}

// onSelect shows finding i's editors in the detail pane.
func (s *findingsScreen) onSelect(i widget.ListItemID) {
	if i < 0 || i >= len(s.all) {
		return
	}
	s.current = i
	s.detail = s.newCard(i)
	s.pane.Objects = []fyne.CanvasObject{s.detail.buildUI()}
	s.pane.Refresh()
}

func (s *findingsScreen) newCard(i int) *findingCard {
	f := s.all[i]
	c := &findingCard{f: f, loading: true}
	defer func() { c.loading = false }()
	c.owner = widget.NewSelectEntry(s.teams)
	c.owner.SetPlaceHolder("Owner team")
	c.owner.SetText(f.Action.OwnerTeam)
	c.owner.OnChanged = func(v string) { c.f.Action.OwnerTeam = strings.TrimSpace(v); s.onActionChanged(i, c) }
	c.ticket = widget.NewEntry()
	c.ticket.SetPlaceHolder("Ticket key")
	c.ticket.SetText(f.Action.TicketKey)
	c.ticket.OnChanged = func(v string) { c.f.Action.TicketKey = v; s.onActionChanged(i, c) }
	c.due = widget.NewDateEntry()
	c.due.SetPlaceHolder("Due date")
	if d, err := time.Parse(dateLayout, f.Action.DueDate); err == nil {
		c.due.SetDate(&d)
	}
	c.due.OnChanged = func(d *time.Time) { s.onDueChanged(i, c, d) }
	c.priority = widget.NewSelect(priorityOptions(), nil)
	c.priority.SetSelected(noPriority)
	if f.Action.Priority != "" {
		c.priority.SetSelected(string(f.Action.Priority))
	}
	c.priority.OnChanged = func(v string) { s.onPriorityChanged(i, c, v) }
	c.status = widget.NewSelect(statusNames(), nil)
	c.status.SetSelected(string(orOpen(f.Action.Status)))
	c.status.OnChanged = func(v string) { c.f.Action.Status = audit.Status(v); s.onActionChanged(i, c) }
	c.problem = wrapLabel("")
	c.problem.Importance = widget.DangerImportance
	return c
}

func orOpen(st audit.Status) audit.Status {
	if st == "" {
		return audit.StatusOpen
	}
	return st
}

func (c *findingCard) buildUI() fyne.CanvasObject {
	f := c.f
	what := strings.ToUpper(string(f.Severity)) + " · " + f.Category
	if f.Reason != "" {
		what += " · " + f.Reason
	}
	if f.Note != "" {
		what += " · note: " + f.Note
	}
	if f.PhotoCount > 0 {
		what += " · " + plural(f.PhotoCount, "photo")
	}
	where := f.SchoolName + " · room " + f.RoomLabel + " · " + formatDate(f.VisitStarted)
	editors := container.NewGridWithColumns(2,
		labelled("Owner team", tallBox(c.owner)), labelled("Priority", tallBox(c.priority)),
		labelled("Due date", tallBox(c.due)), labelled("Status", tallBox(c.status)),
		labelled("Ticket", tallBox(c.ticket)))
	return container.NewVBox(heading(f.ShortID()+"  "+f.ItemLabel), wrapLabel(what), smallLabel(where),
		editors, c.problem)
}

// onDueChanged saves a picked or typed due date; typing that is not yet a
// date leaves the stored one alone.
func (s *findingsScreen) onDueChanged(i int, c *findingCard, d *time.Time) {
	c.f.Action.DueDate = ""
	if d != nil {
		c.f.Action.DueDate = d.Format(dateLayout)
	}
	s.onActionChanged(i, c)
}

func (s *findingsScreen) onPriorityChanged(i int, c *findingCard, v string) {
	c.f.Action.Priority = ""
	if v != noPriority {
		c.f.Action.Priority = audit.Severity(v)
	}
	s.onActionChanged(i, c)
}

// onActionChanged saves the finding's action at once and updates its row.
func (s *findingsScreen) onActionChanged(i int, c *findingCard) {
	if c.loading {
		return
	}
	a := c.f.Action
	a.FindingID = c.f.ID
	a.Status = orOpen(a.Status)
	err := s.store.SaveAction(s.u.ctx, &a)
	if err != nil {
		c.problem.SetText(err.Error())
		s.saved.failed(fmt.Errorf("%s not saved: %w", c.f.ShortID(), err))
		return
	}
	c.f.Action = a
	c.problem.SetText("")
	if i < len(s.all) && s.all[i].ID == c.f.ID {
		s.all[i].Action = a
		s.list.RefreshItem(i)
	}
	s.saved.saved(nil)
}
