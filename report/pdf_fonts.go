package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/jung-kurt/gofpdf"

	"techwalk/assets"
)

// placeholder stands in for a character no available font can print, so a
// reader sees that something is missing instead of an empty box.
const placeholder = '\uFFFD'

// face is one embedded font: its PDF family name and its metrics.
type face struct {
	family string
	ttf    *ttfFont
	data   []byte
	added  bool
}

// fallback is a system font tried, once, for characters Noto Sans lacks.
type fallback struct {
	path, family string
	face         *face
	tried        bool
}

// DefaultFallbackFonts lists TrueType files, per operating system, that
// cover characters Noto Sans lacks (Chinese, Japanese, Korean, symbols).
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
	return []string{
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
		"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
		"/usr/share/fonts/truetype/unifont/unifont.ttf",
	}
}

// fontSet draws text in the embedded Noto Sans and switches, run by run,
// to a fallback font for characters Noto Sans lacks.
type fontSet struct {
	pdf       *gofpdf.Fpdf
	regular   *face
	bold      *face
	fallbacks []*fallback
	missing   map[rune]bool // characters printed as the placeholder
	warn      func(string)
}

// newFontSet embeds Noto Sans Regular and Bold in pdf; fallbackPaths are
// loaded only when a character needs them.
func newFontSet(pdf *gofpdf.Fpdf, fallbackPaths []string, warn func(string)) (*fontSet, error) {
	fs := &fontSet{pdf: pdf, missing: map[rune]bool{}, warn: warn}
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
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("font %s could not be embedded: %v", f.family, r)
		}
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
// fallback that has it; nil when none does.
func (fs *fontSet) faceFor(r rune, primary *face) *face {
	if r >= 0x10000 {
		return nil // the PDF writer encodes text as 16-bit code units
	}
	if primary.ttf.covers(r) {
		return primary
	}
	for _, fb := range fs.fallbacks {
		if f := fs.load(fb); f != nil && f.ttf.covers(r) {
			return f
		}
	}
	return nil
}

// load reads and checks a fallback font file once; nil when unusable.
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
	if err == nil {
		err = fs.add(fb.face)
	}
	if err != nil {
		fs.warn(fmt.Sprintf("fallback font %s skipped: %v", fb.path, err))
		fb.face = nil
	}
	return fb.face
}

// noteMissing records a character printed as the placeholder, warning once per character.
func (fs *fontSet) noteMissing(r rune) {
	if fs.missing[r] {
		return
	}
	fs.missing[r] = true
	fs.warn(fmt.Sprintf("no font has a glyph for %q (U+%04X); printed as %c", r, r, placeholder))
}
