package main

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"

	"techwalk/app"
)

func runGUI(cli *CLI, args []string) error {
	fs := cli.newFlags("gui")
	db := dbFlag(fs)
	open := fs.String("open", app.OpenHome, "screen to open: "+strings.Join(app.OpenScreens, ", ")+" (checklist resumes the latest visit)")
	size := fs.String("size", "1280x800", "window size WIDTHxHEIGHT")
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%gx%g", &w, &h); err != nil || w < 200 || h < 200 {
		return fmt.Errorf("--size %q: write it as WIDTHxHEIGHT, e.g. 1024x768", *size)
	}
	if !slices.Contains(app.OpenScreens, *open) {
		return fmt.Errorf("--open %q: use one of %s", *open, strings.Join(app.OpenScreens, ", "))
	}
	store, err := openForGUI(*db)
	if err != nil {
		return recoverGUI(*db, err)
	}
	defer store.Close()
	defer closeOnSignal(store, quitGUI)()
	return app.Run(store, app.Options{Open: *open, Size: fyne.NewSize(w, h)})
}
