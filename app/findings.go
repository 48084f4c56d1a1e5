package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// maxFindingCards is how many findings are laid out at a time; "Show more"
// lays out the next page, and the filters narrow the list.
const maxFindingCards = 60

const (
	allOption   = "All"
	scopeVisit  = "This visit"
	scopeAll    = "All visits"
	noPriority  = "(item's severity)"
	findingHelp = "Each change is saved at once. Due date as YYYY-MM-DD."
)

// findingsScreen lists failing answers and lets IT set owner, priority, due date and status.
type findingsScreen struct {
	store   *audit.Store
	u       *ui
	visitID string

	scope    *widget.Select
	category *widget.Select
	severity *widget.Select
	status   *widget.Select
	count    *widget.Label
	list     *fyne.Container
	cards    []*findingCard
	all      []audit.Finding // every finding that matches the filters, most severe first
	more     *fyne.Container // "Showing 60 of N" and its Show more button
	moreText *widget.Label
	moreBtn  *widget.Button
	saved    *statusBar

	exportBtn  *widget.Button
	ticketsBtn *widget.Button
	loading    job
	shown      bool // loads start once the screen is laid out
}

// findingCard is one finding with its action editors.
type findingCard struct {
	f        audit.Finding
	owner    *widget.Entry
	priority *widget.Select
	due      *widget.Entry
	status   *widget.Select
	ticket   *widget.Entry
	problem  statusLabel
}

func newFindingsScreen(u *ui, visitID string) *findingsScreen {
	return &findingsScreen{store: u.store, u: u, visitID: visitID}
}

func (s *findingsScreen) buildUI() fyne.CanvasObject {
	scopes := []string{scopeAll}
	if s.visitID != "" {
		scopes = []string{scopeVisit, scopeAll}
	}
	s.scope = widget.NewSelect(scopes, func(string) { s.refresh() })
	s.category = widget.NewSelect(append([]string{allOption}, templateCategories(s.u)...), func(string) { s.refresh() })
	s.severity = widget.NewSelect(severityOptions(), func(string) { s.refresh() })
	s.status = widget.NewSelect(statusOptions(), func(string) { s.refresh() })
	s.category.SetSelected(allOption)
	s.severity.SetSelected(allOption)
	s.status.SetSelected(allOption)
	s.count = wrapLabel("")
	s.saved = newStatusBar()
	s.list = container.NewVBox()
	s.moreText = widget.NewLabel("") // short: "Showing 60 of 151"
	s.moreText.TextStyle = fyne.TextStyle{Bold: true}
	s.moreBtn = widget.NewButtonWithIcon("Show more", theme.MoveDownIcon(), s.onShowMore)
	s.more = container.NewPadded(container.NewBorder(nil, nil, s.moreText, nil, tallBox(s.moreBtn)))
	s.scope.SetSelectedIndex(0) // the list loads once the screen is shown
	filters := container.NewGridWithColumns(4,
		labelled("Visits", s.scope), labelled("Category", s.category),
		labelled("Severity", s.severity), labelled("Status", s.status))
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.buildActions(), heading("Findings")),
		filters, s.count, s.saved.box, widget.NewSeparator())
	return container.NewBorder(top, smallLabel(findingHelp), nil, nil,
		container.NewVScroll(container.NewVBox(s.list, s.more)))
}

