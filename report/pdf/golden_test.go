package pdf

import (
	"context"
	"strconv"
	"testing"

	"techwalk/audit/sqlite"
	"techwalk/report/internal/reporttest"
)

// TestReportTextGolden pins the sample district's experience report,
// teachers anonymised and named: its words in reading order and every
// word's box (pdftotext -bbox), which pins the fonts' glyph widths.
func TestReportTextGolden(t *testing.T) {
	needTools(t, "pdftotext")
	s := reporttest.Demo(t)
	ctx := context.Background()
	sc, err := s.FindSchool(ctx, "Lincoln Elementary School")
	reporttest.NoErr(t, err)
	v, err := s.LatestVisit(ctx, sc.ID, true)
	reporttest.NoErr(t, err)
	for _, anonymise := range []bool{true, false} {
		reporttest.NoErr(t, s.SetSetting(ctx, sqlite.SettingAnonymise, strconv.FormatBool(anonymise)))
		opt, err := OptionsFromStore(ctx, s)
		reporttest.NoErr(t, err)
		path := writeReport(t, s, v.ID, opt)
		name := "report-lincoln-" + reporttest.TeachersWord(anonymise)
		reporttest.CheckGolden(t, name+".txt", []byte(pdfText(t, path)))
		reporttest.CheckGolden(t, name+".bbox.html", []byte(runTool(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")))
	}
}
