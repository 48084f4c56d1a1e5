package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"techwalk/audit/importer"
	"testing"
	"time"
)

// schoolsCSV makes a schools file of n schools; principal varies the
// principal's name so a second file updates every school.
func schoolsCSV(n int, principal string) []byte {
	var b strings.Builder
	b.WriteString("school name,school code,address,principal\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "School %d,S%06d,%d Main Street,%s %d\n", i, i, i, principal, i)
	}
	return []byte(b.String())
}

// BenchmarkReimportSchools imports 100,000 schools into a new database,
// then imports them again with every principal changed (100,000 updates),
// and reports the re-import's time as a ratio of the first import's in the
// same run, "x-first-import" (goal: at most 1.5; it was 10 when matching
// a row scanned every stored school).
func BenchmarkReimportSchools(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	first, err := importer.ReadCSV("first.csv", schoolsCSV(n, "Principal"))
	if err != nil {
		b.Fatal(err)
	}
	again, err := importer.ReadCSV("again.csv", schoolsCSV(n, "New principal"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := importer.DetectMapping(first.Header)
	if err != nil {
		b.Fatal(err)
	}
	var firstTime, againTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), fmt.Sprintf("bench-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		if rep, err := s.ImportDirectory(ctx, first, m, importer.ImportOptions{}); err != nil || rep.Count(importer.RowAdded) != n {
			b.Fatalf("first import: %v", err)
		}
		t1 := time.Now()
		if rep, err := s.ImportDirectory(ctx, again, m, importer.ImportOptions{}); err != nil || rep.Count(importer.RowUpdated) != n {
			b.Fatalf("re-import: %v", err)
		}
		firstTime, againTime = firstTime+t1.Sub(t0), againTime+time.Since(t1)
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(firstTime.Milliseconds())/float64(b.N), "first-ms")
	b.ReportMetric(float64(againTime.Milliseconds())/float64(b.N), "reimport-ms")
	b.ReportMetric(float64(againTime)/float64(firstTime), "x-first-import")
}
