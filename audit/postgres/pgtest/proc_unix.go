//go:build unix

package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// account is the unprivileged account the cluster runs as when the tests
// run as root (initdb and the server refuse root); nil means the current user.
type account struct{ uid, gid int }

// serverUser is nil for an ordinary user, or the postgres account for root.
func serverUser() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs the unprivileged 'postgres' account, which does not exist (%v)", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &account{uid: uid, gid: gid}, nil
}

// chown gives path to the account.
func (a *account) chown(path string) error {
	if a == nil {
		return nil
	}
	return os.Chown(path, a.uid, a.gid)
}

// runAs makes cmd run as the account; a server also gets its own process
// group and the parent-death signal.
func (a *account) runAs(cmd *exec.Cmd, server bool) {
	attr := &syscall.SysProcAttr{}
	if a != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid), NoSetGroups: true}
	}
	if server {
		attr.Setpgid = true
		setParentDeath(attr)
	}
	cmd.SysProcAttr = attr
}

// stopSignal is a step of stopping the server.
type stopSignal int

// The steps: PostgreSQL's fast shutdown, its immediate shutdown, and a kill.
const (
	stopFast stopSignal = iota
	stopImmediate
	stopKill
)

func signalServer(p *os.Process, sig stopSignal) {
	switch sig {
	case stopFast:
		p.Signal(syscall.SIGINT)
	case stopImmediate:
		p.Signal(syscall.SIGQUIT)
	default:
		syscall.Kill(-p.Pid, syscall.SIGKILL)
	}
}

// holdDir takes the lock of a cluster folder without waiting; it fails
// while another live process holds it. The kernel lets go when the
// holder dies.
func holdDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
