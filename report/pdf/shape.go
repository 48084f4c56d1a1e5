package pdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"
)

// Scripts that join letters (Arabic), reorder them (Devanagari), stack
// marks (Thai) or run right to left (Hebrew) are shaped with HarfBuzz's
// rules, which choose the glyphs and place them. The PDF writer can only
// print characters of its fonts' character maps, and contextual forms have
// no character, so each shaped glyph is printed through a "glyph page": a
// copy of the font whose character map sends the private use area
// U+E000-U+F8FF to its glyphs, 6,400 at a time. Each cluster of glyphs
// carries the characters it stands for as /ActualText, so copying or
// extracting the text gives the characters, not the private use codes.
const (
	puaFirst      = 0xE000
	glyphPageSize = 0xF900 - puaFirst
)

// shapedGlyph is a glyph placed by the shaper; offsets and advance are in
// thousandths of the font size, dy upwards.
type shapedGlyph struct {
	id          int
	dx, dy, adv float64
}

// cluster is glyphs that stand together for some characters.
type cluster struct {
	text   string // the characters, as extraction should see them
	glyphs []shapedGlyph
}

// needsShaping reports whether r belongs to a script the shaper must lay
// out: right-to-left and complex scripts, and characters beyond the Basic
// Multilingual Plane (emoji), which only glyph pages can print.
func needsShaping(r rune) bool {
	switch {
	case r >= 0x10000:
		return true
	case r >= 0x0590 && r < 0x1100: // Hebrew, Arabic, Syriac, Thaana, N'Ko, Indic, Sinhala, Thai, Lao, Tibetan, Myanmar
		return true
	case r >= 0x1780 && r < 0x18B0: // Khmer, Mongolian
		return true
	case r >= 0xFB1D && r < 0xFE00, r >= 0xFE70 && r < 0xFF00: // Hebrew and Arabic presentation forms
		return true
	}
	return false
}

// rightToLeft reports whether r is a strong right-to-left character.
func rightToLeft(r rune) bool {
	p, _ := bidi.LookupRune(r)
	return p.Class() == bidi.R || p.Class() == bidi.AL
}

// ignorable reports whether r is invisible by itself (joiners, variation
// selectors): it goes with the run before it, or is dropped at its start.
func ignorable(r rune) bool {
	return r == 0x200C || r == 0x200D || unicode.Is(unicode.Variation_Selector, r)
}

