package pdf

import (
	"fmt"
	"math"

	"techwalk/audit"
)

// Scorecard chart geometry, in millimetres.
const (
	barLabelW = 48.0
	barValueW = 40.0
	barH      = 5.5
	prevBarH  = 3.0
	barGap    = 3.5
)

// scorecard draws the score by category as horizontal bars, with the
// previous visit's bars and the change when there is one, and the school's
// score across its visits.
func (d *doc) scorecard() error {
	lead := fmt.Sprintf("Each bar is a checklist category scored 0-100 across the rooms visited, weighted by severity (see the method at the end); "+
		"a category with fewer than %d answers is not scored.", audit.MinCategoryAnswers)
	if d.r.prev != nil {
		lead += " The hatched bar below each is the previous visit; both are then scored on the checks answered both times, and the change on the right compares those."
	}
	cats := d.r.Score.Categories
	d.heading("Scorecard by category", lead, d.barsHeight(len(cats)))
	if len(cats) == 0 {
		d.paragraph(d.left(), d.contentW(), "No scored answers yet.", stBody)
		return nil
	}
	if d.r.prev != nil {
		d.barLegend()
	}
	d.axis(d.y, len(cats))
	d.y += 5
	for _, c := range cats {
		d.categoryBar(c)
	}
	d.y += 6
	if len(d.r.history) > 1 {
		d.historyChart()
	}
	d.loopLists()
	return nil
}

// barsHeight is the height of the category chart: legend, axis and bars.
func (d *doc) barsHeight(cats int) float64 {
	row := barH + barGap
	h := 5.0
	if d.r.prev != nil {
		row += prevBarH + 0.4
		h += lineHeight(stSmall) + 3
	}
	return h + float64(cats)*row
}

// barArea is the x position and width of the 0-100 scale.
func (d *doc) barArea() (float64, float64) {
	return d.left() + barLabelW, d.contentW() - barLabelW - barValueW
}

// barLegend explains the solid and hatched bars.
func (d *doc) barLegend() {
	x := d.left()
	d.setFill(greyInk)
	d.pdf.Rect(x, d.y+1.2, 6, 3, "F")
	x += 8 + d.text(x+8, d.y, "This visit, "+d.r.Visit.StartedAt.Format("2 Jan 2006"), stSmall)
	d.hatch(x+6, d.y+1.2, 6, 3)
	d.text(x+14, d.y, "Previous visit, "+d.r.prev.Visit.StartedAt.Format("2 Jan 2006"), stSmall)
	d.y += lineHeight(stSmall) + 3
}

// axis draws the 0-100 scale with light vertical grid lines for rows bars.
func (d *doc) axis(y float64, rows int) {
	x0, w := d.barArea()
	height := float64(rows)*(barH+prevBarH*boolF(d.r.prev != nil)+barGap) + 5
	d.pdf.SetLineWidth(0.15)
	for v := 0; v <= 100; v += 25 {
		x := x0 + w*float64(v)/100
		d.setDraw(greyLight)
		d.pdf.SetDashPattern([]float64{0.8, 0.8}, 0)
		d.pdf.Line(x, y+4, x, y+height)
		d.pdf.SetDashPattern(nil, 0)
		d.setInk(greyMid)
		d.textCentre(x, y, fmt.Sprint(v), stSmall)
	}
	d.setInk(greyInk)
}

