package pdf

import (
	"context"
	"io"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/sqlite"
	"techwalk/report/internal/reporttest"
)

// BenchmarkDistrictReport writes the PDF report of one visit of a
// district-sized database (40 rooms, with the school's two earlier visits
// for the trend) and, in the same loop, loads that visit's data and photo
// bytes from the store: the reading any report must do. It reports both
// medians and their ratio "x-load".
func BenchmarkDistrictReport(b *testing.B) {
	s, _ := reporttest.OpenDistrict(b)
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
		if err := Write(ctx, io.Discard, s, id, Options{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		loadVisit(b, s, id)
		ours, load = append(ours, t1.Sub(t0)), append(load, time.Since(t1))
	}
	b.StopTimer()
	mo, ml := reporttest.Median(ours), reporttest.Median(load)
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

// BenchmarkDistrictPDF writes the district report of the district-sized
// database (200 schools, 600 visits) from its district picture, and in
// the same loop loads that picture from the store, the reading the report
// needs first. It reports both medians and their ratio "x-load".
func BenchmarkDistrictPDF(b *testing.B) {
	s, _ := reporttest.OpenDistrict(b)
	ctx := context.Background()
	var ours, load []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		in, err := s.DistrictInput(ctx, fixedNow)
		if err != nil {
			b.Fatal(err)
		}
		d := audit.DistrictPicture(in)
		t1 := time.Now()
		if err := WriteDistrict(ctx, io.Discard, d, Options{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
		load, ours = append(load, t1.Sub(t0)), append(ours, time.Since(t1))
	}
	b.StopTimer()
	mo, ml := reporttest.Median(ours), reporttest.Median(load)
	b.ReportMetric(float64(mo.Milliseconds()), "report-ms")
	b.ReportMetric(float64(ml.Milliseconds()), "load-ms")
	b.ReportMetric(float64(mo)/float64(ml), "x-load")
}
