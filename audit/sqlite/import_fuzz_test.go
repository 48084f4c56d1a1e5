package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"techwalk/audit/importer"
	"testing"
)

// addImportSeeds adds every file of testdata/import as a seed.
func addImportSeeds(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "import", "*"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzDirectoryImport reads any bytes as a district CSV: it must never
// panic, errors must name the file, rows must have real line numbers, and
// a dry run must save nothing.
func FuzzDirectoryImport(f *testing.F) {
	addImportSeeds(f)
	s := directoryFixture(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := importer.ReadCSV("fuzz.csv", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		if lines == 1 { // old Mac line endings
			lines = strings.Count(string(data), "\r") + 1
		}
		for _, r := range file.Rows {
			if r.Line < 2 || r.Line > lines {
				t.Fatalf("row line %d outside 2..%d", r.Line, lines)
			}
		}
		m, err := importer.DetectMapping(file.Header)
		if err != nil {
			return
		}
		rep, err := s.ImportDirectory(context.Background(), file, m, importer.ImportOptions{DryRun: true, Partial: true})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv: line 1: ") {
				t.Fatalf("a whole-file refusal must name the file and the header line: %v", err)
			}
			return
		}
		if rep.Applied || len(rep.Rows) != len(file.Rows) {
			t.Fatalf("dry run: applied %v, %d report rows for %d rows", rep.Applied, len(rep.Rows), len(file.Rows))
		}
		if got, _ := s.Schools(context.Background()); len(got) != 3 {
			t.Fatalf("a dry run saved schools: %d", len(got))
		}
	})
}

// FuzzParseTickets reads any bytes as a tracker export: it must never
// panic, errors must name the file, and every id found must be a UUID.
func FuzzParseTickets(f *testing.F) {
	addImportSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := importer.ParseTickets("tickets.csv", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "tickets.csv: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.FindingID != "" && len(r.FindingID) != 36 {
				t.Fatalf("line %d: id %q is not a UUID", r.Line, r.FindingID)
			}
			if r.Line < 1 {
				t.Fatalf("row line %d", r.Line)
			}
		}
	})
}
