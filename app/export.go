package app

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/report"
)

// previewRows is how many rows the export preview shows.
const previewRows = 3

// exportScreen writes findings in a backlog tool's import format, with
// filters, a preview of the first rows and a save dialog.
type exportScreen struct {
	store   *sqlite.Store
	u       *ui
	visitID string // the visit "This visit" means; empty offers all visits only
	schools []audit.School

	scope    *widget.Select
	school   *widget.Select
	category *widget.Select
	severity *widget.Select
	status   *widget.Select
	since    *widget.Entry
	format   *widget.Select
	grouped  *widget.Check
	bom      *widget.Check
	all      *widget.Check // also what is already in a backlog
	help     *widget.Label
	preview  *widget.Label
	saveBtn  *widget.Button
	busy     *widget.ProgressBarInfinite
	result   statusLabel

	previewJob job
	exportJob  job
	shown      bool // previews start once the screen is laid out
}

func newExportScreen(u *ui, visitID string) *exportScreen {
	return &exportScreen{store: u.store, u: u, visitID: visitID}
}

func (s *exportScreen) buildUI() fyne.CanvasObject {
	s.result = newStatusLabel()
	s.buildFilters()
	names := make([]string, len(report.Formats))
	for i, fi := range report.Formats {
		names[i] = fi.Name
	}
	s.format = widget.NewSelect(names, func(string) { s.onFormat() })
	s.grouped = widget.NewCheck("One item per issue across rooms (\"HDMI adapter: missing — Lincoln Elementary — rooms 101, 104\")", func(bool) { s.onFilter() })
	s.bom = widget.NewCheck("Start CSV files with a byte-order mark (for Excel)", func(bool) { s.onFilter() })
	s.all = widget.NewCheck("Also what is already in a backlog, resolved or fixed (same ids: trackers update those items)", func(bool) { s.onFilter() })
	s.help = smallLabel("")
	s.preview = smallLabel("")
	s.saveBtn = widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), s.onSave)
	s.saveBtn.Importance = widget.HighImportance
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Hide()
	s.format.SetSelectedIndex(0) // shows the format's help; the preview starts once shown

	filters := container.NewGridWithColumns(3,
		labelled("Visits", s.scope), labelled("School", s.school), labelled("Category", s.category),
		labelled("Severity", s.severity), labelled("Status", s.status), labelled("Found since (YYYY-MM-DD)", s.since))
	form := container.NewVBox(heading("Export findings for IT's backlog"), filters,
		labelled("Format", s.format), s.help, s.grouped, s.bom, s.all,
		smallLabel("Saving records the exported findings as in backlog, so the next export holds only what is new."),
		labelled("Preview of the first rows", s.preview), tallBox(s.saveBtn), s.busy, s.result)
	return container.NewVScroll(container.NewPadded(form))
}

// buildFilters makes the filter pickers, all set to everything.
func (s *exportScreen) buildFilters() {
	scopes := []string{scopeAll}
	if s.visitID != "" {
		scopes = []string{scopeVisit, scopeAll}
	}
	s.scope = widget.NewSelect(scopes, func(string) { s.onFilter() })
	s.school = widget.NewSelect(append([]string{allOption}, s.schoolNames()...), func(string) { s.onFilter() })
	s.category = widget.NewSelect(append([]string{allOption}, templateCategories(s.u)...), func(string) { s.onFilter() })
	s.severity = widget.NewSelect(severityOptions(), func(string) { s.onFilter() })
	s.status = widget.NewSelect(statusOptions(), func(string) { s.onFilter() })
	s.since = widget.NewEntry()
	s.since.SetPlaceHolder("any date")
	s.since.OnChanged = func(string) { s.onFilter() }
	for _, sel := range []*widget.Select{s.school, s.category, s.severity, s.status} {
		sel.SetSelected(allOption)
	}
	s.scope.SetSelectedIndex(0)
}

