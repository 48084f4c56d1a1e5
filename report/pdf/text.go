package pdf

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-text/typesetting/language"
)

// mmPerPt converts font sizes (points) to page units (millimetres).
const mmPerPt = 25.4 / 72

// run is a stretch of text printed in one font; units is its width in
// thousandths of the font size. A shaped run is printed glyph by glyph
// from its clusters; a plain one as text.
type run struct {
	face     *face
	text     string
	units    int
	clusters []cluster
}

// style is a font size and weight.
type style struct {
	size float64 // points
	bold bool
}

func (fs *fontSet) primary(st style) *face {
	if st.bold {
		return fs.bold
	}
	return fs.regular
}

// line splits one line of text into the runs that print it, in visual
// order: right-to-left stretches are reordered and, like complex scripts,
// shaped.
func (fs *fontSet) line(s string, st style) []run {
	var out []run
	for _, d := range bidiRuns(s) {
		rs := fs.runs(d.text, st, d.rtl)
		if d.rtl {
			slices.Reverse(rs)
		}
		out = append(out, rs...)
	}
	return out
}

// runs splits s (in logical order, all of one direction) into runs by
// which font has each character, and shapes the runs that need it.
// Control characters are dropped; characters no font has become the
// placeholder. Inside a run that needs shaping, spaces, punctuation and
// marks the font has stay in it, so words join across them.
func (fs *fontSet) runs(s string, st style, rtl bool) []run {
	primary := fs.primary(st)
	var out []run
	var b strings.Builder
	var cur *face
	units, shaped := 0, false
	flush := func() {
		if b.Len() > 0 {
			out = append(out, fs.finish(run{face: cur, text: b.String(), units: units}, shaped || rtl, rtl))
		}
		b.Reset()
		units, shaped = 0, false
	}
	for _, r := range s {
		if unicode.IsControl(r) || directionControl(r) {
			continue
		}
		if ignorable(r) {
			if cur != nil && shaped {
				b.WriteRune(r)
			}
			continue
		}
		f := cur
		if cur == nil || !shaped || !cur.ttf.covers(r) || !commonScript(r) {
			f = fs.faceFor(r, primary)
		}
		if f == nil {
			fs.noteMissing(r)
			r, f = placeholder, primary
		}
		if f != cur {
			flush()
			cur = f
		}
		b.WriteRune(r)
		units += f.ttf.width(r)
		shaped = shaped || needsShaping(r)
	}
	flush()
	return out
}

// commonScript reports whether r is shared by scripts: spaces, digits,
// punctuation, combining marks.
func commonScript(r rune) bool {
	sc := language.LookupScript(r)
	return sc == language.Common || sc == language.Inherited
}

// finish shapes a run that needs it. When the face cannot be shaped, the
// run prints as plain text (reversed when right to left), and characters
// beyond the Basic Multilingual Plane become the placeholder.
func (fs *fontSet) finish(r run, shape, rtl bool) run {
	if !shape {
		return r
	}
	if clusters, units, ok := fs.shape(r.face, r.text, rtl); ok {
		r.clusters, r.units = clusters, units
		return r
	}
	runes := []rune(r.text)
	for i, c := range runes {
		if c >= 0x10000 {
			fs.noteMissing(c)
			runes[i] = placeholder
		}
	}
	if rtl {
		slices.Reverse(runes)
	}
	r.text, r.units = string(runes), 0
	for _, c := range runes {
		r.units += r.face.ttf.width(c)
	}
	return r
}

// width is the printed width of s in millimetres.
func (fs *fontSet) width(s string, st style) float64 {
	units := 0
	for _, r := range fs.line(s, st) {
		units += r.units
	}
	return float64(units) / 1000 * st.size * mmPerPt
}

// draw prints s with its baseline at y, starting at x; it returns the width.
func (fs *fontSet) draw(x, y float64, s string, st style) float64 {
	start := x
	for _, r := range fs.line(s, st) {
		switch err := fs.add(r.face); {
		case r.clusters != nil:
			fs.drawShaped(x, y, r, st)
		case err != nil:
			fs.warn(err.Error())
		default:
			fs.pdf.SetFont(r.face.family, "", st.size)
			fs.pdf.Text(x, y, r.text)
		}
		x += float64(r.units) / 1000 * st.size * mmPerPt
	}
	return x - start
}

// wrap breaks s into lines no wider than maxW millimetres: at spaces, around
// CJK characters (which have none), at newlines, and inside words too long
// for a line.
func (fs *fontSet) wrap(s string, st style, maxW float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.NewReplacer("\r\n", "\n", "\t", " ").Replace(s), "\n") {
		lines = append(lines, fs.wrapParagraph(para, st, maxW)...)
	}
	return lines
}

func (fs *fontSet) wrapParagraph(para string, st style, maxW float64) []string {
	var lines []string
	line, lineW := "", 0.0
	for _, tok := range tokens(para) {
		w := fs.width(tok, st)
		if line == "" && tok == " " {
			continue
		}
		if lineW+w <= maxW || (line == "" && w <= maxW) {
			line, lineW = line+tok, lineW+w
			continue
		}
		if line != "" {
			lines = append(lines, strings.TrimRight(line, " "))
			line, lineW = "", 0
		}
		if tok == " " {
			continue
		}
		if w > maxW {
			pieces := fs.breakWord(tok, st, maxW)
			lines = append(lines, pieces[:len(pieces)-1]...)
			tok = pieces[len(pieces)-1]
			w = fs.width(tok, st)
		}
		line, lineW = tok, w
	}
	return append(lines, strings.TrimRight(line, " "))
}

// wrapMax wraps s like wrap but keeps at most maxLines lines; when text is
// left over, the last line ends with an ellipsis.
func (fs *fontSet) wrapMax(s string, st style, maxW float64, maxLines int) []string {
	lines := fs.wrap(s, st, maxW)
	if len(lines) <= maxLines {
		return lines
	}
	lines = lines[:maxLines]
	lines[maxLines-1] = fs.ellipsis(lines[maxLines-1]+" …", st, maxW)
	return lines
}

// ellipsis shortens s to maxW millimetres, ending it with "…" when it had
// to be cut.
func (fs *fontSet) ellipsis(s string, st style, maxW float64) string {
	if fs.width(s, st) <= maxW {
		return s
	}
	runes := []rune(strings.TrimSuffix(s, "…"))
	for len(runes) > 0 {
		runes = runes[:len(runes)-1]
		cut := strings.TrimRight(string(runes), " ") + "…"
		if fs.width(cut, st) <= maxW {
			return cut
		}
	}
	return ""
}

// breakWord cuts a word wider than maxW into pieces that fit.
func (fs *fontSet) breakWord(word string, st style, maxW float64) []string {
	var pieces []string
	start, w := 0, 0.0
	for i, r := range word {
		rw := fs.width(string(r), st)
		if i > start && w+rw > maxW {
			pieces = append(pieces, word[start:i])
			start, w = i, 0
		}
		w += rw
	}
	return append(pieces, word[start:])
}

// tokens splits text into words, single spaces and single CJK characters:
// the units a line may break between.
func tokens(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r != ' ' && !breaksAround(r) {
			continue
		}
		if i > start {
			out = append(out, s[start:i])
		}
		size := utf8.RuneLen(r)
		out = append(out, s[i:i+size])
		start = i + size
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// breaksAround reports whether a line may break before and after r: the
// scripts written without spaces between words.
func breaksAround(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}
