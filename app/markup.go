package app

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit"
)

// markColour is the on-screen colour of marks (audit draws the same red).
var markColour = color.NRGBA{R: 0xe0, G: 0x10, B: 0x10, A: 0xff}

// markupPad shows a photo and turns drags into marks: a circle (centre,
// then radius), an arrow (tail, then head) or a freehand stroke.
type markupPad struct {
	widget.BaseWidget
	img     *canvas.Image
	overlay *fyne.Container
	scale   float32 // screen points per photo pixel
	tool    audit.MarkKind
	marks   []audit.Mark
	cur     *audit.Mark
}

func newMarkupPad(photo image.Image, fit fyne.Size) *markupPad {
	b := photo.Bounds()
	scale := min(fit.Width/float32(b.Dx()), fit.Height/float32(b.Dy()))
	p := &markupPad{img: canvas.NewImageFromImage(photo), overlay: container.NewWithoutLayout(), scale: scale,
		tool: audit.MarkCircle}
	p.img.FillMode = canvas.ImageFillStretch
	p.img.SetMinSize(fyne.NewSize(float32(b.Dx())*scale, float32(b.Dy())*scale))
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer draws the photo with the marks over it.
func (p *markupPad) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(p.img, p.overlay))
}

// Dragged adds the point under the finger to the mark being drawn.
func (p *markupPad) Dragged(e *fyne.DragEvent) {
	pt := image.Pt(int(e.Position.X/p.scale), int(e.Position.Y/p.scale))
	switch {
	case p.cur == nil:
		p.cur = &audit.Mark{Kind: p.tool, Points: []image.Point{pt}}
	case p.tool == audit.MarkFreehand:
		p.cur.Points = append(p.cur.Points, pt)
	default:
		p.cur.Points = append(p.cur.Points[:1], pt)
	}
	p.redraw()
}

// DragEnd keeps the mark.
func (p *markupPad) DragEnd() {
	if p.cur != nil && len(p.cur.Points) > 1 {
		p.marks = append(p.marks, *p.cur)
	}
	p.cur = nil
	p.redraw()
}

// undo drops the last mark.
func (p *markupPad) undo() {
	if len(p.marks) > 0 {
		p.marks = p.marks[:len(p.marks)-1]
		p.redraw()
	}
}

// redraw puts every mark on the overlay in screen points.
func (p *markupPad) redraw() {
	p.overlay.Objects = nil
	all := p.marks
	if p.cur != nil {
		all = append(append([]audit.Mark(nil), all...), *p.cur)
	}
	for _, m := range all {
		p.drawMark(m)
	}
	p.overlay.Refresh()
}

func (p *markupPad) at(pt image.Point) fyne.Position {
	return fyne.NewPos(float32(pt.X)*p.scale, float32(pt.Y)*p.scale)
}

func (p *markupPad) line(a, b fyne.Position) {
	l := canvas.NewLine(markColour)
	l.StrokeWidth = 3
	l.Position1, l.Position2 = a, b
	p.overlay.Add(l)
}

func (p *markupPad) drawMark(m audit.Mark) {
	first, last := p.at(m.Points[0]), p.at(m.Points[len(m.Points)-1])
	switch m.Kind {
	case audit.MarkFreehand:
		for i := 1; i < len(m.Points); i++ {
			p.line(p.at(m.Points[i-1]), p.at(m.Points[i]))
		}
	case audit.MarkArrow:
		p.line(first, last)
		dx, dy := float64(first.X-last.X), float64(first.Y-last.Y)
		if n := math.Hypot(dx, dy); n > 0 {
			head := math.Max(15, n/4)
			for _, turn := range []float64{math.Pi / 7, -math.Pi / 7} {
				c, s := math.Cos(turn), math.Sin(turn)
				p.line(last, fyne.NewPos(last.X+float32(head*(dx*c-dy*s)/n), last.Y+float32(head*(dx*s+dy*c)/n)))
			}
		}
	case audit.MarkCircle:
		r := float32(math.Hypot(float64(last.X-first.X), float64(last.Y-first.Y)))
		c := canvas.NewCircle(color.Transparent)
		c.StrokeColor, c.StrokeWidth = markColour, 3
		c.Position1, c.Position2 = fyne.NewPos(first.X-r, first.Y-r), fyne.NewPos(first.X+r, first.Y+r)
		p.overlay.Add(c)
	}
}

// markup is the dialog that marks a photo up and saves the result as a new photo.
type markup struct {
	pad     *markupPad
	tools   map[audit.MarkKind]*widget.Button
	saveBtn *widget.Button
	dlg     dialog.Dialog
}

// onMarkUp opens the markup of a photo.
func (c *checklist) onMarkUp(p audit.Photo) {
	data, err := c.store.PhotoData(c.u.ctx, p.ID)
	if err != nil {
		c.saved.failed(err)
		return
	}
	photo, err := audit.Thumbnail(data, audit.PhotoLongSide)
	if err != nil {
		c.saved.failed(err)
		return
	}
	win := c.u.win.Canvas().Size()
	m := &markup{pad: newMarkupPad(photo, fyne.NewSize(win.Width*0.8, win.Height*0.55)), tools: map[audit.MarkKind]*widget.Button{}}
	row := container.NewGridWithColumns(3)
	for _, t := range []struct {
		kind  audit.MarkKind
		label string
	}{{audit.MarkCircle, "Circle"}, {audit.MarkArrow, "Arrow"}, {audit.MarkFreehand, "Freehand"}} {
		kind := t.kind
		b := widget.NewButton(t.label, func() { m.setTool(kind) })
		m.tools[kind] = b
		row.Add(tallBox(b))
	}
	m.setTool(audit.MarkCircle)
	undo := widget.NewButtonWithIcon("Undo mark", theme.ContentUndoIcon(), m.pad.undo)
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { m.dlg.Hide() })
	m.saveBtn = widget.NewButtonWithIcon("Save as a new photo", theme.DocumentSaveIcon(), func() { c.onSaveMarkup(m, p, data) })
	m.saveBtn.Importance = widget.HighImportance
	actions := container.NewGridWithColumns(3, tallBox(undo), tallBox(cancel), tallBox(m.saveBtn))
	body := container.NewBorder(container.NewVBox(smallLabel("Drag on the photo: a circle from its centre, an arrow from tail to head, or a freehand line."), row),
		actions, nil, nil, container.NewCenter(m.pad))
	m.dlg = dialog.NewCustomWithoutButtons("Mark up: "+p.Caption, body, c.u.win)
	c.marking = m
	m.dlg.Resize(fyne.NewSize(win.Width*0.9, win.Height*0.9))
	m.dlg.Show()
}

func (m *markup) setTool(kind audit.MarkKind) {
	m.pad.tool = kind
	for k, b := range m.tools {
		b.Importance = widget.MediumImportance
		if k == kind {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}

// onSaveMarkup draws the marks into the photo and stores it as a new photo
// of the same item; the original stays as it was.
func (c *checklist) onSaveMarkup(m *markup, p audit.Photo, data []byte) {
	out, err := audit.MarkUp(data, m.pad.marks)
	if err != nil {
		c.saved.failed(err)
		return
	}
	if c.addPhotoData(p.ItemID, "marked-up photo", out) == nil {
		m.dlg.Hide()
		c.marking = nil
	}
}
