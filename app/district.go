package app

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
	"techwalk/audit/hubsync"
	"techwalk/audit/postgres"
	"techwalk/audit/sqlite"
	"techwalk/report/pdf"
)

// maxScreenProblems is how many common problems the District screen lists.
const maxScreenProblems = 8

// districtColumns are the table's column titles: the school, then the
// figures of audit.SchoolPicture.Cells in its order.
var districtColumns = []string{"School", "Finished visit", "Score", "Change", "Ready", "Incon./room", "Rating", "Choose again",
	"Open", "Fixed", "Days"}

// districtWidths are the table's column widths.
var districtWidths = []float32{250, 125, 120, 80, 70, 115, 110, 130, 65, 65, 70}

// noHubLine is the District screen's hub line when no hub is set.
const noHubLine = "no district hub set: showing this device's own data"

// districtScreen is the district picture of the local database (the merged
// district after bundle imports or a hub pull): district KPIs and verdict
// on top, one row per school sortable by any column and searchable, the
// trend by term, the most common problems and the schools not visited
// this term. It loads in the background; with a hub set, it shows the
// local picture first, then brings the district from the hub and shows it
// again, and a line says how current it is.
type districtScreen struct {
	store *sqlite.Store
	u     *ui

	dist    audit.District
	shown   []int // indexes into dist.Schools, filtered and sorted
	sortCol int   // the column the rows are sorted by
	desc    bool  // sorted from the highest value
	loaded  bool

	title     *widget.Label
	verdict   *widget.Label
	kpis      *fyne.Container
	trend     *widget.Label
	search    *widget.Entry
	count     *widget.Label
	table     *widget.Table
	headers   map[int]*widget.Button // the header buttons, by column
	problems  *widget.Label
	coverage  *widget.Label
	progress  *widget.ProgressBarInfinite
	reportBtn *widget.Button // District report…: the PDF for the board
	refresh   *widget.Button // Refresh: bring the district from the hub again
	hubLine   *widget.Label  // how current the picture is with the hub
	status    *statusBar
	loading   job
	writing   job // the district report being written
}

func newDistrictScreen(u *ui) *districtScreen {
	return &districtScreen{store: u.store, u: u, headers: map[int]*widget.Button{}}
}

func (s *districtScreen) buildUI() fyne.CanvasObject {
	s.status = newStatusBar()
	s.title = widget.NewLabel("District")
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.verdict = heading("Loading the district…")
	s.progress = widget.NewProgressBarInfinite()
	s.kpis = container.NewGridWithColumns(6)
	s.trend = wrapLabel("")
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Search schools by name, code or principal")
	s.search.OnChanged = func(string) { s.apply() }
	s.count = widget.NewLabel("")
	s.reportBtn = widget.NewButtonWithIcon("District report…", theme.DocumentPrintIcon(), s.onReport)
	s.reportBtn.Disable() // until the district is loaded
	s.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), s.onRefresh)
	s.hubLine = smallLabel("")
	s.hubLine.Wrapping = fyne.TextWrapWord
	s.table = widget.NewTable(s.size, s.newCell, s.updateCell)
	s.table.ShowHeaderRow = true
	s.table.CreateHeader = s.newHeader
	s.table.UpdateHeader = s.updateHeader
	for i, w := range districtWidths {
		s.table.SetColumnWidth(i, w)
	}
	s.problems = wrapLabel("")
	s.coverage = wrapLabel("")
	below := container.NewGridWithColumns(2,
		container.NewVScroll(container.NewVBox(heading("Most common problems"), s.problems)),
		container.NewVScroll(container.NewVBox(heading("Coverage this term"), s.coverage)))
	split := container.NewVSplit(s.table, below)
	split.Offset = 0.6
	buttons := container.NewHBox(tallBox(s.refresh), tallBox(s.reportBtn))
	top := container.NewVBox(container.NewBorder(nil, nil, s.title, buttons, s.verdict), s.hubLine, s.progress, s.kpis, s.trend,
		container.NewBorder(nil, nil, nil, s.count, tallBox(s.search)))
	return container.NewBorder(container.NewPadded(top), s.status.box, nil, nil, split)
}

// onShown loads the district in the background (on a district's database
// it takes seconds, and the window must not freeze meanwhile); once it is
// on show, it brings the district from the hub when one is set.
func (s *districtScreen) onShown() {
	s.reload(func() { s.fromHub() })
}

// onRefresh brings the district from the hub again; without a hub it
// loads this device's picture again.
func (s *districtScreen) onRefresh() {
	if !s.fromHub() {
		s.reload(nil)
	}
}

