package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ttfFont is what the report needs from a TrueType font file: which runes
// it has glyphs for (from the cmap table, formats 4 and 12) and how wide
// they are (from hmtx), in thousandths of the font size.
type ttfFont struct {
	bmp        []uint16 // glyph id per Basic Multilingual Plane rune; 0 = none
	astral     []runeRange
	widths     []uint16 // per glyph, thousandths of an em
	numGlyphs  int
	unitsPerEm int
}

// runeRange is an inclusive range of runes.
type runeRange struct{ lo, hi rune }

// tablesNeeded are the tables the PDF writer reads when it embeds a font.
var tablesNeeded = []string{"cmap", "head", "hhea", "hmtx", "maxp", "loca", "glyf", "name", "post", "OS/2"}

// parseTTF reads the tables of a TrueType font. It refuses TrueType
// collections (.ttc) and CFF-flavoured OpenType (.otf), which the PDF
// writer cannot embed.
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
	f := &ttfFont{bmp: make([]uint16, 0x10000)}
	if err := f.readMetrics(tables); err != nil {
		return nil, err
	}
	if err := f.readCmap(tables["cmap"]); err != nil {
		return nil, err
	}
	return f, nil
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

// readMetrics reads units per em, the glyph count and the advance widths.
func (f *ttfFont) readMetrics(tables map[string][]byte) error {
	head, hhea, maxp, hmtx := tables["head"], tables["hhea"], tables["maxp"], tables["hmtx"]
	if len(head) < 20 || len(hhea) < 36 || len(maxp) < 6 {
		return errors.New("font head, hhea or maxp table is cut off")
	}
	f.unitsPerEm = int(binary.BigEndian.Uint16(head[18:]))
	if f.unitsPerEm < 16 || f.unitsPerEm > 16384 {
		return fmt.Errorf("font has %d units per em; expected 16 to 16384", f.unitsPerEm)
	}
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	metrics := int(binary.BigEndian.Uint16(hhea[34:]))
	if metrics == 0 || metrics > f.numGlyphs || len(hmtx) < 4*metrics {
		return fmt.Errorf("font hmtx table holds fewer than the %d metrics hhea promises", metrics)
	}
	f.widths = make([]uint16, f.numGlyphs)
	scale := 1000 / float64(f.unitsPerEm)
	var adv uint16
	for g := range f.widths {
		if g < metrics {
			adv = binary.BigEndian.Uint16(hmtx[4*g:])
		}
		f.widths[g] = uint16(min(math.Round(scale*float64(adv)), 65535))
	}
	return nil
}

// readCmap merges every Unicode subtable of format 4 or 12.
func (f *ttfFont) readCmap(cmap []byte) error {
	if len(cmap) < 4 {
		return errors.New("font cmap table is cut off")
	}
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	if 4+8*n > len(cmap) {
		return errors.New("font cmap table lists more subtables than it holds")
	}
	found := false
	for i := 0; i < n; i++ {
		rec := cmap[4+8*i:]
		platform, encoding := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		off := int64(binary.BigEndian.Uint32(rec[4:]))
		if !unicodeSubtable(platform, encoding) || off+2 > int64(len(cmap)) {
			continue
		}
		sub := cmap[off:]
		var err error
		switch binary.BigEndian.Uint16(sub) {
		case 4:
			err, found = f.readFormat4(sub), true
		case 12:
			err, found = f.readFormat12(sub), true
		}
		if err != nil {
			return err
		}
	}
	if !found {
		return errors.New("font has no Unicode character map (cmap format 4 or 12)")
	}
	return nil
}

func unicodeSubtable(platform, encoding uint16) bool {
	return platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
}

// readFormat4 reads a segment-mapping subtable (the BMP).
func (f *ttfFont) readFormat4(sub []byte) error {
	if len(sub) < 14 {
		return errors.New("font cmap format 4 subtable is cut off")
	}
	segs := int(binary.BigEndian.Uint16(sub[6:])) / 2
	ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
	if ranges+2*segs > len(sub) {
		return errors.New("font cmap format 4 subtable is cut off")
	}
	u16 := func(at int) int { return int(binary.BigEndian.Uint16(sub[at:])) }
	prevEnd := -1
	for i := 0; i < segs; i++ {
		start, end := u16(starts+2*i), u16(ends+2*i)
		if start > end || start <= prevEnd {
			return fmt.Errorf("font cmap format 4 segment %d (%#x-%#x) is out of order", i, start, end)
		}
		prevEnd = end
		delta, rangeOff := u16(deltas+2*i), u16(ranges+2*i)
		for c := start; c <= end && c < 0xFFFF; c++ {
			g := (c + delta) & 0xFFFF
			if rangeOff != 0 {
				at := ranges + 2*i + rangeOff + 2*(c-start)
				if at+2 > len(sub) {
					return fmt.Errorf("font cmap format 4 segment %d points outside the table", i)
				}
				if g = u16(at); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			f.setGlyph(rune(c), g)
		}
	}
	return nil
}

// readFormat12 reads a segmented-coverage subtable (all planes).
func (f *ttfFont) readFormat12(sub []byte) error {
	if len(sub) < 16 {
		return errors.New("font cmap format 12 subtable is cut off")
	}
	groups := int64(binary.BigEndian.Uint32(sub[12:]))
	if 16+12*groups > int64(len(sub)) {
		return errors.New("font cmap format 12 subtable is cut off")
	}
	prevEnd := int64(-1)
	for i := int64(0); i < groups; i++ {
		g := sub[16+12*i:]
		start, end := int64(binary.BigEndian.Uint32(g)), int64(binary.BigEndian.Uint32(g[4:]))
		glyph := int64(binary.BigEndian.Uint32(g[8:]))
		if start > end || start <= prevEnd || end > 0x10FFFF {
			return fmt.Errorf("font cmap format 12 group %d (%#x-%#x) is out of order", i, start, end)
		}
		prevEnd = end
		f.addGroup(rune(start), rune(end), glyph)
	}
	return nil
}

func (f *ttfFont) addGroup(start, end rune, glyph int64) {
	if end > 0xFFFF {
		f.astral = append(f.astral, runeRange{max(start, 0x10000), end})
		end = 0xFFFF
	}
	for c := start; c <= end; c++ {
		f.setGlyph(c, int(glyph+int64(c-start)))
	}
}

// setGlyph records a mapping, ignoring glyph ids the font does not have.
func (f *ttfFont) setGlyph(r rune, g int) {
	if g > 0 && g < f.numGlyphs && r < 0x10000 {
		f.bmp[r] = uint16(g)
	}
}

// covers reports whether the font has a glyph for r.
func (f *ttfFont) covers(r rune) bool {
	if r >= 0 && r < 0x10000 {
		return f.bmp[r] != 0
	}
	for _, rr := range f.astral {
		if r >= rr.lo && r <= rr.hi {
			return true
		}
	}
	return false
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
