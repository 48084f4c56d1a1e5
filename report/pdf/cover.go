package pdf

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // logo formats
	_ "image/jpeg"
	_ "image/png"
	"math"

	"github.com/jung-kurt/gofpdf"

	"techwalk/audit"
)

// Logo box on the cover, in millimetres.
const (
	logoMaxW = 40.0
	logoMaxH = 18.0
)

// cover draws the first page: who, where, when, the score and the headline KPIs.
func (d *doc) cover() error {
	d.newPage()
	d.coverMasthead()
	d.setInk(greyInk)
	d.text(d.left(), d.y, "Technology experience report", style{size: 24, bold: true})
	d.y += lineHeight(style{size: 24}) + 2
	d.paragraphMax(d.left(), d.contentW(), d.r.School.Name, style{size: 17, bold: true}, 3)
	if d.r.School.Address != "" {
		d.paragraphMax(d.left(), d.contentW(), d.r.School.Address, stBody, 2)
	}
	d.y += 4
	d.coverFacts()
	d.y += 6
	d.scoreBlock()
	d.y += 6
	d.kpiTiles()
	d.y += 8
	d.coverIssues()
	d.y = d.bottom() // the cover stands alone
	return nil
}

// coverIssues lists the three heaviest issues, for readers who stop at page one.
func (d *doc) coverIssues() {
	all := d.r.topIssues()
	if len(all) == 0 {
		return
	}
	d.subheading("Most urgent", 10)
	for i, is := range all[:min(len(all), 3)] {
		d.text(d.left(), d.y, fmt.Sprintf("%d.", i+1), stBodyBold)
		d.paragraph(d.left()+6, d.contentW()-6, is.phrase()+".", stBody)
		d.y += 1
	}
}

// coverMasthead prints the district name and its logo above a rule.
func (d *doc) coverMasthead() {
	top := d.y
	logoW := d.logo(top)
	d.setInk(greyMid)
	name := nonEmpty(d.opt.District, "School technology walkthrough")
	d.paragraph(d.left(), d.contentW()-logoW-4, name, style{size: 11, bold: true})
	d.y = math.Max(d.y, top+logoMaxH*boolF(logoW > 0)) + 3
	d.rule(d.y, 0.8)
	d.y += 8
}

// logo draws the district logo at the top right and returns its width; 0
// when there is none or it cannot be read.
func (d *doc) logo(top float64) float64 {
	data := d.opt.Logo
	if len(data) == 0 {
		return 0
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		d.opt.Warn(fmt.Sprintf("district logo skipped: not a PNG, JPEG or GIF image (%v)", err))
		return 0
	}
	tp := map[string]string{"png": "PNG", "jpeg": "JPG", "gif": "GIF"}[format]
	opt := gofpdf.ImageOptions{ImageType: tp, ReadDpi: false}
	d.pdf.RegisterImageOptionsReader("logo", opt, bytes.NewReader(data))
	if d.pdf.Err() {
		return 0
	}
	w, h := fitBox(float64(cfg.Width), float64(cfg.Height), logoMaxW, logoMaxH)
	d.pdf.ImageOptions("logo", d.left()+d.contentW()-w, top, w, h, false, opt, 0, "")
	return w
}

// maxFactLines is how many lines a fact on the cover may take; longer
// lists of people end in an ellipsis, so the score box keeps its place.
const maxFactLines = 3

// coverFacts lists the visit date, who walked and who was there.
func (d *doc) coverFacts() {
	v := d.r.Visit
	facts := [][2]string{
		{"Visit", v.StartedAt.Format("Monday 2 January 2006")},
		{"Walked by", nonEmpty(v.Auditor, "not recorded")},
		{"Also present", nonEmpty(d.r.present(), "not recorded")}, // adults present are not anonymised
		{"Rooms", fmt.Sprintf("%d visited of %d", d.r.Score.RoomsVisited, len(d.r.Rooms))},
		{"Coverage", d.r.Score.Coverage.String()},
	}
	if d.r.Score.Partial {
		facts = append(facts, [2]string{"Partial walk", fmt.Sprintf("Less than %.0f%% of the checklist was answered: the figures describe the rooms walked, not the school.",
			100*d.r.Score.MinCoverage)})
	}
	if !v.Finished() {
		facts = append(facts, [2]string{"Status", "visit not finished yet: figures may change"})
	}
	for _, f := range facts {
		d.setInk(greyMid)
		d.text(d.left(), d.y, f[0], stBodyBold)
		d.setInk(greyInk)
		d.paragraphMax(d.left()+32, d.contentW()-32, f[1], stBody, maxFactLines)
		d.y += 0.8
	}
}

