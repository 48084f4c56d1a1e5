package wifi

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// link is a test server on loopback that delays every request and moves
// bytes at a fixed rate in both directions, like a slow Wi-Fi link.
type link struct {
	delay       time.Duration
	bytesPerSec float64
	refusePost  bool
}

func (l link) start(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(srv.Close)
	return srv
}

func (l link) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(l.delay)
	switch {
	case r.Method == http.MethodPost && l.refusePost:
		http.Error(w, "POST not allowed", http.StatusMethodNotAllowed)
	case r.Method == http.MethodPost:
		l.readThrottled(r.Body)
		w.WriteHeader(http.StatusNoContent)
	case r.Header.Get("Range") == "bytes=0-0":
		w.Header().Set("Content-Range", "bytes 0-0/1000000000")
		w.WriteHeader(http.StatusPartialContent)
		w.Write([]byte{'x'})
	default:
		l.writeThrottled(r.Context(), w)
	}
}

// writeThrottled sends bytes at l.bytesPerSec until the client leaves.
func (l link) writeThrottled(ctx context.Context, w http.ResponseWriter) {
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	chunk := make([]byte, 8<<10)
	start, sent := time.Now(), 0
	for ctx.Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		sent += len(chunk)
		time.Sleep(time.Until(start.Add(time.Duration(float64(sent) / l.bytesPerSec * float64(time.Second)))))
	}
}

// readThrottled reads the body at l.bytesPerSec.
func (l link) readThrottled(body io.Reader) {
	chunk := make([]byte, 8<<10)
	start, got := time.Now(), 0
	for {
		k, err := body.Read(chunk)
		got += k
		if err != nil {
			return
		}
		time.Sleep(time.Until(start.Add(time.Duration(float64(got) / l.bytesPerSec * float64(time.Second)))))
	}
}

func within(t *testing.T, what string, got *float64, want, tolerance float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s was not measured", what)
		return
	}
	if math.Abs(*got-want) > tolerance*want {
		t.Errorf("%s = %.2f, want %.2f ± %.0f %%", what, *got, want, tolerance*100)
	}
}

func TestMeasureNetworkMatchesInjectedLink(t *testing.T) {
	const delay, mbit = 40 * time.Millisecond, 8.0
	srv := link{delay: delay, bytesPerSec: mbit * 1e6 / 8}.start(t)
	cfg := NetworkConfig{URL: srv.URL, DownloadFor: time.Second, UploadMaxBytes: 1e6, UploadFor: 3 * time.Second}
	var mu sync.Mutex
	var dones []float64
	var stages []string
	progress := func(done, total float64, stage string) {
		mu.Lock()
		defer mu.Unlock()
		if total != 1 {
			t.Errorf("progress total %v, want 1", total)
		}
		dones, stages = append(dones, done), append(stages, stage)
	}
	n, err := MeasureNetwork(context.Background(), cfg, progress)
	if err != nil {
		t.Fatal(err)
	}
	within(t, "latency ms", n.LatencyMS, 40, 0.2)
	within(t, "download Mbps", n.DownMbps, mbit, 0.2)
	within(t, "upload Mbps", n.UpMbps, mbit, 0.2)
	if len(n.LatencySamplesMS) != DefaultPings || n.JitterMS == nil || *n.JitterMS > 8 {
		t.Errorf("latency samples %v, jitter %v", n.LatencySamplesMS, n.JitterMS)
	}
	if n.UpBytes != 1e6 || len(n.Problems) != 0 {
		t.Errorf("uploaded %d bytes, problems %v", n.UpBytes, n.Problems)
	}
	checkProgress(t, dones, stages)
	t.Logf("latency %.1f ms, jitter %.2f ms, down %.2f Mbps (%d B in %.2f s), up %.2f Mbps (%d B in %.2f s)",
		*n.LatencyMS, *n.JitterMS, *n.DownMbps, n.DownBytes, n.DownSeconds, *n.UpMbps, n.UpBytes, n.UpSeconds)
}

func checkProgress(t *testing.T, dones []float64, stages []string) {
	t.Helper()
	for i := 1; i < len(dones); i++ {
		if dones[i] < dones[i-1] {
			t.Fatalf("progress went back from %v to %v (%s)", dones[i-1], dones[i], stages[i])
		}
	}
	seen := strings.Join(stages, " ")
	for _, s := range []string{"latency", "download", "upload"} {
		if !strings.Contains(seen, s) {
			t.Errorf("no progress for stage %s", s)
		}
	}
	if len(dones) == 0 || dones[len(dones)-1] != 1 || stages[len(stages)-1] != "done" {
		t.Errorf("progress did not end at 1, done")
	}
}

func TestMeasureNetworkCancelMidDownload(t *testing.T) {
	srv := link{bytesPerSec: 1e6}.start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled time.Time
	progress := func(done, total float64, stage string) {
		if stage == "download" && done > weightLatency+0.01 && cancelled.IsZero() {
			cancelled = time.Now()
			cancel()
		}
	}
	cfg := NetworkConfig{URL: srv.URL, Pings: 2, DownloadFor: 10 * time.Second}
	_, err := MeasureNetwork(ctx, cfg, progress)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if cancelled.IsZero() {
		t.Fatal("the download never reported progress")
	}
	if d := time.Since(cancelled); d > 500*time.Millisecond {
		t.Errorf("returned %v after cancel", d)
	}
}

func TestMeasureNetworkNoURL(t *testing.T) {
	_, err := MeasureNetwork(context.Background(), NetworkConfig{URL: "  "}, nil)
	if !errors.Is(err, ErrNoURL) ||
		err.Error() != "no test URL configured: set one in Settings, or type the figures by hand" {
		t.Errorf("got %v", err)
	}
	_, err = MeasureNetwork(context.Background(), NetworkConfig{URL: "ftp://files.example/x"}, nil)
	if err == nil || !strings.Contains(err.Error(), `"ftp://files.example/x" is not an http`) {
		t.Errorf("ftp URL: got %v", err)
	}
}

func TestMeasureNetworkURLNotFound(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := MeasureNetwork(context.Background(), NetworkConfig{URL: srv.URL}, nil)
	if err == nil || !strings.Contains(err.Error(), "latency: the test URL answered 404 Not Found") {
		t.Errorf("got %v", err)
	}
}

func TestMeasureNetworkUploadRefused(t *testing.T) {
	srv := link{bytesPerSec: 50e6, refusePost: true}.start(t)
	cfg := NetworkConfig{URL: srv.URL, Pings: 2, DownloadFor: 200 * time.Millisecond}
	n, err := MeasureNetwork(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n.DownMbps == nil || n.UpMbps != nil || len(n.Problems) != 1 ||
		!strings.Contains(n.Problems[0], "upload: the test URL answered 405 Method Not Allowed") {
		t.Errorf("down %v, up %v, problems %q", n.DownMbps, n.UpMbps, n.Problems)
	}
}

func TestMedianAndJitter(t *testing.T) {
	if m := Median([]float64{30, 10, 20}); m != 20 {
		t.Errorf("Median odd = %v", m)
	}
	if m := Median([]float64{40, 10, 20, 30}); m != 25 {
		t.Errorf("Median even = %v", m)
	}
	// |12-10| + |9-12| + |10-9| = 6 over 3 differences.
	if j := Jitter([]float64{10, 12, 9, 10}); j != 2 {
		t.Errorf("Jitter = %v, want 2", j)
	}
	if Median(nil) != 0 || Jitter([]float64{5}) != 0 {
		t.Error("empty input not 0")
	}
}
