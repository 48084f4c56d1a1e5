package pdf

import (
	"fmt"
)

// teachers draws "What teachers told us": ratings, would-choose-again,
// inconveniences and quotes from those who agreed to be quoted.
func (d *doc) teachers() error {
	s := d.r.Score
	if s.FeedbackCount == 0 {
		d.heading("What teachers told us", "No teacher feedback was collected during this visit.", 0)
		return nil
	}
	d.heading("What teachers told us", fmt.Sprintf(
		"%d %s answered a short survey in their room during the walkthrough. Ratings are from 1 (strongly disagree) to 5 (strongly agree).",
		s.FeedbackCount, plural(s.FeedbackCount, "teacher", "teachers")), 40)
	prompts := d.r.Template.Feedback
	d.ratingBar(nonEmpty(prompts.SupportsTeaching, "Technology supports my teaching"), s.MeanSupportsTeaching)
	d.ratingBar(nonEmpty(prompts.HelpEasy, "Getting help is easy"), s.MeanHelpEasy)
	d.y += 3
	d.chooseAgain(nonEmpty(prompts.ChooseAgain, "Would you choose IT's service again?"))
	d.y += 3
	d.subheading("Inconveniences this week", 10)
	d.paragraph(d.left(), d.contentW(), d.inconvenienceSentence(), stBody)
	d.y += 4
	d.quotes()
	return nil
}

// ratingBar draws a mean rating as a labelled bar on a 1-5 scale with tick marks.
func (d *doc) ratingBar(label string, mean float64) {
	barW, barH := d.contentW()*0.55, 6.0
	d.need(lineHeight(stBodyBold) + barH + 4)
	d.setInk(greyInk)
	d.paragraph(d.left(), d.contentW(), label, stBodyBold)
	x, y := d.left(), d.y+0.5
	d.setDraw(greyInk)
	d.pdf.SetLineWidth(0.25)
	d.pdf.Rect(x, y, barW, barH, "D")
	if mean > 0 {
		d.setFill(greyMid)
		d.pdf.Rect(x, y, barW*mean/5, barH, "F")
	}
	d.setDraw(greyLight)
	for i := 1; i < 5; i++ {
		d.pdf.Line(x+barW*float64(i)/5, y, x+barW*float64(i)/5, y+barH)
	}
	value := "no answers"
	if mean > 0 {
		value = fmt.Sprintf("%.1f out of 5", mean)
	}
	d.text(x+barW+4, y+barH/2-lineHeight(stBodyBold)/2, value, stBodyBold)
	d.y = y + barH + 4
}

// chooseAgain draws the yes/unsure/no answers as one stacked bar whose parts
// differ by pattern as well as label.
func (d *doc) chooseAgain(question string) {
	yes, unsure, no := d.r.choiceCounts()
	total := yes + unsure + no
	d.need(lineHeight(stBodyBold) + 16)
	d.setInk(greyInk)
	d.paragraph(d.left(), d.contentW(), question, stBodyBold)
	if total == 0 {
		d.paragraph(d.left(), d.contentW(), "Nobody answered this question.", stBody)
		return
	}
	x, y, w, h := d.left(), d.y+0.5, d.contentW()*0.55, 6.0
	parts := []struct {
		n    int
		name string
		draw func(x, w float64)
	}{
		{yes, "yes", func(px, pw float64) { d.setFill(greyInk); d.pdf.Rect(px, y, pw, h, "F") }},
		{unsure, "unsure", func(px, pw float64) { d.hatch(px, y, pw, h) }},
		{no, "no", func(px, pw float64) { d.setDraw(greyInk); d.pdf.Rect(px, y, pw, h, "D") }},
	}
	legend := ""
	for _, p := range parts {
		pw := w * float64(p.n) / float64(total)
		p.draw(x, pw)
		x += pw
		legend += fmt.Sprintf("%s %d (%.0f%%)   ", p.name, p.n, 100*float64(p.n)/float64(total))
	}
	d.text(d.left()+w+4, y+h/2-lineHeight(stBodyBold)/2, percent(d.r.Score.ChooseAgainShare, total)+" yes", stBodyBold)
	d.y = y + h + 1
	d.setInk(greyMid)
	d.paragraph(d.left(), d.contentW(), "Solid: "+parts[0].name+" · hatched: unsure · open: no.   "+legend, stSmall)
	d.setInk(greyInk)
}

func (d *doc) inconvenienceSentence() string {
	s := d.r.Score
	if s.ReportedInconveniences == 0 {
		return "No teacher reported being held up by technology this week."
	}
	return fmt.Sprintf("Teachers reported being held up by technology %d %s this week, %.1f per teacher who answered.",
		s.ReportedInconveniences, plural(s.ReportedInconveniences, "time", "times"),
		float64(s.ReportedInconveniences)/float64(s.FeedbackCount))
}

// quotes prints teachers' own words, only from those who agreed to be quoted.
func (d *doc) quotes() {
	qs := d.r.quotes()
	d.subheading("In their words", 16)
	if len(qs) == 0 {
		d.paragraph(d.left(), d.contentW(), "No teacher agreed to be quoted.", stBody)
		return
	}
	for _, q := range qs {
		d.quote(q)
	}
}

// quote draws one quote with a bar on its left and its attribution below.
func (d *doc) quote(q quote) {
	st := style{size: 11}
	indent := 6.0
	lines := d.fonts.wrap("“"+q.text+"”", st, d.contentW()-indent)
	h := float64(len(lines))*lineHeight(st) + lineHeight(stSmallB) + 1
	d.need(min(h, 40))
	top, page := d.y, d.pdf.PageNo()
	for _, l := range lines {
		d.need(lineHeight(st))
		d.text(d.left()+indent, d.y, l, st)
		d.y += lineHeight(st)
	}
	d.setInk(greyMid)
	d.text(d.left()+indent, d.y, "— "+q.who, stSmallB)
	d.setInk(greyInk)
	d.y += lineHeight(stSmallB)
	if d.pdf.PageNo() != page {
		top = margin
	}
	if d.y > top {
		d.setFill(greyMid)
		d.pdf.Rect(d.left()+1, top+1, 1.2, d.y-top-2, "F")
	}
	d.y += 4
}
