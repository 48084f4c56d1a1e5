package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"techwalk/audit/sqlite"
)

// signalGrace is how long the app may take to close its window after
// SIGTERM or Ctrl-C before the store is closed under it.
const signalGrace = 5 * time.Second

// closeOnSignal makes SIGTERM and SIGINT end the app cleanly: it asks the
// GUI to quit, so runGUI returns and closes the store itself; if that has
// not happened within signalGrace, it closes the store (waiting for a save
// in progress to finish) and exits. Call stop once runGUI is done.
func closeOnSignal(store *sqlite.Store, quit func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		quit()
		select {
		case <-done:
		case <-time.After(signalGrace):
			store.Close()
			os.Exit(1)
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// quitGUI asks the running Fyne app, if there is one, to quit on its own goroutine.
func quitGUI() {
	if a := fyne.CurrentApp(); a != nil {
		fyne.Do(a.Quit)
	}
}
