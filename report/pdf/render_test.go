package pdf

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"techwalk/audit"
)

// TestRenderForReview writes sample reports (a fixture, and the demo's
// Lincoln visit on A4 and Letter) and their pages as PNG images to
// $TECHWALK_REPORT_REVIEW_DIR, for a person to look at; without the
// variable it is skipped.
func TestRenderForReview(t *testing.T) {
	dir := os.Getenv("TECHWALK_REPORT_REVIEW_DIR")
	if dir == "" {
		t.Skip("set TECHWALK_REPORT_REVIEW_DIR to write sample reports and page images for review")
	}
	needTools(t, "pdftoppm")
	s := openStore(t)
	id := fixture{rooms: 30, photos: 6, previous: true, teacher: "Nguyễn Thị Hoa", quote: "Chúng tôi cần micro cho lớp học đông học sinh."}.build(t, s)
	data, err := s.LoadVisit(context.Background(), id)
	must(t, err)
	for i, f := range data.Findings {
		a := f.Action
		a.OwnerTeam, a.DueDate, a.TicketKey, a.Status = "Classroom tech", "2026-11-30", "IT-1234", audit.StatusInBacklog
		if i%2 == 0 {
			must(t, s.SaveAction(context.Background(), &a))
		}
	}
	path := writeReport(t, s, id, Options{Anonymise: true})
	must(t, os.MkdirAll(dir, 0o755))
	pdf := filepath.Join(dir, "fixture.pdf")
	raw, err := os.ReadFile(path)
	must(t, err)
	must(t, os.WriteFile(pdf, raw, 0o644))
	runTool(t, "pdftoppm", "-png", "-r", "60", pdf, filepath.Join(dir, "fixture"))
	demo, visitID := demoStore(t)
	opt, err := OptionsFromStore(context.Background(), demo)
	must(t, err)
	for _, paper := range []string{PaperA4, PaperLetter} {
		opt.Paper = paper
		raw, err := os.ReadFile(writeReport(t, demo, visitID, opt))
		must(t, err)
		pdf := filepath.Join(dir, "demo-"+paper+".pdf")
		must(t, os.WriteFile(pdf, raw, 0o644))
		runTool(t, "pdftoppm", "-png", "-r", "60", pdf, filepath.Join(dir, "demo-"+paper))
	}
}
