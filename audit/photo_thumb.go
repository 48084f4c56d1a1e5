package audit

import (
	"bytes"
	"fmt"
	"image"
)

// Thumbnail decodes a stored photo and shrinks it so its long side is at
// most longSide pixels, for a preview. A stored photo is at most
// PhotoLongSide a side; anything larger is refused before decoding.
func Thumbnail(data []byte, longSide int) (*image.RGBA, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("thumbnail: not an image (%v)", err)
	}
	if cfg.Width > 2*PhotoLongSide || cfg.Height > 2*PhotoLongSide {
		return nil, fmt.Errorf("thumbnail: %dx%d pixels is larger than a stored photo", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("thumbnail: the image is damaged (%v)", err)
	}
	return scaleDown(img, max(longSide, 1)), nil
}
