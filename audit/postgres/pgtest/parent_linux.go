package pgtest

import (
	"runtime"
	"syscall"
)

// setParentDeath makes the kernel send the server SIGQUIT (PostgreSQL's
// immediate shutdown) when the process that started it dies, so a test
// binary that panics or is killed leaves no server behind.
func setParentDeath(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGQUIT }

// lockThread keeps the calling goroutine on its OS thread for good:
// Linux sends the parent-death signal when the thread that started the
// child ends, and this thread ends with the goroutine, after the server.
func lockThread() { runtime.LockOSThread() }
