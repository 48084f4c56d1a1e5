package pdf

import (
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

func testFontSet(t *testing.T, fallbacks []string) (*fontSet, *[]string) {
	t.Helper()
	var warnings []string
	fs, err := newFontSet(gofpdf.New("P", "mm", "A4", ""), fallbacks, func(m string) { warnings = append(warnings, m) })
	if err != nil {
		t.Fatal(err)
	}
	return fs, &warnings
}

func TestWrapKeepsLinesWithinWidthAndLosesNoText(t *testing.T) {
	fs, _ := testFontSet(t, []string{})
	texts := []string{
		"HDMI adapter missing in 6 of 24 rooms; the projector remote has been missing since October.",
		"Chúng tôi cần micro cho lớp học đông học sinh.",
		strings.Repeat("x", 300),
		"short",
		"",
		"two\nparagraphs\twith a tab",
	}
	for _, s := range texts {
		for _, w := range []float64{5, 20, 60} {
			lines := fs.wrap(s, stBody, w)
			for _, l := range lines {
				if fs.width(l, stBody) > w+1e-9 {
					t.Errorf("line %q is %.1f mm wide; limit %.0f", l, fs.width(l, stBody), w)
				}
			}
			if got, want := strings.Join(strings.Fields(strings.Join(lines, "")), ""), strings.Join(strings.Fields(s), ""); got != want {
				t.Errorf("wrapping %q at %.0f mm lost text: %q", s, w, got)
			}
		}
	}
}

func TestWrapBreaksChineseWithoutSpaces(t *testing.T) {
	fs, _ := testFontSet(t, nil)
	if fs.faceFor('投', fs.regular) == nil {
		t.Skip("no fallback font with Chinese on this machine (Debian: fonts-droid-fallback)")
	}
	lines := fs.wrap("投影仪经常没有信号，上课前要花很多时间调试。", stBody, 30)
	if len(lines) < 2 {
		t.Fatalf("a long Chinese sentence stayed on %d line(s) 30 mm wide", len(lines))
	}
	for _, l := range lines {
		if fs.width(l, stBody) > 30 {
			t.Errorf("line %q is wider than 30 mm", l)
		}
	}
}

func TestRunsSwitchFontsByCoverage(t *testing.T) {
	fs, warnings := testFontSet(t, nil)
	if fs.faceFor('王', fs.regular) == nil {
		t.Skip("no fallback font with Chinese on this machine (Debian: fonts-droid-fallback)")
	}
	runs := fs.runs("王芳 (Wang Fang)", stBody, false)
	if len(runs) != 2 || runs[0].text != "王芳" || runs[0].face == fs.regular || runs[1].text != " (Wang Fang)" || runs[1].face != fs.regular {
		t.Errorf("runs %+v; want 王芳 in a fallback font, then the rest in Noto Sans", runs)
	}
	if len(*warnings) != 0 {
		t.Errorf("warnings %q", *warnings)
	}
}

func TestRunsUsePlaceholderWithoutFallback(t *testing.T) {
	fs, warnings := testFontSet(t, []string{})
	runs := fs.runs("Room 王 ✓ \U0001F600 王", stBody, false)
	if len(runs) != 1 || runs[0].text != "Room \uFFFD \uFFFD \uFFFD \uFFFD" {
		t.Errorf("runs %+v; want one Noto run with placeholders", runs)
	}
	if len(*warnings) != 0 {
		t.Errorf("warnings %q while drawing; want them summed up once", *warnings)
	}
	w := fs.missingWarning()
	for _, want := range []string{"4 characters (3 different)", "U+738B", "U+2713", "U+1F600"} {
		if !strings.Contains(w, want) {
			t.Errorf("missing-glyph warning %q lacks %q", w, want)
		}
	}
}

func TestTokens(t *testing.T) {
	got := strings.Join(tokens("HDMI 王芳 ok"), "|")
	if want := "HDMI| |王|芳| |ok"; got != want {
		t.Errorf("tokens: %q; want %q", got, want)
	}
}
