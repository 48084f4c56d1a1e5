package pdf

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"techwalk/audit"
	"techwalk/audit/build"
)

// The district report: the district picture (audit.District) for a
// superintendent and a board. It prints no teacher's name and no note or
// quote; the reasons it prints are answers and, when teachers are
// anonymised, are scrubbed of teacher names as the school report's are.

// maxDistrictIssues is how many of the most common problems the report lists.
const maxDistrictIssues = 12

// maxFixRows is how many schools the fixes section lists, the most fixes first.
const maxFixRows = 10

// districtDoc is a district report being drawn.
type districtDoc struct {
	*doc
	dist     audit.District
	scrubber *audit.NameScrubber // nil when teachers are named
}

// ReadOnlyScope is the Scope of a district report written on a principal's
// device, whose copy of the district holds only the schools its read-only
// hub account may read.
const ReadOnlyScope = "only the schools this device's principal account may read on the district hub; the district's other schools are not in these figures"

// WriteDistrict writes the district report of dist to w: a cover with the
// district's KPIs and verdict, the school table, the trend by term, the
// most common problems, coverage this term and the fixes closed. It stops
// with ctx's error when ctx is cancelled.
func WriteDistrict(ctx context.Context, w io.Writer, dist audit.District, opt Options) error {
	opt = opt.withDefaults()
	paper, err := paperSize(opt.Paper)
	if err != nil {
		return err
	}
	footer := "District technology report"
	if strings.TrimSpace(opt.District) != "" {
		footer = opt.District + " · " + footer
	}
	base, err := newPDFDoc(ctx, opt, paper, footer)
	if err != nil {
		return err
	}
	d := &districtDoc{doc: base, dist: dist}
	if opt.Anonymise {
		d.scrubber = audit.NewNameScrubber(opt.TeacherNames)
	}
	d.setMetadata()
	sections := []func() error{d.cover, d.schoolTable, d.trend, d.problems, d.coverage, d.fixes, d.method}
	d.total = len(sections) + 1
	for _, section := range sections {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := section(); err != nil {
			return err
		}
		if d.pdf.Err() {
			return fmt.Errorf("draw the district report: %w", d.pdf.Error())
		}
		d.step()
	}
	if w := d.fonts.missingWarning(); w != "" {
		opt.Warn(w)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write the PDF: %w", err)
	}
	d.step()
	return nil
}

func (d *districtDoc) setMetadata() {
	d.pdf.SetTitle("District technology report", true)
	d.pdf.SetSubject("School technology walkthroughs of the district, "+d.termLabel(), true)
	d.pdf.SetCreator("TechWalk", true)
	d.pdf.SetProducer("TechWalk", true)
	d.pdf.SetAuthor(nonEmpty(d.opt.District, "TechWalk"), true)
	d.pdf.SetCreationDate(d.opt.Now)
	d.pdf.SetModificationDate(d.opt.Now)
}

// termLabel names the current term: "Autumn 2026".
func (d *districtDoc) termLabel() string {
	return audit.TermScore{Start: d.dist.TermStart}.Label()
}

