//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/audit/lockprobe"
	"techwalk/audit/postgres/pgtest"
	"techwalk/audit/sqlite"
)

// appChildEnv makes this test binary run as a TechWalk app process
// ("path|visitID|roomID") driven through stdin: see runAppChild.
const appChildEnv = "TECHWALK_APP_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(appChildEnv); spec != "" {
		os.Exit(runAppChild(strings.Split(spec, "|")))
	}
	os.Exit(pgtest.Main(m))
}

// runAppChild opens the store and the app's UI under Fyne's test driver,
// opens Export and its Save… dialog (which lists $HOME, the database's
// folder), cancels it, and says "ready". Then, for each "save N" line on
// stdin, it saves answer qN and says "ack N"; "dialog" opens and cancels
// the dialog again.
func runAppChild(args []string) int {
	store, err := sqlite.Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer store.Close()
	u := newUI(test.NewApp(), store)
	u.win.Resize(fyne.NewSize(1024, 768))
	if err := saveDialogAndCancel(u); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...); out.Flush() }
	say("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "save %d", &n); err == nil {
			a := audit.Answer{VisitID: args[1], RoomID: args[2], ItemID: fmt.Sprintf("q%d", n), Value: fmt.Sprintf("answer %d", n)}
			if err := store.SaveAnswer(context.Background(), &a); err != nil {
				say("error %v", err)
				continue
			}
			say("ack %d", n)
		} else if sc.Text() == "dialog" {
			if err := saveDialogAndCancel(u); err != nil {
				say("error %v", err)
				continue
			}
			say("done")
		}
	}
	return 0
}

// saveDialogAndCancel shows every screen the app opens on, then taps
// Export's Save…, lets the file dialog list its folder (drawing an icon for
// every file, which reads the files whose type the name does not tell) and
// taps Cancel.
func saveDialogAndCancel(u *ui) error {
	for _, name := range OpenScreens {
		if err := u.open(name); err != nil {
			return err
		}
	}
	es := u.showExport("")
	es.previewJob.wait()
	test.Tap(es.saveBtn)
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return errors.New("the save dialog did not open")
	}
	u.win.Resize(fyne.NewSize(1024, 769)) // lays the dialog's file list out, creating its items
	cancel := findButton(top, "Cancel")
	if cancel == nil {
		return errors.New("the save dialog has no Cancel button")
	}
	test.Tap(cancel)
	return nil
}

// appChild is a running app child process.
type appChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	errs  strings.Builder
}

func startAppChild(t *testing.T, path, visitID, roomID string) *appChild {
	t.Helper()
	c := &appChild{lines: make(chan string, 100)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), appChildEnv+"="+strings.Join([]string{path, visitID, roomID}, "|"), "HOME="+filepath.Dir(path))
	c.cmd.Stderr = &c.errs
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	c.expect(t, "ready")
	return c
}

// expect waits for the child's next line and fails unless it is want.
func (c *appChild) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok || line != want {
			t.Fatalf("the app child said %q (open %v), want %q; stderr:\n%s", line, ok, want, c.errs.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the app child did not say %q within 60 s; stderr:\n%s", want, c.errs.String())
	}
}

func (c *appChild) send(t *testing.T, line string) {
	t.Helper()
	if _, err := fmt.Fprintln(c.stdin, line); err != nil {
		t.Fatal(err)
	}
}

// TestFileDialogKeepsTheAppsLocks is the lost-answers report: the app's
// Save… dialog lists the database's folder and is cancelled; another
// TechWalk process then opens and closes the database (as any CLI command
// does); the app saves more answers and is killed. Every answer it
// acknowledged must be in the file, and the app must still hold its SQLite
// locks after the dialog, seen from outside with F_GETLK.
func TestFileDialogKeepsTheAppsLocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "district.db")
	visitID, roomID := dialogFixture(t, path)
	writeJunk(t, filepath.Dir(path))
	app := startAppChild(t, path, visitID, roomID)
	const answers = 40
	for n := 0; n < answers/2; n++ {
		app.send(t, fmt.Sprintf("save %d", n))
		app.expect(t, fmt.Sprintf("ack %d", n))
	}
	app.send(t, "dialog")
	app.expect(t, "done")
	held, err := lockprobe.Probe(path)
	if err != nil {
		t.Fatal(err)
	}
	if !held.Database || !held.SHM {
		t.Errorf("after the file dialog the app holds its database lock %v and its -shm lock %v; both must stay", held.Database, held.SHM)
	}
	other, err := sqlite.Open(path) // a CLI command in another process: open, read, close
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Schools(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	for n := answers / 2; n < answers; n++ {
		app.send(t, fmt.Sprintf("save %d", n))
		app.expect(t, fmt.Sprintf("ack %d", n))
	}
	app.cmd.Process.Signal(syscall.SIGKILL)
	app.cmd.Wait()
	checkAnswers(t, path, visitID, answers)
}

// dialogFixture makes a database with one school, room and a visit of a
// template with items q0...q49, and returns the visit's and room's ids.
func dialogFixture(t *testing.T, path string) (visitID, roomID string) {
	t.Helper()
	s := openStore(t, path)
	defer s.Close()
	items := make([]audit.Item, 50)
	for i := range items {
		items[i] = audit.Item{ID: fmt.Sprintf("q%d", i), Kind: audit.ItemText, Label: "Question", Category: "Context", Severity: audit.Low}
	}
	base, err := s.LatestTemplate(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	tpl := *base
	tpl.ID, tpl.Name, tpl.Version = "many", "Many", "1"
	tpl.Sections = []audit.Section{{ID: "all", Title: "All", Items: items}}
	if err := s.SaveTemplate(ctx, &tpl); err != nil {
		t.Fatal(err)
	}
	sc := audit.School{Name: "Lincoln Elementary School"}
	if err := s.SaveSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	room := audit.Room{SchoolID: sc.ID, Number: "101", Kind: audit.KindClassroom}
	if err := s.SaveRoom(ctx, &room); err != nil {
		t.Fatal(err)
	}
	v := audit.Visit{SchoolID: sc.ID, TemplateID: "many", TemplateVersion: "1"}
	if err := s.StartVisit(ctx, &v); err != nil {
		t.Fatal(err)
	}
	return v.ID, room.ID
}

// writeJunk puts other files in the folder, as a Documents folder has.
func writeJunk(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{"notes", "district.csv", "budget.xlsx"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("some text\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// checkAnswers checks the file's integrity and that answers q0...q(n-1) are saved.
func checkAnswers(t *testing.T, path, visitID string, n int) {
	t.Helper()
	if err := sqlite.CheckIntegrity(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, path)
	defer s.Close()
	answers, err := s.Answers(ctx, visitID)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, a := range answers {
		have[a.ItemID] = a.Value
	}
	lost := 0
	for i := 0; i < n; i++ {
		if have[fmt.Sprintf("q%d", i)] != fmt.Sprintf("answer %d", i) {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged answers are gone after the kill", lost, n)
	}
}
