package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/gif" // decoder registration
	"image/jpeg"
	_ "image/png" // decoder registration
	"io"
)

// Photo limits: what a walkthrough device's camera produces, with room to spare.
const (
	MaxPhotoBytes  = 30 << 20   // bytes of the original file
	MaxPhotoPixels = 60_000_000 // width x height of the original, checked before decoding
	PhotoLongSide  = 1600       // stored photos are at most this wide or tall
	photoQuality   = 85
)

// ProcessedPhoto is a photo ready to store: re-encoded as JPEG (which drops
// EXIF and GPS data), turned upright and scaled to PhotoLongSide at most.
type ProcessedPhoto struct {
	Data          []byte
	Width, Height int
	SHA256        string
	Mime          string
}

// ProcessPhoto checks and converts an image file. name is used in errors.
func ProcessPhoto(name string, data []byte) (ProcessedPhoto, error) {
	if len(data) == 0 {
		return ProcessedPhoto{}, fmt.Errorf("photo %s: the file is empty", name)
	}
	if len(data) > MaxPhotoBytes {
		return ProcessedPhoto{}, fmt.Errorf("photo %s: the file is %d MB; the limit is %d MB", name, len(data)>>20, MaxPhotoBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ProcessedPhoto{}, fmt.Errorf("photo %s: the image is damaged or cut off (%v)", name, err)
	}
	if err != nil {
		return ProcessedPhoto{}, fmt.Errorf("photo %s: not a JPEG, PNG or GIF image (%v)", name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return ProcessedPhoto{}, fmt.Errorf("photo %s: %dx%d pixels is too large; the limit is %d megapixels", name, cfg.Width, cfg.Height, MaxPhotoPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return ProcessedPhoto{}, fmt.Errorf("photo %s: the %s image is damaged or cut off (%v)", name, format, err)
	}
	orientation := 1
	if format == "jpeg" {
		orientation = jpegOrientation(data)
	}
	out := scaleDown(orient(toRGBA(img), orientation), PhotoLongSide)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: photoQuality}); err != nil {
		return ProcessedPhoto{}, fmt.Errorf("photo %s: %w", name, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	b := out.Bounds()
	return ProcessedPhoto{Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy(), SHA256: hex.EncodeToString(sum[:]), Mime: "image/jpeg"}, nil
}

func toRGBA(img image.Image) *image.RGBA {
	if rgba, ok := img.(*image.RGBA); ok && rgba.Rect.Min == (image.Point{}) {
		return rgba
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, image.White, image.Point{}, draw.Src) // transparent areas print white
	draw.Draw(out, out.Rect, img, b.Min, draw.Over)
	return out
}

// orient turns the image upright according to an EXIF orientation (1-8).
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			sx, sy := sourcePoint(orientation, x, y, w, h)
			si := src.PixOffset(sx, sy)
			di := dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// sourcePoint maps a pixel of the upright image back to the stored one.
func sourcePoint(orientation, x, y, w, h int) (int, int) {
	switch orientation {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}

// scaleDown shrinks the image so its long side is at most max, averaging
// the source pixels that fall into each target pixel.
func scaleDown(src *image.RGBA, max int) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if w <= max && h <= max {
		return src
	}
	dw, dh := max, h*max/w
	if h > w {
		dw, dh = w*max/h, max
	}
	dw, dh = maxInt(dw, 1), maxInt(dh, 1)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		y0, y1 := y*h/dh, maxInt((y+1)*h/dh, y*h/dh+1)
		for x := 0; x < dw; x++ {
			x0, x1 := x*w/dw, maxInt((x+1)*w/dw, x*w/dw+1)
			averageInto(dst.Pix[dst.PixOffset(x, y):], src, x0, y0, x1, y1)
		}
	}
	return dst
}

func averageInto(px []byte, src *image.RGBA, x0, y0, x1, y1 int) {
	var r, g, b, a, n int
	for sy := y0; sy < y1; sy++ {
		i := src.PixOffset(x0, sy)
		for sx := x0; sx < x1; sx++ {
			r += int(src.Pix[i])
			g += int(src.Pix[i+1])
			b += int(src.Pix[i+2])
			a += int(src.Pix[i+3])
			i += 4
			n++
		}
	}
	px[0], px[1], px[2], px[3] = byte(r/n), byte(g/n), byte(b/n), byte(a/n)
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// jpegOrientation reads the EXIF orientation tag of a JPEG; 1 when absent or unreadable.
func jpegOrientation(data []byte) int {
	exif, err := findExif(data)
	if err != nil {
		return 1
	}
	o, err := exifOrientation(exif)
	if err != nil {
		return 1
	}
	return o
}

var errNoExif = errors.New("no EXIF data")

// findExif walks the JPEG markers up to the image data and returns the EXIF payload (TIFF header onwards).
func findExif(data []byte) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, errNoExif
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return nil, errNoExif
		}
		marker := data[i+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil, errNoExif
		}
		size := int(binary.BigEndian.Uint16(data[i+2:]))
		if size < 2 || i+2+size > len(data) {
			return nil, errNoExif
		}
		segment := data[i+4 : i+2+size]
		if marker == 0xE1 && len(segment) > 6 && string(segment[:6]) == "Exif\x00\x00" {
			return segment[6:], nil
		}
		i += 2 + size
	}
	return nil, errNoExif
}

// exifOrientation reads tag 0x0112 from IFD0 of a TIFF block.
func exifOrientation(tiff []byte) (int, error) {
	if len(tiff) < 8 {
		return 0, errNoExif
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0, errNoExif
	}
	ifd := int(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 0, errNoExif
	}
	count := int(order.Uint16(tiff[ifd:]))
	for k := 0; k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > len(tiff) {
			return 0, errNoExif
		}
		if order.Uint16(tiff[e:]) == 0x0112 {
			v := int(order.Uint16(tiff[e+8:]))
			if v < 1 || v > 8 {
				return 0, errNoExif
			}
			return v, nil
		}
	}
	return 0, errNoExif
}

// Photo is the stored record of a photo; Data is loaded only by PhotoData.
type Photo struct {
	Record
	VisitID, RoomID, ItemID string
	Caption                 string
	Mime                    string
	Width, Height           int
	SHA256                  string
}

// PhotoInput is a photo to attach to a room (and optionally an item) of a visit.
type PhotoInput struct {
	VisitID, RoomID, ItemID string
	Caption                 string
	Name                    string // the original file's name, for messages
	Data                    []byte
}
