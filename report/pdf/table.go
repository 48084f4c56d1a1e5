package pdf

import "strings"

// column is one column of a table: its title, its share of the content
// width (0: as wide as its widest cell, so short values never break) and
// whether its text is right-aligned.
type column struct {
	title string
	share float64
	right bool
}

// maxFitShare caps a fitted column at this share of the content width.
const maxFitShare = 0.25

// fitSlack keeps a fitted column from wrapping its widest word through rounding.
const fitSlack = 0.6

// Cell padding, in millimetres.
const (
	padX = 1.6
	padY = 1.2
)

// tableRowsPerCheck is how many rows are drawn between cancellation checks.
const tableRowsPerCheck = 25

// table draws rows under a header that repeats on every page. Cells wrap;
// a row moves to the next page whole when it fits on one page, and is split
// between pages line by line when it does not, so no text is cut off.
func (d *doc) table(cols []column, rows [][]string, st style) error {
	widths := d.columnWidths(cols, rows, st)
	d.tableHeader(cols, widths)
	for i, row := range rows {
		if i%tableRowsPerCheck == 0 {
			if err := d.ctx.Err(); err != nil {
				return err
			}
		}
		d.tableRow(cols, widths, d.wrapCells(row, widths, st), st, i%2 == 1)
	}
	return nil
}

// columnWidths fits the columns without a share to their widest cell and
// shares the rest of the width among the others.
func (d *doc) columnWidths(cols []column, rows [][]string, st style) []float64 {
	widths := make([]float64, len(cols))
	free, shares := d.contentW(), 0.0
	for i, c := range cols {
		if c.share > 0 {
			shares += c.share
			continue
		}
		widths[i] = min(d.widestCell(i, c.title, rows, st)+2*padX+fitSlack, d.contentW()*maxFitShare)
		free -= widths[i]
	}
	for i, c := range cols {
		if c.share > 0 {
			widths[i] = free * c.share / shares
		}
	}
	return widths
}

// widestCell measures column i's widest line, the header included.
func (d *doc) widestCell(i int, title string, rows [][]string, st style) float64 {
	w := 0.0
	for _, word := range strings.Fields(title) {
		w = max(w, d.fonts.width(word, stSmallB))
	}
	for _, row := range rows {
		if i >= len(row) {
			continue
		}
		for _, line := range strings.Split(row[i], "\n") {
			w = max(w, d.fonts.width(line, st))
		}
	}
	return w
}

func (d *doc) wrapCells(row []string, widths []float64, st style) [][]string {
	cells := make([][]string, len(widths))
	for i := range widths {
		text := ""
		if i < len(row) {
			text = row[i]
		}
		cells[i] = d.fonts.wrap(text, st, widths[i]-2*padX)
	}
	return cells
}

// tableHeader draws the header row, starting a page first if the header and
// one line of a row would not fit.
func (d *doc) tableHeader(cols []column, widths []float64) {
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	cells := d.wrapCells(titles, widths, stSmallB)
	h := float64(maxLines(cells))*lineHeight(stSmallB) + 2*padY
	d.need(h + lineHeight(stSmall) + 2*padY)
	d.setFill(greyShade)
	d.pdf.Rect(d.left(), d.y, d.contentW(), h, "F")
	d.drawCells(cols, widths, cells, 0, maxLines(cells), stSmallB)
	d.y += h
	d.setDraw(greyInk)
	d.pdf.SetLineWidth(0.4)
	d.pdf.Line(d.left(), d.y, d.left()+d.contentW(), d.y)
}

// tableRow draws one row, over several pages when it is taller than a page.
func (d *doc) tableRow(cols []column, widths []float64, cells [][]string, st style, striped bool) {
	lh := lineHeight(st)
	total := maxLines(cells)
	pageLines := int((d.bottom() - margin - 3*lh - 2*padY) / lh)
	if float64(total)*lh+2*padY > d.bottom()-d.y && total <= pageLines {
		d.newPage()
		d.tableHeader(cols, widths)
	}
	for from := 0; from < total; {
		fit := int((d.bottom() - d.y - 2*padY) / lh)
		if fit < 1 {
			d.newPage()
			d.tableHeader(cols, widths)
			continue
		}
		n := min(fit, total-from)
		d.rowChunk(cols, widths, cells, from, n, st, striped)
		from += n
	}
}

// rowChunk draws lines [from, from+n) of a row's cells.
func (d *doc) rowChunk(cols []column, widths []float64, cells [][]string, from, n int, st style, striped bool) {
	h := float64(n)*lineHeight(st) + 2*padY
	if striped {
		d.setFill(greyStripe)
		d.pdf.Rect(d.left(), d.y, d.contentW(), h, "F")
	}
	d.drawCells(cols, widths, cells, from, n, st)
	d.y += h
	d.setDraw(greyLight)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(d.left(), d.y, d.left()+d.contentW(), d.y)
}

func (d *doc) drawCells(cols []column, widths []float64, cells [][]string, from, n int, st style) {
	d.setInk(greyInk)
	x := d.left()
	for i, lines := range cells {
		for k := from; k < from+n && k < len(lines); k++ {
			y := d.y + padY + float64(k-from)*lineHeight(st)
			if cols[i].right {
				d.textRight(x+widths[i]-padX, y, lines[k], st)
			} else {
				d.text(x+padX, y, lines[k], st)
			}
		}
		x += widths[i]
	}
}

func maxLines(cells [][]string) int {
	n := 1
	for _, c := range cells {
		n = max(n, len(c))
	}
	return n
}
