package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// ttfFont is what the report needs from a TrueType font file: which runes
// it has glyphs for and how wide they are, in thousandths of the font size.
// golang.org/x/image/font/sfnt reads the cmap and hmtx tables.
type ttfFont struct {
	sfnt      *sfnt.Font
	bmp       []uint16 // glyph id per Basic Multilingual Plane rune; 0 = none
	widths    []uint16 // per glyph, thousandths of an em
	numGlyphs int
}

// tablesNeeded are the tables the PDF writer reads when it embeds a font.
var tablesNeeded = []string{"cmap", "head", "hhea", "hmtx", "maxp", "loca", "glyf", "name", "post", "OS/2"}

// parseTTF reads a TrueType font. It refuses TrueType collections (.ttc),
// CFF-flavoured OpenType (.otf) and fonts lacking a table the PDF writer
// needs, none of which it can embed.
func parseTTF(data []byte) (*ttfFont, error) {
	tables, err := ttfTables(data)
	if err != nil {
		return nil, err
	}
	for _, name := range tablesNeeded {
		if tables[name] == nil {
			return nil, fmt.Errorf("font has no %q table", name)
		}
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("font cannot be read: %w", err)
	}
	f := &ttfFont{sfnt: sf, numGlyphs: sf.NumGlyphs()}
	if err := f.readWidths(); err != nil {
		return nil, err
	}
	return f, f.readBMP()
}

// ttfTables splits the font file into its tables by tag.
func ttfTables(data []byte) (map[string][]byte, error) {
	if len(data) < 12 {
		return nil, errors.New("font file is too short to be a TrueType font")
	}
	switch string(data[:4]) {
	case "ttcf":
		return nil, errors.New("font file is a TrueType collection (.ttc), which cannot be embedded; use a single .ttf")
	case "OTTO":
		return nil, errors.New("font file is OpenType with CFF outlines (.otf), which cannot be embedded; use a .ttf")
	case "\x00\x01\x00\x00", "true":
	default:
		return nil, errors.New("font file is not a TrueType font")
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if 12+16*n > len(data) {
		return nil, fmt.Errorf("font table directory lists %d tables but the file is cut off", n)
	}
	tables := make(map[string][]byte, n)
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		off, length := uint64(binary.BigEndian.Uint32(rec[8:])), uint64(binary.BigEndian.Uint32(rec[12:]))
		if off+length > uint64(len(data)) {
			return nil, fmt.Errorf("font table %q lies outside the file", rec[:4])
		}
		tables[string(rec[:4])] = data[off : off+length]
	}
	return tables, nil
}

// readWidths reads every glyph's advance width, in thousandths of an em.
func (f *ttfFont) readWidths() error {
	upem := int(f.sfnt.UnitsPerEm())
	if upem < 16 || upem > 16384 {
		return fmt.Errorf("font has %d units per em; expected 16 to 16384", upem)
	}
	var buf sfnt.Buffer
	f.widths = make([]uint16, f.numGlyphs)
	scale := 1000 / float64(upem)
	for g := range f.widths {
		// At one pixel per font unit the advance is in font units.
		adv, err := f.sfnt.GlyphAdvance(&buf, sfnt.GlyphIndex(g), fixed.I(upem), font.HintingNone)
		if err != nil {
			return fmt.Errorf("font width of glyph %d cannot be read: %w", g, err)
		}
		f.widths[g] = uint16(min(math.Round(scale*float64(adv.Round())), 65535))
	}
	return nil
}

// readBMP records the glyph of every rune of the Basic Multilingual Plane.
func (f *ttfFont) readBMP() error {
	var buf sfnt.Buffer
	f.bmp = make([]uint16, 0x10000)
	for r := range rune(0xFFFF) {
		g, err := f.sfnt.GlyphIndex(&buf, r)
		if err != nil {
			return fmt.Errorf("font character map cannot be read at %U: %w", r, err)
		}
		if int(g) < f.numGlyphs {
			f.bmp[r] = uint16(g)
		}
	}
	return nil
}

// covers reports whether the font has a glyph for r.
func (f *ttfFont) covers(r rune) bool {
	if r >= 0 && r < 0x10000 {
		return f.bmp[r] != 0
	}
	if r < 0 || r > 0x10FFFF {
		return false
	}
	g, err := f.sfnt.GlyphIndex(nil, r)
	return err == nil && g != 0 && int(g) < f.numGlyphs
}

// width is the advance of r in thousandths of the font size; 0 when the
// font lacks r.
func (f *ttfFont) width(r rune) int {
	if r < 0 || r >= 0x10000 {
		return 0
	}
	return int(f.widths[f.bmp[r]]) * boolInt(f.bmp[r] != 0)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
