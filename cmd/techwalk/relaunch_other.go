//go:build !unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// relaunch runs the same command again in a new process, so the app opens
// the restored database in a new window (Fyne runs one app per process),
// and exits with its status.
func relaunch() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("restart TechWalk: %w", err)
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("restart TechWalk: %w", err)
	}
	os.Exit(0)
	return nil
}
