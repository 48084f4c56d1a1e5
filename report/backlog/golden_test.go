package backlog

import (
	"context"
	"testing"

	"techwalk/report/internal/reporttest"
)

// TestExportGolden pins every export format, single and grouped, with
// teachers anonymised and named, byte for byte on the sample district.
// Options.Anonymise alone decides: the district's setting is left as it is.
func TestExportGolden(t *testing.T) {
	s := reporttest.Demo(t)
	ctx := context.Background()
	names, err := s.TeacherNames(ctx)
	reporttest.NoErr(t, err)
	for _, anonymise := range []bool{true, false} {
		for _, info := range Formats {
			for _, grouped := range []bool{false, true} {
				opt := Options{Format: info.Format, Grouped: grouped, All: true, Anonymise: anonymise, TeacherNames: names,
					AzureAreaPath: `TechWalk\Sites`}
				name := string(info.Format) + "-" + shape(grouped) + "-" + reporttest.TeachersWord(anonymise) + info.Extension
				reporttest.CheckGolden(t, name, exportBytes(t, s, opt))
			}
		}
	}
	opt := Options{Format: FormatJira, BOM: true, TeacherNames: names}
	reporttest.CheckGolden(t, "jira-open-bom.csv", exportBytes(t, s, opt))
}

func shape(grouped bool) string {
	if grouped {
		return "grouped"
	}
	return "single"
}
