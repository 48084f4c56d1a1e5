package audit

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func grey(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{128, 128, 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p, err := ProcessPhoto("grey.png", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return p.Data
}

func TestMarkUpDrawsRedAndStoresWithoutMetadata(t *testing.T) {
	orig := grey(t, 400, 300)
	out, err := MarkUp(orig, []Mark{
		{Kind: MarkCircle, Points: []image.Point{{200, 150}, {260, 150}}},
		{Kind: MarkArrow, Points: []image.Point{{20, 20}, {120, 100}}},
		{Kind: MarkFreehand, Points: []image.Point{{300, 250}, {320, 260}, {350, 270}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 400 || b.Dy() != 300 {
		t.Fatalf("marked-up photo is %dx%d, want 400x300", b.Dx(), b.Dy())
	}
	for _, p := range []image.Point{{260, 150}, {70, 60}, {320, 260}} {
		r, g, _, _ := img.At(p.X, p.Y).RGBA()
		if r>>8 < 200 || g>>8 > 60 {
			t.Errorf("pixel %v is not red: r=%d g=%d", p, r>>8, g>>8)
		}
	}
	if r, _, _, _ := img.At(200, 150).RGBA(); r>>8 > 160 {
		t.Error("the circle's centre was painted")
	}
	stored, err := ProcessPhoto("marked.png", out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored.Data)); err != nil || bytes.Contains(stored.Data, []byte("Exif")) {
		t.Fatalf("the stored markup is not a plain JPEG: %v", err)
	}
}

func TestMarkUpRefusesBadMarks(t *testing.T) {
	orig := grey(t, 100, 100)
	for name, marks := range map[string][]Mark{
		"none":         nil,
		"no points":    {{Kind: MarkFreehand}},
		"unknown kind": {{Kind: "star", Points: []image.Point{{1, 1}}}},
		"flat circle":  {{Kind: MarkCircle, Points: []image.Point{{5, 5}, {5, 5}}}},
	} {
		if _, err := MarkUp(orig, marks); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := MarkUp([]byte("not an image"), []Mark{{Kind: MarkFreehand, Points: []image.Point{{1, 1}}}}); err == nil {
		t.Error("a non-image was marked up")
	}
}
