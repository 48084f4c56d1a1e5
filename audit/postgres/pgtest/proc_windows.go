package pgtest

import (
	"fmt"
	"os"
	"os/exec"
)

type account struct{}

// serverUser refuses: the tests start PostgreSQL on Unix systems only.
func serverUser() (*account, error) {
	return nil, fmt.Errorf("%w: the tests start a cluster on Linux and other Unix systems only", ErrNoPostgres)
}

func (a *account) chown(string) error { return nil }

func (a *account) runAs(*exec.Cmd, bool) {}

func lockThread() {}

type stopSignal int

const (
	stopFast stopSignal = iota
	stopImmediate
	stopKill
)

func signalServer(p *os.Process, _ stopSignal) { p.Kill() }

// holdDir is never reached on Windows (serverUser refuses first).
func holdDir(dir string) (*os.File, error) { return os.Open(dir) }
