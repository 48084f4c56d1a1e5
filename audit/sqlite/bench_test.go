package sqlite

import (
	"context"
	"fmt"
	"sort"
	"techwalk/audit"
	"testing"
	"time"
)

// BenchmarkAutosave measures SaveAnswer (validation, upsert, commit) against
// a bare single-row INSERT committed on the same connection and settings,
// interleaved in the same loop so both see the same machine state. It
// reports the ratio of medians as "x-bare-insert" (goal: at most 1.5).
func BenchmarkAutosave(b *testing.B) {
	s, _ := openFixtureStore(b)
	ctx := context.Background()
	v, rooms := fixtureVisit(b, s)
	if _, err := s.w.Exec("CREATE TABLE bare(id TEXT PRIMARY KEY, value TEXT)"); err != nil {
		b.Fatal(err)
	}
	values := []string{audit.CheckOK, audit.CheckMissing, audit.CheckBroken, audit.CheckNA}
	bare := make([]time.Duration, 0, b.N)
	save := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO bare(id, value) VALUES (?, ?)", fmt.Sprint(i), values[i%4]); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		a := audit.Answer{VisitID: v.ID, RoomID: rooms[i%2].ID, ItemID: "hdmi", Value: values[i%4]}
		if err := s.SaveAnswer(ctx, &a); err != nil {
			b.Fatal(err)
		}
		bare = append(bare, t1.Sub(t0))
		save = append(save, time.Since(t1))
	}
	b.StopTimer()
	mb, ms := median(bare), median(save)
	b.ReportMetric(float64(mb.Microseconds()), "bare-us")
	b.ReportMetric(float64(ms.Microseconds()), "save-us")
	b.ReportMetric(float64(percentile(save, 0.99).Microseconds()), "save-p99-us")
	b.ReportMetric(float64(ms)/float64(mb), "x-bare-insert")
}

func median(d []time.Duration) time.Duration { return percentile(d, 0.5) }

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), d...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	return sorted[int(float64(len(sorted)-1)*p)]
}
