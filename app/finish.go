package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/report/outfile"
	"techwalk/report/pdf"
)

// finishScreen sums a visit up and closes it.
type finishScreen struct {
	store *sqlite.Store
	u     *ui
	data  *audit.VisitData

	score     *widget.Label
	notDone   *widget.Label
	finishBtn *widget.Button
	status    *statusBar // a fixed place under the scrolling summary: always in view

	signText *widget.Label
	signImg  *canvas.Image
	signBtn  *widget.Button

	reportBtn      *widget.Button
	reportProgress *widget.ProgressBar
	reportCancel   *widget.Button
	cancelReport   context.CancelFunc
	reportDone     chan struct{} // closed when a report run ends

	exportBtn *widget.Button

	confirm  *dialog.ConfirmDialog // the finish question while it is open
	openAsk  *dialog.ConfirmDialog // "Open the report now?" while it is open
	noViewer *noViewerDialog       // where the report is, when nothing could open it
	opening  job                   // the viewer being started
	scroll   *container.Scroll
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
	kpis := wrapLabel(fmt.Sprintf("Coverage: %s · rooms visited %d of %d · ready to teach %d · partly walked %d · findings %d · fixed since the last visit %d · teacher feedback from %s",
		s.Coverage, s.RoomsVisited, len(d.Rooms), s.RoomsReady, s.RoomsPartly, s.Failures, len(d.Fixed), plural(s.FeedbackCount, "teacher")))
	cats := container.NewVBox(heading("Findings by category"))
	for _, c := range s.Categories {
		if c.Failures > 0 {
			cats.Add(wrapLabel(categoryText(c)))
		}
	}
	if len(cats.Objects) == 1 {
		cats.Add(wrapLabel("No findings."))
	}
	f.notDone = wrapLabel(f.notDoneText())
	f.finishBtn = widget.NewButtonWithIcon("Finish visit", theme.ConfirmIcon(), f.onFinish)
	f.finishBtn.Importance = widget.HighImportance
	f.status = newStatusBar()
	if d.Visit.Finished() {
		f.finishBtn.Disable()
		f.finishBtn.SetText("Visit finished")
		f.status.info("This visit was finished on " + formatDate(d.Visit.FinishedAt) + ". Reopen it from the visit screen to change answers.")
	}
	back := widget.NewButtonWithIcon("Back to the rooms", theme.NavigateBackIcon(), f.onBack)
	findings := widget.NewButtonWithIcon("Findings of this visit", theme.WarningIcon(), func() { f.u.showFindings(d.Visit.ID) })
	content := container.NewVBox(
		heading(d.School.Name+" — visit of "+formatDate(d.Visit.StartedAt)),
		f.score, kpis, widget.NewSeparator(), cats, widget.NewSeparator(),
		heading("Rooms not marked done"), f.notDone, widget.NewSeparator(),
		container.NewGridWithColumns(2, tallBox(back), tallBox(findings)),
		f.buildOutputs(), f.buildSignOff(), tallBox(f.finishBtn),
	)
	f.scroll = container.NewVScroll(container.NewPadded(content))
	return container.NewBorder(nil, container.NewPadded(f.status.box), nil, nil, f.scroll)
}

func (f *finishScreen) scoreText() string {
	s := f.data.Score
	if s.RoomsVisited == 0 {
		return "Experience score: no scored answers yet"
	}
	return fmt.Sprintf("Experience score %.0f / 100 on %d%% of the checks — %s", s.Score, s.Coverage.Percent(), audit.VerdictFor(s))
}

// categoryText is "Wi-Fi: 2 finding(s), score 60", or "too few answers"
// instead of a score the answers cannot carry.
func categoryText(c audit.CategoryScore) string {
	if c.TooFew() {
		return fmt.Sprintf("%s: %s, too few answers to score (%d)", c.Category, plural(c.Failures, "finding"), c.Scored)
	}
	return fmt.Sprintf("%s: %s, score %.0f", c.Category, plural(c.Failures, "finding"), c.Score)
}

// roomsNotDone lists the labels of the rooms not marked done.
func (f *finishScreen) roomsNotDone() []string {
	var out []string
	for _, r := range f.data.Rooms {
		if !f.data.RoomsDone[r.ID] {
			out = append(out, r.Label())
		}
	}
	return out
}

func (f *finishScreen) notDoneText() string {
	out := f.roomsNotDone()
	if len(out) == 0 {
		return "Every room is done."
	}
	return strings.Join(out, ", ")
}

// onFinish asks before closing the visit, saying what finishing means.
func (f *finishScreen) onFinish() {
	msg := wrapLabel(f.finishQuestion())
	f.confirm = dialog.NewCustomConfirm("Finish this visit?", "Finish visit", "Keep walking", msg, f.onFinishConfirmed, f.u.win)
	f.confirm.SetConfirmImportance(widget.HighImportance)
	f.confirm.Resize(dialogSize(f.u.win, 560))
	f.confirm.Show()
}

// finishQuestion says which rooms are still open and what finishing does.
func (f *finishScreen) finishQuestion() string {
	rooms := "Every room is marked done."
	if left := f.roomsNotDone(); len(left) > 0 {
		names := left
		if len(names) > 6 {
			names = append(names[:6:6], fmt.Sprintf("and %d more", len(left)-6))
		}
		rooms = fmt.Sprintf("%d of %d rooms are not marked done yet: %s.", len(left), len(f.data.Rooms), strings.Join(names, ", "))
	}
	if sc := f.data.Score; sc.Partial {
		rooms += fmt.Sprintf("\n\nThis is a partial walk: %s, below the %.0f%% a full walk needs. "+
			"Finished, it becomes the school's latest visit, and the district score leaves the school out until a fuller walk.",
			sc.Coverage, sc.MinCoverage*100)
	}
	return rooms + "\n\nFinishing records today as the end of the visit and backs up the data file. " +
		"The visit stays readable: its summary, report and exports still work, and its checklist opens read-only. " +
		"You can reopen it from the visit screen to change answers."
}

