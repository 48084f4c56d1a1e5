package sqlite_test

import (
	"context"
	"testing"
	"time"

	"techwalk/audit"
)

// BenchmarkDistrictPicture loads the whole district (200 schools, 600
// visits, 960,000 answers) with DistrictInput and computes the district
// picture; baseline: bare SQL reading every row it loads. compute-ms is
// the median of DistrictPicture alone.
func BenchmarkDistrictPicture(b *testing.B) {
	s, bare := openDistrict(b)
	ctx := context.Background()
	var computing []time.Duration
	defer func() { b.ReportMetric(float64(medianOf(computing).Microseconds())/1000, "compute-ms") }()
	compare(b, func() error {
		in, err := s.DistrictInput(ctx, s.Now())
		if err != nil {
			return err
		}
		t0 := time.Now()
		d := audit.DistrictPicture(in)
		computing = append(computing, time.Since(t0))
		if len(d.Schools) == 0 {
			b.Fatal("no schools")
		}
		return nil
	}, func() error {
		for _, q := range []string{"SELECT * FROM schools", "SELECT * FROM rooms", "SELECT * FROM visits",
			"SELECT * FROM answers", "SELECT * FROM feedback", "SELECT * FROM actions"} {
			if err := scanAll(bare, q); err != nil {
				return err
			}
		}
		return nil
	})
}
