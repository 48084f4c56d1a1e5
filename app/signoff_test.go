package app

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"techwalk/audit"
	"techwalk/audit/sqlite"
)

// newClockedUI opens a window on a real database file whose store runs on
// the given clock.
func newClockedUI(t *testing.T, now func() time.Time) (*ui, *sqlite.Store) {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "techwalk.db"), sqlite.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	u := newUI(test.NewTempApp(t), store)
	u.win.Resize(fyne.NewSize(1024, 768))
	return u, store
}

// sign draws a stroke through the points on the pad, as a finger or the
// mouse drags it: each move is a Dragged event, lifting it a DragEnd.
func sign(p *signaturePad, points ...fyne.Position) {
	for i := 1; i < len(points); i++ {
		p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: points[i]}, Dragged: fyne.NewDelta(points[i].X-points[i-1].X, points[i].Y-points[i-1].Y)})
	}
	p.DragEnd()
}

// inkedPixels counts the dark pixels of a PNG and returns its size.
func inkedPixels(t *testing.T, data []byte) (int, image.Point) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the stored signature is not a PNG: %v", err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				n++
			}
		}
	}
	return n, b.Size()
}

func TestSignOffDrawnSavedAndRedone(t *testing.T) {
	now := time.Date(2026, 11, 2, 14, 30, 0, 0, time.UTC)
	u, s := newClockedUI(t, func() time.Time { return now })
	school, _ := setUpSchool(t, u, s)
	vs := loadedHome(u).onStartVisit(school.ID)
	fs := u.showFinish(vs.visit.ID)
	if !strings.Contains(fs.signText.Text, "Not signed yet") || fs.signImg.Visible() {
		t.Fatalf("an unsigned visit's summary says %q", fs.signText.Text)
	}
	test.Tap(fs.signBtn)
	so := u.signOff
	if u.showing != "signoff" || so == nil {
		t.Fatalf("Sign off… showed %q", u.showing)
	}
	test.Tap(so.saveBtn) // nothing drawn yet
	if _, err := s.SignOff(ctx, vs.visit.ID); err == nil || !strings.Contains(so.status.Text, "nothing is signed yet") {
		t.Fatalf("saving an empty pad: stored %v, status %q", err, so.status.Text)
	}

	test.Type(so.name, "Dana Okafor")
	test.Tap(so.role.button(audit.RolePrincipal))
	test.LaidOutObjects(u.win.Content())
	at := u.app.Driver().AbsolutePositionForObject(so.pad)
	test.Drag(u.win.Canvas(), at.Add(fyne.NewPos(40, 60)), 120, 30) // through the window, as the driver routes it
	sign(so.pad, fyne.NewPos(40, 100), fyne.NewPos(70, 60), fyne.NewPos(100, 110), fyne.NewPos(140, 50), fyne.NewPos(200, 95))
	if len(so.pad.strokes) != 2 {
		t.Fatalf("two drags made %d strokes", len(so.pad.strokes))
	}
	if ink := len(test.WidgetRenderer(so.pad).Objects()) - 3; ink < 5 {
		t.Fatalf("the pad draws %d segments of the strokes, want every one live", ink)
	}
	test.Tap(so.saveBtn)

	got, err := s.SignOff(ctx, vs.visit.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Dana Okafor" || got.Role != audit.RolePrincipal || !got.SignedAt.Equal(now) {
		t.Fatalf("stored %q, %q at %v; want Dana Okafor, Principal at %v", got.Name, got.Role, got.SignedAt, now)
	}
	if ink, size := inkedPixels(t, got.PNG); ink < 200 || size.X < 300 || size.Y < 100 {
		t.Fatalf("the stored signature has %d inked pixels in %v, want the strokes at twice their size", ink, size)
	}
	if u.showing != "finish" || !strings.Contains(u.finish.status.Text, "Signed by Dana Okafor (Principal) at") {
		t.Fatalf("after saving: screen %q, status %q", u.showing, u.finish.status.Text)
	}
	fs = u.finish
	if !fs.signImg.Visible() || !bytes.Equal(fs.signImg.Resource.Content(), got.PNG) || fs.signBtn.Text != "Sign again…" {
		t.Fatal("the summary does not show the stored signature")
	}

	now = now.Add(10 * time.Minute) // signed again, by the teacher: it replaces the first
	test.Tap(fs.signBtn)
	so = u.signOff
	if so.name.Text != "Dana Okafor" || so.role.value != audit.RolePrincipal {
		t.Errorf("signing again starts from %q, %q; want the stored name and role", so.name.Text, so.role.value)
	}
	so.name.SetText("Nguyễn Thị Hoa")
	test.Tap(so.role.button(audit.RoleTeacher))
	sign(so.pad, fyne.NewPos(20, 20), fyne.NewPos(90, 80))
	test.Tap(so.clearBtn)
	if !so.pad.empty() {
		t.Fatal("Clear left strokes on the pad")
	}
	sign(so.pad, fyne.NewPos(30, 80), fyne.NewPos(160, 40), fyne.NewPos(260, 90))
	test.Tap(so.saveBtn)
	if got, _ = s.SignOff(ctx, vs.visit.ID); got.Name != "Nguyễn Thị Hoa" || got.Role != audit.RoleTeacher || !got.SignedAt.Equal(now) {
		t.Fatalf("after signing again the store holds %q, %q at %v", got.Name, got.Role, got.SignedAt)
	}

	fs = u.finish
	test.Tap(fs.finishBtn)
	test.Tap(dialogButton(t, u, "Finish visit"))
	if !fs.signBtn.Disabled() || !strings.Contains(fs.signText.Text, "Reopen the visit to sign again") {
		t.Fatalf("a finished visit offers to sign again: %q", fs.signText.Text)
	}
	so = u.showSignOff(vs.visit.ID)
	if !so.saveBtn.Disabled() || !strings.Contains(so.status.Text, "finished") {
		t.Fatalf("the sign-off of a finished visit can be saved: %q", so.status.Text)
	}
}

