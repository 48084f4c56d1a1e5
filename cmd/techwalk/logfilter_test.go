package main

import (
	"bytes"
	"errors"
	"io"
	"log"
	"os"
	"strings"
	"testing"

	"early.techwalk/logfilter"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
)

// logTo sends the standard logger to w for the rest of the test.
func logTo(t *testing.T, w io.Writer) {
	old := log.Writer()
	log.SetOutput(w)
	t.Cleanup(func() { log.SetOutput(old) })
}

func TestLogFilterDropsOnlyFynesHarmlessComplaints(t *testing.T) {
	var out bytes.Buffer
	logTo(t, logfilter.New(&out))
	fyne.LogError("Error parsing user locale C", errors.New("language: tag is not well-formed"))
	fyne.LogError("Getting favorite locations", errors.New("this computer does not define a VIDEOS folder"))
	fyne.LogError("Getting favorite locations", errors.New("uri is not listable"))
	if out.Len() != 0 {
		t.Errorf("harmless complaints were printed:\n%s", out.String())
	}
	fyne.LogError("Getting favorite locations", errors.New("open /home/x/Documents: permission denied"))
	fyne.LogError("Failed to save the file", errors.New("disk full"))
	log.Println("a plain log line")
	got := out.String()
	for _, want := range []string{"Getting favorite locations", "permission denied", "Failed to save the file", "disk full", "a plain log line"} {
		if !strings.Contains(got, want) {
			t.Errorf("a real message was hidden: %q missing from\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 7 {
		t.Errorf("%d lines, want 7 (two errors of three lines and one plain line):\n%s", n, got)
	}
}

// TestFileDialogIsQuiet opens a real save dialog, whose favourite-folder
// lookup complains when the computer lacks a standard folder.
func TestFileDialogIsQuiet(t *testing.T) {
	a := test.NewTempApp(t)
	defer a.Quit()
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(fyne.NewSize(800, 600))
	var raw, filtered bytes.Buffer
	logTo(t, io.MultiWriter(&raw, logfilter.New(&filtered)))
	dialog.NewFileSave(func(fyne.URIWriteCloser, error) {}, w).Show()
	if filtered.Len() != 0 {
		t.Errorf("the file dialog printed:\n%s", filtered.String())
	}
	if !strings.Contains(raw.String(), "Getting favorite locations") {
		home, _ := os.UserHomeDir()
		t.Logf("this computer has every standard folder in %s: the dialog had nothing to complain about", home)
	}
}
