//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"
)

// relaunch replaces this process with a fresh run of the same command, so
// the app opens the restored database in a new window (Fyne runs one app
// per process).
func relaunch() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("restart TechWalk: %w", err)
	}
	return fmt.Errorf("restart TechWalk: %w", syscall.Exec(exe, os.Args, os.Environ()))
}
