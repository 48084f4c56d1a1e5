package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"techwalk/audit"
)

// Reliability tests re-run this test binary as a child process that works
// on a real database file; the child is told what to do through childEnv as
// "mode|arg|arg...", reports on stdout one line per event ("ready",
// "ack a N", "ack p ID SHA", "error MESSAGE", "closed"), and the parent
// kills, signals or waits for it and then checks the file.
const childEnv = "TECHWALK_AUTOSAVE_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(runChild(spec))
	}
	os.Exit(m.Run())
}

// childModes are the kinds of work a child process can do.
var childModes = map[string]func(out *bufio.Writer, args []string) int{
	"autosave": autosaveChild,
	"contend":  contendChild,
	"hold":     holdLockChild,
	"fill":     fillDiskChild,
	"import":   importChild,
}

func runChild(spec string) int {
	parts := strings.Split(spec, "|")
	mode, ok := childModes[parts[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown child mode %q\n", parts[0])
		return 2
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	return mode(out, parts[1:])
}

// say prints one event line and flushes it so the parent sees it at once.
func say(out *bufio.Writer, format string, args ...any) {
	fmt.Fprintf(out, format+"\n", args...)
	out.Flush()
}

// childJPEG draws a small photo whose colours depend on n, so every photo differs.
func childJPEG(n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 48; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(n * 37), uint8(x * 5), uint8(y*7 + n), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// child is a running child process and what it has reported so far.
type child struct {
	cmd    *exec.Cmd
	stderr strings.Builder

	mu     sync.Mutex
	lines  []string
	ready  chan struct{}
	done   chan struct{}
	exited error
}

// startChild runs this test binary as a child in the given mode and waits
// until it says "ready" (or exits).
func startChild(t testing.TB, mode string, args ...string) *child {
	t.Helper()
	c := &child{ready: make(chan struct{}), done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(append([]string{mode}, args...), "|"))
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go c.read(bufio.NewScanner(stdout))
	select {
	case <-c.ready:
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		t.Fatalf("child %s did not get ready within 30 s", mode)
	}
	return c
}

func (c *child) read(sc *bufio.Scanner) {
	readyOnce := sync.OnceFunc(func() { close(c.ready) })
	for sc.Scan() {
		line := sc.Text()
		c.mu.Lock()
		c.lines = append(c.lines, line)
		c.mu.Unlock()
		if line == "ready" {
			readyOnce()
		}
	}
	c.exited = c.cmd.Wait()
	readyOnce()
	close(c.done)
}

// wait waits for the child to exit and returns its exit error.
func (c *child) wait(t testing.TB) error {
	t.Helper()
	select {
	case <-c.done:
		return c.exited
	case <-time.After(60 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("child did not exit within 60 s; it said:\n%s", c.stderr.String())
		return nil
	}
}

// events returns the reported lines that start with prefix, without it.
func (c *child) events(prefix string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.lines {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

// waitForAnswers waits until the child has acknowledged n answers, or has
// exited, or 30 s have passed.
func (c *child) waitForAnswers(n int) {
	deadline := time.Now().Add(30 * time.Second)
	for len(c.ackedAnswers()) < n && time.Now().Before(deadline) {
		select {
		case <-c.done:
			return
		case <-time.After(100 * time.Microsecond):
		}
	}
}

// killAfter waits for n acknowledged answers and up to 3 ms more, then
// kills the child with SIGKILL. It reports whether the kill caught the
// child still running; a child that failed on its own fails the test.
func (c *child) killAfter(t testing.TB, run, n int, rng *rand.Rand) bool {
	c.waitForAnswers(n)
	time.Sleep(time.Duration(rng.IntN(3_000)) * time.Microsecond)
	c.cmd.Process.Signal(syscall.SIGKILL)
	err := c.wait(t)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL {
		return true
	}
	if err != nil {
		t.Fatalf("run %d: child failed before it was killed: %v\n%s", run, err, c.stderr.String())
	}
	return false
}

// ackedAnswers returns the item numbers of the answers the child acknowledged.
func (c *child) ackedAnswers() []int {
	var out []int
	for _, e := range c.events("ack a ") {
		n, _ := strconv.Atoi(e)
		out = append(out, n)
	}
	return out
}

// ackedPhotos returns the photo id -> SHA-256 pairs the child acknowledged.
func (c *child) ackedPhotos() map[string]string {
	out := map[string]string{}
	for _, e := range c.events("ack p ") {
		if id, sha, ok := strings.Cut(e, " "); ok {
			out[id] = sha
		}
	}
	return out
}

// killTarget is a database prepared for children: one school, one room and
// a template whose items are q0, q1, ...
type killTarget struct {
	path, schoolID, roomID string
}

func newKillTarget(t testing.TB, items int) killTarget {
	t.Helper()
	s, path := openFixtureStore(t)
	ctx := context.Background()
	if err := s.SaveTemplate(ctx, manyItemTemplate(items)); err != nil {
		t.Fatal(err)
	}
	sc := audit.School{Name: "Reliability test school"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	room := audit.Room{SchoolID: sc.ID, Number: "1", Kind: audit.KindClassroom}
	if err := s.SaveRoom(ctx, &room); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return killTarget{path: path, schoolID: sc.ID, roomID: room.ID}
}

// newVisit starts a visit in the target database and returns its id.
func (k killTarget) newVisit(t testing.TB) string {
	t.Helper()
	s, err := Open(k.path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v := audit.Visit{SchoolID: k.schoolID, TemplateID: "many", TemplateVersion: "1"}
	if err := s.StartVisit(context.Background(), &v); err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func manyItemTemplate(n int) *audit.Template {
	t := fixtureTemplate()
	t.ID = "many"
	items := make([]audit.Item, n)
	for i := range items {
		items[i] = audit.Item{ID: fmt.Sprintf("q%d", i), Kind: audit.ItemText, Label: "Question", Category: "Context", Severity: audit.Low}
	}
	t.Sections = []audit.Section{{ID: "all", Title: "All", Items: items}}
	return t
}

// answerValue is the value children give item qN.
func answerValue(n int) string { return "answer " + strconv.Itoa(n) }
