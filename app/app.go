package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"techwalk/assets"
	"techwalk/audit"
)

// AppID identifies TechWalk to the operating system (preferences, data folders).
const AppID = "org.techwalk.app"

// Run opens the main window on the store and blocks until it is closed.
func Run(store *audit.Store) error {
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("TechWalk")
	home, err := newHome(store)
	if err != nil {
		return err
	}
	w.SetContent(home.buildUI())
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
	return nil
}

// home lists the schools with their last visit.
type home struct {
	store   *audit.Store
	schools []audit.School
	list    *widget.List
}

func newHome(store *audit.Store) (*home, error) {
	h := &home{store: store}
	var err error
	h.schools, err = store.Schools(context.Background())
	return h, err
}

func (h *home) buildUI() fyne.CanvasObject {
	h.list = widget.NewList(
		func() int { return len(h.schools) },
		func() fyne.CanvasObject { return widget.NewLabel("school") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(h.schools[i].Name) },
	)
	title := widget.NewLabelWithStyle(fmt.Sprintf("Schools (%d)", len(h.schools)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(title, nil, nil, nil, h.list)
}