func (s *exportScreen) schoolNames() []string {
	schools, err := s.store.Schools(s.u.ctx)
	if err != nil {
		s.result.failed(err)
	}
	s.schools = schools
	names := make([]string, len(schools))
	for i, sc := range schools {
		names[i] = sc.Name
	}
	return names
}

// onFormat says how to import the chosen format, then refreshes the preview.
func (s *exportScreen) onFormat() {
	opt, _ := s.options()
	info, _ := opt.Format.Info()
	s.help.SetText(info.Help)
	s.saveBtn.SetText("Save…")
	if opt.Format == report.FormatAzure {
		s.saveBtn.SetText("Save to folder…")
	}
	s.onFilter()
}

// onShown starts the first preview, once the screen is on show.
func (s *exportScreen) onShown() {
	s.shown = true
	s.onFilter()
}

// options is what the pickers select; the error names a field typed wrong.
func (s *exportScreen) options() (report.ExportOptions, error) {
	opt := report.ExportOptions{Grouped: s.grouped.Checked, BOM: s.bom.Checked, All: s.all.Checked, MarkInBacklog: true}
	if i := s.format.SelectedIndex(); i >= 0 {
		opt.Format = report.Formats[i].Format
	}
	if s.scope.Selected == scopeVisit {
		opt.Filter.VisitID = s.visitID
	}
	if i := s.school.SelectedIndex(); i > 0 {
		opt.Filter.SchoolID = s.schools[i-1].ID
	}
	opt.Filter.Category = chosen(s.category)
	opt.Filter.Severity = audit.Severity(chosen(s.severity))
	opt.Filter.Status = audit.Status(chosen(s.status))
	if text := strings.TrimSpace(s.since.Text); text != "" {
		t, err := time.ParseInLocation("2006-01-02", text, time.Local)
		if err != nil {
			return opt, fmt.Errorf("Found since: %q is not a date like 2026-09-01", text)
		}
		opt.Filter.Since = t
	}
	return opt, nil
}

// withTeacherNames adds every teacher name of the database to opt, for
// scrubbing; it runs in the background.
func (s *exportScreen) withTeacherNames(opt report.ExportOptions) (report.ExportOptions, error) {
	var err error
	opt.TeacherNames, err = s.store.TeacherNames(s.u.ctx)
	return opt, err
}

// chosen is a filter picker's value, empty for All.
func chosen(sel *widget.Select) string {
	if sel.Selected == allOption {
		return ""
	}
	return sel.Selected
}

// onFilter rebuilds the preview in the background: a district's findings
// take seconds to gather.
func (s *exportScreen) onFilter() {
	if !s.shown || s.format.SelectedIndex() < 0 {
		return
	}
	opt, err := s.options()
	if err != nil {
		s.preview.SetText(err.Error())
		s.saveBtn.Disable()
		return
	}
	s.saveBtn.Enable()
	s.preview.SetText("Gathering the findings…")
	s.previewJob.start(func() func() {
		opt, err := s.withTeacherNames(opt)
		var rows [][]string
		if err == nil {
			rows, err = report.Preview(s.u.ctx, s.store, opt, previewRows)
		}
		return func() { s.showPreview(rows, err) }
	})
}

func (s *exportScreen) showPreview(rows [][]string, err error) {
	if err != nil {
		s.preview.SetText(err.Error())
		return
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = truncateRunes(strings.Join(flattenCells(r), " | "), 240)
	}
	if len(rows) <= 1 {
		lines = append(lines, "(no findings match these filters)")
	}
	s.preview.SetText(strings.Join(lines, "\n"))
}

// flattenCells puts multi-line cells on one line, so each row of the
// preview is one line.
func flattenCells(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = strings.Join(strings.Fields(c), " ")
	}
	return out
}

// baseName names the saved file after the school or visit and the date.
func (s *exportScreen) baseName(opt report.ExportOptions) string {
	scope := "district"
	if i := s.school.SelectedIndex(); i > 0 {
		scope = s.schools[i-1].Name
	}
	if opt.Filter.VisitID != "" {
		scope = "visit"
		if v, err := s.store.Visit(s.u.ctx, opt.Filter.VisitID); err == nil {
			scope = s.schoolName(v.SchoolID) + " " + v.StartedAt.Format("2006-01-02")
		}
	}
	return report.SafeFileName("TechWalk findings " + scope + " " + string(opt.Format))
}

