package pdf

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReport writes the report of a 60-room visit with 120 photos. It
// reports the time per report, that time as a ratio to just reading the
// photos' bytes from the store ("x-photo-read"), and the peak heap seen
// while reports are written ("peak-heap-MB"); goals: under 1 s and 300 MB.
func BenchmarkReport(b *testing.B) {
	s := openStore(b)
	id := fixture{rooms: 60, photos: 120, previous: true, teacher: "王芳 (Wang Fang)", quote: "投影仪经常没有信号。"}.build(b, s)
	ctx := context.Background()
	data, err := s.LoadVisit(ctx, id)
	must(b, err)
	peak := watchHeap(b)
	var read, write time.Duration
	var size int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		for _, p := range data.Photos {
			if _, err := s.PhotoData(ctx, p.ID); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		var buf bytes.Buffer
		if err := Write(ctx, &buf, s, id, Options{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
		read, write, size = read+t1.Sub(t0), write+time.Since(t1), buf.Len()
	}
	b.StopTimer()
	b.ReportMetric(float64(write.Milliseconds())/float64(b.N), "report-ms")
	b.ReportMetric(float64(read.Milliseconds())/float64(b.N), "photo-read-ms")
	b.ReportMetric(float64(write)/float64(read), "x-photo-read")
	b.ReportMetric(float64(size)/(1<<20), "pdf-MB")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
}

// watchHeap samples the heap in use every few milliseconds until the
// benchmark ends; the returned function stops sampling and gives the peak.
func watchHeap(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var once sync.Once
	stop := func() uint64 {
		once.Do(func() { close(done); wg.Wait() })
		return peak.Load()
	}
	b.Cleanup(func() { stop() })
	return stop
}
