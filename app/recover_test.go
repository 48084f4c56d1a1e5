package app

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// findButton returns the first laid-out button labelled text, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

// labelsText joins the text of every laid-out label.
func labelsText(o fyne.CanvasObject) string {
	var sb strings.Builder
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok {
			sb.WriteString(l.Text + "\n")
		}
	}
	return sb.String()
}

func TestRecoveryRestoresOnlyAfterConfirmation(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	backups := []string{"/data/backups/techwalk-20261102T090000.000Z-visit-end.db", "/data/backups/techwalk-20261101T090000.000Z-visit-end.db"}
	var got []string
	openErr := errors.New("/data/techwalk.db: the database file is damaged; run 'techwalk check'")
	w.SetContent(recoveryView(w, "/data/techwalk.db", openErr, backups, func(b string) { got = append(got, b) }))
	w.Resize(fyne.NewSize(900, 560))
	text := labelsText(w.Content())
	for _, want := range []string{"damaged", "techwalk check", "techwalk-20261102T090000.000Z-visit-end.db"} {
		if !strings.Contains(text, want) {
			t.Errorf("the window does not show %q:\n%s", want, text)
		}
	}
	restore := findButton(w.Content(), "Restore this backup")
	if restore == nil {
		t.Fatal("no restore button")
	}
	test.Tap(restore)
	if len(got) != 0 {
		t.Fatalf("restored %v before confirming", got)
	}
	overlay := w.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no confirmation dialog")
	}
	yes := findButton(overlay, "Yes")
	if yes == nil {
		t.Fatal("the confirmation dialog has no Yes button")
	}
	test.Tap(yes)
	if len(got) != 1 || got[0] != backups[0] {
		t.Fatalf("chosen backups = %v, want the newest", got)
	}
	test.Tap(findButton(w.Content(), "Quit"))
	if len(got) != 2 || got[1] != "" {
		t.Fatalf("Quit reported %v, want an empty choice", got)
	}
}