// cover draws the first page: the district score and verdict, the KPIs,
// the findings and the three most common problems.
func (d *districtDoc) cover() error {
	d.newPage()
	d.coverMasthead()
	d.setInk(greyInk)
	d.text(d.left(), d.y, "District technology report", style{size: 24, bold: true})
	d.y += lineHeight(style{size: 24}) + 2
	k := d.dist.KPIs
	facts := [][2]string{
		{"As of", d.opt.Now.Format("Monday 2 January 2006")},
		{"This term", fmt.Sprintf("%s, from %s", d.termLabel(), d.dist.TermStart.Format("2 January 2006"))},
		{"Schools", fmt.Sprintf("%d; %d visited this term", len(d.dist.Schools), d.dist.VisitedThisTerm)},
		{"Counted", d.countedSentence()},
	}
	if d.opt.Scope != "" {
		facts = append(facts, [2]string{"Covers", d.opt.Scope})
	}
	for _, f := range facts {
		d.setInk(greyMid)
		d.text(d.left(), d.y, f[0], stBodyBold)
		d.setInk(greyInk)
		d.paragraphMax(d.left()+32, d.contentW()-32, f[1], stBody, maxFactLines)
		d.y += 0.8
	}
	d.y += 6
	d.districtScoreBlock()
	d.y += 6
	d.kpiGrid(d.districtKPIs())
	d.y += 6
	d.paragraph(d.left(), d.contentW(), fmt.Sprintf("Findings still open: %d. Fixes closed since the previous visits: %d.", k.FindingsOpen, k.FixedSinceLast), stBodyBold)
	d.y += 6
	if len(d.dist.Problems) > 0 {
		d.subheading("Most common problems", 10)
		for i, p := range d.dist.Problems[:min(len(d.dist.Problems), 3)] {
			d.text(d.left(), d.y, fmt.Sprintf("%d.", i+1), stBodyBold)
			d.paragraph(d.left()+6, d.contentW()-6, d.problemSentence(p)+".", stBody)
			d.y += 1
		}
	}
	d.y = d.bottom()
	return nil
}

// countedSentence says which schools the district figures are made of.
func (d *districtDoc) countedSentence() string {
	k := d.dist.KPIs
	text := fmt.Sprintf("%d %s whose latest visit was a full walk", k.Schools, plural(k.Schools, "school", "schools"))
	var out []string
	if k.PartialWalks > 0 {
		out = append(out, fmt.Sprintf("%d partial %s", k.PartialWalks, plural(k.PartialWalks, "walk", "walks")))
	}
	if k.NotVisited > 0 {
		out = append(out, fmt.Sprintf("%d without a finished visit", k.NotVisited))
	}
	if len(out) > 0 {
		text += " (left out: " + strings.Join(out, ", ") + ")"
	}
	return text
}

// districtScoreBlock shows the district score with the verdict.
func (d *districtDoc) districtScoreBlock() {
	x, y, w, h := d.left(), d.y, d.contentW(), 44.0
	d.setFill(greyShade)
	d.pdf.Rect(x, y, w, h, "F")
	d.setFill(greyInk)
	d.pdf.Rect(x, y, 2.5, h, "F")
	d.setInk(greyInk)
	d.text(x+8, y+4, "District score", stBodyBold)
	score := "-"
	if d.dist.HasScore {
		score = fmt.Sprintf("%.0f", d.dist.Score)
	}
	sw := d.text(x+7, y+8, score, style{size: 60, bold: true})
	d.text(x+8+sw, y+24, "/ 100", style{size: 14})
	d.setInk(greyMid)
	d.text(x+8, y+h-lineHeight(stSmall)-3, fmt.Sprintf("mean of %d %s", d.dist.KPIs.Schools, plural(d.dist.KPIs.Schools, "school", "schools")), stSmall)
	right := x + 58
	d.setInk(greyInk)
	d.y = y + 8
	d.paragraphMax(right, w-(right-x)-6, audit.DistrictVerdict(d.dist), style{size: 14, bold: true}, 4)
	if tr := d.dist.Trend; len(tr) > 1 {
		d.setInk(greyMid)
		d.y += 2
		last, prev := tr[len(tr)-1], tr[len(tr)-2]
		d.paragraphMax(right, w-(right-x)-6, fmt.Sprintf("%s since %s (%.0f from %s then, %.0f from %s in %s).",
			changeWords(last.Score-prev.Score, "point"), prev.Label(), prev.Score, countWord(prev.Schools, "school"),
			last.Score, countWord(last.Schools, "school"), last.Label()), stBody, 3)
	}
	d.y = y + h
	d.setInk(greyInk)
}

