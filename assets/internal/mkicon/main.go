// Command mkicon draws TechWalk's app icon: a white clipboard with a green
// check mark on a deep-blue rounded square. Shapes are signed-distance
// functions, so edges are anti-aliased at any size without extra packages.
//
//	go run ./assets/internal/mkicon -o assets/icon.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
)

// shape is a signed distance in pixels: negative inside, positive outside.
type shape func(x, y float64) float64

// mask turns a shape into an anti-aliased alpha mask: a pixel is covered by
// the part of it inside the shape's edge.
type mask struct {
	size int
	sdf  shape
}

func (m mask) ColorModel() color.Model { return color.AlphaModel }
func (m mask) Bounds() image.Rectangle { return image.Rect(0, 0, m.size, m.size) }
func (m mask) At(x, y int) color.Color {
	d := m.sdf(float64(x)+0.5, float64(y)+0.5)
	a := math.Max(0, math.Min(1, 0.5-d))
	return color.Alpha{A: uint8(math.Round(a * 255))}
}

// roundRect is a rectangle from (x0,y0) to (x1,y1) with corner radius r.
func roundRect(x0, y0, x1, y1, r float64) shape {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2, (y1-y0)/2
	return func(x, y float64) float64 {
		qx := math.Abs(x-cx) - hx + r
		qy := math.Abs(y-cy) - hy + r
		outside := math.Hypot(math.Max(qx, 0), math.Max(qy, 0))
		inside := math.Min(math.Max(qx, qy), 0)
		return outside + inside - r
	}
}

// stroke is a polyline of the given width with round ends and joins.
func stroke(width float64, pts ...[2]float64) shape {
	return func(x, y float64) float64 {
		best := math.Inf(1)
		for i := 0; i+1 < len(pts); i++ {
			ax, ay := pts[i][0], pts[i][1]
			bx, by := pts[i+1][0], pts[i+1][1]
			dx, dy := bx-ax, by-ay
			t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
			t = math.Max(0, math.Min(1, t))
			best = math.Min(best, math.Hypot(x-(ax+t*dx), y-(ay+t*dy)))
		}
		return best - width/2
	}
}

// scale maps a shape designed on a 512-pixel canvas to a canvas of size px.
func scale(s shape, size int) shape {
	k := 512 / float64(size)
	return func(x, y float64) float64 { return s(x*k, y*k) / k }
}

func drawIcon(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	var (
		blue  = color.NRGBA{0x1E, 0x40, 0xAF, 0xFF}
		navy  = color.NRGBA{0x17, 0x25, 0x54, 0xFF}
		white = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
		green = color.NRGBA{0x16, 0xA3, 0x4A, 0xFF}
	)
	layers := []struct {
		c color.Color
		s shape
	}{
		{blue, roundRect(16, 16, 496, 496, 104)},                                              // tile
		{white, roundRect(128, 104, 384, 448, 32)},                                            // board
		{white, roundRect(188, 64, 324, 148, 28)},                                             // clip, white rim
		{navy, roundRect(202, 78, 310, 134, 16)},                                              // clip, inside
		{green, stroke(44, [2]float64{188, 292}, [2]float64{240, 346}, [2]float64{332, 224})}, // check
	}
	for _, l := range layers {
		m := mask{size: size, sdf: scale(l.s, size)}
		draw.DrawMask(img, img.Bounds(), image.NewUniform(l.c), image.Point{}, m, image.Point{}, draw.Over)
	}
	return img
}

func main() {
	out := flag.String("o", "icon.png", "where to write the PNG")
	size := flag.Int("size", 512, "width and height in pixels")
	flag.Parse()
	if *size < 16 || *size > 4096 {
		fmt.Fprintln(os.Stderr, "mkicon: -size must be 16 to 4096")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkicon:", err)
		os.Exit(1)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, drawIcon(*size)); err != nil {
		f.Close()
		fmt.Fprintln(os.Stderr, "mkicon:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "mkicon:", err)
		os.Exit(1)
	}
}
