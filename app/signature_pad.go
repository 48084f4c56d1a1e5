package app

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// Signature pad limits: the points kept (a signature is a few hundred),
// the pixels per point of the saved image and its longest side.
const (
	padMaxPoints  = 20000
	padScale      = 2
	padMaxPixels  = 2000
	padInkWidth   = 2.5 // points
	padMarginPx   = 12
	padMinSpacing = 1.0 // points between kept points of a stroke
)

// The pad is paper in both themes: dark ink on white, as the report prints it.
var (
	padPaper = color.Gray{Y: 255}
	padInk   = color.Gray{Y: 25}
	padGuide = color.Gray{Y: 170}
)

// signaturePad collects a signature drawn with a finger or the mouse: each
// drag is one stroke, drawn as it is made. png renders the strokes.
type signaturePad struct {
	widget.BaseWidget
	strokes  [][]fyne.Position
	points   int
	drawing  bool   // a drag is under way: its points join the last stroke
	onChange func() // after each finished stroke and after clear
}

func newSignaturePad(onChange func()) *signaturePad {
	p := &signaturePad{onChange: onChange}
	p.ExtendBaseWidget(p)
	return p
}

// Dragged adds the pointer's position to the stroke under way, starting a
// stroke at the point where the drag began.
func (p *signaturePad) Dragged(e *fyne.DragEvent) {
	if p.points >= padMaxPoints {
		return
	}
	at := p.clamp(e.Position)
	if !p.drawing {
		p.drawing = true
		p.strokes = append(p.strokes, []fyne.Position{p.clamp(e.Position.Subtract(e.Dragged))})
		p.points++
	}
	s := &p.strokes[len(p.strokes)-1]
	if last := (*s)[len(*s)-1]; distance(last, at) < padMinSpacing {
		return
	}
	*s = append(*s, at)
	p.points++
	p.Refresh()
}

// DragEnd finishes the stroke.
func (p *signaturePad) DragEnd() {
	p.drawing = false
	p.Refresh()
	if p.onChange != nil {
		p.onChange()
	}
}

// clamp keeps a point on the pad: a stroke that leaves it runs along the edge.
func (p *signaturePad) clamp(pos fyne.Position) fyne.Position {
	s := p.Size()
	return fyne.NewPos(min(max(pos.X, 0), s.Width), min(max(pos.Y, 0), s.Height))
}

// empty reports whether nothing is drawn yet.
func (p *signaturePad) empty() bool { return len(p.strokes) == 0 }

// clear wipes the pad.
func (p *signaturePad) clear() {
	p.strokes, p.points, p.drawing = nil, 0, false
	p.Refresh()
	if p.onChange != nil {
		p.onChange()
	}
}

func distance(a, b fyne.Position) float64 {
	return math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y))
}

