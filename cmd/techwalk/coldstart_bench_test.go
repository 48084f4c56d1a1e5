package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"techwalk/audit/benchdb"
)

// windowRun is a GUI program started for a measurement.
type windowRun struct {
	cmd     *exec.Cmd
	stderr  bytes.Buffer
	elapsed time.Duration // from exec to the window being mapped
}

// timeToWindow starts bin with args on display x and polls xdotool until a
// visible window whose name contains title appears.
func timeToWindow(b *testing.B, x *xvfbSession, title, bin string, args ...string) *windowRun {
	b.Helper()
	r := &windowRun{cmd: exec.Command(bin, args...)}
	r.cmd.Env = append(os.Environ(), "DISPLAY="+x.display, "LANG=en_US.UTF-8", "LIBGL_ALWAYS_SOFTWARE=1")
	r.cmd.Stderr = &r.stderr
	t0 := time.Now()
	if err := r.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	for deadline := t0.Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		probe := exec.Command("xdotool", "search", "--onlyvisible", "--name", title)
		probe.Env = append(os.Environ(), "DISPLAY="+x.display)
		if out, err := probe.Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
			r.elapsed = time.Since(t0)
			return r
		}
	}
	r.stop()
	b.Fatalf("%s: no window %q within 60 s:\n%s", filepath.Base(bin), title, r.stderr.String())
	return nil
}

// waitIdle waits until the process has used no CPU for half a second (the
// home screen's background load is done) and returns the time from exec.
func (r *windowRun) waitIdle(b *testing.B, start time.Time) time.Duration {
	b.Helper()
	last, quiet := r.cpuTicks(b), 0
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && quiet < 2; {
		time.Sleep(250 * time.Millisecond)
		now := r.cpuTicks(b)
		if now-last <= 2 {
			quiet++
		} else {
			quiet = 0
		}
		last = now
	}
	return time.Since(start) - 500*time.Millisecond
}

// cpuTicks reads the process's user+system CPU time in clock ticks.
func (r *windowRun) cpuTicks(b *testing.B) int {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(r.cmd.Process.Pid) + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return utime + stime
}

func (r *windowRun) stop() {
	r.cmd.Process.Kill()
	r.cmd.Wait()
}

// peakRSSMB reads the process's peak resident set (VmHWM) in MB.
func (r *windowRun) peakRSSMB(b *testing.B) float64 {
	b.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(r.cmd.Process.Pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc status")
	return 0
}

func medianMS(d []time.Duration) float64 {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[len(s)/2].Microseconds()) / 1000
}

func buildMinimalWindow(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "minimalwindow")
	if out, err := exec.Command("go", "build", "-o", bin, "../../testdata/minimalwindow").CombinedOutput(); err != nil {
		b.Fatalf("build the minimal window: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkColdStart measures exec to the first mapped window under Xvfb,
// median of 5 runs, for TechWalk on the demo database and for a minimal
// Fyne window built in the same run; "x-minimal" is their ratio (goal 1.3).
func BenchmarkColdStart(b *testing.B) {
	needTools(b, "Xvfb", "xdotool")
	db := filepath.Join(b.TempDir(), "demo.db")
	if code := newCLI(nil, &bytes.Buffer{}, &bytes.Buffer{}).Run([]string{"demo", "--db", db}); code != 0 {
		b.Fatal("demo failed")
	}
	app, minimal := buildBinary(b), buildMinimalWindow(b)
	x := startXvfb(b, 1280, 800)
	var appTimes, minTimes []time.Duration
	for i := 0; i < 5; i++ {
		m := timeToWindow(b, x, "Minimal Fyne window", minimal)
		m.stop()
		a := timeToWindow(b, x, "TechWalk", app, "--db", db)
		a.stop()
		minTimes, appTimes = append(minTimes, m.elapsed), append(appTimes, a.elapsed)
	}
	b.ReportMetric(medianMS(appTimes), "app-ms")
	b.ReportMetric(medianMS(minTimes), "minimal-ms")
	b.ReportMetric(medianMS(appTimes)/medianMS(minTimes), "x-minimal")
}

// BenchmarkDistrictMemory runs TechWalk on the district-sized database and
// reads its peak RSS once the window is up (goal: under 200 MB), against
// the minimal Fyne window's; "x-minimal" is their ratio.
func BenchmarkDistrictMemory(b *testing.B) {
	needTools(b, "Xvfb", "xdotool")
	db, err := benchdb.Path(benchdb.District)
	if err != nil {
		b.Fatal(err)
	}
	work := filepath.Join(b.TempDir(), "district.db") // a copy: the app's device id and WAL stay out of the cache
	if out, err := exec.Command("cp", db, work).CombinedOutput(); err != nil {
		b.Fatalf("copy the district database: %v %s", err, out)
	}
	app, minimal := buildBinary(b), buildMinimalWindow(b)
	x := startXvfb(b, 1280, 800)
	m := timeToWindow(b, x, "Minimal Fyne window", minimal)
	time.Sleep(time.Second)
	minRSS := m.peakRSSMB(b)
	m.stop()
	t0 := time.Now()
	a := timeToWindow(b, x, "TechWalk", app, "--db", work)
	loaded := a.waitIdle(b, t0)
	appRSS := a.peakRSSMB(b)
	a.stop()
	b.ReportMetric(float64(a.elapsed.Microseconds())/1000, "start-ms")
	b.ReportMetric(float64(loaded.Microseconds())/1000, "home-loaded-ms")
	b.ReportMetric(appRSS, "rss-MB")
	b.ReportMetric(minRSS, "minimal-rss-MB")
	b.ReportMetric(appRSS/minRSS, "x-minimal")
}
