package pdf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"github.com/jung-kurt/gofpdf"

	"techwalk/assets"
)

// placeholder stands in for a character no available font can print, so a
// reader sees that something is missing instead of an empty box.
const placeholder = '\uFFFD'

// face is one embedded font: its PDF family name and its metrics; the
// shaper's view of it and its glyph pages are made when first needed.
type face struct {
	family   string
	ttf      *ttfFont
	data     []byte
	added    bool
	broken   bool // the PDF writer could not embed it
	shaper   *font.Face
	noShaper bool
	pages    map[int]string // glyph page -> family ("" when it failed)
}

// fallback is a system font tried, once, for characters Noto Sans lacks.
type fallback struct {
	path, family string
	face         *face
	tried        bool
}

// DefaultFallbackFonts lists TrueType files, per operating system, that
// cover characters Noto Sans lacks (Chinese, Japanese, Korean, Arabic,
// Hebrew, Indic and other scripts, symbols, emoji). On Linux these are the
// Noto Sans families of every script that are installed (Debian:
// fonts-noto-core), Droid Sans Fallback for Chinese and Japanese, Nanum
// Gothic for Korean, DejaVu Sans and Symbola for symbols and emoji.
// Collections (.ttc) and CFF OpenType (.otf) are left out: they cannot be embedded.
func DefaultFallbackFonts() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{
			"/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
			"/Library/Fonts/Arial Unicode.ttf",
			"/System/Library/Fonts/Supplemental/AppleGothic.ttf",
		}
	case "windows":
		dir := filepath.Join(os.Getenv("WINDIR"), "Fonts")
		return []string{
			filepath.Join(dir, "simhei.ttf"), filepath.Join(dir, "Deng.ttf"), filepath.Join(dir, "arialuni.ttf"),
			filepath.Join(dir, "malgun.ttf"), filepath.Join(dir, "seguisym.ttf"),
		}
	}
	noto, _ := filepath.Glob("/usr/share/fonts/truetype/noto/NotoSans*-Regular.ttf")
	return append(append([]string{
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
		"/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
	}, noto...),
		"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
		"/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
		"/usr/share/fonts/truetype/unifont/unifont.ttf",
	)
}

// fontSet draws text in the embedded Noto Sans and switches, run by run,
// to a fallback font for characters Noto Sans lacks.
type fontSet struct {
	pdf       *gofpdf.Fpdf
	regular   *face
	bold      *face
	fallbacks []*fallback
	missing   map[rune]int // characters printed as the placeholder, and how often
	warn      func(string)
	shaper    shaping.HarfbuzzShaper
}

// newFontSet embeds Noto Sans Regular and Bold in pdf; fallbackPaths are
// loaded only when a character needs them.
func newFontSet(pdf *gofpdf.Fpdf, fallbackPaths []string, warn func(string)) (*fontSet, error) {
	fs := &fontSet{pdf: pdf, missing: map[rune]int{}, warn: warn}
	var err error
	if fs.regular, err = newFace("NotoSans", assets.NotoSansRegular); err != nil {
		return nil, fmt.Errorf("embedded Noto Sans Regular: %w", err)
	}
	if fs.bold, err = newFace("NotoSans-Bold", assets.NotoSansBold); err != nil {
		return nil, fmt.Errorf("embedded Noto Sans Bold: %w", err)
	}
	for i, p := range fallbackPaths {
		fs.fallbacks = append(fs.fallbacks, &fallback{path: p, family: fmt.Sprintf("Fallback%d", i+1)})
	}
	if err := fs.add(fs.regular); err != nil {
		return nil, err
	}
	return fs, fs.add(fs.bold)
}

func newFace(family string, data []byte) (*face, error) {
	t, err := parseTTF(data)
	if err != nil {
		return nil, err
	}
	return &face{family: family, ttf: t, data: data}, nil
}

// add registers the face with the PDF writer the first time it is used.
func (fs *fontSet) add(f *face) (err error) {
	if f.added {
		return nil
	}
	if f.broken {
		return fmt.Errorf("font %s could not be embedded", f.family)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("font %s could not be embedded: %v", f.family, r)
		}
		f.broken = err != nil
	}()
	fs.pdf.AddUTF8FontFromBytes(f.family, "", f.data)
	if fs.pdf.Err() {
		return fmt.Errorf("font %s could not be embedded: %w", f.family, fs.pdf.Error())
	}
	if desc := fs.pdf.GetFontDesc(f.family, ""); desc.Ascent == 0 && desc.Descent == 0 {
		return fmt.Errorf("font %s could not be embedded: the PDF writer could not read it", f.family)
	}
	f.added = true
	return nil
}

// faceFor picks the font that prints r: the primary face, else the first
// fallback that has it; nil when none does. Characters beyond the Basic
// Multilingual Plane print only through glyph pages, so they need a face
// the shaper can read.
func (fs *fontSet) faceFor(r rune, primary *face) *face {
	if primary.ttf.covers(r) && r < 0x10000 {
		return primary
	}
	for _, fb := range fs.fallbacks {
		if f := fs.load(fb); f != nil && !f.broken && f.ttf.covers(r) && (r < 0x10000 || fs.shaperFace(f) != nil) {
			return f
		}
	}
	return nil
}

// load reads and checks a fallback font file once; nil when unusable. It is
// embedded in the PDF only when text is drawn with it.
func (fs *fontSet) load(fb *fallback) *face {
	if fb.tried {
		return fb.face
	}
	fb.tried = true
	data, err := os.ReadFile(fb.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		fb.face, err = newFace(fb.family, data)
	}
	if err != nil {
		fs.warn(fmt.Sprintf("fallback font %s skipped: %v", fb.path, err))
		fb.face = nil
	}
	return fb.face
}

// noteMissing records a character printed as the placeholder.
func (fs *fontSet) noteMissing(r rune) {
	fs.missing[r]++
}

// maxMissingListed is how many missing characters the warning names.
const maxMissingListed = 12

// missingWarning sums up the characters no font could print: how many,
// and which (the first few); empty when there were none.
func (fs *fontSet) missingWarning() string {
	if len(fs.missing) == 0 {
		return ""
	}
	runes := make([]rune, 0, len(fs.missing))
	total := 0
	for r, n := range fs.missing {
		runes = append(runes, r)
		total += n
	}
	slices.Sort(runes)
	var names []string
	for _, r := range runes[:min(len(runes), maxMissingListed)] {
		names = append(names, fmt.Sprintf("%q U+%04X", r, r))
	}
	if len(runes) > maxMissingListed {
		names = append(names, fmt.Sprintf("and %d more", len(runes)-maxMissingListed))
	}
	return fmt.Sprintf("%d %s (%d different) had no glyph in any installed font and %s printed as %c: %s; install a font that has them (Debian: fonts-noto-core, fonts-nanum)",
		total, plural(total, "character", "characters"), len(runes), plural(total, "is", "are"), placeholder, strings.Join(names, ", "))
}
