package app

import (
	"sort"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"techwalk/audit/benchdb"
)

// BenchmarkHomeDistrict opens Home on the district benchmark database (200
// schools x 3 visits x 40 rooms x 40 items) and reports, as medians:
//   - start-ms: from building the screen to its list painted, against
//     load-ms, reading the same schools, visits and scores with no screen;
//   - key-ms: one keystroke in the search box to the list filtered, its
//     rows rebound and laid out, ready to paint (goal < 100 ms), against
//     paint-ms, one full repaint of the window by Fyne's software test
//     painter (a GPU frame costs far less).
func BenchmarkHomeDistrict(b *testing.B) {
	s, _, err := benchdb.Open(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	a := test.NewTempApp(b)
	var start, load, key, paint []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		u := newUI(a, s)
		u.win.Resize(fyne.NewSize(1280, 800))
		h := u.showHome()
		h.loading.wait()
		u.win.Canvas().Capture()
		start = append(start, time.Since(t0))

		t0 = time.Now()
		if _, err := newHome(u).load(); err != nil {
			b.Fatal(err)
		}
		load = append(load, time.Since(t0))

		t0 = time.Now()
		test.Type(h.search, "7")
		key = append(key, time.Since(t0))

		t0 = time.Now()
		u.win.Canvas().Capture()
		paint = append(paint, time.Since(t0))
		if len(h.shown) == 0 || len(h.shown) == len(h.schools) {
			b.Fatalf("the search for 7 shows %d of %d schools", len(h.shown), len(h.schools))
		}
		u.win.Close()
	}
	b.StopTimer()
	report := func(d []time.Duration, unit string) float64 {
		m := median(d)
		b.ReportMetric(float64(m.Microseconds())/1000, unit)
		return float64(m)
	}
	b.ReportMetric(report(start, "start-ms")/report(load, "load-ms"), "x-load")
	b.ReportMetric(report(key, "key-ms")/report(paint, "paint-ms"), "x-paint")
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
