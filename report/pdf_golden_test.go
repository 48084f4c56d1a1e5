package report

import (
	"context"
	"strconv"
	"testing"

	"techwalk/audit"
)

// TestReportTextGolden pins the text of the sample district's experience
// report, teachers anonymised and named: its words in reading order and
// every word's box (pdftotext -bbox), which pins the fonts' glyph widths.
func TestReportTextGolden(t *testing.T) {
	needTools(t, "pdftotext")
	s := deterministicDemo(t)
	ctx := context.Background()
	sc, err := s.FindSchool(ctx, "Lincoln Elementary School")
	noErr(t, err)
	v, err := s.LatestVisit(ctx, sc.ID, true)
	noErr(t, err)
	for _, anonymise := range []bool{true, false} {
		noErr(t, s.SetSetting(ctx, audit.SettingAnonymise, strconv.FormatBool(anonymise)))
		opt, err := OptionsFromStore(ctx, s)
		noErr(t, err)
		path := writeReport(t, s, v.ID, opt)
		name := "report-lincoln-" + teachersWord(anonymise)
		checkGolden(t, name+".txt", []byte(pdfText(t, path)))
		checkGolden(t, name+".bbox.html", []byte(runTool(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")))
	}
}
