package bundle_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/benchdb"
	"techwalk/audit/bundle"
	"techwalk/audit/sqlite"
)

// oneVisit is one school walked once: 40 rooms x 40 items, a photo in 10 %
// of the rooms (4 photos).
var oneVisit = benchdb.Size{Schools: 1, VisitsPerSchool: 1, RoomsPerSchool: 40, Items: 40, PhotoShare: 0.10}

// syncedTables are the tables a bundle carries (of settings, the
// district-wide rows), in an order that keeps foreign keys satisfied.
var syncedTables = []string{"schools", "rooms", "templates", "visits", "visit_rooms", "answers", "feedback", "photos", "actions", "status_history", "conflicts", "settings"}

// emptyDatabase makes a new empty database (schema only) and returns its path.
func emptyDatabase(b *testing.B, dir string, n int) string {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("empty-%d.db", n))
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	return path
}

// bareCopy is the baseline: the same rows copied with INSERT ... SELECT
// from the source file into an empty database in one transaction.
func bareCopy(b *testing.B, src, dst string) time.Duration {
	b.Helper()
	db, err := sql.Open("sqlite", dst+"?_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS src", src); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, table := range syncedTables {
		verb := "INSERT"
		if table == "templates" {
			verb = "INSERT OR IGNORE"
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("%s INTO main.%s SELECT * FROM src.%s", verb, table, table)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

func importInto(b *testing.B, path, file string) (time.Duration, audit.ApplyReport) {
	b.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	schema, _ := sqlite.SchemaVersion()
	start := time.Now()
	rep, _, err := bundle.Import(context.Background(), s, file, schema, false)
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start), rep
}

// benchImport measures importing a bundle of the whole database of size
// into an empty one against the bare copy of the same rows, and
// re-importing it.
func benchImport(b *testing.B, size benchdb.Size) {
	src, err := benchdb.Path(size)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "all"+bundle.Extension)
	s, err := sqlite.OpenReadOnly(src)
	if err != nil {
		b.Fatal(err)
	}
	schema, _ := sqlite.SchemaVersion()
	if _, err := bundle.Export(context.Background(), s, audit.ExportScope{All: true}, "bench", "all", schema, file); err != nil {
		b.Fatal(err)
	}
	s.Close()
	var imp, bare, again time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		target, baseline := emptyDatabase(b, dir, 2*i), emptyDatabase(b, dir, 2*i+1)
		b.StartTimer()
		d, rep := importInto(b, target, file)
		imp += d
		if rep.Total().Added == 0 {
			b.Fatal("nothing imported")
		}
		d, rep = importInto(b, target, file)
		again += d
		if !rep.AlreadyImported {
			b.Fatal("the re-import was not recognised")
		}
		b.StopTimer()
		bare += bareCopy(b, src, baseline)
		os.Remove(target)
		os.Remove(baseline)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(imp.Microseconds())/n/1000, "import-ms")
	b.ReportMetric(float64(bare.Microseconds())/n/1000, "bare-ms")
	b.ReportMetric(float64(again.Microseconds())/n/1000, "reimport-ms")
	b.ReportMetric(float64(imp)/float64(bare), "x-bare-insert")
}

// BenchmarkBundleImportVisit imports a one-visit bundle (40 rooms x 40
// items, 4 photos) into an empty database (goal ≤ 2x the bare copy; the
// re-import ≤ 50 ms).
func BenchmarkBundleImportVisit(b *testing.B) { benchImport(b, oneVisit) }

// BenchmarkBundleImportDistrict imports the district benchmark database
// whole into an empty one (goal ≤ 3x the bare copy).
func BenchmarkBundleImportDistrict(b *testing.B) { benchImport(b, benchdb.District) }