func TestFinishingSaysSoInView(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 768, Height: 1024}} {
		u, s, _ := newTestUI(t)
		u.win.Resize(size)
		if _, err := s.CreateDemo(ctx, 7); err != nil {
			t.Fatal(err)
		}
		visits, _ := s.Visits(ctx, sqlite.VisitFilter{})
		v, err := s.ReopenVisit(ctx, visits[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		fs := u.showFinish(v.ID)
		test.LaidOutObjects(u.win.Content())
		offset := fs.scroll.Offset
		test.Tap(fs.finishBtn)
		test.Tap(dialogButton(t, u, "Finish visit"))
		test.LaidOutObjects(u.win.Content())
		if !strings.Contains(fs.status.Text, "Visit finished and saved") || fs.finishBtn.Text != "Visit finished" {
			t.Fatalf("%v: after finishing the status says %q, the button %q", size, fs.status.Text, fs.finishBtn.Text)
		}
		pos := u.app.Driver().AbsolutePositionForObject(fs.status.Label)
		end := pos.Add(fs.status.Label.Size())
		win := u.win.Canvas().Size()
		if !fs.status.Visible() || pos.Y < 0 || end.Y > win.Height || end.X > win.Width || fs.status.Label.Size().Height == 0 {
			t.Errorf("%v: the confirmation is at %v-%v, outside the %v window", size, pos, end, win)
		}
		for _, o := range test.LaidOutObjects(fs.scroll) {
			if o == fs.status.box {
				t.Errorf("%v: the confirmation scrolls with the summary instead of staying in place", size)
			}
		}
		if fs.scroll.Offset != offset {
			t.Errorf("%v: finishing scrolled the summary from %v to %v", size, offset, fs.scroll.Offset)
		}
	}
}

// reportOpenDialog saves the demo visit's report and answers yes to
// opening it, returning the finish screen and the report's path.
func reportOpenDialog(t *testing.T) (*ui, *finishScreen, string) {
	t.Helper()
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	visits, _ := s.Visits(ctx, sqlite.VisitFilter{})
	fs := u.showFinish(visits[0].ID)
	path := filepath.Join(t.TempDir(), "Lincoln report.pdf")
	fs.onReportFile(fileWriter(t, path), nil)
	<-fs.reportDone
	if fs.openAsk == nil {
		t.Fatalf("no offer to open the report: %q", fs.status.Text)
	}
	test.Tap(dialogButton(t, u, "Yes"))
	fs.opening.wait()
	return u, fs, path
}

// checkNoViewer asserts the dialog names the report's full path and copies it.
func checkNoViewer(t *testing.T, u *ui, fs *finishScreen, path string) {
	t.Helper()
	if fs.noViewer == nil {
		t.Fatal("nothing opened the report, and nothing said where it is")
	}
	if fs.noViewer.path.Text != path || !strings.Contains(dialogText(u), "no program on this computer opened it") {
		t.Fatalf("the dialog says %q; want the full path %q", dialogText(u), path)
	}
	test.Tap(fs.noViewer.copyBtn)
	if got := u.app.Clipboard().Content(); got != path {
		t.Fatalf("Copy the path put %q on the clipboard, want %q", got, path)
	}
}

func TestOpenReportWithoutXDGOpenSaysWhereItIs(t *testing.T) {
	if !usesXDGOpen() {
		t.Skip("files are opened by the system here, not xdg-open")
	}
	t.Setenv("PATH", t.TempDir()) // no xdg-open at all
	u, fs, path := reportOpenDialog(t)
	checkNoViewer(t, u, fs, path)
}

func TestOpenReportWithNoPDFHandlerSaysWhereItIs(t *testing.T) {
	if _, err := exec.LookPath("xdg-open"); err != nil || !usesXDGOpen() {
		t.Skip("xdg-open is not installed")
	}
	empty := t.TempDir() // a desktop with no program registered for PDF files
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DATA_DIRS", "XDG_CONFIG_DIRS"} {
		t.Setenv(v, empty)
	}
	for _, v := range []string{"DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	u, fs, path := reportOpenDialog(t)
	checkNoViewer(t, u, fs, path)
}

func TestOpenSignOffOnTheLatestVisit(t *testing.T) {
	u, s, _ := newTestUI(t)
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if err := u.open(OpenSignOff); err != nil {
		t.Fatal(err)
	}
	if u.showing != "signoff" || u.signOff == nil || u.signOff.visit.ID != u.visitID {
		t.Fatalf("--open signoff shows %q", u.showing)
	}
	if !u.signOff.visit.Finished() || !u.signOff.saveBtn.Disabled() {
		t.Error("the demo's finished visit can be signed without reopening it")
	}
}
