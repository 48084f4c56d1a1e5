package audit

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// MarkKind is a shape drawn on a photo to point at a problem.
type MarkKind string

// The shapes of a markup.
const (
	MarkCircle   MarkKind = "circle"   // centred on the first point, through the last
	MarkArrow    MarkKind = "arrow"    // from the first point to the last, head at the last
	MarkFreehand MarkKind = "freehand" // through every point
)

// Mark is one shape in photo pixels.
type Mark struct {
	Kind   MarkKind
	Points []image.Point
}

// Markup limits: marks a person draws by hand.
const (
	maxMarks      = 200
	maxMarkPoints = 5000
)

// markRed is the colour of every mark: it reads on most photos and prints
// dark in black and white.
var markRed = color.RGBA{R: 0xe0, G: 0x10, B: 0x10, A: 0xff}

// MarkUp draws the marks in red on a stored photo and returns the result as
// PNG, to be stored as a new photo with AddPhoto (which re-encodes it, so
// no metadata survives). The original photo is left as it was.
func MarkUp(data []byte, marks []Mark) ([]byte, error) {
	if len(marks) == 0 {
		return nil, errors.New("markup: nothing is drawn")
	}
	if len(marks) > maxMarks {
		return nil, fmt.Errorf("markup: %d marks; at most %d", len(marks), maxMarks)
	}
	src, err := Thumbnail(data, PhotoLongSide)
	if err != nil {
		return nil, fmt.Errorf("markup: %w", err)
	}
	img := src
	b := img.Bounds()
	width := max(3, max(b.Dx(), b.Dy())/150)
	for i, m := range marks {
		if len(m.Points) == 0 || len(m.Points) > maxMarkPoints {
			return nil, fmt.Errorf("markup: mark %d has %d points; 1 to %d", i+1, len(m.Points), maxMarkPoints)
		}
		if err := drawMark(img, m, width); err != nil {
			return nil, fmt.Errorf("markup: mark %d: %w", i+1, err)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("markup: %w", err)
	}
	return buf.Bytes(), nil
}

func drawMark(img *image.RGBA, m Mark, width int) error {
	first, last := m.Points[0], m.Points[len(m.Points)-1]
	switch m.Kind {
	case MarkFreehand:
		for i := 1; i < len(m.Points); i++ {
			line(img, m.Points[i-1], m.Points[i], width)
		}
		dot(img, first, width)
	case MarkArrow:
		line(img, first, last, width)
		dx, dy := float64(first.X-last.X), float64(first.Y-last.Y)
		n := math.Hypot(dx, dy)
		if n == 0 {
			return errors.New("an arrow needs two different points")
		}
		head := math.Max(float64(width)*5, n/4)
		for _, turn := range []float64{math.Pi / 7, -math.Pi / 7} {
			c, s := math.Cos(turn), math.Sin(turn)
			p := image.Pt(last.X+int(head*(dx*c-dy*s)/n), last.Y+int(head*(dx*s+dy*c)/n))
			line(img, last, p, width)
		}
	case MarkCircle:
		r := math.Hypot(float64(last.X-first.X), float64(last.Y-first.Y))
		if r < 1 {
			return errors.New("a circle needs two different points")
		}
		steps := max(24, int(r))
		prev := image.Pt(first.X+int(r), first.Y)
		for k := 1; k <= steps; k++ {
			a := 2 * math.Pi * float64(k) / float64(steps)
			p := image.Pt(first.X+int(r*math.Cos(a)), first.Y+int(r*math.Sin(a)))
			line(img, prev, p, width)
			prev = p
		}
	default:
		return fmt.Errorf("unknown kind %q", m.Kind)
	}
	return nil
}

// line stamps dots of the given width from a to b.
func line(img *image.RGBA, a, b image.Point, width int) {
	n := max(abs(b.X-a.X), abs(b.Y-a.Y))
	for i := 0; i <= n; i++ {
		t := 0.0
		if n > 0 {
			t = float64(i) / float64(n)
		}
		dot(img, image.Pt(a.X+int(t*float64(b.X-a.X)), a.Y+int(t*float64(b.Y-a.Y))), width)
	}
}

// dot paints a filled disc of the given diameter, clipped to the image.
func dot(img *image.RGBA, c image.Point, width int) {
	r := width / 2
	for y := c.Y - r; y <= c.Y+r; y++ {
		for x := c.X - r; x <= c.X+r; x++ {
			if (x-c.X)*(x-c.X)+(y-c.Y)*(y-c.Y) <= r*r && image.Pt(x, y).In(img.Rect) {
				img.SetRGBA(x, y, markRed)
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
