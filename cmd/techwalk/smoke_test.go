package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"techwalk/audit"
	"techwalk/audit/benchdb"
	"techwalk/audit/sqlite"
)

// xvfbSession is a private X server for one test.
type xvfbSession struct {
	display string
	cmd     *exec.Cmd
	fd      *os.File // the -displayfd pipe, open while Xvfb runs: it may write there again
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

// startXvfb starts Xvfb on a free display at the given screen size. A
// display that cannot be reached (another test run's Xvfb can take over a
// stale display number at the same moment) is given up and another started.
func startXvfb(t testing.TB, width, height int) *xvfbSession {
	t.Helper()
	var last string
	for attempt := 0; attempt < 3; attempt++ {
		x, problem := launchXvfb(width, height)
		if problem == "" && x.reachable() {
			t.Cleanup(x.stop)
			return x
		}
		if x != nil {
			x.stop()
			problem = "display " + x.display + " cannot be reached"
		}
		last = problem
	}
	t.Fatalf("Xvfb: %s", last)
	return nil
}

// launchXvfb starts one Xvfb and reads the display it chose.
func launchXvfb(width, height int) (*xvfbSession, string) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err.Error()
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", width, height), "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return nil, err.Error()
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	x := &xvfbSession{cmd: cmd, fd: r}
	select {
	case n := <-line:
		if n == "" {
			x.stop()
			return nil, "Xvfb did not report a display"
		}
		x.display = ":" + n
		return x, ""
	case <-time.After(20 * time.Second):
		x.stop()
		return nil, "Xvfb did not start within 20 s"
	}
}

// reachable reports whether a client can open the display.
func (x *xvfbSession) reachable() bool {
	probe := exec.Command("xdotool", "getdisplaygeometry")
	probe.Env = append(os.Environ(), "DISPLAY="+x.display)
	return probe.Run() == nil
}