// buildActions makes the export and ticket-import buttons.
func (s *findingsScreen) buildActions() fyne.CanvasObject {
	s.exportBtn = widget.NewButtonWithIcon("Export…", theme.DownloadIcon(), func() { s.u.showExport(s.visitID) })
	s.ticketsBtn = widget.NewButtonWithIcon("Import ticket status…", theme.UploadIcon(), func() { s.u.showImport() })
	return container.NewHBox(tallBox(s.ticketsBtn), tallBox(s.exportBtn))
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

// showFindings lays out the first page of freshly loaded findings.
func (s *findingsScreen) showFindings(fs []audit.Finding, err error) {
	if err != nil {
		s.saved.failed(err)
		return
	}
	s.all, s.cards = fs, nil
	s.list.Objects = nil
	s.showPage()
}

// showPage lays out the next page of findings under the ones on show.
func (s *findingsScreen) showPage() {
	from := len(s.cards)
	for _, f := range s.all[from:min(len(s.all), from+maxFindingCards)] {
		c := s.newCard(f)
		s.cards = append(s.cards, c)
		s.list.Add(c.buildUI())
		s.list.Add(widget.NewSeparator())
	}
	s.list.Refresh()
	s.updateCount()
}

// updateCount says how many findings match and how many are on show.
func (s *findingsScreen) updateCount() {
	n, shown := len(s.all), len(s.cards)
	text := fmt.Sprintf("%d finding(s), most severe first", n)
	if shown < n {
		text += fmt.Sprintf("; showing %d — more below, or narrow the filters", shown)
	}
	s.count.SetText(text)
	if shown >= n {
		s.more.Hide()
		return
	}
	s.moreText.SetText(fmt.Sprintf("Showing %d of %d", shown, n))
	s.moreBtn.SetText(fmt.Sprintf("Show %d more", min(maxFindingCards, n-shown)))
	s.more.Show()
}

func (s *findingsScreen) onShowMore() { s.showPage() }

func (s *findingsScreen) newCard(f audit.Finding) *findingCard {
	c := &findingCard{f: f}
	c.owner = widget.NewEntry()
	c.owner.SetPlaceHolder("Owner team")
	c.owner.SetText(f.Action.OwnerTeam)
	c.owner.OnChanged = func(v string) { c.f.Action.OwnerTeam = v; s.onActionChanged(c) }
	c.ticket = widget.NewEntry()
	c.ticket.SetPlaceHolder("Ticket key")
	c.ticket.SetText(f.Action.TicketKey)
	c.ticket.OnChanged = func(v string) { c.f.Action.TicketKey = v; s.onActionChanged(c) }
	c.due = widget.NewEntry()
	c.due.SetPlaceHolder("Due YYYY-MM-DD")
	c.due.SetText(f.Action.DueDate)
	c.due.OnChanged = func(v string) { s.onDueChanged(c, v) }
	pris := []string{noPriority}
	for _, v := range audit.Severities {
		pris = append(pris, string(v))
	}
	c.priority = widget.NewSelect(pris, nil)
	c.priority.SetSelected(noPriority)
	if f.Action.Priority != "" {
		c.priority.SetSelected(string(f.Action.Priority))
	}
	c.priority.OnChanged = func(v string) { s.onPriorityChanged(c, v) }
	stats := make([]string, len(audit.Statuses))
	for i, v := range audit.Statuses {
		stats[i] = string(v)
	}
	c.status = widget.NewSelect(stats, nil)
	c.status.SetSelected(string(orOpen(f.Action.Status)))
	c.status.OnChanged = func(v string) { c.f.Action.Status = audit.Status(v); s.onActionChanged(c) }
	c.problem = newStatusLabel()
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
	where := f.SchoolName + " · room " + f.RoomLabel + " · " + formatDate(f.VisitStarted)
	what := strings.ToUpper(string(f.Severity)) + " · " + f.Category
	if f.Reason != "" {
		what += " · " + f.Reason
	}
	if f.Note != "" {
		what += " · note: " + f.Note
	}
	if f.PhotoCount > 0 {
		what += fmt.Sprintf(" · %d photo(s)", f.PhotoCount)
	}
	editors := container.NewGridWithColumns(3,
		labelled("Owner team", c.owner), labelled("Priority", c.priority), labelled("Status", c.status),
		labelled("Due date", c.due), labelled("Ticket", c.ticket))
	return container.NewPadded(container.NewVBox(heading(f.ShortID()+"  "+f.ItemLabel), smallLabel(what+" — "+where),
		editors, c.problem))
}

func (s *findingsScreen) onDueChanged(c *findingCard, v string) {
	v = strings.TrimSpace(v)
	if v != "" && len(v) != len("2006-01-02") {
		c.problem.info("Due date: keep typing, as YYYY-MM-DD")
		return
	}
	c.f.Action.DueDate = v
	s.onActionChanged(c)
}

func (s *findingsScreen) onPriorityChanged(c *findingCard, v string) {
	c.f.Action.Priority = ""
	if v != noPriority {
		c.f.Action.Priority = audit.Severity(v)
	}
	s.onActionChanged(c)
}

// onActionChanged saves the finding's action at once.
func (s *findingsScreen) onActionChanged(c *findingCard) {
	a := c.f.Action
	a.FindingID = c.f.ID
	a.Status = orOpen(a.Status)
	err := s.store.SaveAction(s.u.ctx, &a)
	if err != nil {
		c.problem.failed(err)
		s.saved.failed(fmt.Errorf("%s not saved: %w", c.f.ShortID(), err))
		return
	}
	c.f.Action = a
	c.problem.clear()
	s.saved.saved(nil)
}
