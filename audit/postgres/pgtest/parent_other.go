//go:build unix && !linux

package pgtest

import "syscall"

// setParentDeath does nothing where there is no parent-death signal; Stop
// and the end of TestMain still stop the server.
func setParentDeath(*syscall.SysProcAttr) {}

func lockThread() {}
