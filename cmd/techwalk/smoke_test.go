package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// xvfbSession is a private X server for one test.
type xvfbSession struct {
	display string
	cmd     *exec.Cmd
}

// needTools skips the test when the X tools are missing, unless the set-up
// promised them (make test sets TECHWALK_REQUIRE_SMOKE=1), where it fails.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("TECHWALK_REQUIRE_SMOKE") == "1" {
				t.Fatalf("%s is not installed; run 'make setup'", tool)
			}
			t.Skipf("%s is not installed (make test installs it)", tool)
		}
	}
}

// startXvfb starts Xvfb on a free display at the given screen size.
func startXvfb(t testing.TB, width, height int) *xvfbSession {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", width, height), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatal("Xvfb did not report a display")
		}
		return &xvfbSession{display: ":" + n, cmd: cmd}
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return nil
}

// buildBinary builds the real techwalk binary once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "techwalk")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// appRun is the real binary running in a window on an X display.
type appRun struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	x      *xvfbSession
}

func startApp(t testing.TB, bin, db string, x *xvfbSession) *appRun {
	t.Helper()
	cmd := exec.Command(bin, "--db", db)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display, "LANG=en_US.UTF-8", "LIBGL_ALWAYS_SOFTWARE=1")
	var stderr bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	run := &appRun{cmd: cmd, stderr: &stderr, x: x}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	run.waitWindow(t)
	return run
}

// xdo runs xdotool on the app's display.
func (r *appRun) xdo(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+r.x.display)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (r *appRun) waitWindow(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if out, err := r.xdo("search", "--onlyvisible", "--name", "TechWalk"); err == nil && out != "" {
			time.Sleep(1500 * time.Millisecond) // let the first frames render
			return
		}
		if r.cmd.ProcessState != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no TechWalk window appeared within 60 s; the app said:\n%s", r.stderr.String())
}

// screenshot captures the whole X screen to path and checks it is not blank.
func (r *appRun) screenshot(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = append(os.Environ(), "DISPLAY="+r.x.display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if n := distinctColours(img, 64); n < 8 {
		t.Fatalf("screenshot %s has %d distinct colours: the window looks blank", path, n)
	}
}

// distinctColours counts distinct colours on a grid of samples, stopping at limit.
func distinctColours(img image.Image, limit int) int {
	b := img.Bounds()
	seen := map[[3]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// checkLog fails when the app logged a Fyne threading error or a panic.
func (r *appRun) checkLog(t *testing.T) {
	t.Helper()
	log := r.stderr.String()
	for _, bad := range []string{"Error in Fyne call thread", "panic:", "fatal error:"} {
		if strings.Contains(log, bad) {
			t.Fatalf("the app logged %q:\n%s", bad, log)
		}
	}
}

// shotDir is where screenshots go: $TECHWALK_SHOTS, or the test's temp dir.
func shotDir(t *testing.T) string {
	if dir := os.Getenv("TECHWALK_SHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func TestSmokeRealWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary under Xvfb")
	}
	needTools(t, "Xvfb", "xdotool", "import")
	db := filepath.Join(t.TempDir(), "demo.db")
	var out, errOut bytes.Buffer
	if code := newCLI(nil, &out, &errOut).Run([]string{"demo", "--db", db}); code != 0 {
		t.Fatalf("demo: %s", errOut.String())
	}
	bin := buildBinary(t)
	x := startXvfb(t, 1280, 800)
	run := startApp(t, bin, db, x)
	run.screenshot(t, filepath.Join(shotDir(t), "home-1280x800.png"))
	run.checkLog(t)
}
