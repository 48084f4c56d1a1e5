package report

import (
	"context"
	"os"
	"strings"
	"testing"

	"techwalk/audit"
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
func scriptFixture(t *testing.T) (*audit.Store, string) {
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