// categoryBar draws one category: label, bar, value and the change on
// the checks answered both times; "too few answers" instead of a bar
// when the category has too few to score.
func (d *doc) categoryBar(c audit.CategoryScore) {
	x0, w := d.barArea()
	d.need(barH + prevBarH + barGap + 2)
	y := d.y
	lines := d.fonts.wrap(c.Category, stSmallB, barLabelW-3)
	d.setInk(greyInk)
	for i, l := range lines[:min(len(lines), 2)] {
		d.text(d.left(), y+float64(i)*lineHeight(stSmallB)-0.6, l, stSmallB)
	}
	rowH := barH
	if c.TooFew() {
		d.setInk(greyMid)
		d.text(x0+1, y+barH/2-lineHeight(stSmall)/2, fmt.Sprintf("too few answers (%d)", c.Scored), stSmall)
		d.setInk(greyInk)
		d.y = y + math.Max(rowH, float64(min(len(lines), 2))*lineHeight(stSmallB)) + barGap
		return
	}
	d.setFill(greyInk)
	d.pdf.Rect(x0, y, math.Max(w*c.Score/100, 0.4), barH, "F")
	d.text(x0+w+2, y+barH/2-lineHeight(stBodyBold)/2, fmt.Sprintf("%.0f", c.Score), stBodyBold)
	now, was, ok := d.r.change.Category(c.Category)
	if ok && d.r.prev != nil && !now.TooFew() {
		d.hatch(x0, y+barH+0.4, math.Max(w*was.Score/100, 0.4), prevBarH)
		d.setInk(greyMid)
		d.text(x0+w+10, y+barH/2-lineHeight(stSmall)/2, changeLabel(now.Score-was.Score), stSmall)
		d.text(x0+w+10, y+barH/2+lineHeight(stSmall)/2, fmt.Sprintf("was %.0f", was.Score), stSmall)
		rowH += prevBarH + 0.4
	} else if ok && d.r.prev != nil {
		d.setInk(greyMid)
		d.text(x0+w+10, y+barH/2-lineHeight(stSmall)/2, "too few to compare", stSmall)
	} else if d.r.prev != nil {
		d.setInk(greyMid)
		d.text(x0+w+10, y+barH/2-lineHeight(stSmall)/2, "new", stSmall)
	}
	d.setInk(greyInk)
	d.y = y + math.Max(rowH, float64(min(len(lines), 2))*lineHeight(stSmallB)) + barGap
}

// changeLabel phrases a category change: "+6 better", "-4 worse", "no change".
func changeLabel(delta float64) string {
	n := math.Round(delta)
	switch {
	case n > 0:
		return fmt.Sprintf("+%.0f better", n)
	case n < 0:
		return fmt.Sprintf("-%.0f worse", -n)
	}
	return "no change"
}

// History chart heights, in millimetres: it shrinks to the space left on
// the page down to historyMinH, so it does not stand alone on a page.
const (
	historyMaxH = 50.0
	historyMinH = 32.0
)

// historyChart draws the school's score across its visits as a line chart.
func (d *doc) historyChart() {
	below := lineHeight(stH2) + 1 + 2 + lineHeight(stSmall) + 4 + 8 // title, padding, dates
	h := min(historyMaxH, d.bottom()-d.y-below)
	if h < historyMinH {
		h = historyMaxH
	}
	d.subheading("The school's score across visits", h+12)
	x0, y0, w := d.left()+10, d.y+2, d.contentW()-20
	d.pdf.SetLineWidth(0.15)
	for v := 0; v <= 100; v += 25 {
		y := y0 + h - h*float64(v)/100
		d.setDraw(greyLight)
		d.pdf.Line(x0, y, x0+w, y)
		d.setInk(greyMid)
		d.textRight(x0-2, y-lineHeight(stSmall)/2, fmt.Sprint(v), stSmall)
	}
	pts := d.historyPoints(x0, y0, w, h)
	d.setDraw(greyInk)
	d.pdf.SetLineWidth(0.6)
	for i := 1; i < len(pts); i++ {
		d.pdf.Line(pts[i-1][0], pts[i-1][1], pts[i][0], pts[i][1])
	}
	for i, p := range pts {
		d.setFill(greyInk)
		d.pdf.Circle(p[0], p[1], 1.1, "F")
		d.setInk(greyInk)
		d.textCentre(p[0], p[1]-6, fmt.Sprintf("%.0f", d.r.history[i].score), stSmallB)
		d.setInk(greyMid)
		d.textCentre(p[0], y0+h+1, d.r.history[i].date.Format("Jan 2006"), stSmall)
	}
	d.setInk(greyInk)
	d.y = y0 + h + lineHeight(stSmall) + 4
}

// historyPoints spaces the visits evenly across the chart.
func (d *doc) historyPoints(x0, y0, w, h float64) [][2]float64 {
	n := len(d.r.history)
	pts := make([][2]float64, n)
	for i, hp := range d.r.history {
		x := x0 + w/2
		if n > 1 {
			x = x0 + 8 + (w-16)*float64(i)/float64(n-1)
		}
		pts[i] = [2]float64{x, y0 + h - h*hp.score/100}
	}
	return pts
}
