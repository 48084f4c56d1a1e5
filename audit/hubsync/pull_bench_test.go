package hubsync

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"techwalk/audit"
	"techwalk/audit/benchdb"
	"techwalk/audit/postgres"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
)

// pullFigures is what one child's pull of the district took.
type pullFigures struct {
	ms, heap, added int64
	rssKiB          int64
}

// runPull pulls the hub at url into a new empty device database in a
// re-executed test binary (how as pullChild takes it) and returns its
// figures: the pull's time, its peak heap and its peak RSS.
func runPull(b *testing.B, how, url string) pullFigures {
	b.Helper()
	path := filepath.Join(b.TempDir(), "device.db")
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), pullChildEnv+"="+how+"|"+path+"|"+url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	var f pullFigures
	line, _ := bufio.NewReader(out).ReadString('\n')
	if err := cmd.Wait(); err != nil {
		b.Fatalf("pull %s: %v: %s", how, err, stderr.String())
	}
	if _, err := fmt.Sscanf(line, "pulled %d ms %d bytes %d kB %d added", &f.ms, &f.heap, &f.rssKiB, &f.added); err != nil {
		b.Fatalf("pull %s said %q: %v", how, line, err)
	}
	return f
}

// BenchmarkHubPullDistrict is a device's first pull of the whole district
// benchmark database (600 visits, pushed to a hub once) into an empty
// database, each pull in its own process: in batches of
// postgres.VisitsPerBatch visits (Pull) and of four times as many, and,
// as the baseline in the same run, all at once (the whole change set
// read, then merged in one transaction). It reports the time, the peak
// heap (bytes of heap objects, sampled every millisecond) and the peak RSS
// of each, and their ratios batched/all-at-once.
func BenchmarkHubPullDistrict(b *testing.B) {
	url, rows := districtHub(b)
	for _, visits := range []int{postgres.VisitsPerBatch, 4 * postgres.VisitsPerBatch} {
		b.Run(fmt.Sprintf("visits=%d", visits), func(b *testing.B) {
			var one, batched []pullFigures
			for i := 0; i < b.N; i++ {
				one = append(one, runPull(b, "one", url))
				batched = append(batched, runPull(b, fmt.Sprint(visits), url))
				if o, n := one[i].added, batched[i].added; o != n {
					b.Fatalf("all at once added %d rows, in batches %d", o, n)
				}
			}
			b.StopTimer()
			o, n := medianFigures(one), medianFigures(batched)
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(n.ms), "pull-ms")
			b.ReportMetric(float64(o.ms), "one-shot-ms")
			b.ReportMetric(float64(n.ms)/float64(o.ms), "x-time")
			b.ReportMetric(float64(n.heap)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(o.heap)/(1<<20), "one-shot-peak-heap-MB")
			b.ReportMetric(float64(n.heap)/float64(o.heap), "x-peak-heap")
			b.ReportMetric(float64(n.rssKiB)/1024, "peak-rss-MB")
			b.ReportMetric(float64(o.rssKiB)/1024, "one-shot-peak-rss-MB")
			b.ReportMetric(float64(n.rssKiB)/float64(o.rssKiB), "x-peak-rss")
		})
	}
}

// districtHub is a hub holding the whole district benchmark database, as
// its device pushed it, and the number of rows.
func districtHub(b *testing.B) (string, int) {
	b.Helper()
	ctx := context.Background()
	s, _, err := benchdb.Open(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	dev := s.Device()
	cs, err := s.ExportChangeSet(ctx, audit.ExportScope{All: true, OwnDevice: dev})
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	_, url := pgtest.Database(b)
	h, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	if _, _, err := h.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := h.RegisterDevice(ctx, dev); err != nil {
		b.Fatal(err)
	}
	if _, err := h.Push(ctx, dev, audit.HLC{}, cs, nil); err != nil {
		b.Fatal(err)
	}
	rows := 0
	for _, n := range cs.Rows() {
		rows += n
	}
	return url, rows
}

// medianFigures takes each figure's median over the runs.
func medianFigures(runs []pullFigures) pullFigures {
	pick := func(get func(pullFigures) int64) int64 {
		v := make([]int64, len(runs))
		for i, r := range runs {
			v[i] = get(r)
		}
		for i := range v { // a handful of runs: insertion sort
			for j := i; j > 0 && v[j] < v[j-1]; j-- {
				v[j], v[j-1] = v[j-1], v[j]
			}
		}
		return v[len(v)/2]
	}
	return pullFigures{ms: pick(func(f pullFigures) int64 { return f.ms }), heap: pick(func(f pullFigures) int64 { return f.heap }),
		added: pick(func(f pullFigures) int64 { return f.added }), rssKiB: pick(func(f pullFigures) int64 { return f.rssKiB })}
}
