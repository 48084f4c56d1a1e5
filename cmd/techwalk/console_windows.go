//go:build windows

package main

import (
	"os"
	"strings"
	"syscall"
)

// The Windows exe is a GUI program, so that no console window opens when
// it starts from the Start menu; a command typed in a terminal would then
// print nowhere. Before such a command runs, attach to the terminal that
// started it and write there, unless its output is already redirected.
func init() {
	if !opensApp(os.Args[1:]) {
		attachParentConsole()
	}
}

// opensApp tells whether the arguments open the window (as Run reads them).
func opensApp(args []string) bool {
	args = versionAlias(args)
	if len(args) == 0 || args[0] == "gui" {
		return true
	}
	return strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help"
}

// attachParentConsole points standard output and error at the parent's
// console when they have no handle of their own.
func attachParentConsole() {
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return // started from Explorer, or already on a console
	}
	for _, std := range []struct {
		id   int
		file **os.File
	}{{syscall.STD_OUTPUT_HANDLE, &os.Stdout}, {syscall.STD_ERROR_HANDLE, &os.Stderr}} {
		if h, err := syscall.GetStdHandle(std.id); err == nil && h != 0 && h != syscall.InvalidHandle {
			continue // redirected to a file or a pipe: keep it
		}
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			*std.file = f
		}
	}
}