// districtKPIs are the cover's four headline figures, each with its n.
func (d *districtDoc) districtKPIs() []kpi {
	k := d.dist.KPIs
	t := k.Teachers
	rooms := fmt.Sprintf("%d %s checked", k.RoomsVisited, plural(k.RoomsVisited, "room", "rooms"))
	ready := "-"
	perRoom := "-"
	if k.RoomsVisited > 0 {
		ready = fmt.Sprintf("%d of %d", k.RoomsReady, k.RoomsVisited)
		perRoom = fmt.Sprintf("%.1f", k.InconveniencesPerRoom())
	}
	return []kpi{
		{ready, "rooms ready to teach", fmt.Sprintf("%s; walked, and no critical or high-severity item failing", percentOf(k.ReadyShare(), k.RoomsVisited))},
		{perRoom, "inconveniences per room", fmt.Sprintf("%d failing checks across %s; teachers reported %d this week", k.Failures, rooms, t.Inconveniences)},
		{rating(t.MeanSupportsTeaching()), "technology supports my teaching", ratingDetail(t)},
		{percent(t.ChooseAgainShare(), t.ChooseAgainAnswers), "would choose IT again", chooseAgainDetail(t)},
	}
}

// noFeedback is a teacher KPI's detail when no teacher answered.
const noFeedback = "no teacher feedback in the visits counted"

// ratingDetail gives the rating tile its n and the help-is-easy rating.
func ratingDetail(t audit.TeacherTally) string {
	if t.SupportsN == 0 {
		return noFeedback
	}
	return fmt.Sprintf("n = %d %s; getting help is easy: %s (n = %d)", t.SupportsN, plural(t.SupportsN, "teacher", "teachers"), rating(t.MeanHelpEasy()), t.HelpN)
}

// chooseAgainDetail gives the would-choose-again tile its yes count and n.
func chooseAgainDetail(t audit.TeacherTally) string {
	if t.ChooseAgainAnswers == 0 {
		return noFeedback
	}
	return fmt.Sprintf("yes %d of n = %d %s who answered", t.ChooseAgainYes, t.ChooseAgainAnswers, plural(t.ChooseAgainAnswers, "teacher", "teachers"))
}

// percentOf prints a share of n rooms as "40%", or "no room checked" when n is 0.
func percentOf(share float64, n int) string {
	if n == 0 {
		return "no room checked"
	}
	return fmt.Sprintf("%.0f%%", 100*share)
}

// kpiGrid draws KPI tiles two by two.
func (d *doc) kpiGrid(tiles []kpi) {
	gap, h := 5.0, 30.0
	w := (d.contentW() - gap) / 2
	for i, t := range tiles {
		d.kpiTile(d.left()+float64(i%2)*(w+gap), d.y+float64(i/2)*(h+gap), w, h, t)
	}
	rows := (len(tiles) + 1) / 2
	d.y += float64(rows)*h + float64(rows-1)*gap
}

// schoolTable lists every school, with "not visited" for a school without
// a finished visit and "partial" for a partial walk.
func (d *districtDoc) schoolTable() error {
	d.heading("Schools", "Each school's latest finished visit. Change: against the previous visit on the checks answered both times. "+
		"Ready: rooms ready to teach of rooms checked. Incon.: inconveniences found (failing checks) per room checked. Rating: technology supports my teaching (1-5), with the number of teachers. "+
		"Again: would choose IT again. Open: findings IT has not closed. Fixed: faults the previous visit saw that this one found working. "+
		"Days: since the last visit, finished or not. A partial walk's figures describe the rooms walked, not the school.", 0)
	rows := make([][]string, 0, len(d.dist.Schools))
	for _, p := range d.dist.Schools {
		rows = append(rows, append([]string{p.School.Name}, p.Cells()...))
	}
	cols := []column{{"School", 4, false}, {"Visit", 0, false}, {"Score", 0, true}, {"Change", 0, true}, {"Ready", 0, true},
		{"Incon.", 0, true}, {"Rating", 0, true}, {"Again", 0, true}, {"Open", 0, true}, {"Fixed", 0, true}, {"Days", 0, true}}
	return d.table(cols, rows, stSmall)
}

