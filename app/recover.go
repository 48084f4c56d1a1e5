package app

import (
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"techwalk/assets"
)

// RecoveryTitle is the title of the window shown when the database cannot be opened.
const RecoveryTitle = "TechWalk: the database cannot be opened"

// recoveryShown is how many of the newest backups the recovery window offers.
const recoveryShown = 5

// RunRecovery shows why the database at dbPath could not be opened and the
// newest backups, each with a "Restore this backup" button that asks for
// confirmation. It blocks until the window closes and returns the chosen
// backup, or ok=false when the user quit.
func RunRecovery(dbPath string, openErr error, backups []string) (restore string, ok bool) {
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow(RecoveryTitle)
	w.SetContent(recoveryView(w, dbPath, openErr, backups, func(path string) {
		restore, ok = path, path != ""
		a.Quit()
	}))
	w.Resize(fyne.NewSize(900, 560))
	w.ShowAndRun()
	return restore, ok
}

// recoveryView builds the recovery window's content; done receives the
// confirmed backup, or "" for Quit.
func recoveryView(w fyne.Window, dbPath string, openErr error, backups []string, done func(string)) fyne.CanvasObject {
	message := widget.NewLabel(openErr.Error())
	message.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabelWithStyle("TechWalk could not open "+dbPath, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	rows := container.NewVBox()
	if len(backups) == 0 {
		rows.Add(widget.NewLabel("There is no automatic backup of this database. Run 'techwalk check' in a terminal for details."))
	} else {
		rows.Add(widget.NewLabel("Newest automatic backups (the current file is kept as a backup before restoring):"))
	}
	for i, b := range backups {
		if i == recoveryShown {
			break
		}
		rows.Add(backupRow(w, b, done))
	}
	quit := widget.NewButton("Quit", func() { done("") })
	return container.NewBorder(container.NewVBox(intro, message), container.NewHBox(quit), nil, nil, container.NewVScroll(rows))
}

// backupRow shows one backup with its size and a restore button that asks first.
func backupRow(w fyne.Window, backup string, done func(string)) fyne.CanvasObject {
	label := filepath.Base(backup)
	if info, err := os.Stat(backup); err == nil {
		label = fmt.Sprintf("%s  (%s, %d KB)", label, info.ModTime().Format("2006-01-02 15:04"), (info.Size()+1023)/1024)
	}
	button := widget.NewButton("Restore this backup", func() {
		dialog.ShowConfirm("Restore this backup?",
			"Replace the database with "+filepath.Base(backup)+"?\nThe current file is kept as a backup first.",
			func(yes bool) {
				if yes {
					done(backup)
				}
			}, w)
	})
	return container.NewBorder(nil, nil, nil, button, widget.NewLabel(label))
}
