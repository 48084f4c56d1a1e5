package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"techwalk/audit"
	"techwalk/audit/importer"
	"testing"
	"time"
)

// importChild runs "dbpath|csvpath|gofile": it opens the store and reads
// the file, says "ready", waits for gofile to appear (so several children
// start importing at the same moment) and imports the file.
func importChild(out *bufio.Writer, args []string) int {
	s, err := Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	data, err := audit.ReadInputFile(args[1], importer.MaxImportBytes)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	f, err := importer.ReadCSV(args[1], data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	m, err := importer.DetectMapping(f.Header)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	say(out, "ready")
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, err := os.Stat(args[2]); err == nil {
			break
		}
	}
	rep, err := s.ImportDirectory(context.Background(), f, m, importer.ImportOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	say(out, "done %d added %d unchanged", rep.Count(importer.RowAdded), rep.Count(importer.RowUnchanged))
	return 0
}

// TestConcurrentImportsOfOneFileDoNotDuplicateSchools imports the same
// schools file from three processes at once: the schools are added once,
// by whichever import runs first, and the others find them unchanged.
func TestConcurrentImportsOfOneFileDoNotDuplicateSchools(t *testing.T) {
	const schools, children = 300, 3
	_, path := openFixtureStore(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("school name,school code,principal\n")
	for i := 0; i < schools; i++ {
		fmt.Fprintf(&b, "School %d,C%d,Principal %d\n", i, i, i)
	}
	csvPath := filepath.Join(dir, "district.csv")
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	goFile := filepath.Join(dir, "go")
	var kids []*child
	for i := 0; i < children; i++ {
		kids = append(kids, startChild(t, "import", path, csvPath, goFile))
	}
	if err := os.WriteFile(goFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	added := 0
	for i, c := range kids {
		if err := c.wait(t); err != nil {
			t.Fatalf("child %d: %v: %s", i, err, c.stderr.String())
		}
		var a, u int
		if done := c.events("done "); len(done) == 1 {
			fmt.Sscanf(done[0], "%d added %d unchanged", &a, &u)
		}
		if a+u != schools {
			t.Errorf("child %d reported %d added + %d unchanged, want %d rows", i, a, u, schools)
		}
		added += a
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Schools(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != schools || added != schools {
		t.Fatalf("%d schools stored and %d reported added by %d concurrent imports of %d schools; want %d and %d",
			len(got), added, children, schools, schools, schools)
	}
}
