package app

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// viewerWait is how long xdg-open gets to say it found no program for a
// file; one still running after that is showing it.
const viewerWait = 3 * time.Second

// openInViewer hands a saved file to the system's program for its kind and
// says when none took it. On Linux and the BSDs (outside Flatpak) it runs
// xdg-open and waits for its verdict, since it exits non-zero when nothing
// handles the file; elsewhere the system's own opener, through Fyne.
func openInViewer(a fyne.App, uri fyne.URI) error {
	if uri.Scheme() != "file" || !usesXDGOpen() {
		u, err := url.Parse(uri.String())
		if err != nil {
			return err
		}
		return a.OpenURL(u)
	}
	var out bytes.Buffer
	cmd := exec.Command("xdg-open", uri.Path())
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("xdg-open could not be started: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("xdg-open: %v %s", err, strings.TrimSpace(out.String()))
		}
		return nil
	case <-time.After(viewerWait):
		return nil
	}
}

// usesXDGOpen reports whether files are opened with xdg-open here.
func usesXDGOpen() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return os.Getenv("FLATPAK_ID") == ""
	}
	return false
}

// onOpenAnswer opens the saved report when the user said yes, in the
// background; when no program takes it, a dialog says where the file is.
func (f *finishScreen) onOpenAnswer(uri fyne.URI, open bool) {
	f.openAsk = nil
	if !open {
		return
	}
	f.opening.start(func() func() {
		err := openInViewer(f.u.app, uri)
		return func() {
			if err != nil {
				f.noViewer = newNoViewerDialog(f.u, uri, err)
				f.noViewer.dlg.Show()
			}
		}
	})
}

// noViewerDialog says that no program opened the report and where it is,
// with the full path to copy.
type noViewerDialog struct {
	path    *widget.Label
	copyBtn *widget.Button
	dlg     *dialog.CustomDialog
}

func newNoViewerDialog(u *ui, uri fyne.URI, cause error) *noViewerDialog {
	n := &noViewerDialog{path: wrapLabel(uri.Path())}
	n.path.Selectable = true
	n.path.TextStyle = fyne.TextStyle{Bold: true}
	n.copyBtn = widget.NewButtonWithIcon("Copy the path", theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(uri.Path())
		n.copyBtn.SetText("Path copied")
	})
	why := smallLabel("(" + cause.Error() + ")")
	body := container.NewVBox(
		wrapLabel("The report is saved, but no program on this computer opened it (a PDF viewer may not be installed). You find it here:"),
		n.path, tallBox(n.copyBtn), why)
	n.dlg = dialog.NewCustom("No PDF viewer opened the report", "Close", body, u.win)
	n.dlg.Resize(dialogSize(u.win, 560))
	return n
}
