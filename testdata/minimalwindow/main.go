// Command minimalwindow is the baseline for TechWalk's cold-start benchmark:
// the smallest Fyne program that opens a window of the same size with one label.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.techwalk.minimalwindow")
	w := a.NewWindow("Minimal Fyne window")
	w.SetContent(widget.NewLabel("Hello"))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
}