// reload loads the picture of this device's database in the background,
// then calls then, if any, on Fyne's goroutine.
func (s *districtScreen) reload(then func()) {
	s.loading.start(func() func() {
		d, err := s.load()
		return func() {
			s.showLoaded(d, err)
			if then != nil {
				then()
			}
		}
	})
}

// fromHub pulls from the hub set in Settings (else $TECHWALK_HUB) in the
// background, the picture on show meanwhile, and loads it again when the
// pull brought anything. It returns false when no hub is set.
func (s *districtScreen) fromHub() bool {
	url := s.u.hubSync.hubURL()
	if url == "" {
		s.hubLine.SetText(noHubLine)
		return false
	}
	// The widgets change before the pull starts, never after: in tests
	// fyne.Do shows its result on the pull's own goroutine.
	s.refresh.Disable()
	s.hubLine.SetText("Bringing the district from the hub…")
	started := s.u.hubSync.bring(func() func() {
		rep, err := s.u.hubSync.pull(url)
		line := s.hubText(url, rep, err)
		return func() { s.pulled(line, rep, err) }
	})
	if !started {
		s.hubLine.SetText("Bringing the district from the hub once the sync running now ends…")
	}
	return true
}

// pulled shows how the pull went, and the new picture when it brought any change.
func (s *districtScreen) pulled(line string, rep audit.ApplyReport, err error) {
	if s.u.district != s || s.u.showing != "district" {
		return // the screen was left (and perhaps opened again, bringing the district itself)
	}
	s.refresh.Enable()
	s.hubLine.SetText(line)
	if t := rep.Total(); err == nil && t.Added+t.Updated > 0 {
		s.reload(nil)
	}
}

// readOnlyCopy reports whether this device's copy of the district came
// from the hub set in Settings (else $TECHWALK_HUB) with a principal's
// read-only account: only the schools that login may read.
func (s *districtScreen) readOnlyCopy() bool {
	target, err := postgres.TargetOf(s.u.hubSync.hubURL())
	if err != nil {
		return false
	}
	ro, _ := hubsync.ReadOnly(s.u.ctx, s.store, target)
	return ro
}

// hubText says how current the picture is after a pull from url that
// ended with err; it reads when the device last pulled, so it runs off
// Fyne's goroutine.
func (s *districtScreen) hubText(url string, rep audit.ApplyReport, err error) string {
	if err == nil {
		t := rep.Total()
		what := "The district as the hub has it"
		if s.readOnlyCopy() {
			what = "Only the schools this principal's account may read, as the hub has them"
		}
		return fmt.Sprintf("%s: brought %s at %s.", what, plural(t.Added+t.Updated, "change"), s.store.Now().Local().Format("15:04"))
	}
	copyOf := "showing this device's own data; it has not brought the district from the hub yet"
	if target, terr := postgres.TargetOf(url); terr == nil {
		if at, _ := hubsync.LastPull(s.u.ctx, s.store, target); !at.IsZero() {
			copyOf = "showing this device's copy, last brought from the hub at " + at.Local().Format("2 January 2006, 15:04")
		}
	}
	if errors.Is(err, audit.ErrHubUnreachable) {
		return "offline: " + copyOf
	}
	return syncError(err).Error() + "; " + copyOf
}

func (s *districtScreen) load() (audit.District, error) {
	in, err := s.store.DistrictInput(s.u.ctx, s.store.Now())
	if err != nil {
		return audit.District{}, err
	}
	return audit.DistrictPicture(in), nil
}

// showLoaded shows a freshly loaded district picture.
func (s *districtScreen) showLoaded(d audit.District, err error) {
	s.progress.Stop()
	s.progress.Hide()
	if err != nil {
		s.verdict.SetText("The district could not be loaded.")
		s.status.failed(err)
		return
	}
	s.dist, s.loaded = d, true
	s.reportBtn.Enable()
	s.verdict.SetText(s.headline())
	s.showKPIs()
	s.trend.SetText(s.trendText())
	s.problems.SetText(s.problemsText())
	s.coverage.SetText(s.coverageText())
	s.apply()
}

// onReport asks where to save the district report.
func (s *districtScreen) onReport() {
	d := dialog.NewFileSave(s.onReportFile, s.u.win)
	d.SetFileName("district-report-" + s.store.Now().Format("2006-01-02") + ".pdf")
	d.Resize(s.u.win.Canvas().Size())
	d.Show()
}

