package pdf

import (
	"context"
	"fmt"

	"github.com/jung-kurt/gofpdf"
)

// Page geometry, in millimetres.
const (
	margin         = 16.0
	footerHeight   = 10.0
	pageCountAlias = "{nb}"
)

// Text styles.
var (
	stBody     = style{size: 10}
	stBodyBold = style{size: 10, bold: true}
	stSmall    = style{size: 8.5}
	stSmallB   = style{size: 8.5, bold: true}
	stH1       = style{size: 20, bold: true}
	stH2       = style{size: 13, bold: true}
)

// Greys (0 black - 255 white): the report reads the same printed in black and white.
const (
	greyInk    = 40
	greyMid    = 110
	greyLight  = 200
	greyShade  = 235
	greyStripe = 246
)

// doc is a report being drawn: the PDF, its fonts, the data and a cursor.
type doc struct {
	pdf          *gofpdf.Fpdf
	fonts        *fontSet
	r            *reportData // the visit of a school report; nil in the district report
	opt          Options
	footerTitle  string // "Lincoln ES · Technology experience report"
	ctx          context.Context
	photoSrc     photoSource
	pageW, pageH float64
	y            float64 // top of the free space on the current page
	done, total  int     // progress steps
}

func (d *doc) left() float64     { return margin }
func (d *doc) contentW() float64 { return d.pageW - 2*margin }
func (d *doc) bottom() float64   { return d.pageH - margin - footerHeight }

// newPage starts a page with the cursor at the top margin.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.y = margin
}

// need starts a new page unless h millimetres fit below the cursor.
func (d *doc) need(h float64) {
	if d.y+h > d.bottom() {
		d.newPage()
	}
}

// lineHeight is the distance between lines of text of a style.
func lineHeight(st style) float64 { return st.size * mmPerPt * 1.4 }

// baseline places text vertically centred in a line box starting at top.
func baseline(top float64, st style) float64 {
	capHeight := 0.714 * st.size * mmPerPt
	return top + (lineHeight(st)+capHeight)/2
}

// text draws one line of text in a line box whose top is y; it returns the width.
func (d *doc) text(x, y float64, s string, st style) float64 {
	return d.fonts.draw(x, baseline(y, st), s, st)
}

// textRight draws s ending at x.
func (d *doc) textRight(x, y float64, s string, st style) {
	d.text(x-d.fonts.width(s, st), y, s, st)
}

// textCentre draws s centred on x.
func (d *doc) textCentre(x, y float64, s string, st style) {
	d.text(x-d.fonts.width(s, st)/2, y, s, st)
}

// paragraph wraps s to width w at x, moving the cursor down and onto new
// pages as needed.
func (d *doc) paragraph(x, w float64, s string, st style) {
	lh := lineHeight(st)
	for _, line := range d.fonts.wrap(s, st, w) {
		d.need(lh)
		d.text(x, d.y, line, st)
		d.y += lh
	}
}

// paragraphMax is paragraph limited to maxLines lines, ending in an
// ellipsis when the text is longer.
func (d *doc) paragraphMax(x, w float64, s string, st style, maxLines int) {
	lh := lineHeight(st)
	for _, line := range d.fonts.wrapMax(s, st, w, maxLines) {
		d.need(lh)
		d.text(x, d.y, line, st)
		d.y += lh
	}
}

// flowShare is how much of a page's height must still be free for a
// section to start on it instead of on a new page.
const flowShare = 0.3

// heading starts a section with a title and an optional lead: below the
// previous section when enough of the page is free for them and the keep
// millimetres that must follow on the same page (a chart), else on a new page.
func (d *doc) heading(title, lead string, keep float64) {
	need := lineHeight(stH1) + 4 + float64(len(d.fonts.wrap(lead, stBody, d.contentW())))*lineHeight(stBody) + 3 + keep
	if d.pdf.PageNo() == 0 || d.bottom()-d.y < max(need+8, flowShare*(d.bottom()-margin)) {
		d.newPage()
	} else {
		d.y += 8
	}
	d.setInk(greyInk)
	d.text(d.left(), d.y, title, stH1)
	d.y += lineHeight(stH1) + 1
	d.rule(d.y, 0.6)
	d.y += 3
	if lead != "" {
		d.paragraph(d.left(), d.contentW(), lead, stBody)
		d.y += 3
	}
}

// subheading titles a part of a section, keeping room for what follows.
func (d *doc) subheading(title string, keep float64) {
	d.need(lineHeight(stH2) + keep)
	d.setInk(greyInk)
	d.text(d.left(), d.y, title, stH2)
	d.y += lineHeight(stH2) + 1
}

// rule draws a horizontal line across the content width.
func (d *doc) rule(y, width float64) {
	d.pdf.SetDrawColor(greyInk, greyInk, greyInk)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(d.left(), y, d.left()+d.contentW(), y)
}

func (d *doc) setInk(g int)  { d.pdf.SetTextColor(g, g, g) }
func (d *doc) setFill(g int) { d.pdf.SetFillColor(g, g, g) }
func (d *doc) setDraw(g int) { d.pdf.SetDrawColor(g, g, g) }

// hatch fills a rectangle with diagonal lines: a pattern that tells two
// series apart without colour.
func (d *doc) hatch(x, y, w, h float64) {
	if w <= 0 || h <= 0 {
		return
	}
	d.pdf.ClipRect(x, y, w, h, false)
	d.setDraw(greyMid)
	d.pdf.SetLineWidth(0.25)
	for off := -h; off < w; off += 1.4 {
		d.pdf.Line(x+off, y+h, x+off+h, y)
	}
	d.pdf.ClipEnd()
	d.setDraw(greyInk)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Rect(x, y, w, h, "D")
}

// footer prints the school, the report name and "Page N of M" on every page.
func (d *doc) footer() {
	y := d.pageH - margin - footerHeight/2
	d.setDraw(greyLight)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(d.left(), y, d.left()+d.contentW(), y)
	d.setInk(greyMid)
	page := fmt.Sprintf("Page %d of %s", d.pdf.PageNo(), pageCountAlias)
	pageW := d.fonts.width(fmt.Sprintf("Page %d of %d", d.pdf.PageNo(), 10*d.pdf.PageNo()), stSmall)
	school := d.fonts.ellipsis(d.footerTitle, stSmall, d.contentW()-pageW-6)
	d.text(d.left(), y+1, school, stSmall)
	d.text(d.left()+d.contentW()-pageW, y+1, page, stSmall)
	d.setInk(greyInk)
}