// directionControl reports whether r is a bidi mark or embedding, used by
// the ordering and not printed.
func directionControl(r rune) bool {
	return r == 0x200E || r == 0x200F || r == 0x061C || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// dirRun is a stretch of a line with one direction, in logical order.
type dirRun struct {
	text string
	rtl  bool
}

// bidiRuns splits a line into runs of one direction, in visual order
// (the Unicode bidirectional algorithm, in a left-to-right paragraph: the
// report is written in English). Right-to-left runs, with the numbers and
// punctuation between them, are laid out from the right. Text without
// right-to-left characters is one left-to-right run.
func bidiRuns(s string) []dirRun {
	if !strings.ContainsFunc(s, rightToLeft) {
		return []dirRun{{s, false}}
	}
	// A left-to-right mark first makes the paragraph left to right; the
	// mark itself is not printed.
	var p bidi.Paragraph
	if _, err := p.SetString("\u200e" + s); err != nil {
		return []dirRun{{s, false}}
	}
	o, err := p.Order()
	if err != nil {
		return []dirRun{{s, false}}
	}
	logical := make([]dirRun, 0, o.NumRuns())
	for i := range o.NumRuns() {
		r := o.Run(i)
		text := r.String()
		if i == 0 {
			text = strings.TrimPrefix(text, "\u200e")
		}
		if text != "" {
			logical = append(logical, dirRun{text, r.Direction() == bidi.RightToLeft})
		}
	}
	out := make([]dirRun, 0, len(logical))
	for i := 0; i < len(logical); {
		if !logical[i].rtl {
			out = append(out, logical[i])
			i++
			continue
		}
		last := i
		for j := i + 1; j < len(logical) && (logical[j].rtl || !strings.ContainsFunc(logical[j].text, leftToRight)); j++ {
			if logical[j].rtl {
				last = j
			}
		}
		group := slices.Clone(logical[i : last+1])
		slices.Reverse(group)
		out = append(out, group...)
		i = last + 1
	}
	return out
}

// leftToRight reports whether r is a strong left-to-right character.
func leftToRight(r rune) bool {
	p, _ := bidi.LookupRune(r)
	return p.Class() == bidi.L
}

// scriptOf is the first script of text that is not common or inherited.
func scriptOf(text []rune) language.Script {
	for _, r := range text {
		if s := language.LookupScript(r); s != language.Common && s != language.Inherited {
			return s
		}
	}
	return language.Common
}

// shaperFace parses the face for the shaper once; nil when it cannot.
func (fs *fontSet) shaperFace(f *face) *font.Face {
	if f.shaper == nil && !f.noShaper {
		sf, err := font.ParseTTF(bytes.NewReader(f.data))
		if err != nil {
			fs.warn(fmt.Sprintf("font %s cannot be shaped: %v", f.family, err))
			f.noShaper = true
			return nil
		}
		f.shaper = sf
	}
	return f.shaper
}

// shape lays text out in face f; false when the face cannot be shaped. For
// right-to-left text the clusters come in visual order.
func (fs *fontSet) shape(f *face, text string, rtl bool) ([]cluster, int, bool) {
	sf := fs.shaperFace(f)
	if sf == nil {
		return nil, 0, false
	}
	runes := []rune(text)
	dir := di.DirectionLTR
	if rtl {
		dir = di.DirectionRTL
	}
	out := fs.shaper.Shape(shaping.Input{Text: runes, RunEnd: len(runes), Direction: dir, Face: sf,
		Size: fixed.I(1000), Script: scriptOf(runes)})
	var clusters []cluster
	total := 0.0
	for i := 0; i < len(out.Glyphs); {
		g := out.Glyphs[i]
		n := max(g.GlyphCount, 1)
		c := cluster{text: clusterText(runes, g.ClusterIndex, g.RuneCount, rtl)}
		for _, gl := range out.Glyphs[i:min(i+n, len(out.Glyphs))] {
			sg := shapedGlyph{id: int(gl.GlyphID), dx: fixedF(gl.XOffset), dy: fixedF(gl.YOffset), adv: fixedF(gl.XAdvance)}
			c.glyphs = append(c.glyphs, sg)
			total += sg.adv
		}
		clusters = append(clusters, c)
		i += n
	}
	return clusters, int(total + 0.5), true
}

// clusterText is the characters of a cluster. Text extraction places a
// cluster's characters left to right across its glyphs and reads
// right-to-left text from the right, so a right-to-left cluster of several
// characters (the lam-alef ligature) lists them in visual order.
func clusterText(runes []rune, at, n int, rtl bool) string {
	if at < 0 || at >= len(runes) {
		return ""
	}
	c := slices.Clone(runes[at:min(at+max(n, 1), len(runes))])
	if rtl {
		slices.Reverse(c)
	}
	return string(c)
}

func fixedF(v fixed.Int26_6) float64 { return float64(v) / 64 }

// drawShaped prints a shaped run with its pen starting at x on baseline y.
func (fs *fontSet) drawShaped(x, y float64, r run, st style) {
	scale := st.size * mmPerPt / 1000
	for _, c := range r.clusters {
		fs.pdf.RawWriteStr("/Span <</ActualText " + pdfTextString(c.text) + ">> BDC")
		for _, g := range c.glyphs {
			if g.id > 0 && g.id < r.face.ttf.numGlyphs {
				if family, ok := fs.glyphPage(r.face, g.id/glyphPageSize); ok {
					fs.pdf.SetFont(family, "", st.size)
					fs.pdf.Text(x+g.dx*scale, y-g.dy*scale, string(rune(puaFirst+g.id%glyphPageSize)))
				}
			}
			x += g.adv * scale
		}
		fs.pdf.RawWriteStr("EMC")
	}
}

// pdfTextString is s as a PDF text string in UTF-16 hex.
func pdfTextString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// glyphPage registers, once, the copy of f that maps the private use area
// to glyphs page*glyphPageSize onwards, and returns its family.
func (fs *fontSet) glyphPage(f *face, page int) (string, bool) {
	if family, ok := f.pages[page]; ok {
		return family, family != ""
	}
	if f.pages == nil {
		f.pages = map[int]string{}
	}
	first := page * glyphPageSize
	data, err := withCmap(f.data, pageCmap(first, min(glyphPageSize, f.ttf.numGlyphs-first)))
	pf := &face{family: fmt.Sprintf("%s-g%d", f.family, page), data: data}
	if err == nil {
		err = fs.add(pf)
	}
	if err != nil {
		fs.warn(fmt.Sprintf("font %s: shaped text cannot be printed: %v", f.family, err))
		f.pages[page] = ""
		return "", false
	}
	f.pages[page] = pf.family
	return pf.family, true
}

// pageCmap is a cmap table whose one format 4 subtable (Windows Unicode)
// maps U+E000 onwards to n glyphs starting at first.
func pageCmap(first, n int) []byte {
	segs := [][3]int{{puaFirst, puaFirst + n - 1, (first - puaFirst) & 0xFFFF}, {0xFFFF, 0xFFFF, 1}}
	var sub []byte
	u16 := func(v int) { sub = binary.BigEndian.AppendUint16(sub, uint16(v)) }
	segX2 := 2 * len(segs)
	u16(4)
	u16(16 + 4*segX2) // length
	u16(0)            // language
	u16(segX2)
	u16(4) // search range, entry selector, range shift for two segments
	u16(1)
	u16(0)
	for _, s := range segs {
		u16(s[1])
	}
	u16(0) // reserved pad
	for _, s := range segs {
		u16(s[0])
	}
	for _, s := range segs {
		u16(s[2])
	}
	for range segs {
		u16(0) // no range offsets
	}
	head := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(head, sub...)
}

// withCmap rebuilds a TrueType file with its cmap table replaced.
func withCmap(data, cmap []byte) ([]byte, error) {
	tables, err := ttfTables(data)
	if err != nil {
		return nil, err
	}
	tables["cmap"] = cmap
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	out := append([]byte{0, 1, 0, 0}, make([]byte, 8)...)
	binary.BigEndian.PutUint16(out[4:], uint16(len(tags)))
	offset := 12 + 16*len(tags)
	var body []byte
	for _, t := range tags {
		d := tables[t]
		out = append(out, t...)
		out = binary.BigEndian.AppendUint32(out, tableChecksum(d))
		out = binary.BigEndian.AppendUint32(out, uint32(offset+len(body)))
		out = binary.BigEndian.AppendUint32(out, uint32(len(d)))
		body = append(body, d...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(out, body...), nil
}

func tableChecksum(d []byte) uint32 {
	var sum uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:min(i+4, len(d))])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
