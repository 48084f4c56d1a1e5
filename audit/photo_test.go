package audit

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
)

func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{200, 30, 30, 255} // left half red, right half blue
			if x >= w/2 {
				c = color.RGBA{30, 30, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withExif inserts an APP1 EXIF segment carrying an orientation tag and a
// GPS-looking marker string after the JPEG's SOI marker.
func withExif(jpg []byte, orientation uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	ifd := make([]byte, 2+12+4)
	binary.BigEndian.PutUint16(ifd[0:], 1)
	binary.BigEndian.PutUint16(ifd[2:], 0x0112)
	binary.BigEndian.PutUint16(ifd[4:], 3) // SHORT
	binary.BigEndian.PutUint32(ifd[6:], 1)
	binary.BigEndian.PutUint16(ifd[10:], orientation)
	payload := append([]byte("Exif\x00\x00"), append(tiff, ifd...)...)
	payload = append(payload, []byte("GPS 40.7128N 74.0060W")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	return append(append([]byte{0xFF, 0xD8}, seg...), jpg[2:]...)
}

func TestProcessPhotoRotatesScalesAndStripsExif(t *testing.T) {
	src := withExif(testJPEG(t, 3200, 2000), 6) // camera held upright: rotate 90° clockwise
	if jpegOrientation(src) != 6 {
		t.Fatal("test image lost its orientation tag")
	}
	p, err := ProcessPhoto("hdmi.jpg", src)
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 1000 || p.Height != 1600 {
		t.Fatalf("stored %dx%d, want 1000x1600 (upright, long side 1600)", p.Width, p.Height)
	}
	if bytes.Contains(p.Data, []byte("Exif")) || bytes.Contains(p.Data, []byte("GPS 40.7128N")) {
		t.Error("stored photo still carries EXIF/GPS data")
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatal(err)
	}
	// After a clockwise turn the original left (red) half is on top.
	top, bottom := img.At(500, 100), img.At(500, 1500)
	if r, _, b, _ := top.RGBA(); r < b {
		t.Errorf("top of the upright photo is not red: %v", top)
	}
	if r, _, b, _ := bottom.RGBA(); b < r {
		t.Errorf("bottom of the upright photo is not blue: %v", bottom)
	}
	if len(p.SHA256) != 64 {
		t.Errorf("sha256 = %q", p.SHA256)
	}
}

// pngHeader builds a PNG whose IHDR declares w x h pixels and has no data.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func TestProcessPhotoRefusesBadFiles(t *testing.T) {
	good := testJPEG(t, 64, 48)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty.jpg", nil, "empty.jpg: the file is empty"},
		{"notes.jpg", []byte("these are lesson notes, not a photo"), "notes.jpg: not a JPEG, PNG or GIF"},
		{"cut.jpg", good[:len(good)/2], "damaged or cut off"},
		{"huge.png", pngHeader(100000, 100000), "huge.png: 100000x100000 pixels is too large"},
		{"big.jpg", make([]byte, MaxPhotoBytes+1), "the limit is 30 MB"},
	}
	for _, c := range cases {
		_, err := ProcessPhoto(c.name, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func FuzzProcessPhoto(f *testing.F) {
	good := testJPEG(f, 40, 30)
	f.Add(good)
	f.Add(withExif(good, 8))
	f.Add(good[:len(good)/3])
	f.Add(pngHeader(100000, 100000))
	f.Add(pngHeader(1, 1))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x', 'i', 'f'})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ProcessPhoto("fuzz", data)
		if err != nil {
			return
		}
		if p.Width < 1 || p.Height < 1 || p.Width > PhotoLongSide || p.Height > PhotoLongSide {
			t.Fatalf("accepted photo has size %dx%d", p.Width, p.Height)
		}
		if _, err := jpeg.DecodeConfig(bytes.NewReader(p.Data)); err != nil {
			t.Fatalf("stored bytes are not a JPEG: %v", err)
		}
	})
}
