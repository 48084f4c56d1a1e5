package report

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"

	"techwalk/audit/sqlite"
)

// needFonts skips the test unless the fallback fonts it relies on are installed.
func needFonts(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s is not installed (Debian: fonts-noto-core, fonts-nanum, fonts-dejavu-core; see .ci/setup.sh)", p)
		}
	}
}

// stripDirectionMarks removes the embedding marks pdftotext puts around right-to-left lines.
func stripDirectionMarks(s string) string {
	return strings.Map(func(r rune) rune {
		if directionControl(r) {
			return -1
		}
		return r
	}, s)
}

// scriptFixture is a visit whose school, people, teacher and notes are
// written in Arabic, Hebrew, Korean, Thai, Devanagari and with an emoji.
func scriptFixture(t *testing.T) (*sqlite.Store, string) {
	t.Helper()
	s := openStore(t)
	ctx := context.Background()
	id := fixture{rooms: 2, photos: 1, teacher: "김민준", quote: "ห้องเรียนนี้ไม่มีสัญญาณ Wi-Fi 😀"}.build(t, s)
	v, err := s.Visit(ctx, id)
	must(t, err)
	sc, err := s.School(ctx, v.SchoolID)
	must(t, err)
	sc.Name = "مدرسة النور"
	sc.Address = "רחוב הרצל, תל אביב"
	must(t, s.SaveSchool(ctx, &sc))
	v.People = "प्रधानाचार्य सुनीता शर्मा; 교장 선생님"
	must(t, s.SaveVisit(ctx, &v))
	data, err := s.LoadVisit(ctx, id)
	must(t, err)
	for _, a := range data.Answers {
		if a.ItemID == "hdmi" && a.RoomID == data.Rooms[0].ID {
			a.Note = "المحول مفقود منذ سبتمبر 🔌"
			must(t, s.SaveAnswer(ctx, &a))
		}
	}
	return s, id
}

func TestRightToLeftTextExtractsInLogicalOrder(t *testing.T) {
	needTools(t, "pdftotext", "qpdf", "pdffonts")
	needFonts(t, "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf")
	s, id := scriptFixture(t)
	var warnings []string
	path := writeReport(t, s, id, Options{Warn: func(m string) { warnings = append(warnings, m) }})
	checkFile(t, path)
	text := stripDirectionMarks(pdfText(t, path))
	// Each phrase on its own: pdftotext orders a comma between right-to-left
	// words drawn in another font by its own rules.
	for _, want := range []string{"مدرسة النور", "רחוב הרצל", "תל אביב", "المحول مفقود منذ سبتمبر"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q in logical order; warnings %q", want, warnings)
		}
	}
	for _, reversed := range []string{"رونلا ةسردم", "לצרה בוחר"} {
		if strings.Contains(text, reversed) {
			t.Errorf("report text holds %q reversed", reversed)
		}
	}
}

func TestEveryScriptPrintsWithoutPlaceholders(t *testing.T) {
	needTools(t, "pdftotext")
	needFonts(t, "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
		"/usr/share/fonts/truetype/nanum/NanumGothic.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
	s, id := scriptFixture(t)
	var warnings []string
	path := writeReport(t, s, id, Options{Warn: func(m string) { warnings = append(warnings, m) }})
	text := stripDirectionMarks(pdfText(t, path))
	if strings.ContainsRune(text, placeholder) {
		t.Errorf("report text holds the placeholder; warnings %q", warnings)
	}
	for _, want := range []string{"김민준", "교장 선생님", "प्रधानाचार्य सुनीता शर्मा", "ห้องเรียนนี้ไม่มีสัญญาณ", "😀", "🔌"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	for _, w := range warnings {
		if strings.Contains(w, "no glyph") {
			t.Errorf("warning %q", w)
		}
	}
}

func TestBidiRunsVisualOrder(t *testing.T) {
	cases := []struct {
		in   string
		want []dirRun
	}{
		{"Room 101", []dirRun{{"Room 101", false}}},
		{"مدرسة النور", []dirRun{{"مدرسة النور", true}}},
		// Numbers between right-to-left words stay inside their run's
		// stretch, which is laid out from the right.
		{"שלום 12 עולם", []dirRun{{"עולם", true}, {"12", false}, {"שלום ", true}}},
		{"School: مدرسة النور · report", []dirRun{{"School: ", false}, {"مدرسة النور", true}, {" · report", false}}},
	}
	for _, c := range cases {
		got := bidiRuns(c.in)
		var text []string
		for _, r := range got {
			text = append(text, r.text)
		}
		joined := strings.Join(text, "")
		if len(got) != len(c.want) {
			t.Errorf("bidiRuns(%q) = %+v; want %+v", c.in, got, c.want)
			continue
		}
		for i := range got {
			if strings.TrimSpace(got[i].text) != strings.TrimSpace(c.want[i].text) || got[i].rtl != c.want[i].rtl {
				t.Errorf("bidiRuns(%q) = %+v; want %+v", c.in, got, c.want)
				break
			}
		}
		if len([]rune(joined)) != len([]rune(c.in)) {
			t.Errorf("bidiRuns(%q) lost characters: %q", c.in, joined)
		}
	}
}

// FuzzTextLine checks that any text, in any script or none, lays out and
// prints without panicking, with a width that adds up.
func FuzzTextLine(f *testing.F) {
	for _, seed := range []string{"Room 101", "مدرسة النور ١٢", "שלום, עולם (12)", "ห้องเรียน", "प्रधानाचार्य", "교장 😀👨\u200d👩\u200d👧",
		"\u202eevil\u202c", "a\u0301\u0302", "\xff\xfe", "لا\u200dلا", "✓\ufe0f", ""} {
		f.Add(seed)
	}
	pdf := gofpdf.New("P", "mm", "A4", "")
	fs, err := newFontSet(pdf, nil, func(string) {})
	if err != nil {
		f.Fatal(err)
	}
	pdf.AddPage()
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 400 {
			return
		}
		w := fs.width(s, stBody)
		if w < 0 {
			t.Fatalf("width(%q) = %f", s, w)
		}
		if drawn := fs.draw(10, 10, s, stBody); drawn < w-1e-6 || drawn > w+1e-6 {
			t.Fatalf("draw(%q) advanced %f; width says %f", s, drawn, w)
		}
		for _, l := range fs.wrap(s, stBody, 40) {
			fs.draw(10, 20, l, stBody)
		}
	})
}