func (s *exportScreen) schoolName(id string) string {
	for _, sc := range s.schools {
		if sc.ID == id {
			return sc.Name
		}
	}
	return "school"
}

// onSave asks where to save: a file, or a folder for Azure DevOps, whose
// importer takes at most 1,000 rows a file.
func (s *exportScreen) onSave() {
	opt, err := s.options()
	if err != nil {
		s.result.failed(err)
		return
	}
	if opt.Format == report.FormatAzure {
		d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) { s.onFolder(opt, dir, err) }, s.u.win)
		d.Resize(s.u.win.Canvas().Size())
		d.Show()
		return
	}
	info, _ := opt.Format.Info()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) { s.onFile(opt, w, err) }, s.u.win)
	d.SetFileName(s.baseName(opt) + info.Extension)
	d.Resize(s.u.win.Canvas().Size())
	d.Show()
}

// onFile writes the export into the file the save dialog created, in the background.
func (s *exportScreen) onFile(opt report.ExportOptions, w fyne.URIWriteCloser, err error) {
	if err != nil || w == nil {
		if w != nil {
			w.Close()
		}
		if err != nil {
			s.result.failed(err)
		}
		return
	}
	s.startExport(func() (string, error) {
		var buf bytes.Buffer
		opt, err := s.withTeacherNames(opt)
		if err == nil {
			err = report.Export(s.u.ctx, s.store, opt, &buf)
		}
		if err == nil {
			_, err = w.Write(buf.Bytes())
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		settleFile(w.URI(), err)
		return "Exported to " + w.URI().Path() + ".", err
	})
}

// onFolder writes the export as numbered files into the chosen folder.
func (s *exportScreen) onFolder(opt report.ExportOptions, dir fyne.ListableURI, err error) {
	if err != nil || dir == nil {
		if err != nil {
			s.result.failed(err)
		}
		return
	}
	base := s.baseName(opt)
	s.startExport(func() (string, error) {
		opt, err := s.withTeacherNames(opt)
		if err != nil {
			return "", err
		}
		if dir.Scheme() != "file" {
			return s.exportThroughStorage(opt, dir, base)
		}
		paths, err := report.ExportFiles(s.u.ctx, s.store, opt, dir.Path(), base)
		sort.Strings(paths)
		return fmt.Sprintf("Exported %s: %s.", plural(len(paths), "file"), strings.Join(paths, ", ")), err
	})
}

// startExport runs write in the background with the Save button disabled.
func (s *exportScreen) startExport(write func() (string, error)) {
	s.saveBtn.Disable()
	s.busy.Show()
	s.result.clear()
	s.exportJob.start(func() func() {
		msg, err := write()
		return func() { s.onExported(msg, err) }
	})
}

func (s *exportScreen) onExported(msg string, err error) {
	s.saveBtn.Enable()
	s.busy.Hide()
	if err != nil {
		s.result.failed(fmt.Errorf("export not saved: %w", err))
		return
	}
	opt, _ := s.options()
	info, _ := opt.Format.Info()
	s.result.Importance = widget.SuccessImportance
	s.result.show(msg + " " + info.Help)
}

// severityOptions lists All and the severities, for a filter picker.
func severityOptions() []string {
	out := []string{allOption}
	for _, v := range audit.Severities {
		out = append(out, string(v))
	}
	return out
}

// statusOptions lists All and the action statuses, for a filter picker.
func statusOptions() []string {
	out := []string{allOption}
	for _, v := range audit.Statuses {
		out = append(out, string(v))
	}
	return out
}

// templateCategories lists the categories of the latest checklist template.
func templateCategories(u *ui) []string {
	t, err := u.store.LatestTemplate(u.ctx, "")
	if err != nil {
		return nil
	}
	cats := t.Categories()
	sort.Strings(cats)
	return cats
}