// onFinishConfirmed closes the visit when the user said yes.
func (f *finishScreen) onFinishConfirmed(ok bool) {
	f.confirm = nil
	if !ok {
		return
	}
	v, err := f.store.FinishVisit(f.u.ctx, f.data.Visit.ID)
	if err != nil {
		f.status.failed(err)
		return
	}
	f.data.Visit = v
	if vs := f.u.visit; vs != nil && vs.visit.ID == v.ID {
		vs.setVisit(v) // the Visit button returns to that screen
	}
	f.finishBtn.Disable()
	f.finishBtn.SetText("Visit finished")
	f.updateSignOff()
	f.status.success("Visit finished and saved at " + v.FinishedAt.Local().Format("15:04:05") + ". Its checklist is now read-only; reopen it from the visit screen to change answers.")
}

func (f *finishScreen) onBack() {
	f.u.showVisit(f.data.Visit.ID)
}

// buildOutputs makes the report and export actions.
func (f *finishScreen) buildOutputs() fyne.CanvasObject {
	f.reportBtn = widget.NewButtonWithIcon("Create report…", theme.DocumentPrintIcon(), f.onCreateReport)
	f.reportProgress = widget.NewProgressBar()
	f.reportProgress.Hide()
	f.reportCancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), f.onCancelReport)
	f.reportCancel.Hide()
	f.exportBtn = widget.NewButtonWithIcon("Export findings…", theme.DownloadIcon(), func() { f.u.showExport(f.data.Visit.ID) })
	return container.NewVBox(widget.NewSeparator(), heading("Report for the principal"),
		container.NewBorder(nil, nil, tallBox(f.reportBtn), tallBox(f.reportCancel), f.reportProgress),
		widget.NewSeparator(), heading("Backlog export for IT"),
		smallLabel("Jira, Azure DevOps, GitHub, ServiceNow or plain CSV/JSON, with filters and a preview."),
		tallBox(f.exportBtn), widget.NewSeparator())
}

func (f *finishScreen) baseName() string {
	return outfile.SafeFileName(f.data.School.Name + " " + f.data.Visit.StartedAt.Format("2006-01-02"))
}

// onCreateReport asks where to save the PDF, then builds it in the background.
func (f *finishScreen) onCreateReport() {
	d := dialog.NewFileSave(f.onReportFile, f.u.win)
	d.SetFileName(f.baseName() + ".pdf")
	d.Resize(f.u.win.Canvas().Size())
	d.Show()
}

// onReportFile builds the PDF into w in the background, with progress and cancel.
func (f *finishScreen) onReportFile(w fyne.URIWriteCloser, err error) {
	if err != nil || w == nil {
		f.reportFailed(err, w)
		return
	}
	opt, err := pdf.OptionsFromStore(f.u.ctx, f.store)
	if err != nil {
		f.reportFailed(err, w)
		return
	}
	ctx, cancel := context.WithCancel(f.u.ctx)
	f.cancelReport, f.reportDone = cancel, make(chan struct{})
	f.reportBtn.Disable()
	f.reportProgress.SetValue(0)
	f.reportProgress.Show()
	f.reportCancel.Show()
	opt.Progress = func(done, total int) {
		fyne.Do(func() { f.reportProgress.SetValue(float64(done) / float64(max(total, 1))) })
	}
	visitID := f.data.Visit.ID
	go func() {
		var buf bytes.Buffer
		err := pdf.Write(ctx, &buf, f.store, visitID, opt)
		if err == nil {
			_, err = w.Write(buf.Bytes())
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		settleFile(w.URI(), err)
		fyne.Do(func() { f.onReportDone(w.URI(), err) })
	}()
}

func (f *finishScreen) reportFailed(err error, w fyne.URIWriteCloser) {
	if w != nil {
		w.Close()
	}
	if err != nil {
		f.status.failed(err)
	}
}

func (f *finishScreen) onCancelReport() {
	if f.cancelReport != nil {
		f.cancelReport()
	}
}

// onReportDone says how the report went and offers to open it.
func (f *finishScreen) onReportDone(uri fyne.URI, err error) {
	defer close(f.reportDone)
	f.cancelReport()
	f.cancelReport = nil
	f.reportBtn.Enable()
	f.reportProgress.Hide()
	f.reportCancel.Hide()
	switch {
	case err == context.Canceled:
		f.status.info("Report cancelled; nothing was saved.")
		return
	case err != nil:
		f.status.failed(fmt.Errorf("report not created: %w", err))
		return
	}
	f.status.success("Report saved: " + uri.Path())
	f.openAsk = dialog.NewConfirm("Report saved", "Open "+uri.Name()+" now?", func(open bool) { f.onOpenAnswer(uri, open) }, f.u.win)
	f.openAsk.Show()
}

// settleFile finishes a file the save dialog created: private (0600) when
// it was written, because reports and exports hold teachers' words and
// room details; removed when writing failed, so no partial file is left.
func settleFile(uri fyne.URI, err error) {
	if uri.Scheme() != "file" {
		return
	}
	if err != nil {
		os.Remove(uri.Path())
		return
	}
	os.Chmod(uri.Path(), 0o600)
}