// onReportFile writes the district report of the picture on show to w in
// the background, with the district's report settings (paper, privacy).
func (s *districtScreen) onReportFile(w fyne.URIWriteCloser, err error) {
	if err != nil || w == nil {
		if w != nil {
			w.Close()
		}
		if err != nil {
			s.status.failed(err)
		}
		return
	}
	opt, err := pdf.OptionsFromStore(s.u.ctx, s.store)
	if err != nil {
		w.Close()
		s.status.failed(err)
		return
	}
	opt.Now = s.store.Now()
	if s.readOnlyCopy() {
		opt.Scope = pdf.ReadOnlyScope
	}
	d := s.dist
	s.reportBtn.Disable()
	s.status.info("Writing the district report…")
	s.writing.start(func() func() {
		var buf bytes.Buffer
		err := pdf.WriteDistrict(s.u.ctx, &buf, d, opt)
		if err == nil {
			_, err = w.Write(buf.Bytes())
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		settleFile(w.URI(), err)
		return func() { s.onReportDone(w.URI(), err) }
	})
}

func (s *districtScreen) onReportDone(uri fyne.URI, err error) {
	s.reportBtn.Enable()
	if err != nil {
		s.status.failed(fmt.Errorf("district report not created: %w", err))
		return
	}
	s.status.success("District report saved: " + uri.Path())
}

// headline is the district score with its verdict and what it is made of.
func (s *districtScreen) headline() string {
	d := s.dist
	if !d.HasScore {
		return audit.DistrictVerdict(d)
	}
	k := d.KPIs
	text := fmt.Sprintf("District score %.0f / 100 (mean of %s", d.Score, plural(k.Schools, "school"))
	var left []string
	if k.PartialWalks > 0 {
		left = append(left, plural(k.PartialWalks, "partial walk"))
	}
	if k.NotVisited > 0 {
		left = append(left, fmt.Sprintf("%d without a finished visit", k.NotVisited))
	}
	if len(left) > 0 {
		text += "; left out: " + strings.Join(left, ", ")
	}
	return text + ") · " + audit.DistrictVerdict(d)
}

// showKPIs fills the KPI tiles, every mean with its n.
func (s *districtScreen) showKPIs() {
	k := s.dist.KPIs
	t := k.Teachers
	tiles := [][2]string{
		{"-", "rooms ready to teach"},
		{"-", "inconveniences per room"},
		{"-", "technology supports my teaching"},
		{"-", "would choose IT again"},
		{fmt.Sprint(k.FindingsOpen), "findings open"},
		{fmt.Sprint(k.FixedSinceLast), "fixed since the previous visits"},
	}
	if k.RoomsVisited > 0 {
		tiles[0][0] = fmt.Sprintf("%d of %d (%.0f%%)", k.RoomsReady, k.RoomsVisited, 100*k.ReadyShare())
		tiles[1][0] = fmt.Sprintf("%.1f (%s)", k.InconveniencesPerRoom(), plural(k.RoomsVisited, "room"))
	}
	if t.SupportsN > 0 {
		tiles[2][0] = fmt.Sprintf("%.1f / 5 (n=%d)", t.MeanSupportsTeaching(), t.SupportsN)
	}
	if t.ChooseAgainAnswers > 0 {
		tiles[3][0] = fmt.Sprintf("%.0f%% (n=%d)", 100*t.ChooseAgainShare(), t.ChooseAgainAnswers)
	}
	s.kpis.Objects = nil
	for _, tile := range tiles {
		value := widget.NewLabel(tile[0])
		value.TextStyle = fyne.TextStyle{Bold: true}
		value.SizeName = theme.SizeNameSubHeadingText
		value.Truncation = fyne.TextTruncateEllipsis
		s.kpis.Add(container.New(compactRows{}, value, smallLabel(tile[1])))
	}
	s.kpis.Refresh()
}

// trendText is the district score by term, as a row of labelled values.
func (s *districtScreen) trendText() string {
	if len(s.dist.Trend) == 0 {
		return "Trend by term: no fully walked visit yet."
	}
	parts := make([]string, len(s.dist.Trend))
	for i, t := range s.dist.Trend {
		parts[i] = fmt.Sprintf("%s %.0f (%s)", t.Label(), t.Score, plural(t.Schools, "school"))
	}
	return "Trend by term: " + strings.Join(parts, "  →  ")
}

func (s *districtScreen) problemsText() string {
	p := s.dist.Problems
	if len(p) == 0 {
		return "Nothing failed in the latest visits."
	}
	lines := make([]string, 0, maxScreenProblems+1)
	for i, c := range p[:min(len(p), maxScreenProblems)] {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, pdf.ProblemSentence(c)))
	}
	if len(p) > maxScreenProblems {
		lines = append(lines, fmt.Sprintf("and %d more", len(p)-maxScreenProblems))
	}
	return strings.Join(lines, "\n")
}

