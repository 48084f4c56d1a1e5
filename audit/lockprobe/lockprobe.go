//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

// Package lockprobe looks, from outside, at the locks SQLite holds on a
// database: a test asks it from a second process whether the process that
// has the database open still holds its locks, the ones a close of any other
// descriptor of the file would silently drop under POSIX locking.
package lockprobe

import (
	"fmt"
	"os"
	"syscall"
)

// SQLite's unix lock bytes: the shared range of the database file (held by
// every connection in WAL mode while it is open) and the -shm file's
// "dead man switch" byte (held by every process that maps the WAL index).
const (
	pendingByte = 0x40000000
	sharedFirst = pendingByte + 2
	sharedSize  = 510
	shmDMS      = (22+8)*4 + 8
)

// Held says which of SQLite's locks another process holds on a database.
type Held struct {
	Database bool // a shared lock on the database file
	SHM      bool // the -shm file's dead man switch
}

// Probe reports which of the locks an open WAL database keeps some other
// process holds on the database at path. It takes no lock itself; call it
// from a process that does not have the database open.
func Probe(path string) (Held, error) {
	db, err := conflicting(path, sharedFirst, sharedSize)
	if err != nil {
		return Held{}, err
	}
	shm, err := conflicting(path+"-shm", shmDMS, 1)
	return Held{Database: db, SHM: shm}, err
}

// conflicting asks the kernel whether a write lock on [start, start+n) of
// the file would conflict with a lock another process holds (F_GETLK sees
// POSIX and OFD locks alike).
func conflicting(path string, start, n int64) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, fmt.Errorf("probe %s: %w", path, err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: start, Len: n}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return false, fmt.Errorf("probe %s: %w", path, err)
	}
	return lk.Type != syscall.F_UNLCK, nil
}
