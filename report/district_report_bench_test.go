package report

import (
	"context"
	"io"
	"testing"
	"time"

	"techwalk/audit/benchdb"
	"techwalk/audit/sqlite"
)

// BenchmarkDistrictReport writes the PDF report of one visit of a
// district-sized database (40 rooms, with the school's two earlier visits
// for the trend) and, in the same loop, loads that visit's data and photo
// bytes from the store: the reading any report must do. It reports both
// medians and their ratio "x-load".
func BenchmarkDistrictReport(b *testing.B) {
	s, _ := openDistrict(b)
	ctx := context.Background()
	visits, err := s.Visits(ctx, sqlite.VisitFilter{})
	if err != nil || len(visits) == 0 {
		b.Fatalf("no visits: %v", err)
	}
	id := visits[0].ID
	var ours, load []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := WritePDF(ctx, io.Discard, s, id, Options{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		loadVisit(b, s, id)
		ours, load = append(ours, t1.Sub(t0)), append(load, time.Since(t1))
	}
	b.StopTimer()
	mo, ml := median(ours), median(load)
	b.ReportMetric(float64(mo.Milliseconds()), "report-ms")
	b.ReportMetric(float64(ml.Milliseconds()), "load-ms")
	b.ReportMetric(float64(mo)/float64(ml), "x-load")
}

// loadVisit reads a visit's data and every photo's bytes.
func loadVisit(b *testing.B, s *sqlite.Store, id string) {
	ctx := context.Background()
	data, err := s.LoadVisit(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range data.Photos {
		if _, err := s.PhotoData(ctx, p.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// openDistrict opens the cached district-sized database (building it on
// first use) and returns the store and the file's path.
func openDistrict(b *testing.B) (*sqlite.Store, string) {
	s, path, err := benchdb.Open(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, path
}