func (s *districtScreen) coverageText() string {
	d := s.dist
	text := fmt.Sprintf("%d of %s visited this term (%s, since %s).", d.VisitedThisTerm, plural(len(d.Schools), "school"),
		audit.TermScore{Start: d.TermStart}.Label(), d.TermStart.Format("2 January 2006"))
	if len(d.NotThisTerm) == 0 {
		return text + " Every school was visited."
	}
	names := make([]string, len(d.NotThisTerm))
	for i, sc := range d.NotThisTerm {
		names[i] = sc.Name
	}
	return text + "\nNot visited this term: " + strings.Join(names, ", ") + "."
}

// apply filters the rows by the search and sorts them by the chosen column.
func (s *districtScreen) apply() {
	if !s.loaded {
		return
	}
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	s.shown = s.shown[:0]
	for i, p := range s.dist.Schools {
		sc := p.School
		if q == "" || strings.Contains(strings.ToLower(sc.Name+"\n"+sc.Code+"\n"+sc.Principal), q) {
			s.shown = append(s.shown, i)
		}
	}
	slices.SortStableFunc(s.shown, s.compare)
	s.count.SetText(fmt.Sprintf("showing %d of %d", len(s.shown), len(s.dist.Schools)))
	s.table.Refresh()
	for _, b := range s.headers {
		b.Refresh()
	}
}

// compare orders two rows by the sort column; a row without that figure
// (not visited, no teacher answered, a partial walk's score) comes last
// either way, then by name.
func (s *districtScreen) compare(i, j int) int {
	a, b := s.dist.Schools[i], s.dist.Schools[j]
	byName := cmp.Compare(strings.ToLower(a.School.Name), strings.ToLower(b.School.Name))
	if s.sortCol == 0 {
		if s.desc {
			return -byName
		}
		return byName
	}
	ka, okA := sortKey(a, s.sortCol)
	kb, okB := sortKey(b, s.sortCol)
	switch {
	case okA != okB:
		if okA {
			return -1
		}
		return 1
	case okA && ka != kb:
		if s.desc {
			return cmp.Compare(kb, ka)
		}
		return cmp.Compare(ka, kb)
	}
	return byName
}

// sortKey is a row's value in column col; ok is false when it has none.
func sortKey(p audit.SchoolPicture, col int) (float64, bool) {
	t := p.Teachers
	switch col {
	case 1:
		return float64(p.Latest.StartedAt.Unix()), p.Visited()
	case 2:
		return p.Score.Score, p.CountsInDistrict() // a partial walk is not ranked among the schools
	case 3:
		return p.Change.Delta(), p.HasChange
	case 4:
		return float64(p.Score.RoomsReady) / float64(max(1, p.Score.RoomsVisited)), p.Scored
	case 5:
		return p.InconveniencesPerRoom(), p.Scored
	case 6:
		return t.MeanSupportsTeaching(), t.SupportsN > 0
	case 7:
		return t.ChooseAgainShare(), t.ChooseAgainAnswers > 0
	case 8:
		return float64(p.FindingsOpen), p.Visited()
	case 9:
		return float64(p.FixedSinceLast), p.Visited()
	}
	if p.DaysSinceLast < 0 {
		return 1e9, true // never visited: the longest wait of all
	}
	return float64(p.DaysSinceLast), true
}

// onSort sorts by a column; the sorted column again flips the order.
func (s *districtScreen) onSort(col int) {
	if col == s.sortCol {
		s.desc = !s.desc
	} else {
		s.sortCol, s.desc = col, false
	}
	s.apply()
}

func (s *districtScreen) size() (int, int) { return len(s.shown), len(districtColumns) }

func (s *districtScreen) newCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (s *districtScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	o.(*widget.Label).SetText(s.cell(id.Row, id.Col))
}

// cell is the text of shown row r, column c.
func (s *districtScreen) cell(r, c int) string {
	if r >= len(s.shown) {
		return ""
	}
	p := s.dist.Schools[s.shown[r]]
	if c == 0 {
		return p.School.Name
	}
	return p.Cells()[c-1]
}

func (s *districtScreen) newHeader() fyne.CanvasObject {
	b := widget.NewButton("", nil)
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	return b
}

func (s *districtScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 {
		return
	}
	col := id.Col
	title := districtColumns[col]
	if col == s.sortCol {
		title += map[bool]string{false: " ▲", true: " ▼"}[s.desc]
	}
	b.SetText(title)
	b.OnTapped = func() { s.onSort(col) }
	s.headers[col] = b
}
