package app

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"techwalk/audit/sqlite"
)

// minTouch is the smallest tap target a finger hits reliably (44x44 points).
const minTouch = 44

// tapArea is the part of a tappable widget that takes a tap: a check only
// reacts inside its own minimum size, every other widget over its size.
func tapArea(o fyne.CanvasObject) fyne.Size {
	if c, ok := o.(*widget.Check); ok {
		return o.Size().Min(c.MinSize())
	}
	return o.Size()
}

// smallTargets lists the visible tappable widgets of the window smaller
// than minTouch either way.
func smallTargets(u *ui) []string {
	var out []string
	for _, o := range shownObjects(u.win.Content()) {
		if _, ok := o.(fyne.Tappable); !ok || o.Size().IsZero() {
			continue
		}
		if name := reflect.TypeOf(o).String(); strings.Contains(name, "scrollBar") || strings.Contains(name, "focusSelectable") {
			continue // scroll bars are dragged; selectable text is not a control
		}
		if s := tapArea(o); s.Width < minTouch || s.Height < minTouch {
			out = append(out, fmt.Sprintf("%s %q %.0fx%.0f", reflect.TypeOf(o), widgetText(o), s.Width, s.Height))
		}
	}
	return out
}

// shownObjects lists o and everything drawn inside it, skipping what is
// hidden along with all it holds.
func shownObjects(o fyne.CanvasObject) []fyne.CanvasObject {
	if o == nil || !o.Visible() {
		return nil
	}
	out := []fyne.CanvasObject{o}
	var kids []fyne.CanvasObject
	switch w := o.(type) {
	case *fyne.Container:
		kids = w.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(w).Objects()
	}
	for _, k := range kids {
		out = append(out, shownObjects(k)...)
	}
	return out
}

// widgetText names a widget in a failure message.
func widgetText(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *widget.Button:
		return w.Text
	case *widget.Check:
		return w.Text
	case *widget.Select:
		return w.Selected
	case *widget.Entry:
		return w.PlaceHolder
	case *fieldEntry:
		return w.PlaceHolder
	}
	return ""
}

func TestEveryTapTargetIsFingerSizedInPortrait(t *testing.T) {
	u, s, _ := newTestUI(t)
	u.win.Resize(fyne.NewSize(768, 1024))
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	visits, _ := s.Visits(ctx, sqlite.VisitFilter{})
	v := visits[0]
	if _, err := s.ReopenVisit(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	var failures []string
	check := func(screen string) {
		for _, f := range smallTargets(u) {
			failures = append(failures, screen+": "+f)
		}
		if w := u.win.Content().MinSize().Width; w > 768 {
			failures = append(failures, fmt.Sprintf("%s: needs %.0f points across, wider than the screen", screen, w))
		}
	}
	h := loadedHome(u)
	check("home")
	h.showTab(true)
	check("home, recent visits")
	u.showSchool(v.SchoolID)
	check("school and rooms")
	vs := u.showVisit(v.ID)
	check("room picker")
	c := vs.onPickRoom(vs.rooms[0].ID)
	waitForScreens(u)
	for i := range c.sections {
		c.showSection(i)
		check("checklist section " + c.sections[i])
	}
	test.Tap(c.feedbackBtn)
	check("feedback")
	test.Tap(u.feedback.kioskBtn)
	check("feedback kiosk")
	u.feedback.setKiosk(false)
	u.showFinish(v.ID)
	check("finish")
	fs := loadedFindings(u, v.ID)
	fs.list.Select(0)
	check("findings")
	u.showSettings()
	check("settings")
	is := u.showImport()
	is.load("rooms.csv", []byte(roomsWithBadKind))
	check("import")
	ex := u.showExport(v.ID)
	ex.previewJob.wait()
	check("export")
	if len(failures) > 0 {
		t.Fatalf("%d tap targets smaller than %dx%d at 768x1024:\n%s", len(failures), minTouch, minTouch, strings.Join(failures, "\n"))
	}
}

func TestFindingsListFitsEightAScreen(t *testing.T) {
	u, s, _ := newTestUI(t)
	u.win.Resize(fyne.NewSize(1280, 800))
	if _, err := s.CreateDemo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	fs := loadedFindings(u, "")
	test.LaidOutObjects(u.win.Content())
	row := fs.newRow().MinSize().Height + theme.Padding() // the list's separator
	if n := int(fs.list.Size().Height / row); n < 8 {
		t.Fatalf("%d findings fit in the %.0f-point list at 1280x800 (rows %.0f points), want 8 or more", n, fs.list.Size().Height, row)
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, _ := c.RGBA()
		ch := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(bl)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func TestLightThemeContrast(t *testing.T) {
	th := newTouchTheme()
	v := theme.VariantLight
	bg := th.Color(theme.ColorNameBackground, v)
	for _, c := range []struct {
		name fyne.ThemeColorName
		min  float64
	}{{theme.ColorNameButton, 1.25}, {theme.ColorNameInputBorder, 2.5}, {theme.ColorNameSuccess, 4.5}} {
		if got := contrast(th.Color(c.name, v), bg); got < c.min {
			t.Errorf("light %s on the background: contrast %.2f, want at least %.2f", c.name, got, c.min)
		}
	}
	if got := contrast(th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameButton, v)); got < 4.5 {
		t.Errorf("button text on a light button: contrast %.2f, want at least 4.5", got)
	}
}
