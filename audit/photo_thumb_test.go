package audit

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestThumbnail(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 400, 200))
	for x := 0; x < 400; x++ {
		for y := 0; y < 200; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 40, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p, err := ProcessPhoto("room.png", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	th, err := Thumbnail(p.Data, 96)
	if err != nil {
		t.Fatal(err)
	}
	if b := th.Bounds(); b.Dx() != 96 || b.Dy() != 48 {
		t.Fatalf("thumbnail is %dx%d, want 96x48", b.Dx(), b.Dy())
	}
	if _, err := Thumbnail([]byte("not an image"), 96); err == nil {
		t.Fatal("a non-image made a thumbnail")
	}
}
