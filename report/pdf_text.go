package report

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// mmPerPt converts font sizes (points) to page units (millimetres).
const mmPerPt = 25.4 / 72

// run is a stretch of text printed in one font; units is its width in
// thousandths of the font size.
type run struct {
	face  *face
	text  string
	units int
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

// runs splits s into runs by which font has each character. Control
// characters are dropped; characters no font has become the placeholder.
func (fs *fontSet) runs(s string, st style) []run {
	primary := fs.primary(st)
	var out []run
	var b strings.Builder
	var cur *face
	units := 0
	flush := func() {
		if b.Len() > 0 {
			out = append(out, run{face: cur, text: b.String(), units: units})
		}
		b.Reset()
		units = 0
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			continue
		}
		f := fs.faceFor(r, primary)
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
	}
	flush()
	return out
}

// width is the printed width of s in millimetres.
func (fs *fontSet) width(s string, st style) float64 {
	units := 0
	for _, r := range fs.runs(s, st) {
		units += r.units
	}
	return float64(units) / 1000 * st.size * mmPerPt
}

// draw prints s with its baseline at y, starting at x; it returns the width.
func (fs *fontSet) draw(x, y float64, s string, st style) float64 {
	start := x
	for _, r := range fs.runs(s, st) {
		if err := fs.add(r.face); err != nil {
			fs.warn(err.Error())
			continue
		}
		fs.pdf.SetFont(r.face.family, "", st.size)
		fs.pdf.Text(x, y, r.text)
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