// png renders the strokes as a grey PNG, dark ink on white, cropped to the
// ink with a small margin, at padScale pixels a point (less for a large
// signature, so its longest side stays within padMaxPixels).
func (p *signaturePad) png() ([]byte, error) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range p.strokes {
		for _, pt := range s {
			minX, minY = min(minX, float64(pt.X)), min(minY, float64(pt.Y))
			maxX, maxY = max(maxX, float64(pt.X)), max(maxY, float64(pt.Y))
		}
	}
	scale := min(padScale, float64(padMaxPixels-2*padMarginPx)/max(maxX-minX, maxY-minY, 1))
	r := padInkWidth * scale / 2
	w := int(math.Ceil((maxX-minX)*scale)) + 2*padMarginPx
	h := int(math.Ceil((maxY-minY)*scale)) + 2*padMarginPx
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = padPaper.Y
	}
	at := func(pt fyne.Position) (float64, float64) {
		return (float64(pt.X)-minX)*scale + padMarginPx, (float64(pt.Y)-minY)*scale + padMarginPx
	}
	for _, s := range p.strokes {
		for i := range s {
			x0, y0 := at(s[max(i-1, 0)])
			x1, y1 := at(s[i])
			inkSegment(img, x0, y0, x1, y1, r)
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

// inkSegment darkens the pixels within r of the segment, anti-aliased over
// the last pixel of the edge.
func inkSegment(img *image.Gray, x0, y0, x1, y1, r float64) {
	b := img.Bounds()
	left, right := max(int(min(x0, x1)-r-1), b.Min.X), min(int(max(x0, x1)+r+1), b.Max.X-1)
	top, bottom := max(int(min(y0, y1)-r-1), b.Min.Y), min(int(max(y0, y1)+r+1), b.Max.Y-1)
	for y := top; y <= bottom; y++ {
		for x := left; x <= right; x++ {
			cover := min(max(r+0.5-segmentDistance(float64(x)+0.5, float64(y)+0.5, x0, y0, x1, y1), 0), 1)
			if cover == 0 {
				continue
			}
			ink := uint8(float64(padPaper.Y) - cover*float64(padPaper.Y-padInk.Y))
			if i := img.PixOffset(x, y); ink < img.Pix[i] {
				img.Pix[i] = ink
			}
		}
	}
}

// segmentDistance is the distance from (px, py) to the segment (x0, y0)-(x1, y1).
func segmentDistance(px, py, x0, y0, x1, y1 float64) float64 {
	dx, dy := x1-x0, y1-y0
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = min(max(((px-x0)*dx+(py-y0)*dy)/l, 0), 1)
	}
	return math.Hypot(px-(x0+t*dx), py-(y0+t*dy))
}

// CreateRenderer draws the paper, a line to sign on, a hint while empty
// and the strokes.
func (p *signaturePad) CreateRenderer() fyne.WidgetRenderer {
	r := &padRenderer{pad: p, paper: canvas.NewRectangle(padPaper), guide: canvas.NewLine(padGuide),
		hint: canvas.NewText("Sign here with a finger or the mouse", padGuide)}
	r.paper.StrokeColor, r.paper.StrokeWidth, r.paper.CornerRadius = padGuide, 1, 6
	r.guide.StrokeWidth = 1
	r.hint.TextSize = 16
	return r
}

type padRenderer struct {
	pad   *signaturePad
	paper *canvas.Rectangle
	guide *canvas.Line
	hint  *canvas.Text
	ink   []*canvas.Line // one per segment, in stroke order
}

// padMinSize is room for a signature on a phone held sideways.
var padMinSize = fyne.NewSize(320, 180)

func (r *padRenderer) MinSize() fyne.Size { return padMinSize }

func (r *padRenderer) Layout(size fyne.Size) {
	r.paper.Resize(size)
	y := size.Height * 0.7
	r.guide.Position1, r.guide.Position2 = fyne.NewPos(24, y), fyne.NewPos(size.Width-24, y)
	hs := r.hint.MinSize()
	r.hint.Move(fyne.NewPos((size.Width-hs.Width)/2, y-hs.Height-8))
}

// Refresh adds the segments drawn since the last refresh (or drops them
// all after clear) and hides the hint once something is drawn.
func (r *padRenderer) Refresh() {
	n := 0
	for _, s := range r.pad.strokes {
		n += max(len(s)-1, 0)
	}
	if n < len(r.ink) {
		r.ink = nil
	}
	k := 0
	for _, s := range r.pad.strokes {
		for i := 1; i < len(s); i++ {
			if k >= len(r.ink) {
				l := canvas.NewLine(padInk)
				l.StrokeWidth = padInkWidth
				l.Position1, l.Position2 = s[i-1], s[i]
				r.ink = append(r.ink, l)
			}
			k++
		}
	}
	r.hint.Hidden = !r.pad.empty()
	r.Layout(r.pad.Size())
	canvas.Refresh(r.pad)
}

func (r *padRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.paper, r.guide, r.hint}
	for _, l := range r.ink {
		objs = append(objs, l)
	}
	return objs
}

func (r *padRenderer) Destroy() {}
