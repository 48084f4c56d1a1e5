package pdf

import (
	"context"
	"strings"
	"testing"

	"techwalk/audit/build"
)

func TestMethodPageNamesTheVersion(t *testing.T) {
	needTools(t, "pdftotext")
	defer func(v string) { build.Version = v }(build.Version)
	build.Version = "9.8.7"
	s, visitID := demoStore(t)
	opt, err := OptionsFromStore(context.Background(), s)
	must(t, err)
	text := flat(pdfText(t, writeReport(t, s, visitID, opt)))
	_, method, ok := strings.Cut(text, "Method")
	if !ok {
		t.Fatal("report has no method section")
	}
	if !strings.Contains(method, "by TechWalk 9.8.7.") {
		t.Errorf("method section does not name the version TechWalk 9.8.7:\n%s", method)
	}
}