// trend draws the district score of every term as bars with their values.
func (d *districtDoc) trend() error {
	tr := d.dist.Trend
	d.heading("Trend by term", "The district score of each term: the mean of every school's latest fully walked visit that term, "+
		"with the number of schools it is made of.", float64(len(tr))*(barH+barGap)+10)
	if len(tr) == 0 {
		d.paragraph(d.left(), d.contentW(), "No fully walked visit yet.", stBody)
		return nil
	}
	labelW, valueW := 30.0, 42.0
	barW := d.contentW() - labelW - valueW
	for _, t := range tr {
		d.need(barH + barGap)
		d.setInk(greyInk)
		d.text(d.left(), d.y, t.Label(), stBody)
		x := d.left() + labelW
		d.setFill(greyShade)
		d.pdf.Rect(x, d.y, barW, barH, "F")
		d.setFill(greyInk)
		d.pdf.Rect(x, d.y, barW*t.Score/100, barH, "F")
		d.text(x+barW+3, d.y, fmt.Sprintf("%.0f (%d %s)", t.Score, t.Schools, plural(t.Schools, "school", "schools")), stBody)
		d.y += barH + barGap
	}
	return nil
}

// problems lists the district's most common problems.
func (d *districtDoc) problems() error {
	d.heading("Most common problems", "Checklist items failing in the latest finished visit of each school, the most rooms first.", 0)
	all := d.dist.Problems
	if len(all) == 0 {
		d.paragraph(d.left(), d.contentW(), "Nothing failed in the rooms visited.", stBody)
		return nil
	}
	shown := all[:min(len(all), maxDistrictIssues)]
	rows := make([][]string, len(shown))
	for i, p := range shown {
		rows[i] = []string{fmt.Sprint(i + 1), ProblemWords(d.scrubbed(p)), string(p.Severity), fmt.Sprint(p.Rooms), fmt.Sprint(p.Schools)}
	}
	cols := []column{{"#", 0, true}, {"Problem", 6, false}, {"Severity", 0, false}, {"Rooms", 0, true}, {"Schools", 0, true}}
	if err := d.table(cols, rows, stBody); err != nil {
		return err
	}
	if len(all) > len(shown) {
		d.y += 2
		d.paragraph(d.left(), d.contentW(), fmt.Sprintf("%d more problems fail in fewer rooms.", len(all)-len(shown)), stSmall)
	}
	return nil
}

// scrubbed is p with teacher names taken out of its reason, the answer
// text, as the school report scrubs reasons; labels are the checklist's.
func (d *districtDoc) scrubbed(p audit.CommonProblem) audit.CommonProblem {
	p.Reason = d.scrubber.Scrub(p.Reason)
	return p
}

func (d *districtDoc) problemSentence(p audit.CommonProblem) string {
	return ProblemSentence(d.scrubbed(p))
}

// ProblemWords says what is wrong as the school report does ("Display or
// projector mount loose", "Wi-Fi at the front of the room below the
// standard"); an item whose reasons vary is "failing".
func ProblemWords(p audit.CommonProblem) string {
	switch {
	case p.Kind == audit.ItemWifi:
		return problem(audit.Item{Kind: p.Kind, Label: p.Label}, nil)
	case p.Kind == audit.ItemCheck && p.Reason != "":
		return problem(audit.Item{Kind: p.Kind, Label: p.Label}, []string{p.Reason})
	case p.Reason != "":
		return p.Label + ": " + p.Reason
	}
	return p.Label + ": failing"
}

// countWord is "1 room" or "34 rooms".
func countWord(n int, noun string) string { return fmt.Sprintf("%d %s", n, plural(n, noun, noun+"s")) }

// ProblemSentence is "Display or projector mount loose in 5 rooms across 3 schools".
func ProblemSentence(p audit.CommonProblem) string {
	return fmt.Sprintf("%s in %s across %s", ProblemWords(p), countWord(p.Rooms, "room"), countWord(p.Schools, "school"))
}