// stop ends Xvfb with SIGTERM, so it removes its lock and socket, and kills
// it if it has not gone within two seconds.
func (x *xvfbSession) stop() {
	x.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { x.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		x.cmd.Process.Kill()
		<-done
	}
	x.fd.Close()
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
	stderr *lockedBuffer
	x      *xvfbSession
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startApp(t testing.TB, bin, db string, x *xvfbSession, extra ...string) *appRun {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--db", db}, extra...)...)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display, "LANG=en_US.UTF-8", "LIBGL_ALWAYS_SOFTWARE=1")
	stderr := &lockedBuffer{}
	cmd.Stderr, cmd.Stdout = stderr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	run := &appRun{cmd: cmd, stderr: stderr, x: x}
	t.Cleanup(run.stop)
	run.waitWindow(t)
	return run
}

// pressKeys sends a key combination n times to the app's window.
func (r *appRun) pressKeys(t *testing.T, keys string, n int) {
	t.Helper()
	id, err := r.xdo("search", "--onlyvisible", "--name", "TechWalk")
	if err != nil {
		t.Fatalf("xdotool search: %v %s", err, id)
	}
	id = strings.Fields(id)[0]
	args := []string{"key", "--window", id, "--delay", "150"}
	for i := 0; i < n; i++ {
		args = append(args, keys)
	}
	if out, err := r.xdo(args...); err != nil {
		t.Fatalf("xdotool key: %v %s", err, out)
	}
	time.Sleep(time.Second)
}

// stop ends the app this test started.
func (r *appRun) stop() {
	if r.cmd.ProcessState == nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
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

// TestSmokeRealWindow runs the real binary on a demo district and captures
// home, a room checklist, the findings, the import and export screens and
// the District screen at a laptop and a tablet size.
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
	dir := shotDir(t)
	for _, size := range [][2]int{{1280, 800}, {1024, 768}} {
		x := startXvfb(t, size[0], size[1])
		geometry := fmt.Sprintf("%dx%d", size[0], size[1])
		for _, screen := range []string{"home", "checklist", "findings", "import", "export", "district"} {
			run := startApp(t, bin, db, x, "--open", screen, "--size", geometry)
			if screen == "checklist" {
				run.pressKeys(t, "ctrl+j", 4) // real keyboard shortcuts: on to the display checks
			}
			run.screenshot(t, filepath.Join(dir, screen+"-"+geometry+".png"))
			run.checkLog(t)
			run.stop()
		}
	}
}

// smokeDistrict builds a 200-school district (small visits, so it builds in
// seconds), reopens the visit the checklist opens and gives each of its
// rooms a photo.
func smokeDistrict(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "district.db")
	if err := benchdb.Build(path, benchdb.Size{Schools: 200, VisitsPerSchool: 1, RoomsPerSchool: 6, Items: 12, PhotoShare: 0.1}); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	visits, err := s.Visits(ctx, sqlite.VisitFilter{})
	if err != nil || len(visits) == 0 {
		t.Fatalf("visits: %v", err)
	}
	v := visits[0]
	for _, w := range visits {
		if !w.Finished() {
			v = w
			break
		}
	}
	if v.Finished() { // the checklist and the kiosk show a visit under way
		if v, err = s.ReopenVisit(ctx, v.ID); err != nil {
			t.Fatal(err)
		}
	}
	rooms, err := s.Rooms(ctx, v.SchoolID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rooms {
		if _, err := s.AddPhoto(ctx, audit.PhotoInput{VisitID: v.ID, RoomID: r.ID, Caption: "Room " + r.Label(),
			Name: "room.png", Data: smokePNG(t)}); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// smokePNG is a small picture with some detail to recognise in a thumbnail.
func smokePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for x := 0; x < 320; x++ {
		for y := 0; y < 240; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / 320), uint8(y * 255 / 240), uint8((x + y) % 256), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSmokeTabletScreens captures Home on a district of 200 schools, a
// checklist with photo thumbnails, the compact findings list, the
// teacher feedback kiosk and the sign-off with a signature drawn with the
// mouse, in the dark and the light theme, at a laptop and
// a portrait tablet size.
func TestSmokeTabletScreens(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary under Xvfb")
	}
	needTools(t, "Xvfb", "xdotool", "import")
	db := smokeDistrict(t)
	bin := buildBinary(t)
	dir := shotDir(t)
	for _, size := range [][2]int{{1280, 800}, {768, 1024}} {
		x := startXvfb(t, size[0], size[1])
		geometry := fmt.Sprintf("%dx%d", size[0], size[1])
		for _, variant := range []string{"dark", "light"} {
			for _, screen := range []string{"home", "checklist", "findings", "kiosk", "signoff"} {
				run := startThemedApp(t, bin, db, x, variant, "--open", screen, "--size", geometry)
				time.Sleep(2 * time.Second) // the district's schools and the thumbnails load in the background
				if screen == "signoff" {
					run.drawSignature(t, size[0], size[1])
				}
				run.screenshot(t, filepath.Join(dir, "tablet-"+screen+"-"+variant+"-"+geometry+".png"))
				run.checkLog(t)
				run.stop()
			}
		}
	}
}

// drawSignature signs on the sign-off pad with the real mouse: a few
// strokes across the middle of a w x h screen, where the pad is.
func (r *appRun) drawSignature(t *testing.T, w, h int) {
	t.Helper()
	cx, cy := w/2, h/2
	for _, stroke := range signatureStrokes() {
		args := []string{"mousemove", fmt.Sprint(cx + stroke[0][0]), fmt.Sprint(cy + stroke[0][1]), "mousedown", "1"}
		for _, p := range stroke[1:] {
			args = append(args, "sleep", "0.01", "mousemove", fmt.Sprint(cx+p[0]), fmt.Sprint(cy+p[1]))
		}
		args = append(args, "sleep", "0.05", "mouseup", "1")
		if out, err := r.xdo(args...); err != nil {
			t.Fatalf("xdotool: %v %s", err, out)
		}
	}
	r.pressKeys(t, "Tab", 1) // the name field takes the keyboard
	if out, err := r.xdo("type", "--delay", "40", "Dana Okafor"); err != nil {
		t.Fatalf("xdotool type: %v %s", err, out)
	}
	time.Sleep(time.Second)
}

// signatureStrokes are a handwriting-like signature around the origin: a
// looping first name, a surname and an underline, as mouse positions.
func signatureStrokes() [][][2]int {
	var first, second, line [][2]int
	for i := 0; i <= 60; i++ {
		a := float64(i) / 60 * 5 * math.Pi
		first = append(first, [2]int{-220 + i*2 + int(18*math.Sin(a)), int(-30 * math.Cos(a) * (1 - float64(i)/90))})
	}
	for i := 0; i <= 80; i++ {
		a := float64(i) / 80 * 7 * math.Pi
		second = append(second, [2]int{-60 + i*3 + int(10*math.Sin(a)), int(-25*math.Abs(math.Sin(a/2))) + 10})
	}
	for i := 0; i <= 20; i++ {
		line = append(line, [2]int{-210 + i*21, 55 - i/2})
	}
	return [][][2]int{first, second, line}
}

// startThemedApp starts the app in the given theme variant (FYNE_THEME).
func startThemedApp(t *testing.T, bin, db string, x *xvfbSession, variant string, extra ...string) *appRun {
	t.Helper()
	t.Setenv("FYNE_THEME", variant)
	return startApp(t, bin, db, x, extra...)
}
