package app

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit/importer"
	"techwalk/audit/sqlite"
)

// The kinds of file the import screen takes, as the user sees them.
const (
	importSchools = "Schools"
	importRooms   = "Rooms"
	importTickets = "Ticket status from a tracker"
	notInFile     = "(not in the file)"
	importHelp    = "A district list of schools (name, code, address, principal; the NCES school directory's columns are recognised) " +
		"or of rooms (school code or name, room, kind, teacher) as CSV; or a Jira, Azure DevOps or ServiceNow CSV, " +
		"or a GitHub issues JSON, of tickets made from TechWalk's exports. Importing the same file again updates instead of duplicating."
)

// fieldLabels names the import fields for people; "*" marks what must be mapped.
var fieldLabels = map[importer.Field]string{
	importer.FieldName:      "School name *",
	importer.FieldCode:      "School code (district or NCES id)",
	importer.FieldAddress:   "Address (whole)",
	importer.FieldStreet:    "Street",
	importer.FieldCity:      "City",
	importer.FieldState:     "State",
	importer.FieldZip:       "ZIP code",
	importer.FieldPrincipal: "Principal",
	importer.FieldSchool:    "School code or name *",
	importer.FieldRoom:      "Room number *",
	importer.FieldRoomName:  "Room name (when there is no number)",
	importer.FieldKind:      "Room kind (classroom, lab, library…)",
	importer.FieldTeacher:   "Teacher",
}

// importScreen brings schools and rooms from a district list, or ticket
// keys and statuses from a tracker, into the store: choose a file, check
// which column feeds which field, check the rows, then import.
type importScreen struct {
	store *sqlite.Store
	u     *ui

	name string
	data []byte
	csv  *importer.CSVFile // nil for a ticket JSON file

	chooseBtn  *widget.Button
	fileLabel  *widget.Label
	kind       *widget.RadioGroup
	mapping    *fyne.Container
	columns    map[importer.Field]*widget.Select
	sample     *widget.Label
	partial    *widget.Check
	checkBtn   *widget.Button
	importBtn  *widget.Button
	busy       *widget.ProgressBarInfinite
	summary    *widget.Label
	rows       *widget.List
	form       *container.Scroll
	center     *fyne.Container // the form, or the form above the report
	shown      []importer.RowResult
	report     *importer.ImportReport
	saveReport *widget.Button
	status     *statusBar
	work       job
}

func newImportScreen(u *ui) *importScreen {
	return &importScreen{store: u.store, u: u, columns: map[importer.Field]*widget.Select{}}
}

func (s *importScreen) buildUI() fyne.CanvasObject {
	s.chooseBtn = widget.NewButtonWithIcon("Choose file…", theme.FolderOpenIcon(), s.onChooseFile)
	s.chooseBtn.Importance = widget.HighImportance
	s.fileLabel = wrapLabel("No file chosen.")
	s.kind = widget.NewRadioGroup([]string{importSchools, importRooms, importTickets}, s.onKind)
	s.kind.Horizontal = true
	s.kind.Disable()
	s.mapping = container.NewVBox()
	s.sample = smallLabel("")
	s.partial = widget.NewCheck("Import the good rows even when some are rejected", nil)
	s.checkBtn = widget.NewButtonWithIcon("Check", theme.SearchIcon(), s.onCheck)
	s.importBtn = widget.NewButtonWithIcon("Import", theme.DownloadIcon(), s.onImport)
	s.importBtn.Importance = widget.HighImportance
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Hide()
	s.summary = wrapLabel("")
	s.status = newStatusBar()
	s.saveReport = widget.NewButtonWithIcon("Save this report…", theme.DocumentSaveIcon(), s.onSaveReport)
	s.rows = widget.NewList(func() int { return len(s.shown) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.rowText(i)) })
	s.setReady(false)
	s.showReport(nil)

	top := container.NewVBox(heading("Import schools, rooms or ticket status"), smallLabel(importHelp),
		container.NewBorder(nil, nil, tallBox(s.chooseBtn), nil, s.fileLabel))
	s.form = container.NewVScroll(container.NewPadded(container.NewVBox(labelled("This file lists", s.kind), s.mapping, s.sample)))
	s.center = container.NewStack(s.form)
	actions := container.NewVBox(widget.NewSeparator(), s.partial,
		container.NewGridWithColumns(2, tallBox(s.checkBtn), tallBox(s.importBtn)), container.NewStack(s.status.box, container.NewVBox(layout.NewSpacer(), s.busy, layout.NewSpacer())))
	return container.NewBorder(container.NewPadded(top), container.NewPadded(actions), nil, nil, s.center)
}

// showResults puts the row-by-row report under the mapping, or removes it.
func (s *importScreen) showResults(show bool) {
	if s.center == nil {
		return
	}
	if !show {
		s.center.Objects = []fyne.CanvasObject{s.form}
		s.center.Refresh()
		return
	}
	results := container.NewBorder(container.NewBorder(nil, nil, nil, s.saveReport, s.summary), nil, nil, nil, s.rows)
	split := container.NewVSplit(s.form, results)
	split.Offset = 0.45
	s.center.Objects = []fyne.CanvasObject{split}
	s.center.Refresh()
}

