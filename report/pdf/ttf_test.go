package pdf

import (
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
