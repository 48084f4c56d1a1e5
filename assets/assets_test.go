package assets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"testing"
)

func TestIconIsA512PNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("icon is %dx%d, want 512x512", b.Dx(), b.Dy())
	}
	// Corners are transparent (rounded tile), the centre of the tile edge is
	// the deep blue, and the middle of the clipboard is white.
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Errorf("corner alpha = %d, want transparent", a)
	}
	if r, g, b, a := img.At(40, 256).RGBA(); a != 0xffff || b>>8 < 0xA0 || r>>8 > 0x40 || g>>8 > 0x50 {
		t.Errorf("tile edge = %d,%d,%d,%d, want deep blue", r>>8, g>>8, b>>8, a>>8)
	}
	if r, g, b, _ := img.At(256, 420).RGBA(); r>>8 != 0xff || g>>8 != 0xff || b>>8 != 0xff {
		t.Errorf("clipboard = %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

func TestDefaultTemplateIsJSONObject(t *testing.T) {
	var v map[string]any
	if err := json.Unmarshal(DefaultTemplateJSON, &v); err != nil {
		t.Fatalf("%s: %v", DefaultTemplateFile, err)
	}
	if v["id"] != "k12-classroom" {
		t.Errorf("id = %v", v["id"])
	}
}
