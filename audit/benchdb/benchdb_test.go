package benchdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"techwalk/audit/sqlite"
)

func TestSmallDistrictIsAValidDatabase(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	size := Size{Schools: 3, VisitsPerSchool: 2, RoomsPerSchool: 5, Items: 6, PhotoShare: 0.5}
	path, err := Path(size)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(filepath.Dir(path)) != os.TempDir() {
		t.Errorf("cached at %s, want under %s", path, os.TempDir())
	}
	ctx := context.Background()
	if err := sqlite.CheckIntegrity(ctx, path); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schools, _ := s.Schools(ctx)
	visits, _ := s.Visits(ctx, sqlite.VisitFilter{FinishedOnly: true})
	if len(schools) != 3 || len(visits) != 6 {
		t.Fatalf("%d schools and %d finished visits, want 3 and 6", len(schools), len(visits))
	}
	d, err := s.LoadVisit(ctx, visits[0].ID)
	if err != nil || len(d.Answers) != 5*6 {
		t.Fatalf("visit has %d answers (%v), want 30", len(d.Answers), err)
	}
}
