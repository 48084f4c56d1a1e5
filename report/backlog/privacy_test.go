package backlog

import (
	"context"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/report/internal/reporttest"
)

func TestFilteredExportsScrubEveryTeacherOfTheDistrict(t *testing.T) {
	fx, _ := reporttest.PrivacyFixture(t)
	names, err := fx.Store.TeacherNames(context.Background())
	reporttest.NoErr(t, err)
	filter := audit.FindingFilter{SchoolID: fx.School.ID, Severity: audit.Critical}
	for _, info := range Formats {
		for _, grouped := range []bool{false, true} {
			out := string(export(t, fx.Store, Options{Format: info.Format, Grouped: grouped, Filter: filter, TeacherNames: names}))
			if !strings.Contains(out, "[name]") && !(info.Format == FormatCSV && grouped) { // grouped CSV has no notes
				t.Errorf("%s (grouped %v): the note is not in the export:\n%s", info.Format, grouped, out)
			}
			if l := reporttest.Leaks(out); len(l) > 0 {
				t.Errorf("%s (grouped %v) leaks %q:\n%s", info.Format, grouped, l, out)
			}
		}
	}
}
