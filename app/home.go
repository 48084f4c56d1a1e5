package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// recentVisits is how many visits the home screen lists.
const recentVisits = 8

// home lists the schools with their last visit and score, and the recent visits.
type home struct {
	store *audit.Store
	u     *ui

	schools   []schoolSummary
	visits    []audit.Visit
	names     map[string]string // school id -> name
	startBtns map[string]*widget.Button
	addBtn    *widget.Button
	importBtn *widget.Button
	list      *fyne.Container
	loading   job
	status    statusLabel
}

// schoolSummary is a school with its latest visit and that visit's score.
type schoolSummary struct {
	school audit.School
	last   audit.Visit // zero when never visited
	score  string
	open   *audit.Visit // an unfinished visit to resume
}

func newHome(u *ui) *home {
	return &home{store: u.store, u: u, names: map[string]string{}, startBtns: map[string]*widget.Button{}}
}

func (h *home) buildUI() fyne.CanvasObject {
	h.status = newStatusLabel()
	h.addBtn = widget.NewButtonWithIcon("Add school", theme.ContentAddIcon(), func() { h.u.showSchool("") })
	h.importBtn = widget.NewButtonWithIcon("Import…", theme.UploadIcon(), func() { h.u.showImport() })
	h.list = container.NewVBox(wrapLabel("Loading the schools…"))
	buttons := container.NewHBox(tallBox(h.importBtn), tallBox(h.addBtn))
	top := container.NewVBox(container.NewBorder(nil, nil, nil, buttons, heading("Schools")), h.status)
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(h.list)))
}

// onShown loads the schools in the background: a district's schools and
// scores take seconds to read, and the window must not freeze meanwhile.
func (h *home) onShown() {
	h.loading.start(func() func() {
		err := h.load()
		return func() { h.showLoaded(err) }
	})
}

// showLoaded lays out the school cards and the recent visits.
func (h *home) showLoaded(err error) {
	if err != nil {
		h.status.failed(err)
	}
	h.list.RemoveAll()
	for _, s := range h.schools {
		h.list.Add(h.schoolCard(s))
		h.list.Add(widget.NewSeparator())
	}
	if len(h.schools) == 0 {
		h.list.Add(wrapLabel("No schools yet. Add the school you are visiting, then its rooms, or import the district's list."))
	}
	h.list.Add(heading("Recent visits"))
	for _, v := range h.visits {
		h.list.Add(h.visitRow(v))
	}
	if len(h.visits) == 0 {
		h.list.Add(wrapLabel("No visits yet."))
	}
	h.list.Refresh() // Add only lays out; the canvas repaints on Refresh
}

// load reads the schools, their latest visits and scores, and the recent visits.
func (h *home) load() error {
	schools, err := h.store.Schools(h.u.ctx)
	if err != nil {
		return err
	}
	for _, s := range schools {
		h.names[s.ID] = s.Name
		sum, err := h.summarise(s)
		if err != nil {
			return err
		}
		h.schools = append(h.schools, sum)
	}
	visits, err := h.store.Visits(h.u.ctx, audit.VisitFilter{})
	if err != nil {
		return err
	}
	h.visits = visits[:min(len(visits), recentVisits)]
	return nil
}

func (h *home) summarise(s audit.School) (schoolSummary, error) {
	sum := schoolSummary{school: s}
	v, err := h.store.LatestVisit(h.u.ctx, s.ID, false)
	if errors.Is(err, audit.ErrNotFound) {
		return sum, nil
	}
	if err != nil {
		return sum, err
	}
	sum.last = v
	if !v.Finished() {
		sum.open = &v
	}
	score, err := h.store.ScoreOf(h.u.ctx, v.ID)
	if err != nil {
		return sum, err
	}
	if score.RoomsVisited > 0 {
		sum.score = fmt.Sprintf("score %.0f", score.Score)
	}
	return sum, nil
}

func (h *home) schoolCard(s schoolSummary) fyne.CanvasObject {
	line := "Not visited yet"
	if !s.last.StartedAt.IsZero() {
		line = "Last visit " + formatDate(s.last.StartedAt)
		if s.score != "" {
			line += " · " + s.score
		}
		if s.open != nil {
			line += " · under way"
		}
	}
	id := s.school.ID
	start := widget.NewButtonWithIcon("Start visit", theme.MediaPlayIcon(), func() { h.onStartVisit(id) })
	if s.open != nil {
		open := s.open.ID
		start = widget.NewButtonWithIcon("Resume visit", theme.MediaPlayIcon(), func() { h.u.showVisit(open) })
	}
	start.Importance = widget.HighImportance
	h.startBtns[id] = start
	edit := widget.NewButtonWithIcon("School and rooms", theme.DocumentCreateIcon(), func() { h.u.showSchool(id) })
	return container.NewVBox(heading(s.school.Name), wrapLabel(line),
		container.NewGridWithColumns(2, tallBox(start), tallBox(edit)))
}

func (h *home) visitRow(v audit.Visit) fyne.CanvasObject {
	state := "under way"
	if v.Finished() {
		state = "finished"
	}
	text := fmt.Sprintf("%s · %s · %s", formatDate(v.StartedAt), h.names[v.SchoolID], state)
	id := v.ID
	open := widget.NewButton("Open", func() {
		if v.Finished() {
			h.u.setCurrentVisit(id)
			h.u.showFinish(id)
			return
		}
		h.u.showVisit(id)
	})
	return container.NewBorder(nil, nil, nil, tallBox(open), wrapLabel(text))
}

// onStartVisit starts a visit of a school with the latest checklist template.
func (h *home) onStartVisit(schoolID string) *visitScreen {
	t, err := h.store.LatestTemplate(h.u.ctx, "")
	if err != nil {
		h.status.failed(err)
		return nil
	}
	auditor, _ := h.store.Setting(h.u.ctx, audit.SettingAuditor, "")
	v := audit.Visit{SchoolID: schoolID, TemplateID: t.ID, TemplateVersion: t.Version, Auditor: auditor}
	if err := h.store.StartVisit(h.u.ctx, &v); err != nil {
		h.status.failed(err)
		return nil
	}
	return h.u.showVisit(v.ID)
}
