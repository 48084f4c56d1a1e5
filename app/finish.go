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

// finishScreen sums a visit up and closes it.
type finishScreen struct {
	store *audit.Store
	u     *ui
	data  *audit.VisitData

	score     *widget.Label
	notDone   *widget.Label
	finishBtn *widget.Button
	status    statusLabel
}

func newFinishScreen(u *ui, visitID string) (*finishScreen, error) {
	d, err := u.store.LoadVisit(u.ctx, visitID)
	if err != nil {
		return nil, err
	}
	return &finishScreen{store: u.store, u: u, data: d}, nil
}

func (f *finishScreen) buildUI() fyne.CanvasObject {
	d := f.data
	s := d.Score
	f.score = heading(f.scoreText())
	kpis := wrapLabel(fmt.Sprintf("Rooms visited %d of %d · ready to teach %d · findings %d · teacher feedback from %d rooms",
		s.RoomsVisited, len(d.Rooms), s.RoomsReady, s.Failures, s.FeedbackCount))
	cats := container.NewVBox(heading("Findings by category"))
	for _, c := range s.Categories {
		if c.Failures > 0 {
			cats.Add(wrapLabel(fmt.Sprintf("%s: %d finding(s), score %.0f", c.Category, c.Failures, c.Score)))
		}
	}
	if len(cats.Objects) == 1 {
		cats.Add(wrapLabel("No findings."))
	}
	f.notDone = wrapLabel(f.notDoneText())
	f.finishBtn = widget.NewButtonWithIcon("Finish visit", theme.ConfirmIcon(), f.onFinish)
	f.finishBtn.Importance = widget.HighImportance
	f.status = newStatusLabel()
	if d.Visit.Finished() {
		f.finishBtn.Disable()
		f.status.info("This visit was finished on " + formatDate(d.Visit.FinishedAt) + ".")
	}
	back := widget.NewButtonWithIcon("Back to the rooms", theme.NavigateBackIcon(), f.onBack)
	findings := widget.NewButtonWithIcon("Findings of this visit", theme.WarningIcon(), func() { f.u.showFindings(d.Visit.ID) })
	content := container.NewVBox(
		heading(d.School.Name+" — visit of "+formatDate(d.Visit.StartedAt)),
		f.score, kpis, widget.NewSeparator(), cats, widget.NewSeparator(),
		heading("Rooms not marked done"), f.notDone, widget.NewSeparator(),
		container.NewGridWithColumns(2, tallBox(back), tallBox(findings)),
		tallBox(f.finishBtn), f.status,
	)
	return container.NewVScroll(container.NewPadded(content))
}

func (f *finishScreen) scoreText() string {
	s := f.data.Score
	if s.RoomsVisited == 0 {
		return "Experience score: no scored answers yet"
	}
	return fmt.Sprintf("Experience score %.0f / 100 — %s", s.Score, audit.Verdict(s.Score))
}

func (f *finishScreen) notDoneText() string {
	var out []string
	for _, r := range f.data.Rooms {
		if !f.data.RoomsDone[r.ID] {
			out = append(out, r.Label())
		}
	}
	if len(out) == 0 {
		return "Every room is done."
	}
	return strings.Join(out, ", ")
}

// onFinish closes the visit.
func (f *finishScreen) onFinish() {
	v, err := f.store.FinishVisit(f.u.ctx, f.data.Visit.ID)
	if err != nil {
		f.status.failed(err)
		return
	}
	f.data.Visit = v
	f.finishBtn.Disable()
	f.status.Importance = widget.SuccessImportance
	f.status.show("Visit finished and saved at " + v.FinishedAt.Local().Format("15:04:05") + ".")
}

func (f *finishScreen) onBack() {
	f.u.showVisit(f.data.Visit.ID)
}