// onChooseFile opens the file dialog.
func (s *importScreen) onChooseFile() {
	d := dialog.NewFileOpen(s.onFile, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".tsv", ".json", ".CSV", ".TXT", ".TSV", ".JSON"}))
	d.Resize(s.u.win.Canvas().Size())
	d.Show()
}

// onFile reads the chosen file and guesses what it lists.
func (s *importScreen) onFile(rc fyne.URIReadCloser, err error) {
	name, data, err := readUpTo(rc, err, importer.MaxImportBytes)
	if errors.Is(err, errCancelled) {
		return
	}
	if err != nil {
		s.status.failed(err)
		return
	}
	s.load(name, data)
}

// load takes a file's contents: on a file that cannot be read it says why
// and keeps nothing of it.
func (s *importScreen) load(name string, data []byte) {
	s.name, s.data, s.csv = "", nil, nil
	s.showReport(nil)
	s.status.clear()
	s.fileLabel.SetText(name)
	kind, f, err := detectImportKind(name, data)
	if err != nil {
		s.setReady(false)
		s.kind.Disable()
		s.mapping.RemoveAll()
		s.mapping.Refresh()
		s.sample.SetText("")
		s.status.failed(err)
		return
	}
	s.name, s.data, s.csv = name, data, f
	s.kind.Enable()
	if f == nil {
		s.kind.Disable() // a JSON file can only be tickets
	}
	s.fileLabel.SetText(fmt.Sprintf("%s · %s", name, s.rowCount()))
	s.kind.Selected = ""
	s.kind.SetSelected(kind)
}

func (s *importScreen) rowCount() string {
	if s.csv == nil {
		return "JSON"
	}
	return fmt.Sprintf("%d rows, %d columns", len(s.csv.Rows), len(s.csv.Header))
}

// detectImportKind reads the file and guesses which kind it is: tickets
// when rows carry TechWalk ids, else a directory of schools or rooms.
func detectImportKind(name string, data []byte) (string, *importer.CSVFile, error) {
	if importer.LooksLikeJSON(data) {
		if _, err := importer.ParseTickets(name, data); err != nil {
			return "", nil, err
		}
		return importTickets, nil, nil
	}
	f, err := importer.ReadCSV(name, data)
	if err != nil {
		return "", nil, err
	}
	if tickets, err := importer.ParseTickets(name, data); err == nil && anyFindingID(tickets) {
		return importTickets, f, nil
	}
	m, err := importer.DetectMapping(f.Header)
	if err != nil {
		return importSchools, f, nil // the user maps the columns by hand
	}
	if m.Kind == importer.DirectoryRooms {
		return importRooms, f, nil
	}
	return importSchools, f, nil
}

func anyFindingID(rows []importer.TicketRow) bool {
	for _, r := range rows {
		if r.FindingID != "" {
			return true
		}
	}
	return false
}

// onKind shows the column mapping for the kind the user picked.
func (s *importScreen) onKind(kind string) {
	s.mapping.RemoveAll()
	s.columns = map[importer.Field]*widget.Select{}
	s.showReport(nil)
	s.status.clear()
	if kind == "" || s.data == nil {
		s.mapping.Refresh()
		s.setReady(false)
		return
	}
	s.setReady(true)
	if kind == importTickets {
		s.mapping.Add(smallLabel("Rows are matched to findings by the TechWalk id the export wrote (External ID, correlation_id, " +
			"or the id in the description or body); the ticket key and status are recorded on those findings."))
		s.mapping.Refresh()
		s.sample.SetText("")
		return
	}
	s.buildMapping(importer.MapHeader(directoryKind(kind), s.csv.Header))
}

func directoryKind(kind string) importer.DirectoryKind {
	if kind == importRooms {
		return importer.DirectoryRooms
	}
	return importer.DirectorySchools
}

// buildMapping shows one column picker per field, set to the guess.
func (s *importScreen) buildMapping(m importer.ColumnMapping) {
	options := []string{notInFile}
	for i, h := range s.csv.Header {
		options = append(options, columnOption(i, h))
	}
	grid := container.New(layout.NewFormLayout())
	for _, f := range importer.FieldsOf(m.Kind) {
		sel := widget.NewSelect(options, func(string) { s.onMappingChanged() })
		sel.SetSelectedIndex(m.Column(f) + 1)
		s.columns[f] = sel
		grid.Add(widget.NewLabel(fieldLabels[f]))
		grid.Add(sel)
	}
	s.mapping.Add(labelled("Which column holds each field (* must be mapped)", grid))
	s.mapping.Refresh()
	s.onMappingChanged()
}

func columnOption(i int, header string) string {
	if strings.TrimSpace(header) == "" {
		header = "(no name)"
	}
	return fmt.Sprintf("Column %d: %s", i+1, truncateRunes(header, 40))
}

// columnMapping is the mapping the pickers show.
func (s *importScreen) columnMapping() importer.ColumnMapping {
	m := importer.ColumnMapping{Kind: directoryKind(s.kind.Selected), Columns: map[importer.Field]int{}}
	for f, sel := range s.columns {
		if i := sel.SelectedIndex(); i > 0 {
			m.Columns[f] = i - 1
		}
	}
	return m
}

