package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"techwalk/audit"
	"techwalk/audit/importer"
	"testing"
	"time"
)

// directoryFixture is a store with Lincoln Elementary (LES) and two
// schools that share the name Washington Middle School (WMS1, WMS2).
func directoryFixture(tb testing.TB) *Store {
	tb.Helper()
	s, _ := openFixtureStore(tb)
	for _, sc := range []audit.School{{Name: "Lincoln Elementary School", Code: "LES"},
		{Name: "Washington Middle School", Code: "WMS1"}, {Name: "Washington Middle School", Code: "WMS2"}} {
		if err := s.SaveSchool(context.Background(), &sc); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// TestDirectoryFilesRefusedByName: each clumsy or hostile district file is
// refused with a message naming the file, the line and the column or
// field, and leaves the schools and rooms as they were.
func TestDirectoryFilesRefusedByName(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"schools-duplicate-columns.csv", []string{`schools-duplicate-columns.csv: line 1: columns 1 "Name" and 3 "name" both give the name`}},
		{"schools-control-chars.csv", []string{"schools-control-chars.csv: line 2:", `column "name": contains the control character U+001B`}},
		{"schools-header-only.csv", []string{"schools-header-only.csv: line 1: the file has a header but no rows"}},
		{"rooms-ambiguous-school.csv", []string{"rooms-ambiguous-school.csv: line 2:", `column "school": school name "Washington Middle School" is ambiguous`,
			`"Washington Middle School" (WMS1) and "Washington Middle School" (WMS2)`}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s := directoryFixture(t)
			before := directorySnapshot(t, s)
			_, err := importFile(t, s, c.file, importer.ImportOptions{})
			if err == nil {
				t.Fatal("imported")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if directorySnapshot(t, s) != before {
				t.Error("a refused file changed the schools or rooms")
			}
		})
	}
}

func TestSchoolNameSharedByTwoSchoolsIsAmbiguous(t *testing.T) {
	s := directoryFixture(t)
	f, err := importer.ReadCSV("s.csv", []byte("name,principal\nWashington Middle School,Ms. New\n"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := importer.DetectMapping(f.Header)
	rep, err := s.ImportDirectory(context.Background(), f, m, importer.ImportOptions{})
	if !errors.Is(err, importer.ErrRejectedRows) || !strings.Contains(rep.Rows[0].Reason, "(WMS1) and") {
		t.Fatalf("err = %v, rows %+v", err, rep.Rows)
	}
}

func TestOldMacLineEndingsAreRead(t *testing.T) {
	s, _ := openFixtureStore(t)
	rep, err := importFile(t, s, "schools-cr-only.csv", importer.ImportOptions{})
	if err != nil || rep.Count(importer.RowAdded) != 2 {
		t.Fatalf("%v: %v", rep, err)
	}
	if rep.Rows[1].Line != 3 {
		t.Errorf("second row on line %d, want 3", rep.Rows[1].Line)
	}
}

// TestReadInputFileRefusesWhatCouldBlockOrNeverEnd: a FIFO with no writer,
// a device and a sparse file far over the limit are refused at once.
func TestReadInputFileRefusesWhatCouldBlockOrNeverEnd(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	sparse := filepath.Join(dir, "sparse.csv")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		t.Skip("no sparse files here:", err)
	}
	f.Close()
	cases := map[string]error{fifo: audit.ErrNotRegularFile, "/dev/zero": audit.ErrNotRegularFile, sparse: audit.ErrTooLarge, dir: audit.ErrNotRegularFile}
	for path, want := range cases {
		start := time.Now()
		_, err := audit.ReadInputFile(path, importer.MaxImportBytes)
		if !errors.Is(err, want) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s: err = %v, want %v naming the file", path, err, want)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v", path, d)
		}
	}
	if data, err := audit.ReadInputFile(filepath.Join("testdata", "import", "schools.csv"), importer.MaxImportBytes); err != nil || len(data) == 0 {
		t.Errorf("a real file: %v", err)
	}
}