// coverage lists the schools not visited this term.
func (d *districtDoc) coverage() error {
	total := len(d.dist.Schools)
	d.heading("Coverage", fmt.Sprintf("%d of %d schools visited this term (%s, since %s).", d.dist.VisitedThisTerm, total,
		d.termLabel(), d.dist.TermStart.Format("2 January 2006")), 0)
	if len(d.dist.NotThisTerm) == 0 {
		d.paragraph(d.left(), d.contentW(), "Every school was visited this term.", stBody)
		return nil
	}
	var waiting []audit.SchoolPicture
	for _, p := range d.dist.Schools {
		if !p.ThisTerm {
			waiting = append(waiting, p)
		}
	}
	slices.SortStableFunc(waiting, func(a, b audit.SchoolPicture) int { return a.LastVisit.Compare(b.LastVisit) }) // never visited, then the longest wait
	rows := make([][]string, 0, len(waiting))
	for _, p := range waiting {
		when := "never visited"
		if !p.LastVisit.IsZero() {
			when = fmt.Sprintf("%s (%d days ago)", p.LastVisit.Format("2 January 2006"), p.DaysSinceLast)
		}
		rows = append(rows, []string{p.School.Name, when})
	}
	d.subheading("Not visited this term, the longest wait first", 10)
	return d.table([]column{{"School", 3, false}, {"Last visit", 2, false}}, rows, stBody)
}

// fixes lists, by school, the faults found fixed since the previous visit.
func (d *districtDoc) fixes() error {
	k := d.dist.KPIs
	d.heading("Fixes closed", fmt.Sprintf("%d %s that a school's previous visit saw failing passed on its latest visit; %d findings of the latest visits are still open.",
		k.FixedSinceLast, plural(k.FixedSinceLast, "fault", "faults"), k.FindingsOpen), 0)
	var fixed []audit.SchoolPicture
	for _, p := range d.dist.Schools {
		if p.FixedSinceLast > 0 {
			fixed = append(fixed, p)
		}
	}
	if len(fixed) == 0 {
		d.paragraph(d.left(), d.contentW(), "No fault has been seen fixed yet: fixes show once a school is visited again.", stBody)
		return nil
	}
	slices.SortStableFunc(fixed, func(a, b audit.SchoolPicture) int { return b.FixedSinceLast - a.FixedSinceLast })
	rows := make([][]string, 0, maxFixRows)
	for _, p := range fixed[:min(len(fixed), maxFixRows)] {
		rows = append(rows, []string{p.School.Name, p.Latest.StartedAt.Format("2 January 2006"), fmt.Sprint(p.FixedSinceLast), fmt.Sprint(p.FindingsOpen)})
	}
	d.subheading("The schools with the most fixes", 10)
	if err := d.table([]column{{"School", 3, false}, {"Latest visit", 0, false}, {"Fixed", 0, true}, {"Still open", 0, true}}, rows, stBody); err != nil {
		return err
	}
	if len(fixed) > maxFixRows {
		d.y += 2
		d.paragraph(d.left(), d.contentW(), fmt.Sprintf("%d more schools closed fixes; the school table gives every school's.", len(fixed)-maxFixRows), stSmall)
	}
	return nil
}

// method says how the figures are made, on one page.
func (d *districtDoc) method() error {
	teachers := "This report names no teacher and quotes no teacher or auditor notes."
	if d.opt.Anonymise {
		teachers += " Teacher names are also removed from the answers it prints."
	}
	parts := [][2]string{
		{"District score", "The mean of every school's latest finished visit score, each school counting the same. " +
			"A school whose latest finished visit is a partial walk, or that has no finished visit, is left out and listed as such."},
		{"Rooms and teachers", "Rooms ready to teach, inconveniences per room and the teachers' answers are added up over the same visits as the district score; " +
			"every mean is shown with the number of answers it is made of."},
		{"Terms", "Terms start on 1 August (autumn) and 1 January (spring)."},
		{"Teachers", teachers},
		{"Generated", d.opt.Now.Format("2 January 2006, 15:04 MST") + " by " + build.String() + "."},
	}
	keep := 0.0
	for _, p := range parts {
		keep += lineHeight(stBodyBold) + float64(len(d.fonts.wrap(p[1], stBody, d.contentW())))*lineHeight(stBody) + 3
	}
	d.heading("How the figures are made", "", keep)
	for _, p := range parts {
		d.methodPart(p[0], p[1])
	}
	return nil
}