// onMappingChanged shows the first rows as they will be read.
func (s *importScreen) onMappingChanged() {
	s.showReport(nil)
	m := s.columnMapping()
	if err := m.Validate(s.csv.Header); err != nil {
		s.sample.SetText("Not ready: " + err.Error() + ".")
		return
	}
	var lines []string
	for _, row := range s.csv.Rows[:min(3, len(s.csv.Rows))] {
		var cells []string
		for _, f := range importer.FieldsOf(m.Kind) {
			if v := row.Field(m.Column(f)); v != "" {
				cells = append(cells, shortFieldLabel(f)+": "+truncateRunes(v, 60))
			}
		}
		lines = append(lines, fmt.Sprintf("line %d: %s", row.Line, strings.Join(cells, " · ")))
	}
	s.sample.SetText("First rows as they will be read:\n" + strings.Join(lines, "\n"))
}

// shortFieldLabel is a field's label without the hints: "Room kind".
func shortFieldLabel(f importer.Field) string {
	label := strings.TrimSuffix(fieldLabels[f], " *")
	if i := strings.Index(label, " ("); i > 0 {
		label = label[:i]
	}
	return label
}

func (s *importScreen) setReady(ready bool) {
	for _, b := range []*widget.Button{s.checkBtn, s.importBtn} {
		if ready {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// onCheck reports what an import would do, saving nothing.
func (s *importScreen) onCheck() {
	s.run(importer.ImportOptions{DryRun: true, Partial: s.partial.Checked})
}

// onImport saves the file's rows in one transaction.
func (s *importScreen) onImport() {
	s.run(importer.ImportOptions{Partial: s.partial.Checked})
}

// run imports (or checks) in the background and then shows the report.
func (s *importScreen) run(opt importer.ImportOptions) {
	kind, mapping := s.kind.Selected, s.columnMapping()
	name, data, f := s.name, s.data, s.csv
	s.setReady(false)
	s.chooseBtn.Disable()
	s.busy.Show()
	s.status.clear()
	s.work.start(func() func() {
		var rep *importer.ImportReport
		var err error
		if kind == importTickets {
			rep, err = s.store.ImportTickets(s.u.ctx, name, data, opt)
		} else {
			rep, err = s.store.ImportDirectory(s.u.ctx, f, mapping, opt)
		}
		return func() { s.onDone(opt, rep, err) }
	})
}

// onDone shows the report of an import or a check.
func (s *importScreen) onDone(opt importer.ImportOptions, rep *importer.ImportReport, err error) {
	s.busy.Hide()
	s.setReady(true)
	s.chooseBtn.Enable()
	s.showReport(rep)
	switch {
	case errors.Is(err, importer.ErrRejectedRows):
		s.status.failed(fmt.Errorf("%s rejected (listed first above), so nothing was saved. Fix them in the file and choose it again, "+
			"or tick \"%s\"", plural(rep.Count(importer.RowRejected), "row"), s.partial.Text))
	case err != nil:
		s.status.failed(err)
	case opt.DryRun:
		s.status.info("Checked: nothing was saved. Press Import to save these changes.")
	default:
		s.status.Importance = widget.SuccessImportance
		s.status.show("Imported and saved.")
	}
}

// showReport lists a report's rows, rejected rows first; nil clears it.
func (s *importScreen) showReport(rep *importer.ImportReport) {
	s.report = rep
	s.shown = nil
	s.summary.SetText("")
	s.saveReport.Hide()
	if rep != nil {
		s.shown = append(s.shown, rep.Rows...)
		sort.SliceStable(s.shown, func(i, j int) bool {
			return s.shown[i].Outcome == importer.RowRejected && s.shown[j].Outcome != importer.RowRejected
		})
		s.summary.SetText(rep.Summary())
		s.saveReport.Show()
	}
	s.rows.Refresh()
	s.showResults(rep != nil)
}

func (s *importScreen) rowText(i int) string {
	if i < 0 || i >= len(s.shown) {
		return ""
	}
	r := s.shown[i]
	text := fmt.Sprintf("line %d · %s", r.Line, r.Outcome)
	if r.Reason != "" {
		text += ": " + r.Reason
	}
	return text + " · " + r.Subject
}

// onSaveReport saves the row-by-row report as a text file.
func (s *importScreen) onSaveReport() {
	d := dialog.NewFileSave(s.onReportFile, s.u.win)
	d.SetFileName(strings.TrimSuffix(s.name, ".csv") + "-import-report.txt")
	d.Resize(s.u.win.Canvas().Size())
	d.Show()
}

func (s *importScreen) onReportFile(w fyne.URIWriteCloser, err error) {
	if err != nil || w == nil || s.report == nil {
		if w != nil {
			w.Close()
		}
		return
	}
	err = s.report.WriteText(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	settleFile(w.URI(), err)
	if err != nil {
		s.status.failed(fmt.Errorf("report not saved: %w", err))
		return
	}
	s.status.info("Report saved: " + w.URI().Path())
}