// scoreBlock shows the experience score as a large figure with its verdict.
func (d *doc) scoreBlock() {
	x, y, w, h := d.left(), d.y, d.contentW(), 44.0
	d.setFill(greyShade)
	d.pdf.Rect(x, y, w, h, "F")
	d.setFill(greyInk)
	d.pdf.Rect(x, y, 2.5, h, "F")
	score := fmt.Sprintf("%.0f", d.r.Score.Score)
	big := style{size: 60, bold: true}
	d.setInk(greyInk)
	d.text(x+8, y+4, "Experience score", stBodyBold)
	sw := d.text(x+7, y+8, score, big)
	d.text(x+8+sw, y+24, "/ 100", style{size: 14})
	d.setInk(greyMid)
	d.text(x+8, y+h-lineHeight(stSmall)-3, fmt.Sprintf("on %d%% of the checks", d.r.Score.Coverage.Percent()), stSmall)
	d.setInk(greyInk)
	right := x + 58
	lines := d.fonts.wrap(audit.VerdictFor(d.r.Score), style{size: 14, bold: true}, w-(right-x)-6)
	ty := y + 8
	for _, l := range lines {
		d.text(right, ty, l, style{size: 14, bold: true})
		ty += lineHeight(style{size: 14})
	}
	d.setInk(greyMid)
	d.y = ty + 2
	d.paragraph(right, w-(right-x)-6, d.changeSentence(), stBody)
	d.y = y + h
	d.setInk(greyInk)
}

// changeSentence compares the score with the previous visit, like with
// like: both scored on the checks answered both times.
func (d *doc) changeSentence() string {
	if d.r.prev == nil {
		return "First visit of this school: the next visit will show what changed."
	}
	ch := d.r.change
	when := d.r.prev.Visit.StartedAt.Format("2 January 2006")
	if !ch.Comparable() {
		return fmt.Sprintf("Too few checks were answered both on this visit and on the visit of %s to compare them.", when)
	}
	return fmt.Sprintf("%s since the visit of %s on the %d checks answered both times (%.0f then, %.0f now).",
		changeWords(ch.Delta(), "point"), when, ch.Common, ch.Was.Score, ch.Now.Score)
}

// changeWords phrases a score change: "Up 6 points", "Down 3 points", "No change".
func changeWords(delta float64, unit string) string {
	n := math.Round(delta)
	switch {
	case n > 0:
		return fmt.Sprintf("Up %.0f %s", n, plural(int(n), unit, unit+"s"))
	case n < 0:
		return fmt.Sprintf("Down %.0f %s", -n, plural(int(-n), unit, unit+"s"))
	}
	return "No change"
}

// kpi is one headline figure on the cover.
type kpi struct{ value, label, detail string }

// kpiTiles draws the headline KPIs in a two-by-two grid.
func (d *doc) kpiTiles() { d.kpiGrid(d.kpis()) }

func (d *doc) kpiTile(x, y, w, h float64, t kpi) {
	d.setDraw(greyInk)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Rect(x, y, w, h, "D")
	d.setInk(greyInk)
	d.text(x+4, y+2, t.value, style{size: 22, bold: true})
	d.text(x+4, y+13, t.label, stBodyBold)
	d.setInk(greyMid)
	for i, line := range d.fonts.wrap(t.detail, stSmall, w-8) {
		if i < 2 {
			d.text(x+4, y+18.5+float64(i)*lineHeight(stSmall), line, stSmall)
		}
	}
	d.setInk(greyInk)
}

func (d *doc) kpis() []kpi {
	s := d.r.Score
	yes, unsure, no := d.r.choiceCounts()
	return []kpi{
		{fmt.Sprintf("%d of %d", s.RoomsReady, s.RoomsVisited), "rooms ready to teach", readyDetail(s)},
		{fmt.Sprint(s.Failures), "inconveniences found",
			fmt.Sprintf("failing checks across the rooms; teachers reported %d this week", s.ReportedInconveniences)},
		{rating(s.MeanSupportsTeaching), "technology supports my teaching",
			fmt.Sprintf("getting help is easy: %s; from %d %s", rating(s.MeanHelpEasy), s.FeedbackCount,
				plural(s.FeedbackCount, "teacher", "teachers"))},
		{percent(s.ChooseAgainShare, s.ChooseAgainAnswers), "would choose IT again",
			fmt.Sprintf("yes %d, unsure %d, no %d", yes, unsure, no)},
	}
}

// readyDetail says what ready means, and how many rooms were only partly walked.
func readyDetail(s audit.VisitScore) string {
	text := "walked, and no critical or high-severity item failing"
	if s.RoomsPartly > 0 {
		text += fmt.Sprintf("; %d partly walked (under %.0f%% answered)", s.RoomsPartly, 100*s.MinCoverage)
	}
	return text
}

// rating prints a 1-5 mean as "3.4 / 5", or "-" when nobody answered.
func rating(mean float64) string {
	if mean == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f / 5", mean)
}

// percent prints a share as "57%", or "-" when nobody answered.
func percent(share float64, answers int) string {
	if answers == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*share)
}

// fitBox scales w x h to fit inside maxW x maxH, keeping its proportions.
func fitBox(w, h, maxW, maxH float64) (float64, float64) {
	scale := math.Min(maxW/w, maxH/h)
	return w * scale, h * scale
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
