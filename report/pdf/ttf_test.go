package pdf

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"

	"techwalk/assets"
)

func TestParseTTFEmbeddedFonts(t *testing.T) {
	for name, data := range map[string][]byte{"regular": assets.NotoSansRegular, "bold": assets.NotoSansBold} {
		f, err := parseTTF(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range "AzÑñễịđŁłØ€“”—" {
			if !f.covers(r) || f.width(r) == 0 {
				t.Errorf("%s: Noto Sans should print %q (covers %v, width %d)", name, r, f.covers(r), f.width(r))
			}
		}
		for _, r := range "王芳東京✓\U0001F600" {
			if f.covers(r) {
				t.Errorf("%s: Noto Sans claims %q, which it lacks", name, r)
			}
		}
		if !f.covers(placeholder) {
			t.Errorf("%s: the placeholder %q is not printable", name, placeholder)
		}
	}
}

// TestWidthsMatchThePDFWriter checks that text measured by the report is as
// wide as the PDF writer prints it, so right-aligned text and wrapping are exact.
func TestWidthsMatchThePDFWriter(t *testing.T) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("n", "", assets.NotoSansRegular)
	pdf.AddUTF8FontFromBytes("b", "", assets.NotoSansBold)
	fs := &fontSet{}
	var err error
	if fs.regular, err = newFace("n", assets.NotoSansRegular); err != nil {
		t.Fatal(err)
	}
	if fs.bold, err = newFace("b", assets.NotoSansBold); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Nguyễn Thị Hoa", "José Muñoz — “HDMI”", "W", "Room 101 · 93"} {
		for _, st := range []style{{size: 10}, {size: 24, bold: true}} {
			pdf.SetFont(map[bool]string{false: "n", true: "b"}[st.bold], "", st.size)
			want, got := pdf.GetStringWidth(s), fs.width(s, st)
			if diff := want - got; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("%q at %v: report measures %.4f mm, the PDF writer %.4f mm", s, st, got, want)
			}
		}
	}
}

func TestParseTTFRefusesWhatCannotBeEmbedded(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want string
	}{
		"collection": {append([]byte("ttcf"), make([]byte, 20)...), ".ttc"},
		"cff":        {append([]byte("OTTO"), make([]byte, 20)...), ".otf"},
		"short":      {[]byte{0, 1, 0}, "too short"},
		"text":       {[]byte("hello, this is not a font at all"), "not a TrueType"},
		"truncated":  {assets.NotoSansRegular[:4000], ""},
		"no tables":  {[]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "no \"cmap\" table"},
	}
	for name, tc := range cases {
		_, err := parseTTF(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v; want one containing %q", name, err, tc.want)
		}
	}
}

// cmapFont reads a cmap table holding just the given subtable.
func cmapFont(numGlyphs int, subtable []byte) (*ttfFont, error) {
	f := &ttfFont{bmp: make([]uint16, 0x10000), numGlyphs: numGlyphs}
	cmap := be16(0, 1, 3, 10)
	cmap = append(cmap, be32(12)...)
	return f, f.readCmap(append(cmap, subtable...))
}

func be16(vs ...int) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint16(b, uint16(v))
	}
	return b
}

func be32(vs ...int) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return b
}

func TestCmapFormat4(t *testing.T) {
	// Two segments: 'A'-'C' by delta to glyphs 1-3; 'x'-'y' through the
	// glyph array to glyphs 7 and 0 (none); then the 0xFFFF terminator.
	sub := be16(4, 0, 0, 6, 0, 0, 0)
	sub = append(sub, be16('C', 'y', 0xFFFF, 0, 'A', 'x', 0xFFFF)...)
	sub = append(sub, be16(1-'A'+0x10000, 0, 1)...)
	sub = append(sub, be16(0, 4, 0)...) // idRangeOffset: segment 2 points 4 bytes on, to the glyph array
	sub = append(sub, be16(7, 0)...)
	f, err := cmapFont(10, sub)
	if err != nil {
		t.Fatal(err)
	}
	for r, g := range map[rune]uint16{'A': 1, 'B': 2, 'C': 3, 'D': 0, 'x': 7, 'y': 0, 0xFFFF: 0} {
		if f.bmp[r] != g {
			t.Errorf("%q maps to glyph %d; want %d", r, f.bmp[r], g)
		}
	}
}

func TestCmapFormat12(t *testing.T) {
	sub := be16(12, 0)
	sub = append(sub, be32(0, 0, 2)...)
	sub = append(sub, be32(0x4E00, 0x4E02, 5)...)
	sub = append(sub, be32(0x1F600, 0x1F601, 8)...)
	f, err := cmapFont(10, sub)
	if err != nil {
		t.Fatal(err)
	}
	if f.bmp[0x4E00] != 5 || f.bmp[0x4E02] != 7 || f.bmp[0x4E03] != 0 {
		t.Errorf("BMP group mapped to %d, %d, %d; want 5, 7, 0", f.bmp[0x4E00], f.bmp[0x4E02], f.bmp[0x4E03])
	}
	if !f.covers(0x1F600) || f.covers(0x1F602) {
		t.Error("astral group coverage is wrong")
	}
}

func TestCmapRefusesOverlapsAndOverruns(t *testing.T) {
	overlap := be16(12, 0)
	overlap = append(overlap, be32(0, 0, 2)...)
	overlap = append(overlap, be32(0x100, 0x200, 1, 0x150, 0x160, 1)...)
	if _, err := cmapFont(10, overlap); err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Errorf("overlapping groups: error %v", err)
	}
	short := be16(12, 0)
	short = append(short, be32(0, 0, 1000)...)
	if _, err := cmapFont(10, short); err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Errorf("groups beyond the table: error %v", err)
	}
	if _, err := cmapFont(10, be16(6, 0)); err == nil || !strings.Contains(err.Error(), "no Unicode") {
		t.Errorf("only an unsupported format: error %v", err)
	}
}

// FuzzParseTTF feeds the font reader damaged fonts: it must return an
// error or a font whose lookups stay in bounds, never panic.
func FuzzParseTTF(f *testing.F) {
	for _, font := range [][]byte{assets.NotoSansRegular, assets.NotoSansBold} {
		f.Add(font)
		for _, n := range []int{0, 11, 12, 100, 1000, len(font) / 2, len(font) - 1} {
			f.Add(font[:n])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		font, err := parseTTF(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, r := range []rune{-1, 0, 'A', 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF, 0x110000} {
			if w := font.width(r); w < 0 || (w > 0 && !font.covers(r)) {
				t.Fatalf("rune %#x: width %d, covered %v", r, w, font.covers(r))
			}
		}
		for r := rune(0); r < 0x10000; r++ {
			if g := font.bmp[r]; int(g) >= font.numGlyphs && g != 0 {
				t.Fatalf("rune %#x maps to glyph %d of %d", r, g, font.numGlyphs)
			}
		}
	})
}
